"""Walks on the money of one case under its kabinetsbesluit: the decided maximum reached by several
positions in different instruments (the letter's three: "aandelen, in aandelen converteerbare
leningen of leningen met warrants"), and a dilution, which the 2023 letter names as a way of
winding down ("afstoten of verwateren") without saying whether parliament is informed of it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bev import services
from bev.selectors import fund_overview
from core.exceptions import Conflict
from parliament.models import LetterRequest

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
CENT = Decimal("0.01")


@pytest.fixture
def decided(case, manager, secretariat, secretariat2):
    """The letter's fund; the cabinet allowed EUR 30m in the case, in equity or a convertible loan."""
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(
        case,
        recorder=secretariat,
        confirmer=secretariat2,
        max_amount=30 * M,
        instruments=("equity", "convertible_loan"),
    )


def test_the_decided_maximum_is_reached_by_two_positions_together(decided, manager, manager2):
    loan = services.position_create(
        user=manager,
        case=decided,
        instrument="convertible_loan",
        principal=10 * M,
        interest_rate_percent=Decimal("4.0"),
        conversion_terms="Converteerbaar bij de volgende ronde.",
    )
    equity = invest_in_case(decided, proposer=manager, approver=manager2, amount=20 * M)
    # exactly at the maximum with the second position
    services.reservation_book(user=manager, position=loan, amount=10 * M, idempotency_key="loan-r1")
    overview = fund_overview()
    assert (overview["deployed"], overview["reserved"], overview["available"]) == (20 * M, 10 * M, 70 * M)
    # one cent more, on either position, is refused with what is left under the decision
    for position, key in ((loan, "loan-r2"), (equity, "equity-r2")):
        with pytest.raises(Conflict) as refused:
            services.reservation_book(user=manager, position=position, amount=CENT, idempotency_key=key)
        assert refused.value.code == "cabinet_decision_limit"
        assert refused.value.extra["left"] == "0.00" and refused.value.extra["committed"] == "30000000.00"
    assert fund_overview()["reserved"] == 10 * M


def test_a_dilution_drafts_no_letter_and_the_form_says_so(decided, manager, manager2, client):
    position = invest_in_case(
        decided, proposer=manager, approver=manager2, amount=10 * M, ownership_percent=Decimal("40"), shares=4000
    )
    letters_before = LetterRequest.objects.count()
    services.dilution_record(user=manager, position=position, issued_on=date(2026, 5, 1), ownership_after=Decimal("32"))
    assert LetterRequest.objects.count() == letters_before
    web_session(client, manager)
    page = client.get(reverse("bev:position", args=[position.pk])).content.decode()
    assert "geen transactie van het fonds" in page and "aanname van de dienst" in page


def test_the_next_letter_states_the_dilution_since_the_last_transaction(
    decided, manager, manager2, secretariat, secretariat2
):
    """The dilution drafts no letter, but the next transaction's letter says it happened: its stake
    would otherwise read as a larger sale than the record shows (found by trying the product)."""
    from django.db import transaction
    from django.utils import timezone

    from parliament.composition import compose_letter, letter_facts

    from .factories import order_sale
    from .test_position_lifecycle import put_in_state

    today = timezone.localdate()
    position = invest_in_case(
        decided, proposer=manager, approver=manager2, amount=10 * M, ownership_percent=Decimal("25"), shares=2500
    )
    services.dilution_record(user=manager, position=position, issued_on=today, ownership_after=Decimal("20"))
    order_sale(decided, recorder=secretariat, confirmer=secretariat2)
    put_in_state(decided, "exit")
    with transaction.atomic():
        services.exit_book(
            user=manager, position=position, proceeds=7 * M, fraction_sold_percent=50, idempotency_key="d-exit"
        )
    request = LetterRequest.objects.filter(position_id=position.pk, kind="partial_exit").get()
    facts = letter_facts(request=request, chamber="tweede_kamer", letter_date=today)
    assert [d["ownership_after"] for d in facts["dilutions"]] == [Decimal("20")]
    text = compose_letter(facts)
    both = text.body + text.confidential_annex
    assert "verwaterd tot 20%" in both and "bedraagt na deze transactie 10%" in both
