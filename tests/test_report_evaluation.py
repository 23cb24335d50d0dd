"""The evaluation report (two years after the start: werking, doelmatigheid, doeltreffendheid):
the funnel of cases, time per stage, capital and positions with MOIC/IRR, with charts, as PDF and
XLSX; only the cases visible to the requester."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from access.roles import Role
from cases.services import case_transition
from parliament import reports
from parliament.models import Report

from .factories import add_liaisons, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


def test_duration_statistics_give_median_and_spread_per_stage():
    rows = {r["stage"]: r for r in reports.duration_stats({"intake": [1.0, 2.0, 3.0, 10.0], "signal": [4.0]})}
    intake = rows["Intake"]
    assert intake["count"] == 4 and intake["median"] == 2.5
    assert intake["min"] == 1.0 and intake["max"] == 10.0 and intake["q1"] <= 2.5 <= intake["q3"]
    assert rows["Signaal"]["median"] == 4.0
    assert rows["Risico-inschatting"]["count"] == 0 and rows["Risico-inschatting"]["median"] is None


def test_bar_chart_bars_are_proportional():
    chart = reports.bar_chart("t", [("a", 10, "10"), ("b", 5, "5"), ("c", 0, "0")])
    widths = [row["width"] for row in chart["rows"]]
    assert widths[0] == 2 * widths[1] and widths[2] == 0


def test_the_evaluation_counts_the_funnel_times_and_capital_of_visible_cases(
    case,
    officer,
    officer2,
    manager,
    manager2,
    secretariat,
    secretariat2,
    kamer,
    make_user,
    django_capture_on_commit_callbacks,
):
    from tests import factories

    add_liaisons(case, by=officer, liaisons=[kamer])
    # a second visible case that stopped at intake, and a case the liaison cannot see
    rejected = add_liaisons(make_case(officer=officer, target_name="Afgewezen B.V."), by=officer, liaisons=[kamer])
    case_transition(user=officer, case=rejected, name="start_intake")
    case_transition(user=officer, case=rejected, name="reject_not_admissible", reason="Buiten de reikwijdte.")
    make_case(officer=officer2, target_name="Verborgen B.V.")
    # the first case: intake, assessment, cabinet decision, investment
    case = case_transition(user=officer, case=case, name="start_intake")
    case = case_transition(user=officer, case=case, name="start_assessment")
    factories.fund_with_tranches(user=manager)
    case = factories.case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    factories.invest_in_case(case, proposer=manager, approver=manager2, amount=Decimal("12500000"))

    report = Report.objects.create(
        kind="evaluation", period_start=date(2023, 1, 1), period_end=timezone.localdate(), requested_by=kamer
    )
    data = reports.evaluation_data(report)
    assert data["funnel"]["received"] == 2
    assert data["funnel"]["admitted"] == 1
    assert data["funnel"]["assessed"] == 1
    assert data["funnel"]["not_admissible"] == 1
    assert data["funnel"]["deployed"] == 1
    stages = {row["stage"]: row for row in data["durations"]}
    assert stages["Signaal"]["count"] == 2 and stages["Intake"]["count"] == 2
    assert data["capital"]["invested"] == Decimal("12500000.00")
    assert data["capital"]["returned"] == Decimal("0.00")
    assert data["capital"]["revolving_ratio"] == Decimal("0.00")
    assert [p["case"] for p in data["positions"]] == [case.reference]
    assert data["positions"][0]["status"] == "open"

    from parliament import services

    services.report_start(report_id=report.pk)
    reports.build_report(Report.objects.get(pk=report.pk))
    report.refresh_from_db()
    assert report.status == "done" and report.progress == 100
    assert report.pdf_file.open("rb").read(5) == b"%PDF-"
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(report.xlsx_file.open("rb").read()))
    assert workbook.sheetnames == ["Instroom", "Doorlooptijden", "Kapitaal", "Posities", "Bevindingen"]
    # every row names its figure in words, never the summary's key (received, revolving_ratio)
    for title in ("Instroom", "Kapitaal"):
        names = [row[0] for row in workbook[title].iter_rows(min_row=2, values_only=True)]
        assert names and not [name for name in names if "_" in name or name.isascii() and name.islower()], names
    positions = list(workbook["Posities"].iter_rows(min_row=2, values_only=True))
    assert positions[0][0] == case.reference and "Verborgen B.V." not in str(positions)


def test_the_evaluation_pdf_has_its_charts(kamer):
    from django.template.loader import render_to_string

    chart = reports.bar_chart("Instroom", [("Signalen ontvangen", 4, "4"), ("Ingezet", 1, "1")])
    svg = render_to_string("parliament/bar_chart.svg", chart)
    assert svg.count("<rect") == 2 and "Signalen ontvangen" in svg
