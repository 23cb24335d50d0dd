"""The production shape without Docker: the commands docker-compose.yml runs (gunicorn with the
production settings, the Celery prefork worker, Celery beat), on loopback against the test database
and a Redis of the test's own, driven over HTTP as a client behind the proxy would.

- a disbursement proposed and approved through the API gives both Kamerbrief drafts exactly once,
  even when the worker is killed (SIGKILL) in the middle of drafting them;
- the annual and the evaluation report are built by that worker (CSV, XLSX, PDF);
- /healthz says 503 while Redis is down and 200 once it is back;
- gunicorn's own lines are JSON, the access line without the query string (config/gunicorn.py);
- /metrics counts the requests of every gunicorn worker, not of the one that answers it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction

from access.roles import Role
from parliament.models import LetterDraft, LetterRequest, Report

from .factories import add_liaisons, api_token, case_to_investment_preparation, fund_with_tranches
from .processes import app_database_url, celery_broker, compose_command, free_port, production_environment, start, stop

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DEADLINE = 90  # seconds any one step may take on a loaded machine
METRICS_TOKEN = "m" * 40


@pytest.fixture(autouse=True)
def configuration():
    """Transactional tests flush the tables, the migrations' configuration rows with them."""
    from parliament.models import LetterReference, Minister, MinistryProfile
    from parliament.seed_data import seed_configuration

    seed_configuration(MinistryProfile, Minister, LetterReference)


class PrivateRedis:
    """A Redis of this test's own, which it may stop and start (the suite's is shared)."""

    def __init__(self, tmp_path):
        self.port, self.dir, self.process = free_port(), tmp_path, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        until(
            lambda: (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ),
            "Redis answers",
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def until(condition, what: str, timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"not within {timeout} s: {what}")


class Client:
    """HTTP to gunicorn as the reverse proxy forwards it (TLS terminated, X-Forwarded-Proto: https)."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method: str, path: str, *, token: str | None = None, body: dict | None = None):
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "X-Forwarded-Proto": "https",
                "Content-Type": "application/json",
                **({"Authorization": f"Token {token}"} if token else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")
        except (urllib.error.URLError, ConnectionError):
            return None, None


@pytest.fixture
def world(tmp_path, officer, manager, manager2, secretariat, secretariat2, case, make_user):
    """The fund with its tranches, a case the cabinet decided to deploy on, a position, two fund
    managers and a parliamentary liaison with API tokens; committed, so the processes see it."""
    from bev.services import position_create

    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    fund_with_tranches(user=manager)
    add_liaisons(case, by=officer, liaisons=[kamer])
    case = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = position_create(user=manager, case=case, instrument="equity", ownership_percent=Decimal("25"))
    tokens = {user.username: api_token(user) for user in (manager, manager2, kamer)}
    return {
        "position": position,
        "tokens": tokens,
        "manager": manager.username,
        "manager2": manager2.username,
        "kamer": kamer.username,
    }


@pytest.fixture
def app_database():
    """The processes connect as the application's role, not as the tables' owner (grant_app_role)."""
    with app_database_url() as url:
        yield url


@pytest.fixture
def stack(tmp_path, app_database):
    redis = PrivateRedis(tmp_path)
    redis.start()
    port = free_port()
    environment = production_environment(
        REDIS_URL=redis.url, BEV_METRICS_TOKEN=METRICS_TOKEN, DATABASE_URL=app_database
    )
    web = compose_command("web")
    web[web.index("--bind") + 1] = f"127.0.0.1:{port}"
    web[web.index("--workers") + 1] = "2"
    beat = compose_command("beat")
    beat[beat.index("--schedule") + 1] = str(tmp_path / "celerybeat-schedule")
    processes = {
        "web": start(web, tmp_path / "web.log", environment=environment),
        "beat": start(beat, tmp_path / "beat.log", environment=environment),
    }
    worker_command = [*compose_command("worker"), "--without-gossip", "--without-mingle"]
    worker_command[worker_command.index("--concurrency") + 1] = "1"

    def start_worker():
        log = tmp_path / "worker.log"
        offset = log.stat().st_size if log.exists() else 0
        processes["worker"] = start(worker_command, log, environment=environment)
        until(lambda: "ready." in log.read_text(errors="replace")[offset:], "the worker is ready")
        return processes["worker"]

    client = Client(port)
    try:
        until(lambda: client.call("GET", "/healthz")[0] == 200, "gunicorn answers /healthz")
        yield {"client": client, "redis": redis, "start_worker": start_worker, "processes": processes, "logs": tmp_path}
    finally:
        for process in processes.values():
            stop(process)
        redis.stop()


def outbox_run(redis_url: str) -> None:
    """What beat does every minute (process-letter-outbox): the worker drafts whatever is pending."""
    with celery_broker(redis_url) as app:
        app.send_task("parliament.tasks.process_outbox")


def test_a_disbursement_through_the_api_gives_both_drafts_once_though_the_worker_is_killed(world, stack):
    client, tokens = stack["client"], world["tokens"]
    worker = stack["start_worker"]()
    status, proposed = client.call(
        "POST",
        f"/api/positions/{world['position'].pk}/disbursements/",
        token=tokens[world["manager"]],
        body={"amount": "10000000.00", "idempotency_key": "prod-shape-1"},
    )
    assert status == 201, proposed

    # The drafting blocks on this lock in the middle of its transaction; the worker is killed there.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE parliament_letterdraft IN ACCESS EXCLUSIVE MODE")
        status, approved = client.call(
            "POST", f"/api/disbursements/{proposed['id']}/approve/", token=tokens[world["manager2"]], body={}
        )
        assert status == 200, approved
        until(
            lambda: "make_letter_drafts" in (stack["logs"] / "worker.log").read_text(errors="replace"),
            "the worker took the drafting task",
        )
        time.sleep(1)  # it is now waiting for the lock, inside its transaction
        stop(worker, sig=signal.SIGKILL)
    request = LetterRequest.objects.get(case=world["position"].case_id)
    assert request.status == LetterRequest.Status.PENDING
    assert not LetterDraft.objects.filter(request=request).exists()

    stack["start_worker"]()

    def outbox_made_both():
        outbox_run(stack["redis"].url)  # until the killed worker's row lock is gone, the run skips the row
        time.sleep(1.5)
        return LetterDraft.objects.filter(request=request).count() == 2

    until(outbox_made_both, "both drafts")
    outbox_run(stack["redis"].url)  # once more: nothing new
    time.sleep(2)
    assert sorted(LetterDraft.objects.filter(request=request).values_list("chamber", flat=True)) == [
        "eerste_kamer",
        "tweede_kamer",
    ]
    request.refresh_from_db()
    assert request.status == LetterRequest.Status.DONE


def test_the_worker_builds_the_reports_and_healthz_follows_redis(world, stack):
    client, kamer = stack["client"], world["tokens"][world["kamer"]]
    stack["start_worker"]()
    expected = {"annual_transactions": {"csv", "xlsx", "pdf"}, "evaluation": {"xlsx", "pdf"}}
    ids = {}
    for body in ({"kind": "annual_transactions", "year": 2026}, {"kind": "evaluation"}):
        status, report = client.call("POST", "/api/reports/", token=kamer, body=body)
        assert status == 202, report
        ids[body["kind"]] = report["id"]

    def finished(report_id):
        report = client.call("GET", f"/api/reports/{report_id}/", token=kamer)[1]
        return report if report and report["status"] in ("done", "failed") else None

    for kind, report_id in ids.items():
        report = until(lambda rid=report_id: finished(rid), f"the {kind} report finished")
        assert report["status"] == "done", report["error"]
        assert expected[kind] <= set(report["files"]), report["files"]
        assert Report.objects.get(pk=report_id).pdf_file.open("rb").read(5) == b"%PDF-"

    assert client.call("GET", "/healthz")[0] == 200
    stack["redis"].stop()
    status, body = client.call("GET", "/healthz")
    assert status == 503 and body["broker"]["ok"] is False
    stack["redis"].start()
    until(lambda: client.call("GET", "/healthz")[0] == 200, "/healthz is 200 again")
    assert settings.TEST_REDIS_URL != stack["redis"].url  # the suite's own Redis was never touched


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # the field after the state: the parent
                found.append(int(entry))
    return found


def test_a_report_whose_worker_process_dies_is_built_again_at_once(world, stack):
    """The prefork child building a report is killed: Celery redelivers the task and that delivery
    takes the "running" report over, so it is done now, not after REPORT_STALE_RUNNING (30 minutes)."""
    client, kamer = stack["client"], world["tokens"][world["kamer"]]
    status, report = client.call(
        "POST", "/api/reports/", token=kamer, body={"kind": "annual_transactions", "year": 2026}
    )
    assert status == 202, report
    log = stack["logs"] / "worker.log"
    with transaction.atomic():
        with connection.cursor() as cursor:  # the build reads the letter requests: it waits here
            cursor.execute("LOCK TABLE parliament_letterrequest IN ACCESS EXCLUSIVE MODE")
        worker = stack["start_worker"]()
        until(lambda: Report.objects.get(pk=report["id"]).status == Report.Status.RUNNING, "the build started")
        time.sleep(1)  # waiting for the lock
        (child,) = _children(worker.pid)
        os.kill(child, signal.SIGKILL)
        until(lambda: log.read_text(errors="replace").count("generate_report") >= 2, "the task came back")
        time.sleep(1)
    built = until(
        lambda: (r := Report.objects.get(pk=report["id"])).status != Report.Status.RUNNING and r, "the report finished"
    )
    assert built.status == Report.Status.DONE, built.error


def test_gunicorn_logs_json_and_never_the_query_string(world, stack):
    """A search for a classified company's name must not reach the log in clear: gunicorn's default
    access line prints the whole request line."""
    client, kamer = stack["client"], world["tokens"][world["kamer"]]
    status, _ = client.call("GET", "/api/cases/?q=Geheimhouding%20Zeta%20B.V.", token=kamer)
    assert status == 200

    def access_line():
        for line in (stack["logs"] / "web.log").read_text(errors="replace").splitlines():
            entry = json.loads(line) if line.startswith("{") else None
            if entry and entry.get("logger") == "gunicorn.access" and entry.get("path") == "/api/cases/":
                return entry
        return None

    entry = until(access_line, "gunicorn wrote the access line")
    assert entry["method"] == "GET" and entry["status"] == 200 and entry["request_id"]
    assert entry["duration_ms"] >= 0 and entry["channel"] == "http"
    log = (stack["logs"] / "web.log").read_text(errors="replace")
    assert "Geheimhouding" not in log and "Zeta" not in log
    lines = [line for line in log.splitlines() if line.strip()]
    assert lines and all(line.startswith("{") for line in lines), [x for x in lines if not x.startswith("{")][:3]


def test_metrics_count_the_requests_of_every_worker(stack):
    """gunicorn runs several workers; /metrics is answered by one of them. In prometheus_client's
    multiprocess mode (config/gunicorn.py) it counts them all: without it, each worker counted its
    own, and a worker recycled after --max-requests started from zero."""
    from concurrent.futures import ThreadPoolExecutor

    client, sent = stack["client"], 160
    with ThreadPoolExecutor(max_workers=8) as pool:  # both workers answer some
        statuses = list(pool.map(lambda _n: client.call("GET", "/healthz")[0], range(sent)))
    assert statuses == [200] * sent
    request = urllib.request.Request(
        client.base + "/metrics",
        headers={"X-Forwarded-Proto": "https", "Authorization": f"Bearer {METRICS_TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    counted = sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith('bev_http_requests_total{method="GET",status="200"}')
    )
    assert counted >= sent, text[:2000]
