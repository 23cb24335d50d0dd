"""A follow-on investment beyond what the kabinetsbesluit allowed needs a new decision: the case goes
back to the cabinet (its positions stay, nothing is invested meanwhile), and once a new decision is
confirmed, that latest confirmed decision to deploy governs the money (with a new approved
investment proposal under it)."""

from datetime import date
from decimal import Decimal

import pytest

from bev import services
from bev.models import Position
from cases.models import Case
from cases.services import cabinet_decision_confirm, cabinet_decision_record, case_transition
from core.exceptions import Conflict

from .factories import approve_investment_proposal, case_to_investment_preparation, fund_with_tranches

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def invested(case, manager, manager2, secretariat, secretariat2):
    """€10m decided and invested in equity; the case in monitoring."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, max_amount=10 * M,
                                           instruments=["equity"])
    position = services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=Decimal("20"))
    disbursement = services.disbursement_propose(user=manager, position=position, amount=10 * M, idempotency_key="d1")
    services.disbursement_approve(user=manager2, disbursement=disbursement)
    case_transition(user=manager, case=Case.objects.get(pk=case.pk), name="start_monitoring")
    return position


def move(api, user, case, name, reason=""):
    return api(user).post(f"/api/cases/{case.pk}/transitions/", {"name": name, "reason": reason}, format="json")


def test_more_than_decided_needs_a_new_kabinetsbesluit(api, officer, secretariat, secretariat2, manager, invested):
    case = invested.case
    with pytest.raises(Conflict) as refused:
        services.reservation_book(user=manager, position=invested, amount=M, idempotency_key="r1")
    assert refused.value.code == "cabinet_decision_limit"

    assert move(api, officer, case, "request_follow_on_decision").status_code == 400  # a reason is required
    sent = move(api, officer, case, "request_follow_on_decision", "Nieuwe financieringsronde, € 5 mln extra")
    assert sent.status_code == 200 and sent.json()["state"] == "follow_on_decision"
    assert Position.objects.filter(case=case, exited_on__isnull=True).count() == 1  # the position stays
    with pytest.raises(Conflict):  # nothing is invested while the cabinet decides
        services.disbursement_propose(user=manager, position=invested, amount=M, idempotency_key="d2")

    back = move(api, secretariat, case, "resume_after_follow_on_decision")
    assert back.status_code == 409 and back.json()["extra"]["unmet"] == ["cabinet_decided_since_follow_on_request"]

    case = Case.objects.get(pk=case.pk)
    decision = cabinet_decision_record(user=secretariat, case=case, meeting_date=date.today(), reference="MR-2026-02",
                                       deploy=True, instruments=["equity"], max_amount=15 * M)
    assert move(api, secretariat, case, "resume_after_follow_on_decision").status_code == 409  # not yet confirmed
    cabinet_decision_confirm(user=secretariat2, decision=decision)
    assert move(api, secretariat, case, "resume_after_follow_on_decision").json()["state"] == "monitoring"

    # the new decision governs, once Invest-NL's proposal under it is approved
    with pytest.raises(Conflict) as refused:
        services.reservation_book(user=manager, position=invested, amount=M, idempotency_key="r2")
    assert refused.value.code == "no_approved_proposal"
    approve_investment_proposal(Case.objects.get(pk=case.pk), amount=5 * M)
    services.reservation_book(user=manager, position=invested, amount=5 * M, idempotency_key="r3")
    with pytest.raises(Conflict) as refused:
        services.reservation_book(user=manager, position=invested, amount=Decimal("0.01"), idempotency_key="r4")
    assert refused.value.code == "cabinet_decision_limit" and "MR-2026-02" in refused.value.message


def test_a_declined_follow_on_leaves_the_earlier_decision_in_force(api, officer, secretariat, secretariat2, manager,
                                                                   invested):
    case = invested.case
    move(api, officer, case, "request_follow_on_decision", "Extra kapitaal gevraagd")
    decision = cabinet_decision_record(user=secretariat, case=Case.objects.get(pk=case.pk), meeting_date=date.today(),
                                       reference="MR-2026-03", deploy=False)
    cabinet_decision_confirm(user=secretariat2, decision=decision)
    assert move(api, secretariat, case, "resume_after_follow_on_decision").json()["state"] == "monitoring"
    with pytest.raises(Conflict) as refused:
        services.reservation_book(user=manager, position=invested, amount=M, idempotency_key="r1")
    assert refused.value.code == "cabinet_decision_limit" and "MR-2026-01" in refused.value.message
