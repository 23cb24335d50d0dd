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

from .factories import (
    approve_assessment,
    approve_investment_proposal,
    case_to_investment_preparation,
    fund_with_tranches,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def invested(case, manager, manager2, secretariat, secretariat2):
    """€10m decided and invested in equity; the case in monitoring."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=10 * M, instruments=["equity"]
    )
    position = services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=Decimal("20"))
    disbursement = services.disbursement_propose(user=manager, position=position, amount=10 * M, idempotency_key="d1")
    services.disbursement_approve(user=manager2, disbursement=disbursement)
    case_transition(user=manager, case=Case.objects.get(pk=case.pk), name="start_monitoring")
    return position


def reassess(case, lead, approver, outcome="deploy"):
    """The (shortened) re-assessment before the follow-on decision: an initial assessment approved
    while the case waits for the cabinet."""
    return approve_assessment(Case.objects.get(pk=case.pk), lead=lead, approver=approver, outcome=outcome)


def move(api, user, case, name, reason=""):
    return api(user).post(f"/api/cases/{case.pk}/transitions/", {"name": name, "reason": reason}, format="json")


def test_more_than_decided_needs_a_new_kabinetsbesluit(
    api, officer, secretariat, secretariat2, manager, invested, assessor, assessor2
):
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
    reassess(case, assessor, assessor2)  # the cabinet decides on a fresh risk assessment
    decision = cabinet_decision_record(
        user=secretariat,
        case=case,
        meeting_date=date.today(),
        reference="MR-2026-02",
        deploy=True,
        instruments=["equity"],
        max_amount=15 * M,
    )
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


def test_a_declined_follow_on_leaves_the_earlier_decision_in_force(
    api, officer, secretariat, secretariat2, manager, invested
):
    case = invested.case
    move(api, officer, case, "request_follow_on_decision", "Extra kapitaal gevraagd")
    decision = cabinet_decision_record(
        user=secretariat,
        case=Case.objects.get(pk=case.pk),
        meeting_date=date.today(),
        reference="MR-2026-03",
        deploy=False,
    )
    cabinet_decision_confirm(user=secretariat2, decision=decision)
    assert move(api, secretariat, case, "resume_after_follow_on_decision").json()["state"] == "monitoring"
    with pytest.raises(Conflict) as refused:
        services.reservation_book(user=manager, position=invested, amount=M, idempotency_key="r1")
    assert refused.value.code == "cabinet_decision_limit" and "MR-2026-01" in refused.value.message


def test_a_follow_on_is_decided_only_on_a_fresh_assessment_advising_deployment(
    api, officer, secretariat, assessor, assessor2, invested
):
    """Issue 20: "the case goes back through a (shortened) risk assessment, including the
    strategic-behaviour check ("steeds"), and a new kabinetsbesluit"."""
    from assessments.models import Assessment

    case = invested.case
    move(api, officer, case, "request_follow_on_decision", "Nieuwe financieringsronde")

    def record():
        return cabinet_decision_record(
            user=secretariat,
            case=Case.objects.get(pk=case.pk),
            meeting_date=date.today(),
            reference="MR-2026-04",
            deploy=True,
            instruments=["equity"],
            max_amount=15 * M,
        )

    with pytest.raises(Conflict) as refused:  # no assessment since the request
        record()
    assert refused.value.code == "follow_on_assessment_required"
    reassess(case, assessor, assessor2, outcome="do_not_deploy")
    with pytest.raises(Conflict) as refused:  # the fresh assessment advises against it
        record()
    assert refused.value.code == "follow_on_assessment_required"

    # A revision made for the follow-on answers the critical checks afresh (strategic behaviour: "steeds").
    from assessments.services import assessment_revise

    approved = Assessment.objects.filter(case=case, status="approved").order_by("-approved_at").first()
    revision = assessment_revise(user=assessor, assessment=approved)
    assert set(revision.checks.values_list("answer", flat=True)) == {"undetermined"}
    assert set(revision.conditions.values_list("status", flat=True)) != {"undetermined"}  # carried over


def test_a_declined_follow_on_needs_no_fresh_assessment(api, officer, secretariat, secretariat2, invested):
    """Only a decision *to deploy* rests on the fresh assessment; declining does not."""
    case = invested.case
    move(api, officer, case, "request_follow_on_decision", "Extra kapitaal gevraagd")
    decision = cabinet_decision_record(
        user=secretariat,
        case=Case.objects.get(pk=case.pk),
        meeting_date=date.today(),
        reference="MR-2026-05",
        deploy=False,
    )
    assert decision.pk is not None


def test_a_follow_on_proposal_adds_its_amount_below_the_new_maximum(
    api, officer, secretariat, secretariat2, manager, invested, assessor, assessor2
):
    """The approved proposals bind the money together (bev.services.ledger._check_approved_proposals):
    €10m proposed and invested under the first decision, €5m more proposed under a follow-on decision
    allowing €30m: €15m in all, whatever room the cabinet's maximum leaves."""
    case = invested.case
    move(api, officer, case, "request_follow_on_decision", "Nieuwe financieringsronde, € 5 mln extra")
    case = Case.objects.get(pk=case.pk)
    reassess(case, assessor, assessor2)
    decision = cabinet_decision_record(
        user=secretariat,
        case=case,
        meeting_date=date.today(),
        reference="MR-2026-06",
        deploy=True,
        instruments=["equity"],
        max_amount=30 * M,
    )
    cabinet_decision_confirm(user=secretariat2, decision=decision)
    assert move(api, secretariat, case, "resume_after_follow_on_decision").json()["state"] == "monitoring"
    approve_investment_proposal(Case.objects.get(pk=case.pk), amount=5 * M)
    services.reservation_book(user=manager, position=invested, amount=5 * M, idempotency_key="r1")
    with pytest.raises(Conflict) as refused:
        services.reservation_book(user=manager, position=invested, amount=Decimal("0.01"), idempotency_key="r2")
    assert refused.value.code == "investment_proposal_limit"
    assert "€ 15.000.000,00" in refused.value.message and refused.value.extra["left"] == "0.00"
