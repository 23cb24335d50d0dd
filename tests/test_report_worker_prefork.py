"""Reports are built by the Celery worker as docker-compose runs it (prefork pool, daemonic child
processes): the annual and the evaluation report end `done` with their PDF, not `failed` with
"daemonic processes are not allowed to have children"."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction

from access.roles import Role
from parliament import services
from parliament.models import Report

from .factories import add_liaisons, transaction_event
from .processes import celery_broker, celery_worker

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker():
    if not settings.TEST_REDIS_URL:
        pytest.skip("REDIS_URL not set: this test needs a real broker")
    with celery_broker(settings.TEST_REDIS_URL) as app:
        app.control.purge()
        yield


def wait_until_finished(report: Report, timeout: float = 90) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in (Report.Status.DONE, Report.Status.FAILED):
            return report
        time.sleep(0.3)
    raise AssertionError(f"report {report.pk} still {report.status} after {timeout} s")


def test_the_prefork_worker_builds_the_annual_and_the_evaluation_report(
    broker, case, officer, manager, make_user, tmp_path
):
    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        services.letter_requests_create(
            event=transaction_event(case, amount=Decimal("10000000"), executed_on=date(2026, 2, 1), user=manager)
        )

    with celery_worker(tmp_path / "worker.log"):
        annual = services.report_request(user=kamer, kind=Report.Kind.ANNUAL_TRANSACTIONS, year=2026)
        evaluation = services.report_request(user=kamer, kind=Report.Kind.EVALUATION)
        annual, evaluation = wait_until_finished(annual), wait_until_finished(evaluation)

    for report in (annual, evaluation):
        assert report.status == Report.Status.DONE, report.error
        assert report.pdf_file.open("rb").read(5) == b"%PDF-"
    assert annual.summary["transactions"] == 1
