"""The annual transaction report agrees with the ledger.

The tester's walk: after a € 15 mln disbursement reversed and € 10 mln booked instead, and on a loan
with warrants € 1.2 mln interest and the € 20 mln repaid, the report said € 102.5 mln was invested in
one year from a € 100 mln fund (the reversed € 15 mln counted, and so a conversion, which adds no
money) and showed neither the interest nor the repayment. Now a reversal is a row of its own with its
amount negative, the returns are rows, and the totals are sums of the signed rows."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from access.roles import Role
from bev import services as fund
from bev.models import JournalEntry
from bev.selectors import position_balances
from parliament import reports
from parliament.models import Report

from .factories import (
    add_liaisons,
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
    reverse_four_eyes,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def year_of_bookings(case, officer, manager, manager2, secretariat, secretariat2, make_user):
    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer])
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, proposal_amount=60 * M)
    loan = fund.position_create(
        user=manager,
        case=ready,
        instrument="loan_with_warrants",
        principal=20 * M,
        interest_rate_percent=Decimal("6"),
        warrant_terms="Warrants op 5%.",
    )
    shares = invest_in_case(ready, proposer=manager, approver=manager2, amount=15 * M)
    wrong = JournalEntry.objects.get(position=shares, kind="disbursement")
    reverse_four_eyes(wrong, proposer=manager, approver=manager2, reason="Verkeerd bedrag")
    right = fund.disbursement_propose(user=manager, position=shares, amount=10 * M, idempotency_key="right")
    fund.disbursement_approve(user=manager2, disbursement=right)
    paid = fund.disbursement_propose(user=manager, position=loan, amount=20 * M, idempotency_key="loan")
    fund.disbursement_approve(user=manager2, disbursement=paid)
    fund.return_book(user=manager, position=loan, kind="interest", amount=Decimal("1200000"), idempotency_key="i")
    fund.return_book(user=manager, position=loan, kind="repayment", amount=20 * M, idempotency_key="r")
    year = timezone.localdate().year
    report = Report.objects.create(
        kind="annual_transactions",
        year=year,
        period_start=timezone.localdate().replace(month=1, day=1),
        period_end=timezone.localdate().replace(month=12, day=31),
        requested_by=kamer,
    )
    return report, shares, loan


def test_the_totals_are_the_ledgers(year_of_bookings):
    report, shares, loan = year_of_bookings
    rows = reports.annual_rows(report)
    summary = reports.annual_summary(rows)
    standing = position_balances(position_ids=[shares.pk, loan.pk])
    assert summary["invested"] == standing[shares.pk]["invested"] + standing[loan.pk]["invested"] == 30 * M
    assert summary["returns"] == Decimal("21200000.00")
    assert [(r["kind"], r["amount"]) for r in rows] == [
        ("Eerste investering", 15 * M),
        ("Tegenboeking: Eerste investering", -15 * M),
        ("Eerste investering", 10 * M),
        ("Eerste investering", 20 * M),  # the loan position's own first
        ("Rente", Decimal("1200000.00")),
        ("Aflossing", 20 * M),
    ]
    assert reports.annual_withheld(report) == (6, 0)
    content = reports.annual_csv(rows).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert [line[3] for line in lines[1:]][1] == "Tegenboeking: Eerste investering"


def test_a_conversion_adds_no_money_to_what_was_invested():
    rows = [
        {"kind": "Eerste investering", "kind_code": "first_investment", "amount": 5 * M},
        {"kind": "Conversie", "kind_code": "conversion", "amount": 5 * M},
    ]
    assert reports.annual_summary(rows)["invested"] == 5 * M


def test_the_summary_says_what_came_back_as_income_and_what_as_principal(year_of_bookings):
    """Acceptance testing: a repaid principal read as earnings. The summary keeps `returns` (dividend,
    interest and repayment) and says what it is: income (dividend, interest) and principal repaid."""
    report, _shares, _loan = year_of_bookings
    rows = reports.annual_rows(report)
    summary = {
        **reports.annual_summary(rows),
        "fund": reports.annual_fund(report),
        "peildatum": reports.annual_peildatum(report),
    }
    summary["fund_transactions"], summary["withheld"] = reports.annual_withheld(report)
    assert summary["returns"] == Decimal("21200000.00")
    assert summary["income"] == Decimal("1200000.00") and summary["principal_repaid"] == 20 * M
    html = reports.annual_html(report, rows, summary)
    assert 'id="income">€ 1.200.000<' in html
    assert 'id="principal-repaid">€ 20.000.000<' in html
    assert "Terugontvangen uit de posities (dividend, rente, aflossing)" not in html
