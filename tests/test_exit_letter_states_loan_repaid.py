"""The Kamerbrief about the exit of a loan says what was repaid on it before. A loan repaid in full
drafts no letter of its own: a repayment is a return on the position, which Invest-NL reports in its
annual report ("Invest-NL rapporteert in haar jaarverslagen de gedane transacties", letter 2023,
"Evaluatieparagraaf"), as it does dividend and interest; the letter goes out when the State's holding
ends, at the full exit that closes the position ("Na een transactie informeert EZK de Eerste en Tweede
Kamer"; the service's own reading: the transactions parliament is told of are those that take, change
or end the stake, bev.constants.TransactionKind). Found by trying the product: a €10m convertible loan
repaid in full and closed with a full exit for nothing drafted "Er is geen verkoopopbrengst voor de
voorziening." and nothing more, which reads as a loss of €10m while all of it came back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bev import services
from parliament.composition import compose_letter, letter_facts
from parliament.models import LetterRequest

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, order_sale
from .test_kamerbrief_content import facts

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def loan(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    today = timezone.localdate()
    position = invest_in_case(
        ready,
        proposer=manager,
        approver=manager2,
        amount=10 * M,
        instrument="convertible_loan",
        booked_on=today - timedelta(days=90),
    )
    order_sale(ready, recorder=secretariat, confirmer=secretariat2)
    return position


def _exit_letter(position, manager, *, proceeds, fraction):
    services.exit_book(
        user=manager, position=position, proceeds=proceeds, fraction_sold_percent=fraction, idempotency_key="exit"
    )
    request = LetterRequest.objects.get(case_id=position.case_id, kind__in=["partial_exit", "full_exit"])
    found = letter_facts(request=request, chamber="tweede_kamer", letter_date=request.executed_on)
    return found, compose_letter(found).body


def test_a_loan_repaid_in_full_then_closed_says_it_was_repaid(loan, manager):
    services.return_book(user=manager, position=loan, kind="repayment", amount=10 * M, idempotency_key="repaid-all")
    assert not LetterRequest.objects.filter(kind__in=["partial_exit", "full_exit"]).exists()
    found, text = _exit_letter(loan, manager, proceeds=0, fraction=100)
    assert found["loan_repaid"] == 10 * M
    assert "Er is geen verkoopopbrengst voor de voorziening." in text
    assert "Op de lening is vóór deze transactie in totaal € 10.000.000 afgelost" in text


def test_a_partly_repaid_loan_sold_says_what_was_repaid_before(loan, manager):
    services.return_book(user=manager, position=loan, kind="repayment", amount=4 * M, idempotency_key="repaid-4")
    found, text = _exit_letter(loan, manager, proceeds=6 * M, fraction=100)
    assert found["loan_repaid"] == 4 * M
    assert "De verkoopopbrengst voor de voorziening bedraagt € 6.000.000." in text
    assert "Op de lening is vóór deze transactie in totaal € 4.000.000 afgelost" in text


def test_a_repayment_reversed_is_not_stated(loan, manager):
    entry = services.return_book(
        user=manager, position=loan, kind="repayment", amount=4 * M, idempotency_key="repaid-4"
    )
    services.entry_reverse(user=manager, entry=entry, reason="Verkeerde positie.", idempotency_key="undo")
    found, text = _exit_letter(loan, manager, proceeds=10 * M, fraction=100)
    assert found["loan_repaid"] == 0
    assert "afgelost" not in text


def test_shares_sold_say_nothing_of_repayments():
    text = compose_letter(facts(kind="full_exit", amount=6 * M, sale_cost=5 * M, sale_result=M)).body
    assert "afgelost" not in text


def test_a_classified_case_states_the_repayment_in_the_annex_only():
    composed = compose_letter(
        facts(
            kind="full_exit",
            amount=Decimal("0.00"),
            sale_cost=0,
            sale_result=0,
            loan_repaid=10 * M,
            classification="geheim",
        )
    )
    assert "afgelost" not in composed.body
    assert "in totaal € 10.000.000 afgelost" in composed.confidential_annex


def test_a_loan_repaid_in_full_is_closed_by_a_full_exit_for_nothing(loan, manager, api):
    """The only way to close the position (and so the case): a full exit. Its entry had no line that
    was not zero (no proceeds, no cost left, no result) and the booking failed with a server error
    (an INSERT of no rows into the running balances)."""
    services.return_book(user=manager, position=loan, kind="repayment", amount=10 * M, idempotency_key="repaid")
    response = api(manager).post(
        f"/api/positions/{loan.pk}/exits/",
        {"proceeds": "0", "fraction_sold_percent": "100", "idempotency_key": "close"},
        format="json",
    )
    assert response.status_code == 201, response.content[:300]
    loan.refresh_from_db()
    assert loan.is_exited
    assert (response.json()["cost_derecognised"], response.json()["realised_result"]) == ("0.00", "0.00")
