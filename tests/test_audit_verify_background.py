"""Verifying the audit chain is a background task with a stored result (issue 22), kept as signed
evidence (issue 23): asked for in the API or the web UI (auditors, administrators), done by a Celery
worker (eager here), its status and result shown, and downloadable as a JSON document signed with
an HMAC over its time and the chain's last hash; a changed document no longer checks. A broker that
is down when it is asked for loses nothing: the periodic sweep does it."""

import json
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from audit import evidence, services, tasks
from audit.models import AuditRecord, ChainVerification

from .factories import web_session
from .processes import DEAD_BROKER, celery_broker, celery_worker
from .test_audit_tamper import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


def ask(api, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return api(user).post("/api/audit/verifications/")


def last_sealed() -> AuditRecord:
    return AuditRecord.objects.filter(seq__isnull=False).order_by("-seq").first()


def test_an_auditor_asks_for_a_verification_and_gets_its_stored_result(
    api, auditor, case, django_capture_on_commit_callbacks
):
    response = ask(api, auditor, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.json()
    pk = response.json()["id"]
    body = api(auditor).get(f"/api/audit/verifications/{pk}/").json()
    assert body["status"] == "done" and body["ok"] is True and body["first_bad_id"] is None
    last = last_sealed()
    assert body["checked"] == AuditRecord.objects.filter(seq__isnull=False).count() >= 1
    assert (body["last_seq"], body["last_hash"]) == (last.seq, last.hash)
    assert body["requested_by_username"] == "auditor"
    assert [v["id"] for v in api(auditor).get("/api/audit/verifications/").json()["results"]] == [pk]
    assert AuditRecord.objects.filter(event="audit.verify_request", actor=auditor, object_id=str(pk)).exists()
    assert AuditRecord.objects.filter(event="audit.verify", actor=auditor, object_id=str(pk)).exists()


def test_a_broken_chain_is_kept_with_its_first_bad_record(
    api, auditor, officer, case, django_capture_on_commit_callbacks
):
    services.audit_chain_seal()
    records = list(AuditRecord.objects.filter(seq__isnull=False).order_by("seq"))
    assert len(records) >= 3
    tamper("UPDATE audit_auditrecord SET object_repr = 'vervalst' WHERE id = %s", [records[1].pk])
    pk = ask(api, auditor, django_capture_on_commit_callbacks).json()["id"]
    verification = ChainVerification.objects.get(pk=pk)
    assert verification.status == "done" and verification.ok is False
    assert verification.first_bad_id == records[1].pk and "altered" in verification.problem
    assert (verification.checked, verification.last_seq, verification.last_hash) == (1, records[0].seq, records[0].hash)


@pytest.mark.parametrize("username", ["officer", "assessor", "manager", "secretariat"])
def test_other_roles_may_not_ask_see_or_download(api, auditor, username, request, django_capture_on_commit_callbacks):
    pk = ask(api, auditor, django_capture_on_commit_callbacks).json()["id"]
    user = request.getfixturevalue(username)
    assert api(user).post("/api/audit/verifications/").status_code == 403
    assert api(user).get("/api/audit/verifications/").status_code == 403
    assert api(user).get(f"/api/audit/verifications/{pk}/").status_code == 403
    assert api(user).get(f"/api/audit/verifications/{pk}/evidence/").status_code == 403
    assert api(user).post("/api/audit/verifications/evidence-check/", {}, format="json").status_code == 403
    assert ChainVerification.objects.count() == 1


def test_the_services_refuse_other_roles_whatever_calls_them(auditor, officer, case):
    from core.exceptions import PermissionDenied

    verification = services.chain_verification_request(user=auditor)
    tasks.verify_chain(verification.pk)
    verification.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.chain_verification_request(user=officer)
    with pytest.raises(PermissionDenied):
        services.chain_verification_evidence(user=officer, verification=verification)


# ---------------------------------------------------------------------------------------------
# Evidence
# ---------------------------------------------------------------------------------------------
def download(api, user, pk):
    response = api(user).get(f"/api/audit/verifications/{pk}/evidence/")
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"] == f'attachment; filename="bev-ketenverificatie-{pk}.json"'
    return json.loads(response.content)


def check(api, user, document) -> bool:
    response = api(user).post("/api/audit/verifications/evidence-check/", document, format="json")
    assert response.status_code == 200, response.content
    return response.json()["valid"]


def test_the_result_downloads_as_signed_evidence_that_checks(
    api, auditor, make_user, case, django_capture_on_commit_callbacks
):
    pk = ask(api, auditor, django_capture_on_commit_callbacks).json()["id"]
    document = download(api, auditor, pk)
    verification = ChainVerification.objects.get(pk=pk)
    assert document["format"] == evidence.FORMAT and document["verification"] == pk
    assert document["ok"] is True and document["checked"] == verification.checked
    assert (document["last_seq"], document["last_hash"]) == (verification.last_seq, verification.last_hash)
    assert document["finished_at"] == verification.finished_at.isoformat()
    assert document["signature"]
    assert AuditRecord.objects.filter(event="audit.verify_evidence", actor=auditor, object_id=str(pk)).exists()
    # anyone who may verify can check it, also another administrator
    assert check(api, make_user("beheer", Role.ADMINISTRATOR), document) is True


@pytest.mark.parametrize(
    "field, value",
    [
        ("ok", False),
        ("checked", 1),
        ("last_hash", "0" * 64),
        ("last_seq", 1),
        ("finished_at", "2030-01-01T00:00:00+00:00"),
        ("first_bad_id", 7),
        ("signature", "x"),
    ],
)
def test_a_changed_evidence_document_does_not_check(
    api, auditor, case, field, value, django_capture_on_commit_callbacks
):
    document = download(api, auditor, ask(api, auditor, django_capture_on_commit_callbacks).json()["id"])
    assert check(api, auditor, document) is True
    assert check(api, auditor, {**document, field: value}) is False


def test_evidence_signed_with_another_key_does_not_check(
    api, auditor, case, settings, django_capture_on_commit_callbacks
):
    document = download(api, auditor, ask(api, auditor, django_capture_on_commit_callbacks).json()["id"])
    settings.SECRET_KEY = "another-deployment-" + "k" * 50
    assert check(api, auditor, document) is False
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY.replace("another", "x")]
    assert check(api, auditor, document) is False


def test_evidence_checks_on_the_command_line(api, auditor, case, tmp_path, django_capture_on_commit_callbacks, capsys):
    document = download(api, auditor, ask(api, auditor, django_capture_on_commit_callbacks).json()["id"])
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(document))
    bad.write_text(json.dumps({**document, "checked": document["checked"] + 1}))
    call_command("check_audit_evidence", str(good))
    assert "valid" in capsys.readouterr().out
    with pytest.raises(CommandError, match="NOT valid"):
        call_command("check_audit_evidence", str(bad))


def test_an_unfinished_verification_has_no_evidence(api, auditor):
    pk = api(auditor).post("/api/audit/verifications/").json()["id"]  # on_commit not run: still pending
    response = api(auditor).get(f"/api/audit/verifications/{pk}/evidence/")
    assert response.status_code == 409 and response.json()["code"] == "not_finished"


# ---------------------------------------------------------------------------------------------
# Retry-safe; a broker that is down; a failure
# ---------------------------------------------------------------------------------------------
def test_a_redelivered_task_does_the_work_once(auditor, case):
    verification = services.chain_verification_request(user=auditor)  # on_commit not run: pending
    assert tasks.verify_chain(verification.pk) == "done"
    assert tasks.verify_chain(verification.pk) == "skipped"
    assert AuditRecord.objects.filter(event="audit.verify", object_id=str(verification.pk)).count() == 1


def test_a_verification_whose_worker_died_is_done_by_the_sweep(auditor, case):
    verification = services.chain_verification_request(user=auditor)
    assert services.chain_verification_start(verification_id=verification.pk) is not None  # then the worker dies
    assert tasks.retry_chain_verifications() == 0  # running, not stale yet
    ChainVerification.objects.filter(pk=verification.pk).update(
        started_at=timezone.now() - services.VERIFICATION_STALE_RUNNING - timedelta(minutes=1)
    )
    assert tasks.retry_chain_verifications() == 1
    verification.refresh_from_db()
    assert verification.status == "done" and verification.ok is True and verification.attempts == 2


def test_a_failing_verification_is_kept_as_failed(auditor, case, monkeypatch):
    import audit.verify

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit.verify, "verify_chain", broken)
    verification = services.chain_verification_request(user=auditor)
    assert tasks.verify_chain(verification.pk) == "failed"
    verification.refresh_from_db()
    assert verification.status == "failed" and "database went away" in verification.error


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_when_asked_loses_nothing(api, auditor, case, caplog):
    if not settings.TEST_REDIS_URL:
        pytest.skip("REDIS_URL not set: this test needs a real broker")
    with celery_broker(DEAD_BROKER), caplog.at_level(logging.WARNING, logger="audit.services"):
        response = api(auditor).post("/api/audit/verifications/")
    assert response.status_code == 202
    verification = ChainVerification.objects.get(pk=response.json()["id"])
    assert verification.status == "pending"
    assert "periodic sweep will pick it up" in caplog.text
    assert tasks.retry_chain_verifications() == 0  # within the hand-off's grace period
    ChainVerification.objects.filter(pk=verification.pk).update(
        requested_at=timezone.now() - services.VERIFICATION_STALE_PENDING - timedelta(seconds=1)
    )
    assert tasks.retry_chain_verifications() == 1
    verification.refresh_from_db()
    assert verification.status == "done" and verification.ok is True


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_prefork_worker_verifies_the_chain(auditor, case, tmp_path):
    """As docker-compose runs the worker: prefork, daemonic children (no process pool of their own)."""
    import time

    if not settings.TEST_REDIS_URL:
        pytest.skip("REDIS_URL not set: this test needs a real broker")
    with celery_broker(settings.TEST_REDIS_URL) as app:
        app.control.purge()
        with celery_worker(tmp_path / "worker.log"):
            with transaction.atomic():
                verification = services.chain_verification_request(user=auditor)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                verification.refresh_from_db()
                if verification.status in ("done", "failed"):
                    break
                time.sleep(0.3)
    assert verification.status == "done", (verification.status, verification.error)
    assert verification.ok is True and verification.checked >= 1


# ---------------------------------------------------------------------------------------------
# Web UI
# ---------------------------------------------------------------------------------------------
def test_the_web_page_asks_shows_and_offers_the_evidence(
    client, auditor, case, tmp_path, django_capture_on_commit_callbacks
):
    web_session(client, auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:verify"))
    assert response.status_code == 302
    verification = ChainVerification.objects.get()
    body = client.get(reverse("audit:verify")).content.decode()
    assert "Keten intact." in body
    evidence_url = reverse("audit:verification_evidence", args=[verification.pk])
    assert evidence_url in body
    download = client.get(evidence_url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")

    from django.core.files.uploadedfile import SimpleUploadedFile

    body = client.post(reverse("audit:verify"), {"document": SimpleUploadedFile("e.json", download.content)})
    assert "ondertekend en ongewijzigd" in body.content.decode()
    changed = json.dumps({**json.loads(download.content), "ok": False}).encode()
    body = client.post(reverse("audit:verify"), {"document": SimpleUploadedFile("e.json", changed)})
    assert "niet door deze dienst ondertekend of is gewijzigd" in body.content.decode()
    assert ChainVerification.objects.count() == 1  # checking is not asking for a verification
