"""Consultation (afstemming): the lead assessor asks ministries for advice with a due date; the
assessment cannot be finalised while an advice is open unless waived with a recorded reason;
overdue requests are flagged by the periodic task."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from access.roles import Role
from assessments.constants import ConsultationStatus
from assessments.models import ConsultationRequest
from assessments.services import assessment_start
from assessments.tasks import flag_overdue_consultations
from audit.models import AuditRecord
from cases.services import case_team_add

from .factories import fill_initial_assessment, start_risk_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor(make_user):
    return make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")


@pytest.fixture
def assessment(officer, assessor, advisor, case):
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    return assessment


def request_advice(client, assessment, **overrides):
    data = {
        "ministry": "jenv",
        "advisor": "adviseur",
        "question": "Deelt JenV de inschatting van de dreiging?",
        "covers": ["state_actor_influence", "vital_processes"],
        "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }
    data.update(overrides)
    return client.post(f"/api/assessments/{assessment.pk}/consultations/", data, format="json")


def test_an_open_advice_blocks_submission(api, assessor, assessment):
    response = request_advice(api(assessor), assessment)
    assert response.status_code == 201, response.json()
    response = api(assessor).post(f"/api/assessments/{assessment.pk}/submit/")
    assert response.status_code == 409
    assert response.json()["code"] == "consultation_open"
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_the_answer_unblocks(api, assessor, advisor, assessment):
    cid = request_advice(api(assessor), assessment).json()["id"]
    response = api(advisor).post(
        f"/api/consultations/{cid}/answer/",
        {"position": "concerns", "advice": "Steun, met zorgen over de termijn."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "answered"
    # Version 2: an advice with concerns needs EZK's recorded response before "deploy".
    response = api(assessor).post(f"/api/assessments/{assessment.pk}/submit/")
    assert response.status_code == 409 and response.json()["code"] == "insufficient_information"
    response = api(assessor).post(
        f"/api/consultations/{cid}/respond/",
        {"response": "De termijn is ruim genoeg; toegelicht in het dossier."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert api(assessor).post(f"/api/assessments/{assessment.pk}/submit/").status_code == 200
    detail = api(assessor).get(f"/api/assessments/{assessment.pk}/").json()
    assert detail["consultations"][0]["position"] == "concerns"
    assert detail["consultations"][0]["advice"] == "Steun, met zorgen over de termijn."


def test_a_waiver_needs_a_reason_and_unblocks(api, assessor, assessor2, assessment):
    cid = request_advice(api(assessor), assessment).json()["id"]
    response = api(assessor).post(f"/api/consultations/{cid}/waive/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert (
        api(assessor2).post(f"/api/consultations/{cid}/waive/", {"reason": "x"}, format="json").status_code == 403
    )  # only the lead
    response = api(assessor).post(
        f"/api/consultations/{cid}/waive/",
        {"reason": "Transactie sluit morgen; advies mondeling ontvangen."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "waived" and response.json()["waived_by"] == "assessor"
    assert AuditRecord.objects.filter(event="consultation.waive").count() == 1
    assert api(assessor).post(f"/api/assessments/{assessment.pk}/submit/").status_code == 200
    assert api(assessor2).post(f"/api/assessments/{assessment.pk}/approve/", {}, format="json").status_code == 200
    context_advice = api(assessor).get(f"/api/assessments/{assessment.pk}/").json()["consultations"][0]
    assert context_advice["waiver_reason"] == "Transactie sluit morgen; advies mondeling ontvangen."


def test_answered_or_waived_requests_cannot_be_answered_again(api, assessor, advisor, assessment):
    cid = request_advice(api(assessor), assessment).json()["id"]
    api(assessor).post(f"/api/consultations/{cid}/waive/", {"reason": "Niet meer nodig."}, format="json")
    response = api(advisor).post(
        f"/api/consultations/{cid}/answer/", {"position": "supports", "advice": "Ok"}, format="json"
    )
    assert response.status_code == 409


def test_request_needs_an_advisor_on_the_team_covered_parts_and_a_future_date(
    api, officer, assessor, make_user, assessment
):
    make_user("adviseur2", Role.DEPARTMENT_ADVISOR)
    client = api(assessor)
    for overrides, field in [
        ({"advisor": "adviseur2"}, "advisor"),  # not on the case team
        ({"advisor": "assessor2"}, "advisor"),  # on the team, but not as advisor
        ({"covers": ["no_such_part"]}, "covers"),
        ({"covers": []}, "covers"),
        ({"due_date": "2020-01-01"}, "due_date"),
        ({"ministry": "other"}, "ministry_other"),
        ({"ministry": "xx"}, "ministry"),
    ]:
        response = request_advice(client, assessment, **overrides)
        assert response.status_code == 400 and field in response.json(), (overrides, response.json())
    assert not ConsultationRequest.objects.exists()
    ienw = make_user("adviseur_ienw", Role.DEPARTMENT_ADVISOR, organisation="Infrastructuur en Waterstaat")
    case_team_add(user=officer, case=assessment.case, member=ienw, role=Role.DEPARTMENT_ADVISOR)
    response = request_advice(
        client, assessment, ministry="other", ministry_other="Infrastructuur en Waterstaat", advisor="adviseur_ienw"
    )
    assert response.status_code == 201 and response.json()["ministry_label"] == "Infrastructuur en Waterstaat"


def test_only_the_lead_requests_advice(api, assessor2, assessment):
    assert request_advice(api(assessor2), assessment).status_code == 403


def test_overdue_requests_are_flagged_once_and_the_lead_told(
    api, assessor, assessment, django_capture_on_commit_callbacks
):
    cid = request_advice(api(assessor), assessment).json()["id"]
    ConsultationRequest.objects.filter(pk=cid).update(due_date=timezone.localdate() - timedelta(days=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_consultations.delay().get() == 1
    assert flag_overdue_consultations.delay().get() == 0  # flagged once
    consultation = ConsultationRequest.objects.get(pk=cid)
    assert consultation.overdue_flagged_at is not None and consultation.status == ConsultationStatus.OPEN
    assert AuditRecord.objects.filter(event="consultation.overdue", case_id=assessment.case_id).count() == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["adviseur@test.bev.example", "assessor@test.bev.example"]
    assert assessment.case.reference in mail.outbox[0].subject
    assert assessment.case.target_name not in mail.outbox[0].body  # no case content in mail
    detail = api(assessor).get(f"/api/assessments/{assessment.pk}/").json()
    assert detail["consultations"][0]["overdue"] is True
    # Still blocking: overdue is not answered.
    assert api(assessor).post(f"/api/assessments/{assessment.pk}/submit/").status_code == 409


def test_requests_due_today_or_later_are_not_flagged(api, assessor, assessment):
    cid = request_advice(api(assessor), assessment).json()["id"]
    ConsultationRequest.objects.filter(pk=cid).update(due_date=timezone.localdate())
    assert flag_overdue_consultations.delay().get() == 0
