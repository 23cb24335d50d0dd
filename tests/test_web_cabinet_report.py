"""The report for the ministerraad made from the web: the approved assessment's page offers it to
whom the service takes it from (the API's assessment-report: case officers and risk assessors on the
team), names the document it made and links it; a fund manager on the team sees no button and is
refused (403); an assessment not yet approved is refused with the service's words, not a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.services import assessment_start
from cases.models import Case
from documents.models import Document

from .factories import approve_assessment, use_tmp_document_storage, web_session

pytestmark = pytest.mark.django_db

BUTTON = "Rapport voor de ministerraad maken</button>"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


@pytest.fixture
def assessed_case(case):
    Case.objects.filter(pk=case.pk).update(state="risk_assessment")
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def approved(assessed_case, assessor, assessor2):
    return approve_assessment(assessed_case, lead=assessor, approver=assessor2)


def _reports(case):
    return Document.objects.filter(case=case, document_type="assessment_report")


def test_a_case_officer_makes_the_report_from_the_assessment_page(client, officer, approved):
    web_session(client, officer)
    page = client.get(reverse("assessments:detail", args=[approved.pk])).content.decode()
    action = reverse("assessments:report", args=[approved.pk])
    assert BUTTON in page and f'action="{action}"' in page
    form = page[page.index(f'action="{action}"') :]
    assert "csrfmiddlewaretoken" in form[: form.index("</form>")]

    response = client.post(action)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[approved.pk]) + "#report"
    pdf = _reports(approved.case).get(source_key="assessment-report:initial:pdf")
    assert _reports(approved.case).count() == 2  # the PDF and the editable DOCX

    after = client.get(response["Location"]).content.decode()
    assert "Het rapport voor de ministerraad is gemaakt: „Risico-inschatting voor de ministerraad (PDF)”." in after
    assert f'href="{reverse("documents:detail", args=[approved.case.pk, pdf.pk])}"' in after
    assert BUTTON not in after  # made for this revision: the page links it instead


def test_without_the_right_no_button_and_a_post_is_refused(client, manager, approved):
    web_session(client, manager)  # on the team, may read the assessment, may not make the report
    page = client.get(reverse("assessments:detail", args=[approved.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert BUTTON not in body and reverse("assessments:report", args=[approved.pk]) not in body
    assert client.post(reverse("assessments:report", args=[approved.pk])).status_code == 403
    assert not _reports(approved.case).exists()


def test_an_assessment_not_approved_is_refused_with_a_message(client, officer, assessor, assessed_case):
    draft = assessment_start(user=assessor, case=assessed_case)
    web_session(client, officer)
    assert BUTTON not in client.get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    response = client.post(reverse("assessments:report", args=[draft.pk]))
    assert response.status_code == 400
    assert "Alleen een goedgekeurde risico-inschatting gaat als rapport naar de ministerraad." in (
        response.content.decode()
    )
    assert not _reports(assessed_case).exists()


def test_the_form_needs_its_csrf_token(officer, approved):
    client = Client(enforce_csrf_checks=True)
    web_session(client, officer)
    assert client.post(reverse("assessments:report", args=[approved.pk])).status_code == 403
    assert not _reports(approved.case).exists()
