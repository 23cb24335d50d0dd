"""An uploaded file's name obeys the input rules like every other value: "x\u202egpj.pdf" (shown as
"xfdp.jpg") was stored as "xgpj.pdf" without a word (Django drops the characters it cannot print),
while a title with U+202E is refused at its field. Now the name is refused at the file's field with
the same message, in the API and the web form, and nothing is stored."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.models import Document, DocumentVersion

from .factories import sample_pdf, use_tmp_document_storage, web_session

pytestmark = pytest.mark.django_db

# name, the code point the message names
REFUSED_NAMES = [
    ("x\u202egpj.pdf", "U+202E"),
    ("\u2066memo.pdf", "U+2066"),
    ("memo\u200f.pdf", "U+200F"),
    ("me\u200bmo.pdf", "U+200B"),
    ("\ufeffmemo.pdf", "U+FEFF"),
]


@pytest.fixture
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def stored_files(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_pdf(), content_type="application/pdf")


@pytest.mark.parametrize(("name", "code"), REFUSED_NAMES)
def test_the_api_refuses_the_name_at_the_file_field(api, officer, case, storage, tmp_path, name, code):
    url = f"/api/cases/{case.pk}/documents/"
    response = api(officer).post(
        url, {"file": _pdf(name), "title": "Memo", "document_type": "memo"}, format="multipart"
    )
    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["file"] and code in response.json()["file"][0]
    assert not Document.objects.exists() and not stored_files(tmp_path)


def test_a_new_version_with_such_a_name_is_refused_too(api, officer, case, storage, tmp_path):
    document = services.document_upload(
        user=officer, case=case, content=sample_pdf(), filename="memo.pdf", title="Memo", document_type="memo"
    )
    url = f"/api/cases/{case.pk}/documents/{document.pk}/versions/"
    response = api(officer).post(url, {"file": _pdf("x\u202egpj.pdf")}, format="multipart")
    assert response.status_code == 400 and "U+202E" in response.json()["file"][0], response.json()
    assert DocumentVersion.objects.filter(document=document).count() == 1
    assert len(stored_files(tmp_path)) == 1


def test_the_web_form_shows_the_refusal_at_the_file(client, officer, case, storage, tmp_path):
    web_session(client, officer)
    data = {"title": "Memo", "document_type": "memo", "file": _pdf("x\u202egpj.pdf")}
    response = client.post(reverse("documents:case", args=[case.pk]), data)
    assert response.status_code in (200, 400)
    assert "U+202E" in response.context["form"].errors["file"][0]
    assert not Document.objects.exists() and not stored_files(tmp_path)


def test_other_names_are_taken_as_before(api, officer, case, storage):
    """A plain name is stored as given; a joiner (accepted by the input rules) Django drops as ever."""
    url = f"/api/cases/{case.pk}/documents/"
    for name, stored in (("memo 2026 (def).pdf", "memo 2026 (def).pdf"), ("emoji\u200d.pdf", "emoji.pdf")):
        response = api(officer).post(
            url, {"file": _pdf(name), "title": "Memo", "document_type": "memo"}, format="multipart"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["versions"][0]["original_filename"] == stored
