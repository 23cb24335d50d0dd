"""The annual transaction report (as Invest-NL reports in its annual report): every transaction of
a year with instrument, amount and result, as CSV, XLSX and a PDF with a summary; built by a worker
with a status row; holding only the cases the requester may see."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from access.roles import Role
from parliament import services
from parliament.models import Report

from .factories import add_liaisons, make_case, transaction_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def transactions(case, officer, officer2, manager, kamer):
    """Three transactions in 2026 and one in 2025 on a case the liaison is on; one on a case they are not."""
    add_liaisons(case, by=officer, liaisons=[kamer])
    hidden = make_case(officer=officer2, target_name="Verborgen Systems B.V.", target_kvk_number="87654321")
    with transaction.atomic():
        for kind, amount, day in [
            ("first_investment", "10000000", date(2026, 2, 1)),
            ("follow_on_investment", "2500000.50", date(2026, 6, 1)),
            ("partial_exit", "4000000", date(2026, 10, 1)),
            ("first_investment", "1000000", date(2025, 5, 1)),
        ]:
            services.letter_requests_create(
                event=transaction_event(case, kind=kind, amount=Decimal(amount), executed_on=day, user=manager)
            )
        services.letter_requests_create(
            event=transaction_event(hidden, amount=Decimal("99000000"), executed_on=date(2026, 3, 1), user=manager)
        )
    return case


def request_report(api, user, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return api(user).post("/api/reports/", data)


def test_the_annual_report_lists_the_years_transactions_of_visible_cases(
    api, kamer, transactions, django_capture_on_commit_callbacks
):
    response = request_report(api, kamer, django_capture_on_commit_callbacks, kind="annual_transactions", year=2026)
    assert response.status_code == 202, response.json()
    report_id = response.json()["id"]

    status = api(kamer).get(f"/api/reports/{report_id}/").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert sorted(status["files"]) == ["csv", "pdf", "xlsx"]
    assert status["summary"]["transactions"] == 3
    # the trail says which files were made, by their formats (not the model's field names)
    from audit.labels import change_lines
    from audit.models import AuditRecord

    done = AuditRecord.objects.get(event="report.done", object_id=str(report_id))
    assert change_lines(done) == ["bestanden: CSV, PDF, XLSX"]
    assert status["summary"]["invested"] == "12500000.50" and status["summary"]["proceeds"] == "4000000.00"

    content = api(kamer).get(f"/api/reports/{report_id}/download/csv/").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][:6] == ["Datum", "Casus", "Onderneming", "Soort transactie", "Instrument", "Bedrag (EUR)"]
    assert [r[0] for r in rows[1:]] == ["2026-02-01", "2026-06-01", "2026-10-01"]
    assert [r[5] for r in rows[1:]] == ["10000000,00", "2500000,50", "4000000,00"]  # decimal comma (`;` file)
    assert "Verborgen Systems" not in content  # need-to-know: not on that case's team

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(api(kamer).get(f"/api/reports/{report_id}/download/xlsx/").content))
    sheet = workbook.active
    assert sheet.max_row == 4
    assert sheet.cell(row=2, column=6).value == 10000000

    pdf = api(kamer).get(f"/api/reports/{report_id}/download/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_a_report_built_in_english_is_dutch_as_every_report_to_parliament(kamer, transactions):
    """Built where English is active (the task runs eagerly in `make run`, inside the English UI's
    request), the CSV's columns were Dutch and its values English ("First investment", "Shares")."""
    from django.utils import translation

    from parliament.models import TransactionKind
    from parliament.reports import build_report

    report = Report.objects.create(
        kind=Report.Kind.ANNUAL_TRANSACTIONS,
        requested_by=kamer,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    with translation.override("en"):
        build_report(report)
    report.refresh_from_db()
    content = report.csv_file.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    with translation.override("nl"):
        assert rows[1][3] == str(TransactionKind("first_investment").label)
    with translation.override("en"):
        assert str(TransactionKind("first_investment").label) not in content


def test_a_report_is_only_for_the_person_who_asked_for_it(
    api, kamer, make_user, transactions, django_capture_on_commit_callbacks
):
    report_id = request_report(
        api, kamer, django_capture_on_commit_callbacks, kind="annual_transactions", year=2026
    ).json()["id"]
    auditor = make_user("auditor", Role.AUDITOR)
    assert api(auditor).get(f"/api/reports/{report_id}/").status_code == 404
    assert api(auditor).get(f"/api/reports/{report_id}/download/pdf/").status_code == 404
    assert api(auditor).get("/api/reports/").json()["results"] == []


def test_a_role_that_does_not_report_is_refused(api, officer, django_capture_on_commit_callbacks):
    response = request_report(api, officer, django_capture_on_commit_callbacks, kind="annual_transactions", year=2026)
    assert response.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "annual_transactions"}, "year"),
        ({"kind": "annual_transactions", "year": 2019}, "year"),
        ({"kind": "whatever", "year": 2026}, "kind"),
        ({"kind": "evaluation", "period_start": "2026-01-01", "period_end": "2025-01-01"}, "period_end"),
    ],
)
def test_bad_report_requests_are_field_errors(api, kamer, data, field, django_capture_on_commit_callbacks):
    response = request_report(api, kamer, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 400 and field in response.json()
    assert not Report.objects.exists()


def test_a_failing_build_is_reported_as_failed(kamer, monkeypatch):
    from parliament import reports, tasks

    report = Report.objects.create(
        kind="annual_transactions",
        year=2026,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        requested_by=kamer,
    )
    monkeypatch.setattr(reports, "annual_rows", lambda report: 1 / 0)
    assert tasks.generate_report(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == "failed" and "ZeroDivisionError" in report.error
    assert tasks.generate_report(report.pk) == "skipped"  # a second delivery does not start it again


def test_a_report_whose_hand_off_was_lost_is_built_by_the_periodic_run(kamer, transactions):
    from datetime import timedelta

    from django.utils import timezone

    from parliament import tasks

    with transaction.atomic():
        report = services.report_request(user=kamer, kind="annual_transactions", year=2026)
    # (no on_commit here: as if the broker was down)
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    tasks.process_outbox()
    report.refresh_from_db()
    assert report.status == "done" and report.summary["transactions"] == 3


def test_a_report_whose_worker_died_is_built_by_the_sweep(api, kamer, transactions):
    """A worker killed while building leaves the row "running"; Celery redelivers the task (acks_late)
    but the row says another worker has it. The outbox sweep builds it once the row is stale."""
    from datetime import timedelta

    from django.utils import timezone

    from parliament import tasks

    response = api(kamer).post("/api/reports/", {"kind": "annual_transactions", "year": 2026})  # on_commit not run
    report_id = response.json()["id"]
    assert services.report_start(report_id=report_id) is not None  # a worker claims it, then dies
    assert tasks.generate_report(report_id) == "skipped"  # delivered again, not for a lost worker: not stale yet
    tasks.process_outbox()
    assert Report.objects.get(pk=report_id).status == Report.Status.RUNNING

    Report.objects.filter(pk=report_id).update(
        started_at=timezone.now() - services.REPORT_STALE_RUNNING - timedelta(minutes=1)
    )
    tasks.process_outbox()
    report = Report.objects.get(pk=report_id)
    assert report.status == Report.Status.DONE and report.summary["transactions"] == 3
    assert api(kamer).get(f"/api/reports/{report_id}/").json()["status"] == "done"
    assert tasks.generate_report(report_id) == "skipped"  # done is done: a late redelivery builds nothing


def test_a_task_redelivered_for_a_lost_worker_takes_the_running_report_over(api, kamer, transactions):
    """Celery redelivers the task when the process building the report died (acks_late,
    reject_on_worker_lost): that delivery builds it at once instead of after REPORT_STALE_RUNNING.
    (tests/test_production_shape.py kills a real worker's process mid-build.)"""
    response = api(kamer).post("/api/reports/", {"kind": "annual_transactions", "year": 2026})  # on_commit not run
    report_id = response.json()["id"]
    assert services.report_start(report_id=report_id) is not None  # a worker claims it, then dies
    assert services.report_start(report_id=report_id) is None  # an ordinary delivery leaves it alone
    taken = services.report_start(report_id=report_id, worker_lost=True)
    assert taken is not None and taken.status == Report.Status.RUNNING
    Report.objects.filter(pk=report_id).update(status=Report.Status.DONE)
    assert services.report_start(report_id=report_id, worker_lost=True) is None  # done is done
