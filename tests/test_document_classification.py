"""A document is classified at least as high as its case; lowering it is never silent: it needs the
right (document.lower_classification) and a reason, and it is recorded in the audit trail."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditRecord
from core.classification import Classification
from documents.models import Document
from documents.services import document_upload

from .factories import sample_pdf, use_tmp_document_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def upload(client, case, **fields):
    data = {"file": SimpleUploadedFile("memo.pdf", sample_pdf()), "title": "Memo", "document_type": "memo", **fields}
    return client.post(f"/api/cases/{case.pk}/documents/", data, format="multipart")


def test_higher_than_the_case_is_fine(api, case, assessor):
    response = upload(api(assessor), case, classification=Classification.GEHEIM)
    assert response.status_code == 201 and response.json()["classification"] == "geheim"


def test_lower_than_the_case_without_a_reason_is_refused(api, case, officer):
    response = upload(api(officer), case, classification=Classification.INTERN)
    assert response.status_code == 400 and "classification_reason" in response.json()
    assert not Document.objects.exists()


def test_lower_than_the_case_by_someone_without_the_right_is_refused(api, case, assessor):
    response = upload(api(assessor), case, classification=Classification.INTERN, classification_reason="Openbaar stuk")
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_authorised_user_lowers_with_a_reason_and_it_is_audited(api, case, officer):
    response = upload(
        api(officer), case, classification=Classification.OPENBAAR, classification_reason="Gepubliceerd persbericht"
    )
    assert response.status_code == 201
    assert response.json()["classification"] == "openbaar"
    assert response.json()["classification_reason"] == "Gepubliceerd persbericht"
    record = AuditRecord.objects.get(event="document.upload")
    assert record.changes["classification_reason"] == "Gepubliceerd persbericht"


def test_above_ones_own_clearance_is_refused(api, case, officer, make_user):
    from access.roles import Role
    from cases.services import case_team_add

    limited = make_user("limited", Role.CASE_OFFICER, clearance=Classification.VERTROUWELIJK)
    case_team_add(user=officer, case=case, member=limited, role=Role.CASE_OFFICER)
    response = upload(api(limited), case, classification=Classification.GEHEIM)
    assert response.status_code == 400 and "classification" in response.json()


@pytest.fixture
def secret_document(case, officer):
    return document_upload(
        user=officer,
        case=case,
        title="Ambtsbericht",
        document_type="memo",
        content=sample_pdf(),
        filename="a.pdf",
        classification=Classification.GEHEIM,
    )


def reclassify(client, document, **data):
    return client.post(f"/api/cases/{document.case_id}/documents/{document.pk}/classification/", data)


def test_lowering_an_existing_document_needs_a_reason(api, secret_document, officer):
    response = reclassify(api(officer), secret_document, classification="vertrouwelijk")
    assert response.status_code == 400 and "classification_reason" in response.json()
    secret_document.refresh_from_db()
    assert secret_document.classification == "geheim"


def test_lowering_an_existing_document_needs_the_right(api, secret_document, assessor):
    response = reclassify(api(assessor), secret_document, classification="vertrouwelijk", reason="Afgeschaald")
    assert response.status_code == 403


def test_lowering_with_right_and_reason_is_recorded(api, secret_document, officer):
    response = reclassify(
        api(officer), secret_document, classification="vertrouwelijk", reason="Bronbescherming niet meer nodig"
    )
    assert response.status_code == 200 and response.json()["classification"] == "vertrouwelijk"
    record = AuditRecord.objects.get(event="document.reclassify")
    assert record.changes["classification"] == {"before": "geheim", "after": "vertrouwelijk"}
    assert record.changes["reason"] == "Bronbescherming niet meer nodig"


def test_raising_needs_no_reason(api, case, officer, assessor):
    document = document_upload(
        user=officer, case=case, title="Memo", document_type="memo", content=sample_pdf(), filename="a.pdf"
    )
    response = reclassify(api(assessor), document, classification="geheim")
    assert response.status_code == 200 and response.json()["classification"] == "geheim"
