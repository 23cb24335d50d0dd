"""A case's documents in the web UI: upload, versions, download, withdrawal; need-to-know."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document

from .factories import use_tmp_document_storage, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


def _upload(client, case, **extra):
    data = {
        "title": "Inlichtingenmemo",
        "document_type": "memo",
        "file": SimpleUploadedFile("memo.txt", b"Memo over de overnemer.", content_type="text/plain"),
    }
    data.update(extra)
    return client.post(reverse("documents:case", args=[case.pk]), data)


def test_upload_then_download_a_document(client, officer, case):
    web_session(client, officer)
    response = _upload(client, case)
    assert response.status_code == 302
    document = Document.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "memo.txt" in page
    download = client.get(reverse("documents:download", args=[case.pk, document.pk, 1]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download) == b"Memo over de overnemer."


def test_lower_classification_without_reason_is_a_field_error(client, officer, case):
    web_session(client, officer)
    response = _upload(client, case, classification="intern")
    assert response.status_code == 400
    assert "field-invalid" in response.content.decode()
    assert Document.objects.count() == 0


def test_non_member_cannot_reach_the_documents(client, officer, outsider, case):
    web_session(client, officer)
    _upload(client, case)
    document = Document.objects.get()
    client.logout()
    web_session(client, outsider)
    assert client.get(reverse("documents:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[case.pk, document.pk, 1])).status_code == 404


def test_withdraw_needs_a_reason(client, officer, case):
    web_session(client, officer)
    _upload(client, case)
    document = Document.objects.get()
    url = reverse("documents:withdraw", args=[case.pk, document.pk, 1])
    assert client.post(url, {"w1-reason": ""}).status_code == 400
    asked = client.post(url, {"w1-reason": "Verkeerd bestand"})  # an irreversible step asks first
    assert asked.status_code == 200 and "Bevestigen en intrekken" in asked.content.decode()
    assert document.versions.get().withdrawn_at is None
    assert client.post(url, {"w1-reason": "Verkeerd bestand", "confirm": "1"}).status_code == 302
    assert document.versions.get().withdrawn_at is not None


def test_a_document_or_version_sent_twice_is_stored_once(client, officer, case):
    """Found by trying the product: a document sent twice was stored twice (core.forms.SentOnceForm)."""
    import re

    from documents.models import DocumentVersion

    web_session(client, officer)
    page = client.get(reverse("documents:case", args=[case.pk])).content.decode()
    token = re.search(r'name="submission" value="([0-9a-f]+)"', page).group(1)
    assert _upload(client, case, submission=token).status_code == 302
    again = client.post(
        reverse("documents:case", args=[case.pk]),
        {
            "title": "Inlichtingenmemo",
            "document_type": "memo",
            "file": SimpleUploadedFile("memo.txt", b"Memo over de overnemer.", content_type="text/plain"),
            "submission": token,
        },
        follow=True,
    )
    assert "Dit formulier was al verzonden" in again.content.decode()
    document = Document.objects.get()
    page = client.get(reverse("documents:detail", args=[case.pk, document.pk])).content.decode()
    token = re.search(r'name="submission" value="([0-9a-f]+)"', page).group(1)
    url = reverse("documents:version_add", args=[case.pk, document.pk])
    for _ in range(2):
        response = client.post(url, {"file": SimpleUploadedFile("memo2.txt", b"Tweede versie."), "submission": token})
        assert response.status_code == 302
    assert DocumentVersion.objects.filter(document=document).count() == 2
