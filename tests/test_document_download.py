"""Downloading a document: only the case team, within their clearance, as an attachment that cannot
run in the browser, with every read in the audit trail; a tampered file is refused and reported."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from access.roles import Role
from audit.models import AuditRecord
from cases.services import case_team_add
from core.classification import Classification
from documents.services import document_upload

from .factories import sample_pdf, use_tmp_document_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    return use_tmp_document_storage(settings, tmp_path)


@pytest.fixture
def document(case, officer):
    return document_upload(
        user=officer,
        case=case,
        title="Inlichtingenmemo",
        document_type="memo",
        content=sample_pdf("geheim memo"),
        filename="memo.pdf",
    )


def url(document, number=1):
    return f"/api/cases/{document.case_id}/documents/{document.pk}/versions/{number}/download/"


def downloads(document):
    return AuditRecord.objects.filter(action=AuditRecord.Action.DOWNLOAD, case_id=document.case_id)


def test_team_member_downloads_an_attachment_that_cannot_run(api, document, assessor):
    response = api(assessor).get(url(document))
    assert response.status_code == 200
    assert response.content == sample_pdf("geheim memo")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and "memo.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_text_is_served_as_plain_text_never_as_html(api, case, officer):
    doc = document_upload(
        user=officer,
        case=case,
        title="Notitie",
        document_type="memo",
        content=b"<html><script>alert(1)</script></html>",
        filename="notitie.html",
    )
    response = api(officer).get(url(doc))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "notitie.html.txt" in response["Content-Disposition"]


def test_every_download_is_recorded_in_the_audit_trail(api, document, assessor, officer):
    api(assessor).get(url(document))
    api(assessor).get(url(document))
    api(officer).get(url(document))
    records = list(downloads(document).order_by("id"))
    assert [r.actor_username for r in records] == ["assessor", "assessor", "officer"]
    assert all(r.event == "document.download" and r.changes["document_id"] == document.pk for r in records)


def test_non_members_get_404(api, document, outsider):
    response = api(outsider).get(url(document))
    assert response.status_code == 404
    assert not downloads(document).exists()


def test_member_cleared_below_the_documents_classification_gets_404(api, case, officer, make_user):
    cleared_vertrouwelijk = make_user("junior", Role.RISK_ASSESSOR, clearance=Classification.VERTROUWELIJK)
    case_team_add(user=officer, case=case, member=cleared_vertrouwelijk, role=Role.RISK_ASSESSOR)
    secret = document_upload(
        user=officer,
        case=case,
        title="AIVD-ambtsbericht",
        document_type="memo",
        content=sample_pdf(),
        filename="ambtsbericht.pdf",
        classification=Classification.GEHEIM,
    )
    client = api(cleared_vertrouwelijk)
    assert client.get(url(secret)).status_code == 404
    assert client.get(f"/api/cases/{case.pk}/documents/{secret.pk}/").status_code == 404
    assert secret.pk not in [d["id"] for d in client.get(f"/api/cases/{case.pk}/documents/").json()["results"]]
    assert not downloads(secret).exists()


def test_document_of_another_case_is_not_reachable_through_this_case(api, document, officer, make_user):
    from .factories import make_case

    other = make_case(officer=officer)
    response = api(officer).get(f"/api/cases/{other.pk}/documents/{document.pk}/versions/1/download/")
    assert response.status_code == 404


def test_unknown_version_is_404(api, document, officer):
    assert api(officer).get(url(document, number=7)).status_code == 404


def tamper(storage, document):
    version = document.versions.get(number=1)
    path = storage / version.storage_name
    path.write_bytes(b"%PDF-1.4\n% vervalst\n")
    return version


def test_tampered_file_is_refused_with_409_and_reported(api, document, officer, storage, caplog):
    tamper(storage, document)
    response = api(officer).get(url(document))
    assert response.status_code == 409
    assert response.json()["code"] == "checksum_mismatch"
    assert "controlesom" in response.json()["message"]
    assert not downloads(document).exists()
    assert AuditRecord.objects.filter(event="document.checksum_mismatch", case_id=document.case_id).exists()
    assert "checksum_mismatch" in caplog.text


def test_missing_file_is_refused_with_409(api, document, officer, storage):
    (storage / document.versions.get().storage_name).unlink()
    assert api(officer).get(url(document)).status_code == 409
    assert AuditRecord.objects.filter(event="document.missing").exists()


def test_verify_documents_lists_mismatches_and_exits_non_zero(document, storage, capsys):
    call_command("verify_documents")
    assert "All 1 document versions match" in capsys.readouterr().out
    version = tamper(storage, document)
    with pytest.raises(CommandError, match="1 of 1"):
        call_command("verify_documents")
    out = capsys.readouterr().out
    assert "CHECKSUM_MISMATCH" in out and version.storage_name in out and "Inlichtingenmemo" in out
