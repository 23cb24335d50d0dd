"""A case whose every disbursement was reversed holds nothing: it goes back to investment preparation
(`undo_invested`), as the first disbursement moved it to invested (`mark_invested`). It stayed
"Geïnvesteerd" while the record held no investment, and was stuck there: no sale (nothing invested),
no close (no position exited), no withdrawal (only before invested). The service's own reading of the
lifecycle; the letter 2023: "Wanneer de Beschermingsvoorziening wordt ingezet, neemt de Staat indirect
een belang in de onderneming": after the reversal the State holds none."""

from decimal import Decimal

import pytest

from bev.models import JournalEntry
from bev.services import reversal_approve, reversal_propose
from cases.models import Case
from cases.services import case_transition
from parliament.models import LetterRequest

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def invested(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M)


def _reverse(entry, *, proposer, approver, key):
    proposal = reversal_propose(user=proposer, entry=entry, reason="Verkeerd bedrag.", idempotency_key=key)
    reversal_approve(user=approver, proposal=proposal)


def _disbursements(position):
    return JournalEntry.objects.filter(position=position, kind="disbursement", reverses__isnull=True).order_by("id")


def test_the_case_goes_back_to_preparation_and_can_be_withdrawn(invested, manager, manager2, officer):
    assert Case.objects.get(pk=invested.case_id).state == "invested"
    _reverse(_disbursements(invested).get(), proposer=manager, approver=manager2, key="undo")
    case = Case.objects.get(pk=invested.case_id)
    assert case.state == "investment_preparation"
    assert case.timeline.filter(transition="undo_invested").exists()
    case_transition(user=officer, case=case, name="withdraw", reason="De overnemer trok zich terug.")
    assert Case.objects.get(pk=invested.case_id).state == "withdrawn"


def test_the_amount_booked_instead_makes_the_case_invested_again_as_its_first_investment(invested, manager, manager2):
    _reverse(_disbursements(invested).get(), proposer=manager, approver=manager2, key="undo")
    from bev.services import disbursement_approve, disbursement_propose

    again = disbursement_propose(user=manager, position=invested, amount=8 * M, idempotency_key="again")
    disbursement_approve(user=manager2, disbursement=again)
    assert Case.objects.get(pk=invested.case_id).state == "invested"
    assert LetterRequest.objects.get(case_id=invested.case_id, reversed_on__isnull=True).kind == "first_investment"


def test_a_case_with_a_disbursement_that_stands_stays_invested(invested, manager, manager2):
    from bev.services import disbursement_approve, disbursement_propose

    second = disbursement_propose(user=manager, position=invested, amount=2 * M, idempotency_key="second")
    disbursement_approve(user=manager2, disbursement=second)
    _reverse(_disbursements(invested).last(), proposer=manager, approver=manager2, key="undo-second")
    assert Case.objects.get(pk=invested.case_id).state == "invested"


def test_nobody_moves_a_case_with_money_in_it_back(invested, manager):
    from core.exceptions import Conflict

    with pytest.raises(Conflict):
        case_transition(user=manager, case=Case.objects.get(pk=invested.case_id), name="undo_invested")


def test_a_case_in_exit_whose_every_disbursement_is_reversed_is_not_stuck(
    invested, manager, manager2, officer, secretariat, secretariat2
):
    """The tester's walk: the cabinet ordered the sale, the case moved to exit, then the only
    disbursement was found wrong and reversed. The case stayed "Afbouw" holding nothing: no sale (409
    `not_invested`), no close (no position sold), no withdrawal, no other step: stuck for good. No sale
    stands in its way (a disbursement of a position sold from cannot be reversed: its cost would go
    below zero), so it goes back to investment preparation as from invested or monitoring."""
    from .factories import order_sale

    case = case_transition(user=manager, case=Case.objects.get(pk=invested.case_id), name="start_monitoring")
    order_sale(case, recorder=secretariat, confirmer=secretariat2)
    case = case_transition(user=manager, case=Case.objects.get(pk=case.pk), name="start_exit")
    assert case.state == "exit"
    _reverse(_disbursements(invested).get(), proposer=manager, approver=manager2, key="undo-exit")
    case = Case.objects.get(pk=invested.case_id)
    assert case.state == "investment_preparation"
    case_transition(
        user=officer, case=case, name="withdraw", reason="Niets geïnvesteerd; het belang is er nooit geweest."
    )
    assert Case.objects.get(pk=invested.case_id).state == "withdrawn"
