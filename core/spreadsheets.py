"""Every CSV and XLSX the service writes goes through here, so no cell can become a formula.

A spreadsheet program reads a text cell that starts with `=`, `+`, `-` or `@` as a formula (and a
leading tab or carriage return is stripped before it looks), so a company name such as
`=HYPERLINK("https://…","klik")` from a case file would become a live formula in the annual report.
OWASP's rule (CSV injection): prefix such a text cell with a single quote, which shows the text as
it is. Only text is touched: a number stays a number (a negative amount written as a Decimal is a
number cell, not a formula), and dates stay dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a cell may hold it: text starting with a formula trigger gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (float, Decimal)):
        # A number with a decimal comma, as a spreadsheet set to Dutch reads a `;`-separated file
        # ("12500000,50"; with a point Dutch Excel read 49.500000 % as 49.500.000). Digits, a sign
        # and a comma cannot be a formula, so it is written as it is, even when negative.
        return str(value).replace(".", ",")
    if isinstance(value, (bool, int)):
        return value  # a number: written as a number, even when negative
    return safe_cell(str(value))


def csv_bytes(header: list, rows: Iterable[Iterable], *, delimiter: str = ";") -> bytes:
    """A CSV file (UTF-8 with BOM, so Excel opens it in UTF-8; `;` between cells and a decimal comma,
    the Dutch convention) whose text cells cannot be formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([_csv_value(v) for v in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: list[tuple[str, list, list[list]]]) -> bytes:
    """An XLSX workbook, one sheet per (title, header, rows); text cells cannot be formulas,
    amounts are numbers formatted with two decimals, dates are dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=str(title)[:31])
        sheet.append([_xlsx_value(v) for v in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in rows:
            sheet.append([_xlsx_value(v) for v in values])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever openpyxl guessed
                elif isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
                elif isinstance(cell.value, date):
                    cell.number_format = "DD-MM-YYYY"
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column) + 2
            sheet.column_dimensions[column[0].column_letter].width = min(width, 50)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if value is None or isinstance(value, (bool, int, float, Decimal, date, datetime)):
        return value
    return safe_cell(str(value))
