"""Issue 21 §4, the monitoring and evaluation duties of the 2023 letter:
- "Uiterlijk over twee jaar vindt een evaluatie ... plaats": the due date is configuration; the
  liaison and the auditors are warned before it falls due and see it overdue after; the evaluation
  report carries the evaluators' findings beside the figures on each of its questions;
- "Invest-NL rapporteert in haar jaarverslagen de gedane transacties": the annual transaction report
  is never silently incomplete."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from parliament import reports, services
from parliament.models import EvaluationSchedule, Report
from parliament.work import evaluation_work_items

from .factories import add_liaisons, make_case, transaction_event, web_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


# ---------------------------------------------------------------------------------------------
# The evaluation's due date on "Mijn werk"
# ---------------------------------------------------------------------------------------------
def test_the_liaison_and_the_auditors_are_warned_before_the_evaluation_falls_due(kamer, auditor, officer):
    today = timezone.localdate()
    schedule = EvaluationSchedule.objects.create(
        instrument_start=today - timedelta(days=700), due_on=today + timedelta(days=200), warn_days=90
    )
    assert evaluation_work_items(user=kamer) == []  # not yet within the warning period
    schedule.due_on = today + timedelta(days=30)
    schedule.save()
    for user in (kamer, auditor):
        [item] = evaluation_work_items(user=user)
        assert item["overdue"] is False and "termijn verstreken" not in item["kind"]
    assert evaluation_work_items(user=officer) == []  # not theirs
    schedule.due_on = today - timedelta(days=1)
    schedule.save()
    [item] = evaluation_work_items(user=kamer)
    assert item["overdue"] is True and "termijn verstreken" in item["kind"]
    schedule.completed_on = today - timedelta(days=2)
    schedule.save()
    assert evaluation_work_items(user=kamer) == []


def test_the_warning_is_on_my_work(client, kamer):
    today = timezone.localdate()
    EvaluationSchedule.objects.create(
        title="Evaluatie BEV 2025", instrument_start=today - timedelta(days=800), due_on=today - timedelta(days=5)
    )
    web_login(client, kamer)
    page = client.get(reverse("core:home")).content.decode()
    assert "Evaluatie BEV 2025" in page and "termijn verstreken" in page


# ---------------------------------------------------------------------------------------------
# The evaluation report: the evaluators' findings beside the figures
# ---------------------------------------------------------------------------------------------
def test_the_evaluation_report_carries_the_findings_on_each_question(kamer, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    findings = {
        "werking": "Het proces werkt.",
        "doelmatigheid": "Kosten passend.",
        "doeltreffendheid": "Doel bereikt.",
        "uitbreiding": "Niet uitbreiden.",
        "onzin": "weg",
    }
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        report = services.report_request(
            user=kamer, kind="evaluation", period_start=date(2023, 1, 1), findings=findings
        )
    report.refresh_from_db()
    assert report.status == "done"
    assert report.findings == {k: v for k, v in findings.items() if k != "onzin"}
    workbook = load_workbook(io.BytesIO(report.xlsx_file.open("rb").read()))
    rows = list(workbook["Bevindingen"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [
        "Werking",
        "Doelmatigheid",
        "Doeltreffendheid",
        "Moet de voorziening uitgebreid en/of offensiever ingezet worden?",
    ]
    assert [r[1] for r in rows] == ["Het proces werkt.", "Kosten passend.", "Doel bereikt.", "Niet uitbreiden."]


def test_the_evaluation_template_shows_findings_or_says_they_are_missing(kamer):
    from django.template.loader import render_to_string

    report = Report(kind="evaluation", period_start=date(2023, 1, 1), period_end=date(2025, 12, 31), requested_by=kamer)
    data = {
        "funnel": {
            "received": 0,
            "admitted": 0,
            "assessed": 0,
            "deployed": 0,
            "not_admissible": 0,
            "not_deployed": 0,
            "withdrawn": 0,
        },
        "durations": [],
        "positions": [],
    }
    html = render_to_string(
        "parliament/report_evaluation.html",
        {
            "report": report,
            "data": data,
            "charts": ["", "", ""],
            "capital": {},
            "positions": [],
            "findings": {
                "werking": "Het proces werkt.",
                "doelmatigheid": "",
                "doeltreffendheid": "",
                "uitbreiding": "",
            },
            "questions": reports.EVALUATION_QUESTIONS,
            "schedule": None,
        },
    )
    assert "Het proces werkt." in html
    assert html.count("Nog niet ingevuld door de evaluatoren.") == 3
    assert "uitgebreid en/of offensiever ingezet" in html


# ---------------------------------------------------------------------------------------------
# The annual report is never silently incomplete
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def two_cases(case, officer, officer2, manager, kamer):
    add_liaisons(case, by=officer, liaisons=[kamer])
    hidden = make_case(officer=officer2, target_name="Verborgen Systems B.V.", target_kvk_number="87654321")
    with transaction.atomic():
        services.letter_requests_create(
            event=transaction_event(case, amount=Decimal("10000000"), executed_on=date(2026, 2, 1), user=manager)
        )
        services.letter_requests_create(
            event=transaction_event(hidden, amount=Decimal("9000000"), executed_on=date(2026, 3, 1), user=manager)
        )
    return case, hidden


def _annual(user, django_capture_on_commit_callbacks) -> Report:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        report = services.report_request(user=user, kind="annual_transactions", year=2026)
    report.refresh_from_db()
    assert report.status == "done"
    return report


def test_a_report_missing_transactions_says_how_many_on_its_first_page(
    kamer, two_cases, django_capture_on_commit_callbacks
):
    report = _annual(kamer, django_capture_on_commit_callbacks)
    assert report.summary["transactions"] == 1
    assert report.summary["withheld"] == 1 and report.summary["complete"] is False
    rows = reports.annual_rows(report)
    html = reports.annual_html(report, rows, reports.annual_summary(rows) | report.summary)
    first_page = html[: html.index("<h2>Samenvatting</h2>")]
    assert "Onvolledig: 1 van de 2 transacties van de voorziening in 2026 vallen buiten uw need-to-know" in first_page
    assert "Verborgen Systems" not in html


def test_a_report_by_someone_entitled_to_every_transaction_says_it_is_complete(
    kamer, two_cases, officer, officer2, django_capture_on_commit_callbacks
):
    _case, hidden = two_cases
    add_liaisons(hidden, by=officer2, liaisons=[kamer])
    report = _annual(kamer, django_capture_on_commit_callbacks)
    assert report.summary["transactions"] == 2
    assert report.summary["withheld"] == 0 and report.summary["complete"] is True
    rows = reports.annual_rows(report)
    html = reports.annual_html(report, rows, reports.annual_summary(rows) | report.summary)
    first_page = html[: html.index("<h2>Samenvatting</h2>")]
    assert "Volledig: alle 2 transacties van de voorziening in 2026 zijn opgenomen." in first_page
    assert "Onvolledig" not in html


def test_the_status_page_states_completeness(client, kamer, two_cases, django_capture_on_commit_callbacks):
    report = _annual(kamer, django_capture_on_commit_callbacks)
    web_login(client, kamer)
    page = client.get(reverse("parliament:report", args=[report.pk])).content.decode()
    assert "Onvolledig: 1 van de 2 transacties" in page
