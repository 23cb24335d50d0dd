"""The cabinet report generated from a real approved assessment: stored as documents of the case
(PDF and DOCX), linked to the assessment, versioned when the assessment is revised."""

import io

import docx
import pytest

from assessments.services import assessment_report_generate
from audit.models import AuditRecord
from cases.models import Case
from core.exceptions import Conflict, NotFound, PermissionDenied
from documents.models import Document
from documents.services import document_version_download

from . import factories
from .factories import use_tmp_document_storage

pytestmark = pytest.mark.django_db

if not hasattr(factories, "approve_assessment"):  # provided by the assessments issue
    pytest.skip("tests.factories.approve_assessment is not available yet", allow_module_level=True)


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


@pytest.fixture
def assessed_case(case):
    Case.objects.filter(pk=case.pk).update(state="risk_assessment")
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def approved(assessed_case, assessor, assessor2):
    return factories.approve_assessment(assessed_case, lead=assessor, approver=assessor2)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def test_report_is_stored_as_pdf_and_docx_documents_of_the_case(approved, assessor):
    pdf_document = assessment_report_generate(user=assessor, assessment=approved)
    case = approved.case
    assert pdf_document.case_id == case.pk and pdf_document.document_type == "assessment_report"
    assert pdf_document.classification == case.classification
    pdf = document_version_download(user=assessor, version=pdf_document.versions.get())
    assert pdf.startswith(b"%PDF")
    docx_document = (
        Document.objects.filter(case=case, document_type="assessment_report").exclude(pk=pdf_document.pk).get()
    )
    text = docx_text(document_version_download(user=assessor, version=docx_document.versions.get()))
    assert case.reference in text and case.target_name in text
    assert f"versie {approved.framework.number}" in text
    assert "Inzetten" in text
    for condition in approved.conditions.all():
        assert condition.rationale in text
    for link_document in (pdf_document, docx_document):
        assert link_document.links.get().target == approved
    assert AuditRecord.objects.filter(event="document.generate", case_id=case.pk).count() == 2


def test_docx_carries_the_case_classification_on_every_page(approved, assessor):
    assessment_report_generate(user=assessor, assessment=approved)
    docx_document = Document.objects.get(case=approved.case, source_key="assessment-report:initial:docx")
    content = document_version_download(user=assessor, version=docx_document.versions.get())
    marking = approved.case.get_classification_display().upper()
    for section in docx.Document(io.BytesIO(content)).sections:
        assert marking in section.header.paragraphs[0].text and marking in section.footer.paragraphs[0].text


def test_generating_again_for_the_same_revision_stores_nothing_new(approved, assessor):
    first = assessment_report_generate(user=assessor, assessment=approved)
    again = assessment_report_generate(user=assessor, assessment=approved)
    assert first.pk == again.pk and again.versions.count() == 1


def test_a_revised_assessment_gives_a_new_version_and_the_old_stays_readable(approved, assessor, assessor2):
    from assessments.services import assessment_approve, assessment_revise, assessment_submit

    document = assessment_report_generate(user=assessor, assessment=approved)
    revised = assessment_revise(user=assessor, assessment=approved)
    assessment_submit(user=assessor, assessment=revised)
    revised = assessment_approve(user=assessor2, assessment=revised)
    again = assessment_report_generate(user=assessor, assessment=revised)
    assert again.pk == document.pk
    assert list(again.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert document_version_download(user=assessor, version=again.versions.get(number=1)).startswith(b"%PDF")


def test_only_an_approved_assessment_goes_to_the_cabinet(assessed_case, assessor):
    from assessments.services import assessment_start

    draft = assessment_start(user=assessor, case=assessed_case)
    with pytest.raises(Conflict):
        assessment_report_generate(user=assessor, assessment=draft)
    assert not Document.objects.exists()


def test_outsiders_and_roles_without_the_right_cannot_generate(approved, outsider, manager):
    with pytest.raises(NotFound):
        assessment_report_generate(user=outsider, assessment=approved)
    with pytest.raises(PermissionDenied):
        assessment_report_generate(user=manager, assessment=approved)
    assert not Document.objects.exists()


def test_api_generates_the_report(api, approved, assessor, outsider):
    url = f"/api/cases/{approved.case_id}/documents/assessment-report/"
    response = api(assessor).post(url, {"assessment": approved.pk})
    assert response.status_code == 201, response.json()
    assert response.json()["versions"][0]["file_kind"] == "pdf"
    assert api(outsider).post(url, {"assessment": approved.pk}).status_code == 404


def test_the_report_is_dutch_whatever_language_its_maker_uses(approved, assessor):
    """The ministerraad's report is a Dutch document: generated from the English UI it has the same
    Dutch headings and title, not English headings around Dutch quotations."""
    from django.utils import translation

    with translation.override("en"):
        pdf_document = assessment_report_generate(user=assessor, assessment=approved)
    assert pdf_document.title == "Risico-inschatting voor de ministerraad (PDF)"
    docx_document = (
        Document.objects.filter(case=approved.case, document_type="assessment_report").exclude(pk=pdf_document.pk).get()
    )
    text = docx_text(document_version_download(user=assessor, version=docx_document.versions.get()))
    assert "Risiconiveau" in text and "Risk level" not in text
