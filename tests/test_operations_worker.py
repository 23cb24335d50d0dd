"""The Celery worker as docker-compose runs it (production settings, a real broker): a task queued
in a request logs JSON lines with that request's id, and a task that fails there is logged with its
name, id and exception, kept for the administrator and counted in /metrics (README "Operations")."""

import json
import time

import pytest
from django.conf import settings as django_settings

from audit.context import acting
from audit.models import TaskFailure

from .processes import celery_broker, celery_worker

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker():
    if not django_settings.TEST_REDIS_URL:
        pytest.skip("REDIS_URL not set: this test needs a real broker")
    with celery_broker(django_settings.TEST_REDIS_URL) as app:
        app.control.purge()
        yield app


def _json_lines(log_path) -> list[dict]:
    lines = []
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    return lines


def test_the_worker_logs_the_queuing_request_and_keeps_a_failed_task(broker, tmp_path, client, settings):
    log = tmp_path / "worker.log"
    with celery_worker(log):
        with acting(channel="api", request_id="req-worker-1"):
            broker.send_task("audit.tasks.seal_chain")  # runs
            broker.send_task("audit.tasks.seal_chain", args=["onverwacht"])  # TypeError in the worker
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not TaskFailure.objects.exists():
            time.sleep(0.3)
        time.sleep(1)

    failure = TaskFailure.objects.get()
    assert (failure.task_name, failure.exception, failure.request_id) == (
        "audit.tasks.seal_chain",
        "TypeError",
        "req-worker-1",
    )
    lines = _json_lines(log)
    assert lines, log.read_text()[-3000:]
    succeeded = [line for line in lines if "succeeded" in line["message"]]
    assert succeeded and {line["request_id"] for line in succeeded} == {"req-worker-1"}
    failed = [line for line in lines if line["logger"] == "bev.tasks"]
    assert [
        (line["task_name"], line["task_id"], line["exception"], line["request_id"], line["channel"]) for line in failed
    ] == [("audit.tasks.seal_chain", failure.task_id, "TypeError", "req-worker-1", "task")]

    settings.BEV_METRICS_TOKEN = "m" * 40
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "m" * 40).content.decode()
    assert 'bev_celery_task_failures_total{task="audit.tasks.seal_chain"} 1.0' in body
