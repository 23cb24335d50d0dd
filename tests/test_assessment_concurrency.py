"""Assessors acting on the same assessment at once: one wins, the other gets 409, nothing half-done.

Runs against PostgreSQL with real parallel connections."""

from datetime import timedelta

from django.utils import timezone

from access.roles import Role
from assessments import services
from assessments.models import Assessment, AssessmentReview, ConsultationRequest
from cases.models import Case
from cases.services import case_team_add
from core.exceptions import Conflict

from .concurrency import POSTGRES_ONLY, race
from .factories import fill_initial_assessment, start_risk_assessment

pytestmark = POSTGRES_ONLY


def test_two_assessors_start_at_once_one_assessment(officer, assessor, assessor2, case):
    start_risk_assessment(case, officer=officer)

    def start(user):
        return lambda: services.assessment_start(user=user, case=Case.objects.get(pk=case.pk))

    results = race([start(assessor), start(assessor2)])
    assert sum(isinstance(r, Assessment) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert Assessment.objects.filter(case=case).count() == 1


def test_approve_and_return_at_once_one_wins(officer, assessor, assessor2, make_user, case):
    assessor3 = make_user("assessor3", Role.RISK_ASSESSOR)
    case_team_add(user=officer, case=case, member=assessor3, role=Role.RISK_ASSESSOR)
    start_risk_assessment(case, officer=officer)
    assessment = services.assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    services.assessment_submit(user=assessor, assessment=assessment)

    def approve():
        return services.assessment_approve(user=assessor2, assessment=Assessment.objects.get(pk=assessment.pk))

    def send_back():
        return services.assessment_return(
            user=assessor3, assessment=Assessment.objects.get(pk=assessment.pk), comments="Nog niet."
        )

    results = race([approve, send_back])
    assert sum(isinstance(r, Assessment) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert AssessmentReview.objects.filter(assessment=assessment).count() == 1
    assessment.refresh_from_db()
    assert assessment.status in {"approved", "draft"}


def test_answer_and_waiver_at_once_one_wins(officer, assessor, make_user, case):
    advisor = make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    assessment = services.assessment_start(user=assessor, case=case)
    request = services.consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="jenv",
        advisor=advisor,
        question="?",
        covers=["vital_processes"],
        due_date=timezone.localdate() + timedelta(days=1),
    )

    def answer():
        return services.consultation_answer(
            user=advisor,
            consultation=ConsultationRequest.objects.get(pk=request.pk),
            position="supports",
            advice="Steun.",
        )

    def waive():
        return services.consultation_waive(
            user=assessor, consultation=ConsultationRequest.objects.get(pk=request.pk), reason="Haast."
        )

    results = race([answer, waive])
    assert sum(isinstance(r, ConsultationRequest) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    request.refresh_from_db()
    assert request.status in {"answered", "waived"}
    assert bool(request.advice) == (request.status == "answered")
    assert bool(request.waiver_reason) == (request.status == "waived")
