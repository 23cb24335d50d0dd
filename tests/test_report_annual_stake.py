"""The annual transaction report's stake and result are the position's on the report's peildatum,
and the columns say so. The tester's walk: a first investment's row said "Belang 5,00%" (today's stake,
after later sales) while the Kamerbrief about it said 20%. The stake after each transaction is not on
record (a follow-on records none), so the columns are "Belang op peildatum (%)" and "Resultaat positie
op peildatum (EUR)" in the CSV, the workbook and the PDF (which names the peildatum), and the stake is
the one on record on the peildatum (`bev.selectors.positions_stakes_on`), not today's."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from access.roles import Role
from bev import services
from bev.selectors.positions import _stake_on
from parliament import reports
from parliament.models import Report

from .factories import add_liaisons, case_to_investment_preparation, fund_with_tranches, invest_in_case, order_sale

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
STAKE, RESULT = "Belang op peildatum (%)", "Resultaat positie op peildatum (EUR)"


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def position(case, officer, manager, manager2, secretariat, secretariat2, kamer):
    """20 % bought on 2 June 2025, diluted to 16 % on 1 September 2025, three quarters sold on 2 March
    2026: 4 % today."""
    add_liaisons(case, by=officer, liaisons=[kamer])
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(
        ready, proposer=manager, approver=manager2, amount=20 * M, booked_on=date(2025, 6, 2), ownership_percent=20
    )
    services.dilution_record(user=manager, position=position, issued_on=date(2025, 9, 1), ownership_after=16)
    order_sale(ready, recorder=secretariat, confirmer=secretariat2)
    services.exit_book(
        user=manager,
        position=position,
        proceeds=18 * M,
        fraction_sold_percent=75,
        exited_on=date(2026, 3, 2),
        idempotency_key="three-quarters",
    )
    position.refresh_from_db()
    assert position.ownership_percent == Decimal("4")
    return position


def annual(api, kamer, year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report_id = api(kamer).post("/api/reports/", {"kind": "annual_transactions", "year": year}).json()["id"]
    content = api(kamer).get(f"/api/reports/{report_id}/download/csv/").content.decode("utf-8-sig")
    return Report.objects.get(pk=report_id), list(csv.reader(io.StringIO(content), delimiter=";"))


def test_a_past_years_row_states_the_stake_on_its_peildatum_not_todays(
    api, kamer, position, django_capture_on_commit_callbacks
):
    report, rows = annual(api, kamer, 2025, django_capture_on_commit_callbacks)
    header, first = rows
    assert header[6:8] == [STAKE, RESULT]
    assert first[3] == "Eerste investering" and first[6] == "16,00"  # on 31 December 2025; not today's 4 %
    assert reports.annual_peildatum(report) == date(2025, 12, 31)
    # the PDF's table says the same and names the peildatum
    html = reports.annual_html(report, reports.annual_rows(report), report.summary)
    assert "Belang op peildatum" in html and "Resultaat positie op peildatum" in html
    assert "op de peildatum 31 december 2025" in html
    assert "16,00%" in html and "4,00%" not in html


def test_this_years_rows_are_measured_today_and_the_workbook_says_so(
    api, kamer, position, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    report, rows = annual(api, kamer, 2026, django_capture_on_commit_callbacks)
    assert [row[6] for row in rows[1:]] == ["4,00"]  # the sale's row, on today
    assert reports.annual_peildatum(report) == timezone.localdate()
    workbook = load_workbook(io.BytesIO(api(kamer).get(f"/api/reports/{report.pk}/download/xlsx/").content))
    sheet = workbook["Transacties 2026"]
    assert [cell.value for cell in sheet[1]][6:8] == [STAKE, RESULT]


def _event(on, kind, number=None, after=None):
    return (on, datetime(on.year, on.month, on.day, 12), kind, number, after)


def test_what_the_walk_cannot_undo_is_taken_forward_from_the_last_recorded_stake():
    d = date
    diluted = _event(d(2025, 3, 1), "dilution", Decimal("30"), Decimal("24"))
    sold_half = _event(d(2025, 6, 1), "sale", Decimal("50"))
    full = _event(d(2025, 9, 1), "full_exit", Decimal("100"))
    assert _stake_on(Decimal("0"), [diluted, sold_half, full], d(2025, 7, 1)) == Decimal("12")  # 24 x 50 %
    assert _stake_on(Decimal("0"), [diluted, sold_half, full], d(2025, 2, 1)) == Decimal("30")  # before the issue
    assert _stake_on(Decimal("0"), [sold_half, full], d(2025, 7, 1)) is None  # nothing recorded to go by
    converted = _event(d(2025, 4, 1), "conversion", None, Decimal("10"))
    assert _stake_on(Decimal("10"), [converted], d(2025, 3, 1)) is None  # a loan before it: no stake on record
    assert _stake_on(Decimal("10"), [converted], d(2025, 4, 1)) == Decimal("10")
