"""The Kamerbrief about an exit says "verkoopopbrengst" and states the result of the sale against the
cost of the part sold, from the exit's record (acceptance testing: "opbrengst" read as earnings, while
most of a sale's proceeds is the money once invested coming back)."""

from decimal import Decimal

import pytest

from bev import services
from parliament.composition import compose_letter, letter_facts
from parliament.models import LetterRequest

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, order_sale
from .test_kamerbrief_content import facts

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


def body(**overrides) -> str:
    return compose_letter(facts(**overrides)).body


def test_a_sale_at_a_profit_states_the_cost_and_the_result():
    text = body(kind="partial_exit", amount=6 * M, sale_cost=5 * M, sale_result=M)
    assert "De verkoopopbrengst voor de voorziening bedraagt € 6.000.000." in text
    assert (
        "Daarvan is € 5.000.000 de terugontvangen kostprijs van het verkochte deel en € 1.000.000 resultaat op "
        "de verkoop." in text
    )
    assert "De opbrengst" not in text


def test_a_sale_at_a_loss_says_how_much_less_than_the_cost():
    text = body(kind="full_exit", amount=4 * M, sale_cost=10 * M, sale_result=-6 * M)
    assert "Dat is € 6.000.000 minder dan de kostprijs van het verkochte deel (€ 10.000.000)." in text
    assert "resultaat op de verkoop" not in text


def test_a_write_off_says_the_cost_does_not_come_back():
    text = body(kind="full_exit", amount=Decimal("0.00"), sale_cost=10 * M, sale_result=-10 * M)
    assert "Er is geen verkoopopbrengst voor de voorziening." in text
    assert "De kostprijs van het verkochte deel (€ 10.000.000) komt niet terug." in text


def test_without_the_sales_record_no_result_is_stated():
    text = body(kind="partial_exit", amount=6 * M)
    assert "De verkoopopbrengst voor de voorziening bedraagt € 6.000.000." in text
    assert "kostprijs van het verkochte deel" not in text


def test_a_classified_sale_states_the_result_in_the_annex_only():
    composed = compose_letter(
        facts(kind="partial_exit", amount=6 * M, sale_cost=5 * M, sale_result=M, classification="geheim")
    )
    assert "resultaat op de verkoop" not in composed.body and "€ 5.000.000" not in composed.body
    assert "€ 1.000.000 resultaat op de verkoop" in composed.confidential_annex


def test_the_facts_of_a_booked_sale_hold_its_cost_and_result(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, shares=4000)
    order_sale(ready, recorder=secretariat, confirmer=secretariat2)
    services.exit_book(user=manager, position=position, proceeds=6 * M, fraction_sold_percent=50, idempotency_key="x")
    request = LetterRequest.objects.get(case_id=position.case_id, kind="partial_exit")
    found = letter_facts(request=request, chamber="tweede_kamer", letter_date=request.executed_on)
    assert (found["sale_cost"], found["sale_result"]) == (5 * M, M)
    assert (
        "Daarvan is € 5.000.000 de terugontvangen kostprijs van het verkochte deel en € 1.000.000 resultaat op "
        "de verkoop." in compose_letter(found).body
    )
