"""Four eyes, across the service: whoever prepares a decision cannot also approve it.

- the risk assessment: drawn up by one assessor, approved by another;
- the kabinetsbesluit: recorded by one person of the secretariat, confirmed by another;
- a disbursement from the fund: proposed by one fund manager, approved (booked) by another;
- the Kamerbrief: written/submitted by one liaison, approved by another.

Each refusal is a 403 with code "four_eyes", changes nothing, and leaves the audit trail with
two different people on every approval."""

from decimal import Decimal

import pytest
from django.db import transaction

from access.roles import Role
from audit.models import AuditRecord
from cases.constants import State
from cases.models import CabinetDecision, Case
from core.exceptions import PermissionDenied

from .factories import (
    add_liaisons,
    case_to_investment_preparation,
    fill_initial_assessment,
    fund_with_tranches,
    start_risk_assessment,
    transaction_event,
)

pytestmark = pytest.mark.django_db


def _refused(call):
    with pytest.raises(PermissionDenied) as info:
        call()
    assert info.value.code == "four_eyes"


# ------------------------------------------------------------------------------------------------
# The kabinetsbesluit (cases)
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def at_cabinet(case):
    Case.objects.filter(pk=case.pk).update(state=State.CABINET_DECISION)
    return Case.objects.get(pk=case.pk)


def _record(api, user, case):
    return api(user).post(
        f"/api/cases/{case.pk}/cabinet-decisions/",
        {
            "meeting_date": "2026-11-20",
            "reference": "MR-2026-47",
            "deploy": True,
            "instruments": ["equity"],
            "max_amount": "25000000.00",
        },
        format="json",
    )


def test_the_recorder_of_a_cabinet_decision_cannot_confirm_it(api, at_cabinet, secretariat):
    decision_id = _record(api, secretariat, at_cabinet).json()["id"]
    response = api(secretariat).post(f"/api/cases/{at_cabinet.pk}/cabinet-decisions/{decision_id}/confirm/")
    assert response.status_code == 403 and response.json()["code"] == "four_eyes"
    assert CabinetDecision.objects.get(pk=decision_id).confirmed_at is None
    # and the case cannot move on an unconfirmed decision
    moved = api(secretariat).post(
        f"/api/cases/{at_cabinet.pk}/transitions/", {"name": "start_investment_preparation"}, format="json"
    )
    assert moved.status_code == 409
    assert Case.objects.get(pk=at_cabinet.pk).state == State.CABINET_DECISION


def test_a_second_person_confirms_and_the_case_moves_on(api, at_cabinet, secretariat, secretariat2):
    decision_id = _record(api, secretariat, at_cabinet).json()["id"]
    confirmed = api(secretariat2).post(f"/api/cases/{at_cabinet.pk}/cabinet-decisions/{decision_id}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_by"] == "secretariat2"
    moved = api(secretariat).post(
        f"/api/cases/{at_cabinet.pk}/transitions/", {"name": "start_investment_preparation"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["state"] == State.INVESTMENT_PREPARATION
    recorded = AuditRecord.objects.get(event="cabinet_decision.record", object_id=str(decision_id))
    approved = AuditRecord.objects.get(event="cabinet_decision.confirm", object_id=str(decision_id))
    assert recorded.actor_id != approved.actor_id


def test_the_second_pair_of_eyes_must_hold_the_role_on_the_case(api, at_cabinet, secretariat, officer):
    decision_id = _record(api, secretariat, at_cabinet).json()["id"]
    response = api(officer).post(f"/api/cases/{at_cabinet.pk}/cabinet-decisions/{decision_id}/confirm/")
    assert response.status_code == 403
    assert CabinetDecision.objects.get(pk=decision_id).confirmed_at is None


# ------------------------------------------------------------------------------------------------
# The risk assessment (assessments)
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def submitted_assessment(case, officer, assessor):
    from assessments.services import assessment_start, assessment_submit

    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    return assessment_submit(user=assessor, assessment=assessment)


def test_the_author_of_an_assessment_cannot_approve_it(submitted_assessment, assessor):
    from assessments.models import Assessment
    from assessments.services import assessment_approve

    _refused(lambda: assessment_approve(user=assessor, assessment=submitted_assessment))
    assert Assessment.objects.get(pk=submitted_assessment.pk).status == submitted_assessment.status


def test_another_assessor_approves_the_assessment(submitted_assessment, assessor, assessor2):
    from assessments.services import assessment_approve

    approved = assessment_approve(user=assessor2, assessment=submitted_assessment)
    assert approved.outcome == "deploy"
    events = AuditRecord.objects.filter(
        object_id=str(submitted_assessment.pk), event__in=["assessment.submit", "assessment.approve"]
    )
    assert {e.event: e.actor_username for e in events} == {
        "assessment.submit": "assessor",
        "assessment.approve": "assessor2",
    }


# ------------------------------------------------------------------------------------------------
# A disbursement (bev)
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def proposed_disbursement(case, secretariat, secretariat2, manager):
    from bev import services

    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = services.position_create(
        user=manager, case=ready, instrument="equity", ownership_percent=Decimal("30"), shares=3000
    )
    return services.disbursement_propose(
        user=manager, position=position, amount=Decimal("10000000.00"), idempotency_key="four-eyes-1"
    )


def test_the_proposer_of_a_disbursement_cannot_approve_it(proposed_disbursement, manager):
    from bev.models import Disbursement, JournalEntry
    from bev.services import disbursement_approve

    entries = JournalEntry.objects.count()
    _refused(lambda: disbursement_approve(user=manager, disbursement=proposed_disbursement))
    assert Disbursement.objects.get(pk=proposed_disbursement.pk).status == "proposed"
    assert JournalEntry.objects.count() == entries  # nothing booked


def test_another_fund_manager_approves_and_books(proposed_disbursement, manager, manager2):
    from bev.services import disbursement_approve

    booked = disbursement_approve(user=manager2, disbursement=proposed_disbursement)
    assert booked.status == "booked"
    assert Case.objects.get(pk=proposed_disbursement.position.case_id).state == State.INVESTED


def test_a_disbursement_outside_ones_need_to_know_is_not_found_and_stays_proposed(
    proposed_disbursement, manager2, make_user, api
):
    """Approving needs the case file: a fund manager off the team, or on it without the clearance
    for the case's classification, gets 404 (not even that it exists), and nothing is booked."""
    from bev.models import Disbursement, JournalEntry
    from core.classification import Classification

    entries = JournalEntry.objects.count()
    url = f"/api/disbursements/{proposed_disbursement.pk}/approve/"
    off_team = make_user("manager3", Role.FUND_MANAGER)
    assert api(off_team).post(url, {}, format="json").status_code == 404
    case = proposed_disbursement.position.case
    case.classification = Classification.GEHEIM
    case.save()
    manager2.clearance = Classification.VERTROUWELIJK
    manager2.save()
    assert api(manager2).post(url, {}, format="json").status_code == 404
    assert api(manager2).post("/api/disbursements/nonsense/approve/", {}, format="json").status_code == 404
    assert api(manager2).post(f"/api/disbursements/{2**40}/approve/", {}, format="json").status_code == 404
    assert Disbursement.objects.get(pk=proposed_disbursement.pk).status == "proposed"
    assert JournalEntry.objects.count() == entries
    manager2.clearance = Classification.GEHEIM
    manager2.save()
    response = api(manager2).post(url, {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "booked"
    assert response.json()["proposed_by"] == "manager"


# ------------------------------------------------------------------------------------------------
# The Kamerbrief (parliament)
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def liaisons(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON), make_user("kamer2", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def letter_in_review(case, officer, manager, liaisons):
    from parliament import services
    from parliament.models import LetterDraft

    add_liaisons(case, by=officer, liaisons=list(liaisons))
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(case, user=manager))
    services.letter_drafts_make(request_id=request.pk)
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    letter = services.letter_set_reference(user=liaisons[0], letter=letter, our_reference="DGED-EV / 99497318")
    return services.letter_submit(user=liaisons[0], letter=letter)


def test_the_author_of_a_kamerbrief_cannot_approve_it(letter_in_review, liaisons):
    from parliament.models import LetterDraft
    from parliament.services import letter_approve

    _refused(lambda: letter_approve(user=liaisons[0], letter=letter_in_review))
    assert LetterDraft.objects.get(pk=letter_in_review.pk).status == "in_review"


def test_an_editor_of_the_text_cannot_approve_it_either(letter_in_review, liaisons):
    from parliament.services import letter_approve, letter_return_to_draft, letter_submit, letter_update

    letter = letter_return_to_draft(user=liaisons[1], letter=letter_in_review, reason="Alinea 2 aanscherpen.")
    letter = letter_update(
        user=liaisons[1], letter=letter, body=letter.body + "\n\nAangescherpt.", expected_revision=letter.revision
    )
    letter = letter_submit(user=liaisons[0], letter=letter)
    _refused(lambda: letter_approve(user=liaisons[1], letter=letter))
    _refused(lambda: letter_approve(user=liaisons[0], letter=letter))


def test_another_liaison_approves_the_kamerbrief(letter_in_review, liaisons):
    from parliament.services import letter_approve

    approved = letter_approve(user=liaisons[1], letter=letter_in_review)
    assert approved.status == "approved" and approved.approved_by == liaisons[1]


# ------------------------------------------------------------------------------------------------
# Across the service
# ------------------------------------------------------------------------------------------------
def test_every_approval_in_the_trail_is_by_someone_other_than_its_preparer(api, at_cabinet, secretariat, secretariat2):
    decision_id = _record(api, secretariat, at_cabinet).json()["id"]
    api(secretariat2).post(f"/api/cases/{at_cabinet.pk}/cabinet-decisions/{decision_id}/confirm/")
    for approval in AuditRecord.objects.filter(action=AuditRecord.Action.APPROVE):
        created = AuditRecord.objects.filter(
            object_type=approval.object_type, object_id=approval.object_id, action=AuditRecord.Action.CREATE
        ).first()
        if created is not None and created.actor_id is not None:
            assert created.actor_id != approval.actor_id, approval


def test_an_assessment_approved_from_the_english_ui_is_recorded_in_dutch(submitted_assessment, assessor2):
    """The approved result is what the cabinet report quotes: approved from the English UI, the
    Dutch report read "Advice: deploy. The scope ground is confirmed ..." and "Risiconiveau very high"."""
    from django.utils import translation

    from assessments.models import Assessment
    from assessments.selectors import assessment_compute
    from assessments.services import assessment_approve

    with translation.override("en"):
        assessment_approve(user=assessor2, assessment=submitted_assessment)
    stored = Assessment.objects.get(pk=submitted_assessment.pk).result
    with translation.override("nl"):
        dutch = assessment_compute(Assessment.objects.get(pk=submitted_assessment.pk))
    with translation.override("en"):
        english = assessment_compute(Assessment.objects.get(pk=submitted_assessment.pk))
    texts = {key for key, value in dutch.items() if isinstance(value, str) and value != english.get(key)}
    assert texts, "no text of the result differs between the languages: the test proves nothing"
    assert {key: stored[key] for key in texts} == {key: dutch[key] for key in texts}
