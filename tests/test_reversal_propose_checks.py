"""A proposal to reverse a four-eyes booking is refused at once when its approval would be refused
on the record as it stands: the limits after the mirror entry (here: half the stake sold, so undoing
the whole disbursement would leave the position's cost negative) and the booking date. Before, the
proposer heard it only when a second person tried to approve. The approval checks again, with the
same code: the record may change between the proposal and the decision."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bev import services as fund
from bev.models import JournalEntry, ReversalProposal
from core.exceptions import LimitExceeded, RuleViolation

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, order_sale

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def position(case, manager, manager2, secretariat, secretariat2):
    """€ 10 mln disbursed under four eyes into an equity stake; the cabinet ordered its sale."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, shares=4000)
    order_sale(position.case, recorder=secretariat, confirmer=secretariat2)
    return position


def _disbursement(position):
    return JournalEntry.objects.get(position=position, kind="disbursement", reverses__isnull=True)


def _sell_half(manager, position):
    fund.exit_book(user=manager, position=position, proceeds=6 * M, fraction_sold_percent=50, idempotency_key="sale")


def test_a_proposal_the_limits_would_refuse_is_refused_with_the_approvals_code(position, manager, api):
    _sell_half(manager, position)  # the position's cost is € 5 mln: undoing € 10 mln would make it negative
    entry = _disbursement(position)
    with pytest.raises(LimitExceeded) as refused:
        fund.reversal_propose(user=manager, entry=entry, reason="Verkeerd bedrag", idempotency_key="rev")
    assert refused.value.code == "position_cost"
    answer = api(manager).post(
        "/api/fund/reversals/",
        {"entry": entry.pk, "reason": "Verkeerd bedrag", "idempotency_key": "rev"},
        format="json",
    )
    assert answer.status_code == 409 and answer.json()["code"] == "position_cost", answer.content
    assert not ReversalProposal.objects.exists()


def test_the_approval_still_checks_the_record_as_it_is_then(position, manager, manager2):
    entry = _disbursement(position)
    proposal = fund.reversal_propose(user=manager, entry=entry, reason="Verkeerd bedrag", idempotency_key="rev")
    _sell_half(manager, position)  # the record changed after the proposal
    with pytest.raises(LimitExceeded) as refused:
        fund.reversal_approve(user=manager2, proposal=proposal)
    assert refused.value.code == "position_cost"
    assert not JournalEntry.objects.filter(reverses=entry).exists()


def test_a_proposal_dated_before_the_latest_booking_is_refused_at_its_field(position, manager):
    entry = _disbursement(position)  # booked today: the reversal cannot be dated before it
    with pytest.raises(RuleViolation) as refused:
        fund.reversal_propose(
            user=manager,
            entry=entry,
            reason="Verkeerd bedrag",
            idempotency_key="rev",
            booked_on=timezone.localdate() - timedelta(days=1),
        )
    assert refused.value.field == "booked_on"
    assert not ReversalProposal.objects.exists()


def test_a_proposal_within_the_limits_is_taken_and_approved(position, manager, manager2):
    entry = _disbursement(position)
    proposal = fund.reversal_propose(user=manager, entry=entry, reason="Verkeerd bedrag", idempotency_key="rev")
    assert fund.reversal_approve(user=manager2, proposal=proposal).reversal.reverses == entry


def test_the_web_preview_shows_the_refusal_at_the_form(client, position, manager):
    from django.urls import reverse

    from .factories import web_session

    _sell_half(manager, position)
    entry = _disbursement(position)
    web_session(client, manager)
    answer = client.post(
        reverse("bev:entry_reverse", args=[entry.pk]),
        {f"e{entry.pk}-reason": "Verkeerd bedrag", f"e{entry.pk}-idempotency_key": "web-rev"},
    )
    assert answer.status_code == 400
    assert "Tegenboeken zou de kostprijs van de positie negatief maken." in answer.content.decode()
    assert not ReversalProposal.objects.exists()
