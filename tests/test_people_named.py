"""People are named on the assessment's page and in the cabinet report, not shown by username.

A civil servant reads "vastgesteld door Lotte Leider", not "vastgesteld door assessor": the
usernames stay in the API and the audit trail (stable identifiers), the pages and the report name
the person (`str(user)`: the full name, or the username for an account without one)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from assessments.selectors import assessment_detail, assessment_report_context
from assessments.services import (
    assessment_approve,
    assessment_return,
    assessment_score,
    assessment_settle,
    assessment_start,
    assessment_submit,
    consultation_answer,
    consultation_request,
)
from cases.services import case_team_add

from .factories import fill_initial_assessment, start_risk_assessment, web_session

pytestmark = pytest.mark.django_db


def _name(user, first, last):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])


@pytest.fixture
def returned_assessment(officer, assessor, assessor2, case, make_user):
    """An assessment with a settled disagreement, an answered advice request and a review."""
    _name(assessor, "Lotte", "Leider")
    _name(assessor2, "Anne", "de Beoordelaar")
    advisor = make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="Defensie")
    _name(advisor, "Dirk", "Defensie")
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    core = assessment.framework.framework.core_indicators[0].code
    assessment_score(user=assessor2, assessment=assessment, indicator=core, level=1, rationale="Lager.")
    assessment_settle(user=assessor, assessment=assessment, indicator=core, level=3, rationale="Hoog gekozen.")
    request = consultation_request(
        user=assessor,
        assessment=assessment,
        ministry="defensie",
        advisor=advisor,
        question="Leverancier voor Defensie?",
        covers=[core],
        due_date=timezone.localdate() + timedelta(days=2),
    )
    consultation_answer(user=advisor, consultation=request, position="supports", advice="Defensie steunt inzet.")
    assessment_submit(user=assessor, assessment=assessment)
    return assessment_return(user=assessor2, assessment=assessment, comments="Onderbouwing aanvullen.")


def test_the_assessment_page_names_the_settler_the_reviewer_and_the_advisor(client, officer, returned_assessment):
    web_session(client, officer)
    page = client.get(reverse("assessments:detail", args=[returned_assessment.pk])).content.decode()
    assert "vastgesteld door Lotte Leider" in page
    assert "Anne de Beoordelaar: " in page  # the review history
    assert "· Dirk Defensie ·" in page  # the advice request
    for username in ("vastgesteld door assessor", "assessor2:", "· adviseur ·"):
        assert username not in page


def test_the_api_keeps_usernames_beside_the_names(returned_assessment):
    detail = assessment_detail(assessment=returned_assessment)
    settled = next(row["settlement"] for row in detail["indicators"] if row["settlement"])
    assert (settled["settled_by"], settled["settled_by_name"]) == ("assessor", "Lotte Leider")
    review = detail["reviews"][0]
    assert (review["reviewer"], review["reviewer_name"]) == ("assessor2", "Anne de Beoordelaar")
    advice = detail["consultations"][0]
    assert (advice["advisor"], advice["advisor_name"]) == ("adviseur", "Dirk Defensie")


def test_the_cabinet_report_names_the_lead_and_the_approver(assessor, assessor2, returned_assessment, make_user):
    assessment_submit(user=assessor, assessment=returned_assessment)
    approved = assessment_approve(user=assessor2, assessment=returned_assessment)
    context = assessment_report_context(assessment=approved)
    assert context["assessment"]["lead"] == "assessor"  # the record keeps the username
    assert context["assessment"]["lead_name"] == "Lotte Leider"
    assert context["assessment"]["approved_by_name"] == "Anne de Beoordelaar"

    from assessments.cabinet_report import report_outline

    outline = report_outline(context)
    facts = dict(outline.meta)
    assert facts["Eerste beoordelaar"] == "Lotte Leider"
    assert facts["Goedgekeurd door"] == "Anne de Beoordelaar"
    text = repr(outline)
    assert "Vastgesteld door Lotte Leider" in text


def test_the_generated_report_names_the_assessors(
    officer, assessor, assessor2, returned_assessment, settings, tmp_path
):
    """The document itself (DOCX), not only its outline: each score and the settlement by name."""
    import io

    import docx

    from assessments.services import assessment_report_generate
    from documents.models import Document
    from documents.services import document_version_download

    from .factories import use_tmp_document_storage

    use_tmp_document_storage(settings, tmp_path)
    assessment_submit(user=assessor, assessment=returned_assessment)
    approved = assessment_approve(user=assessor2, assessment=returned_assessment)
    assessment_report_generate(user=officer, assessment=approved)
    stored = Document.objects.get(case=approved.case, source_key="assessment-report:initial:docx")
    report = docx.Document(io.BytesIO(document_version_download(user=officer, version=stored.versions.get())))
    cells = [cell.text for table in report.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in report.paragraphs] + cells)
    assert "Lotte Leider: Hoog, Anne de Beoordelaar: Laag" in cells  # the scores of the disputed indicator
    assert "Vastgesteld door Lotte Leider: Hoog gekozen." in cells
    for username in ("assessor:", "assessor2", "adviseur"):
        assert username not in text


def test_the_audit_trail_is_filtered_by_the_name_it_shows(client, make_user, officer, officer2, case):
    """The trail's list names people; its filter takes that name (case and spacing aside) as well
    as the username its links send."""
    import re

    from cases.services import case_transition

    _name(officer, "Otto", "Officier")
    _name(officer2, "Olga", "Tweede")
    case_transition(user=officer2, case=case, name="start_intake")
    web_session(client, make_user("auditor", Role.AUDITOR))
    page = client.get(reverse("audit:trail")).content.decode()
    assert "Persoon (naam of gebruikersnaam)" in page and "Olga Tweede" in page
    for typed in ("Otto Officier", "  otto   OFFICIER ", "officer"):
        response = client.get(reverse("audit:trail"), {"user": typed})
        assert response.status_code == 200
        body = response.content.decode()
        actors = set(re.findall(r'\?user=[^"]*" title="([^"]*)">', body))
        assert actors == {"officer"}, (typed, actors)
        assert ">Otto Officier</a>" in body and "Olga Tweede" not in body
    nobody = client.get(reverse("audit:trail"), {"user": "Niemand Bekend"}).content.decode()
    assert "Geen regels gevonden." in nobody
