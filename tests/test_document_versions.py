"""A new upload of the same document is a new version; earlier versions stay readable; documents
are never deleted, a version is withdrawn with a reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditRecord
from documents.models import Document, DocumentVersion
from documents.services import document_upload

from .factories import sample_docx, sample_pdf, use_tmp_document_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


@pytest.fixture
def document(case, officer):
    return document_upload(
        user=officer,
        case=case,
        title="Waarderingsrapport",
        document_type="valuation",
        content=sample_pdf("v1"),
        filename="waardering.pdf",
    )


def base(document):
    return f"/api/cases/{document.case_id}/documents/{document.pk}"


def add_version(client, document, content, name="waardering.pdf"):
    return client.post(f"{base(document)}/versions/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_new_upload_is_a_new_version_and_earlier_ones_stay_readable(api, document, manager):
    client = api(manager)
    second = sample_docx("versie twee")  # DOCX bytes carry a timestamp: build once
    response = add_version(client, document, second, "waardering-v2.docx")
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 2 and response.json()["file_kind"] == "docx"
    assert client.get(f"{base(document)}/versions/1/download/").content == sample_pdf("v1")
    assert client.get(f"{base(document)}/versions/2/download/").content == second
    detail = client.get(f"{base(document)}/").json()
    assert detail["current_version"] == 2
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert AuditRecord.objects.filter(event="document.version_add", actor=manager).exists()


def test_a_refused_new_version_changes_nothing(api, document, manager):
    response = add_version(api(manager), document, b"MZ\x90\x00 not allowed", "waardering.exe")
    assert response.status_code == 400 and "file" in response.json()
    assert document.versions.count() == 1


def test_withdrawal_marks_the_version_with_a_reason_and_it_stays_readable(api, document, officer):
    client = api(officer)
    add_version(client, document, sample_pdf("v2"))
    response = client.post(f"{base(document)}/versions/2/withdraw/", {"reason": "Verkeerde bijlage"})
    assert response.status_code == 200
    assert response.json()["is_withdrawn"] is True
    assert response.json()["withdrawal_reason"] == "Verkeerde bijlage"
    assert response.json()["withdrawn_by"] == "officer"
    detail = client.get(f"{base(document)}/").json()
    assert detail["current_version"] == 1  # the latest version that is not withdrawn
    assert client.get(f"{base(document)}/versions/2/download/").status_code == 200
    record = AuditRecord.objects.get(event="document.withdraw")
    assert record.changes["reason"] == "Verkeerde bijlage"


def test_withdrawal_needs_a_reason(api, document, officer):
    response = api(officer).post(f"{base(document)}/versions/1/withdraw/", {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()
    assert document.versions.get().withdrawn_at is None


def test_a_version_is_withdrawn_once(api, document, officer):
    client = api(officer)
    client.post(f"{base(document)}/versions/1/withdraw/", {"reason": "Dubbel"})
    assert client.post(f"{base(document)}/versions/1/withdraw/", {"reason": "Nogmaals"}).status_code == 409


def test_a_role_without_the_withdraw_right_gets_403(api, document, secretariat):
    response = api(secretariat).post(f"{base(document)}/versions/1/withdraw/", {"reason": "Weg ermee"})
    assert response.status_code == 403
    assert document.versions.get().withdrawn_at is None


def test_documents_are_never_deleted(document):
    with pytest.raises(TypeError):
        document.delete()
    with pytest.raises(TypeError):
        Document.objects.all().delete()
    with pytest.raises(TypeError):
        DocumentVersion.objects.all().delete()
    assert Document.objects.filter(pk=document.pk).exists()


def test_there_is_no_delete_endpoint(api, document, officer):
    assert api(officer).delete(f"{base(document)}/").status_code == 405
