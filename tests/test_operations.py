"""Operations (README "Operations"): log lines carry the request id (JSON in production), /metrics
answers Prometheus only with its token, and a failing Celery task is logged, kept for the
administrator and counted."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import shared_task

from access.roles import Role
from audit.context import acting
from audit.logging import JsonLogFormatter, RequestContextFilter
from audit.models import TaskFailure

from .factories import web_session

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "t" * 40


@pytest.fixture
def json_lines():
    """The lines logged while the test runs, through the production handler's filter and formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_log_line_of_a_request_is_json_with_the_request_id(client, json_lines):
    response = client.get("/api/cases/999999/nowhere/", HTTP_X_REQUEST_ID="req-logged-1")
    assert response.status_code in (401, 403, 404)
    lines = json_lines()
    assert lines, "the request logged nothing"
    # the server's own request id (the client's is never the trail's: issue 22), the one it answered with
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]} != {"req-logged-1"}
    assert {"time", "level", "logger", "message", "channel"} <= set(lines[0])


def _wait_for(path: Path, text: str, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in path.read_text():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
@pytest.mark.django_db(False)
def test_a_worker_logs_every_line_as_json_even_a_killed_pool_process(tmp_path):
    """Found by trying the production shape: the worker's lines were JSON except the one that says a
    pool process was killed (Celery's own plain-text handler on the pool's logger), the line a log
    collector most needs. A real prefork worker (in-memory broker), its pool process killed."""
    import signal

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_LOG_FORMAT": "json",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "memory://localhost/",
        "PYTHONWARNINGS": "ignore",  # Celery's warning about root, which the image's user does not get
    }
    env.pop("REDIS_URL", None)
    stderr = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1", "-l", "INFO"]
    command += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    with stderr.open("w") as sink:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sink)
    try:
        assert _wait_for(stderr, "ready.", 60), stderr.read_text()
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        os.kill(int(children[0]), signal.SIGKILL)
        assert _wait_for(stderr, "signal 9", 30), stderr.read_text()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    lines = [line for line in stderr.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line: one JSON object
    killed = [r for r in records if "signal 9" in r["message"]]
    assert killed and killed[0]["level"] == "ERROR" and killed[0]["logger"] == "multiprocessing"


def test_production_settings_log_json_and_local_settings_log_plain_text():
    code = "import django, logging; django.setup(); logging.getLogger('bev.check').warning('hallo')"
    env = {**os.environ, "DJANGO_SECRET_KEY": "s" * 60, "DJANGO_ALLOWED_HOSTS": "bev.example.nl"}
    production = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
    )
    line = json.loads(production.stderr.strip().splitlines()[-1])
    assert (line["message"], line["level"], line["logger"], line["request_id"]) == ("hallo", "WARNING", "bev.check", "")
    local = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
    )
    assert local.stderr.strip().splitlines()[-1].endswith("WARNING [] bev.check: hallo")


# ---------------------------------------------------------------------------------------------
# /metrics
# ---------------------------------------------------------------------------------------------
def test_metrics_refuse_anonymous_and_wrong_tokens_and_answer_the_token(client, settings, make_user):
    settings.BEV_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "x" * 40).status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic " + TOKEN).status_code == 401
    # a signed-in person, even the administrator, is no scraper
    web_session(client, make_user("beheer", Role.ADMINISTRATOR, is_staff=True))
    assert client.get("/metrics").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "bev_celery_task_failures_total" in body or "# TYPE bev_celery_task_failures counter" in body
    assert "bev_audit_unsealed_records" in body and 'bev_reports{status="failed"}' in body
    assert "bev_http_requests_total" in body


def test_without_a_token_configured_there_are_no_metrics(client, settings):
    settings.BEV_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


# ---------------------------------------------------------------------------------------------
# A failing Celery task
# ---------------------------------------------------------------------------------------------
@shared_task(name="tests.failing_task")
def failing_task(what: str) -> None:
    logging.getLogger("tests.failing_task").info("working on %s", what)
    raise RuntimeError(f"kapot: {what}")


def test_a_failing_task_is_logged_kept_and_counted(client, settings, json_lines):
    settings.BEV_METRICS_TOKEN = TOKEN
    with acting(channel="api", request_id="req-task-1"):
        failing_task.apply(args=("rapport",), throw=False)  # as a worker runs it: the error recorded, not raised

    failure = TaskFailure.objects.get()
    assert (failure.task_name, failure.exception, failure.message, failure.request_id) == (
        "tests.failing_task",
        "RuntimeError",
        "kapot: rapport",
        "req-task-1",
    )
    lines = json_lines()
    logged = [line for line in lines if line["logger"] == "bev.tasks"]
    assert len(logged) == 1
    assert (
        logged[0]["task_name"],
        logged[0]["task_id"],
        logged[0]["exception"],
        logged[0]["request_id"],
        logged[0]["level"],
    ) == ("tests.failing_task", failure.task_id, "RuntimeError", "req-task-1", "ERROR")
    assert "RuntimeError: kapot: rapport" in logged[0]["exc_info"]
    # the task's own lines carry the request that queued it, and the channel "task"
    worked = [line for line in lines if line["logger"] == "tests.failing_task"]
    assert [(line["request_id"], line["channel"]) for line in worked] == [("req-task-1", "task")]

    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'bev_celery_task_failures_total{task="tests.failing_task"} 1.0' in body


def test_the_administrator_sees_failed_tasks_in_the_admin_and_others_do_not(client, make_user):
    TaskFailure.objects.create(
        task_name="parliament.tasks.generate_report", task_id="abc", exception="OSError", message="schijf vol"
    )
    web_session(client, make_user("beheer", Role.ADMINISTRATOR, is_staff=True))
    page = client.get("/admin/audit/taskfailure/")
    assert page.status_code == 200 and "parliament.tasks.generate_report" in page.content.decode()
    assert client.get("/admin/audit/taskfailure/1/delete/").status_code in (403, 302)
    other = client.__class__()
    web_session(other, make_user("auditor", Role.AUDITOR, is_staff=True))
    assert other.get("/admin/audit/taskfailure/").status_code == 403
