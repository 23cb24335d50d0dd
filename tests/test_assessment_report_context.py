"""What the cabinet report gets from an approved assessment: traceable to the evidence and the
framework version."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.roles import Role
from assessments.selectors import assessment_report_context
from assessments.services import (
    assessment_approve,
    assessment_start,
    assessment_submit,
    consultation_answer,
    consultation_request,
)
from cases.services import case_team_add

from .factories import fill_initial_assessment, start_risk_assessment

pytestmark = pytest.mark.django_db


def test_report_context_holds_everything_the_cabinet_needs(officer, assessor, assessor2, case, make_user):
    advisor = make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="Defensie")
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    request = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="defensie",
        advisor=advisor,
        question="Leverancier voor Defensie?",
        covers=["vital_processes"],
        due_date=timezone.localdate() + timedelta(days=2),
    )
    consultation_answer(user=advisor, consultation=request, position="supports", advice="Defensie steunt inzet.")
    assessment_submit(user=assessor, assessment=assessment)
    assessment = assessment_approve(user=assessor2, assessment=assessment)

    context = assessment_report_context(assessment=assessment)
    assert context["case"]["reference"] == case.reference
    assert context["case"]["acquirer_name"] == case.acquirer_name
    assert context["scope"]["ground"] == "essential_supplier" and context["scope"]["confirmed"] is True
    assert [c["status"] for c in context["conditions"]] == ["met", "met"]
    assert context["conditions"][0]["evidence"] == [
        {"title": "Analyse", "source": "EZK", "url": "", "document_id": None}
    ]
    assert context["framework"]["number"] == 4 and context["framework"]["derived_from_letter"] is True
    assert all(row["final_level"] == 3 for row in context["indicators"] if row["kind"] == "core")
    assert context["indicators"][0]["scores"][0]["assessor"] == "assessor"
    assert all(c["passes"] for c in context["checks"])
    assert context["advice"][0]["ministry_label"] == "Defensie"
    assert context["advice"][0]["position"] == "supports"
    assert context["outcome"] == "deploy" and context["outcome_label"] == "Inzetten"
    assert context["explanation"].startswith("Advies: inzetten.")
    assert context["risk_level"] == "hoog" and context["risk_level_label"] == "hoog"
    assert context["assessment"]["approved_by"] == "assessor2"
    assert context["drivers"]
