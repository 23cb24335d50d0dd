"""Uploading a document to a case: types are checked by content, size is limited, and a refused
upload changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditRecord
from documents.models import Document, DocumentVersion

from .factories import (
    SAMPLE_GIF,
    SAMPLE_JPEG,
    SAMPLE_PNG,
    sample_docx,
    sample_eml,
    sample_msg,
    sample_odt,
    sample_pdf,
    sample_xlsx,
    use_tmp_document_storage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def upload(client, case, content: bytes, name: str, **fields):
    data = {
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        "title": "Inlichtingenmemo",
        "document_type": "memo",
        **fields,
    }
    return client.post(f"/api/cases/{case.pk}/documents/", data, format="multipart")


def stored_files(storage) -> list:
    return [p for p in storage.rglob("*") if p.is_file()] if storage.exists() else []


@pytest.mark.parametrize(
    "content, name, kind",
    [
        (sample_pdf(), "memo.pdf", "pdf"),
        (sample_docx("Analyse"), "memo.docx", "docx"),
        (sample_xlsx(), "waardering.xlsx", "xlsx"),
        (sample_odt(), "memo.odt", "odt"),
        (SAMPLE_PNG, "grafiek.png", "png"),
        (SAMPLE_JPEG, "foto.jpg", "jpeg"),
        (SAMPLE_GIF, "logo.gif", "gif"),
        ("Platte tekst met é en ü".encode(), "notitie.txt", "text"),
        (sample_eml(), "signaal.eml", "eml"),
        (sample_msg(), "signaal.msg", "msg"),
    ],
)
def test_allowed_types_are_recognised_by_content(api, case, officer, storage, content, name, kind):
    response = upload(api(officer), case, content, name)
    assert response.status_code == 201, response.json()
    version = response.json()["versions"][0]
    assert version["file_kind"] == kind
    assert version["number"] == 1 and version["size"] == len(content)
    # stored under a name the uploader did not choose
    [path] = stored_files(storage)
    assert name not in str(path) and path.read_bytes() == content


def test_document_is_created_with_the_cases_classification_and_audited(api, case, officer):
    response = upload(api(officer), case, sample_pdf(), "memo.pdf", author="AIVD", document_date="2025-06-02")
    body = response.json()
    assert body["classification"] == case.classification
    assert body["author"] == "AIVD" and body["document_date"] == "2025-06-02"
    assert AuditRecord.objects.filter(event="document.upload", case_id=case.pk, actor=officer).exists()


@pytest.mark.parametrize(
    "content, name",
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50, "rapport.pdf"),  # a Windows executable, renamed
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "oud.doc"),  # OLE2 but not an Outlook message
        (b"\x00\x01binary\x00junk", "data.txt"),  # NUL bytes: not text
        (b"\xff\xfe\xfa not utf-8", "notitie.txt"),  # invalid UTF-8
        (b"", "leeg.pdf"),
    ],
)
def test_other_types_are_refused_with_a_field_error_and_nothing_changes(api, case, officer, storage, content, name):
    response = upload(api(officer), case, content, name)
    assert response.status_code == 400
    assert "file" in response.json() and response.json()["file"][0]
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert stored_files(storage) == []


def test_zip_that_is_not_an_office_document_is_refused(api, case, officer):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    response = upload(api(officer), case, buffer.getvalue(), "memo.docx")
    assert response.status_code == 400
    assert "DOCX" in response.json()["file"][0]


def test_macro_enabled_office_file_is_refused(api, case, officer):
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(sample_docx("x")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    response = upload(api(officer), case, buffer.getvalue(), "memo.docx")
    assert response.status_code == 400
    assert "macro" in response.json()["file"][0]


def test_too_large_a_file_is_refused(api, case, officer, settings, storage):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    response = upload(api(officer), case, sample_pdf("x" * 2000), "groot.pdf")
    assert response.status_code == 400
    assert "te groot" in response.json()["file"][0]
    assert not Document.objects.exists() and stored_files(storage) == []


def test_missing_file_and_bad_fields_are_field_errors(api, case, officer):
    response = api(officer).post(
        f"/api/cases/{case.pk}/documents/", {"title": "", "document_type": "poster"}, format="multipart"
    )
    assert response.status_code == 400
    assert {"file", "title", "document_type"} <= set(response.json())
    assert not Document.objects.exists()


def test_download_name_keeps_the_detected_type(api, case, officer):
    response = upload(api(officer), case, sample_pdf(), "../../etc/passwd.html")
    assert response.json()["versions"][0]["original_filename"] == "passwd.html.pdf"


def test_non_members_cannot_upload_and_learn_nothing(api, case, outsider, storage):
    response = upload(api(outsider), case, sample_pdf(), "memo.pdf")
    assert response.status_code == 404
    assert stored_files(storage) == []


def test_a_role_without_the_upload_right_gets_403(api, case, officer, make_user):
    from access.roles import Role
    from cases.services import case_team_add

    auditor = make_user("auditor", Role.AUDITOR)
    case_team_add(user=officer, case=case, member=auditor, role=Role.AUDITOR)
    response = upload(api(auditor), case, sample_pdf(), "memo.pdf")
    assert response.status_code == 403
    assert not Document.objects.exists()
