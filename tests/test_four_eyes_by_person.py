"""Four eyes compares persons over the whole history of the thing approved (issue 20, section 1):
whoever wrote, proposed or recorded it never approves it, whatever role they hold on the team later,
after a change of function, a role change on the team or being removed and added again."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from access.roles import Role
from cases.constants import State
from cases.models import CabinetDecision, Case
from core.exceptions import PermissionDenied

from .factories import (
    add_liaisons,
    approve_assessment,
    case_to_investment_preparation,
    fund_with_tranches,
    start_risk_assessment,
    transaction_event,
)

pytestmark = pytest.mark.django_db


def _refused(call, code="four_eyes"):
    with pytest.raises(PermissionDenied) as info:
        call()
    assert info.value.code == code


def _change_function(*, officer, case, person, role):
    """The administrator moves the person to another function; a case officer puts the team right."""
    from cases.services import case_team_change_role

    person.role = role
    person.save(update_fields=["role"])
    case_team_change_role(user=officer, case=Case.objects.get(pk=case.pk), member=person, role=role)


def test_the_proposer_of_a_disbursement_cannot_approve_it_after_a_role_change(
    case, officer, secretariat, secretariat2, manager, manager2
):
    from bev import services
    from bev.models import Disbursement

    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = services.position_create(
        user=manager, case=ready, instrument="equity", ownership_percent=Decimal("30"), shares=3000
    )
    proposal = services.disbursement_propose(
        user=manager, position=position, amount=Decimal("10000000.00"), idempotency_key="by-person-1"
    )
    _change_function(officer=officer, case=case, person=manager, role=Role.CASE_OFFICER)
    _refused(lambda: services.disbursement_approve(user=manager, disbursement=proposal), code="permission_denied")
    _change_function(officer=officer, case=case, person=manager, role=Role.FUND_MANAGER)
    proposal = Disbursement.objects.get(pk=proposal.pk)  # as a new request reads it
    _refused(lambda: services.disbursement_approve(user=manager, disbursement=proposal))
    proposal = Disbursement.objects.get(pk=proposal.pk)
    assert proposal.status == "proposed"
    assert services.disbursement_approve(user=manager2, disbursement=proposal).status == "booked"


@pytest.fixture
def recorded(case, secretariat):
    from cases.services import cabinet_decision_record

    Case.objects.filter(pk=case.pk).update(state=State.CABINET_DECISION)
    return cabinet_decision_record(
        user=secretariat,
        case=Case.objects.get(pk=case.pk),
        meeting_date=date.today(),
        reference="MR-2026-48",
        deploy=True,
        instruments=["equity"],
        max_amount=Decimal("10000000.00"),
    )


def test_the_recorder_of_a_cabinet_decision_cannot_confirm_it_after_a_role_change(case, officer, secretariat, recorded):
    from cases.services import cabinet_decision_confirm

    _change_function(officer=officer, case=case, person=secretariat, role=Role.CASE_OFFICER)
    _change_function(officer=officer, case=case, person=secretariat, role=Role.CABINET_SECRETARIAT)
    _refused(lambda: cabinet_decision_confirm(user=secretariat, decision=recorded))
    assert CabinetDecision.objects.get(pk=recorded.pk).confirmed_at is None


def test_removing_and_adding_the_recorder_again_does_not_let_them_confirm(api, case, officer, secretariat, recorded):
    assert api(officer).delete(f"/api/cases/{case.pk}/team/secretariat/").status_code == 204
    assert (
        api(officer)
        .post(
            f"/api/cases/{case.pk}/team/", {"username": "secretariat", "role": Role.CABINET_SECRETARIAT}, format="json"
        )
        .status_code
        == 201
    )
    response = api(secretariat).post(f"/api/cases/{case.pk}/cabinet-decisions/{recorded.pk}/confirm/")
    assert response.status_code == 403 and response.json()["code"] == "four_eyes"
    assert CabinetDecision.objects.get(pk=recorded.pk).confirmed_at is None


def test_the_lead_of_an_assessment_cannot_approve_it_after_a_role_change(case, officer, assessor):
    from assessments.services import assessment_approve, assessment_start, assessment_submit

    from .factories import fill_initial_assessment

    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    assessment = assessment_submit(user=assessor, assessment=assessment)
    _change_function(officer=officer, case=case, person=assessor, role=Role.CASE_OFFICER)
    _change_function(officer=officer, case=case, person=assessor, role=Role.RISK_ASSESSOR)
    _refused(lambda: assessment_approve(user=assessor, assessment=assessment))


def test_who_drew_up_an_assessment_cannot_approve_a_revision_that_carries_their_findings(
    case, officer, assessor, assessor2, make_user
):
    """A revision led by someone else still holds the conditions and checks its first lead recorded:
    that first lead does not approve it; a third assessor does."""
    from assessments.models import Assessment
    from assessments.services import assessment_approve, assessment_revise, assessment_submit
    from cases.services import case_team_add

    assessor3 = make_user("assessor3", Role.RISK_ASSESSOR)
    case_team_add(user=officer, case=case, member=assessor3, role=Role.RISK_ASSESSOR)
    start_risk_assessment(case, officer=officer)
    first = approve_assessment(Case.objects.get(pk=case.pk), lead=assessor, approver=assessor2)
    revision = assessment_revise(user=assessor2, assessment=first)
    revision = assessment_submit(user=assessor2, assessment=revision)
    _refused(lambda: assessment_approve(user=assessor, assessment=revision))
    assert Assessment.objects.get(pk=revision.pk).status == "submitted"
    assert assessment_approve(user=assessor3, assessment=revision).status == "approved"


def test_an_earlier_submitter_of_a_kamerbrief_cannot_approve_a_later_round(case, officer, manager, make_user):
    """The letter keeps only its latest submitter; four eyes reads every round (the audit trail)."""
    from parliament import services
    from parliament.models import LetterDraft

    first, second, third = (make_user(name, Role.PARLIAMENTARY_LIAISON) for name in ("kamer", "kamer2", "kamer3"))
    add_liaisons(case, by=officer, liaisons=[first, second, third])
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(case, user=manager))
    services.letter_drafts_make(request_id=request.pk)
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    letter = services.letter_set_reference(user=first, letter=letter, our_reference="DGED-EV / 26001233")
    letter = services.letter_submit(user=first, letter=letter)
    letter = services.letter_return_to_draft(user=second, letter=letter, reason="Alinea 2 aanscherpen.")
    letter = services.letter_update(
        user=second, letter=letter, body=letter.body + "\n\nAangescherpt.", expected_revision=letter.revision
    )
    letter = services.letter_set_reference(user=second, letter=letter, our_reference="DGED-EV / 26001234")
    letter = services.letter_submit(user=second, letter=letter)
    _refused(lambda: services.letter_approve(user=first, letter=letter))
    assert LetterDraft.objects.get(pk=letter.pk).status == "in_review"
    assert services.letter_approve(user=third, letter=letter).approved_by == third
