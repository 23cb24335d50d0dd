"""EZK's loan is revolving: "de middelen terugbetaald dienen te worden en rente betaald moet worden
over de middelen" (letter, footnote 9). Its terms are dated data an administrator enters (audited);
interest accrues per period, once (a periodic task and on demand); interest paid and principal
repaid are ledger bookings, distinct from the sweep to the staatskas; the overview, the API and the
annual report show each figure, and each reconciles with the ledger's lines."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from access.roles import Role
from audit.models import AuditRecord
from bev import services, tasks
from bev.constants import Account, EntryKind
from bev.models import JournalEntry, JournalLine, LoanInterestAccrual
from bev.selectors import fund_overview, running_balance_mismatches, unbalanced_entries
from core.exceptions import Conflict, PermissionDenied
from parliament.models import Report
from parliament.reports import build_annual_report
from tests.factories import fund_establish_default, fund_with_tranches, pay_loan_interest, repay_loan

pytestmark = pytest.mark.django_db
M = Decimal("1000000.00")


@pytest.fixture
def administrator(make_user):
    return make_user("beheerder", Role.ADMINISTRATOR)


def terms(user, valid_from=date(2023, 12, 1), rate="2", period="quarter", **kw):
    return services.loan_terms_record(
        user=user,
        valid_from=valid_from,
        interest_rate_percent=rate,
        interest_period=period,
        repayment_basis=kw.pop("basis", "on_demand"),
        source="Leningsovereenkomst EZK-Invest-NL (proef)",
        **kw,
    )


def ledger_sum(account, kind=None, through=None) -> Decimal:
    lines = JournalLine.objects.filter(account=account)
    if kind:
        lines = lines.filter(kind=kind)
    if through:
        lines = lines.filter(booked_on__lte=through)
    return lines.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def test_terms_are_dated_data_an_administrator_records_and_the_audit_trail_keeps(manager, administrator, api):
    fund_establish_default()
    assert api(manager).get("/api/fund/loan-terms/").json() == []  # niet ingesteld: no default rate
    with pytest.raises(PermissionDenied):
        terms(manager)
    first = terms(administrator)
    second = terms(administrator, valid_from=date(2025, 1, 1), rate="2.5", period="year")
    first.refresh_from_db()
    assert first.valid_to == date(2024, 12, 31) and second.valid_to is None
    assert AuditRecord.objects.filter(event="fund.loan_terms_record", actor=administrator).count() == 2
    body = {
        "valid_from": "2026-01-01",
        "interest_rate_percent": "3.0000",
        "interest_period": "month",
        "repayment_basis": "schedule",
        "source": "Addendum 2026",
        "instalments": [{"due_on": "2030-12-31", "amount": "50000000.00"}],
    }
    assert api(manager).post("/api/fund/loan-terms/", body, format="json").status_code == 403
    response = api(administrator).post("/api/fund/loan-terms/", body, format="json")
    assert response.status_code == 201, response.json()
    assert [t["interest_rate_percent"] for t in response.json()] == ["2.0000", "2.5000", "3.0000"]
    assert response.json()[2]["instalments"] == [{"due_on": "2030-12-31", "amount": "50000000.00"}]


def test_interest_accrues_per_period_on_the_principal_outstanding_and_once(manager, administrator):
    fund_with_tranches(user=manager)  # 50m on 1 December 2023, 50m on 3 June 2024
    terms(administrator)  # 2% a year, quarterly
    accrued = services.loan_interest_accrue(user=manager, through=date(2024, 6, 30))
    assert [(a.period_start, a.period_end) for a in accrued] == [
        (date(2023, 12, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 3, 31)),
        (date(2024, 4, 1), date(2024, 6, 30)),
    ]
    # actual/365, from the day after receipt: 30 days of 50m in December; 91 days in Q1;
    # Q2: 91 days of 50m plus 27 days (4-30 June) of the second 50m
    assert [a.amount for a in accrued] == [
        Decimal("82191.78"),
        Decimal("249315.07"),
        Decimal("249315.07") + Decimal("73972.60"),
    ]
    again = services.loan_interest_accrue(user=manager, through=date(2024, 6, 30))
    assert again == []  # accruing the periods twice books them once
    assert JournalEntry.objects.filter(kind=EntryKind.EZK_INTEREST).count() == 3
    assert fund_overview()["loan_interest_accrued"] == sum(a.amount for a in accrued)
    assert fund_overview()["loan_interest_payable"] == sum(a.amount for a in accrued)


def test_the_periodic_task_is_scheduled_accrues_once_and_waits_for_terms(manager, administrator, settings):
    assert "bev.tasks.accrue_loan_interest" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks.accrue_loan_interest() == 0  # no fund yet: nothing to do, no error
    fund_with_tranches(user=manager)
    assert tasks.accrue_loan_interest() == 0  # no terms: nothing booked, no error
    with pytest.raises(Conflict) as refused:  # a person is told
        services.loan_interest_accrue(user=manager)
    assert refused.value.code == "loan_terms_not_configured"
    terms(administrator)
    first = tasks.accrue_loan_interest()
    assert first > 0 and tasks.accrue_loan_interest() == 0
    assert LoanInterestAccrual.objects.count() == first
    entry = JournalEntry.objects.filter(kind=EntryKind.EZK_INTEREST).first()
    assert entry.created_by.username == "bev-systeem" and not entry.created_by.is_active
    # terms cannot be changed for a period already accrued
    with pytest.raises(Conflict) as refused:
        terms(administrator, valid_from=date(2024, 2, 1), rate="9")
    assert refused.value.code == "loan_terms_period_accrued"


def test_a_rate_change_counts_from_its_day(manager, administrator):
    fund_with_tranches(user=manager, amounts=(50 * M,))
    terms(administrator, rate="2", period="year")
    terms(administrator, valid_from=date(2024, 7, 1), rate="4", period="year")
    accrued = services.loan_interest_accrue(user=manager, through=date(2024, 12, 31))
    # 2024 is one period (year); 182 days at 2% and 184 days at 4% on 50m
    assert accrued[-1].amount == (
        Decimal(50 * M) * Decimal("0.02") * 182 / 365 + Decimal(50 * M) * Decimal("0.04") * 184 / 365
    ).quantize(Decimal("0.01"))
    assert [s["rate"] for s in accrued[-1].calculation] == ["2.0000", "4.0000"]


def test_interest_paid_and_principal_repaid_are_bookings_distinct_from_the_sweep(manager, manager2, administrator, api):
    # a cap of €60m so that the second tranche is partly swept to the staatskas
    services.fund_establish(
        name="BEV SPV",
        policy_owner="EZK",
        manager_name="Invest-NL",
        manager_from=date(2023, 9, 1),
        liquid_cap=Decimal("60000000.00"),
    )
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t1", received_on=date(2023, 12, 1))
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t2", received_on=date(2024, 6, 3))
    assert fund_overview()["swept_to_treasury"] == 40 * M
    assert fund_overview()["loan_principal_outstanding"] == 100 * M  # the sweep repays nothing
    terms(administrator)
    accrued = sum(a.amount for a in services.loan_interest_accrue(user=manager, through=date(2024, 12, 31)))
    with pytest.raises(Conflict) as refused:
        services.loan_interest_payment_propose(user=manager, amount=accrued + Decimal("0.01"), idempotency_key="p0")
    assert refused.value.code == "loan_interest_exceeds_payable"
    pay_loan_interest(proposer=manager, approver=manager2, amount=accrued - 1000, idempotency_key="p1")
    with pytest.raises(Conflict) as refused:
        services.loan_repayment_propose(user=manager, amount=100 * M + Decimal("0.01"), idempotency_key="r0")
    assert refused.value.code == "loan_repayment_exceeds_principal"
    # the repayment is proposed (nothing booked), another fund manager approves and so books it
    response = api(manager).post(
        "/api/fund/loan-repayments/", {"amount": "10000000.00", "idempotency_key": "r1"}, format="json"
    )
    assert response.status_code == 201 and response.json()["status"] == "proposed"
    assert response.json()["entry"] is None
    assert (
        api(manager)
        .post("/api/fund/loan-repayments/", {"amount": "10000000.00", "idempotency_key": "r1"}, format="json")
        .status_code
        == 200
    )  # a retry proposes nothing new
    approved = api(manager2).post(f"/api/fund/loan-repayments/{response.json()['id']}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.json()
    # interest likewise: proposed (nothing booked), another fund manager approves and so books it
    paid = api(manager).post(
        "/api/fund/loan-interest-payments/", {"amount": "1000.00", "idempotency_key": "p2"}, format="json"
    )
    assert paid.status_code == 201 and paid.json()["status"] == "proposed", paid.json()
    approved = api(manager2).post(f"/api/fund/loan-interest-payments/{paid.json()['id']}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.json()
    overview = fund_overview()
    assert overview["loan_repaid"] == 10 * M and overview["loan_principal_outstanding"] == 90 * M
    assert overview["loan_interest_paid"] == accrued and overview["loan_interest_payable"] == 0
    assert overview["swept_to_treasury"] == 40 * M  # unchanged by the loan's bookings
    # the wrong repayment reversed: principal outstanding again
    repayment = JournalEntry.objects.get(kind=EntryKind.EZK_REPAYMENT)
    with pytest.raises(Conflict) as refused:  # booked under four eyes, reversed under four eyes
        services.entry_reverse(user=manager, entry=repayment, reason="Verkeerd bedrag.", idempotency_key="r1-rev")
    assert refused.value.code == "reversal_needs_four_eyes"
    proposal = services.reversal_propose(
        user=manager, entry=repayment, reason="Verkeerd bedrag.", idempotency_key="r1-rev"
    )
    with pytest.raises(PermissionDenied):
        services.reversal_approve(user=manager, proposal=proposal)
    services.reversal_approve(user=manager2, proposal=proposal)
    assert fund_overview()["loan_principal_outstanding"] == 100 * M


def test_overview_api_and_annual_report_reconcile_with_the_ledger(manager, manager2, administrator, api):
    fund_with_tranches(user=manager)
    terms(administrator)
    services.loan_interest_accrue(user=manager, through=date(2025, 12, 31))
    pay_loan_interest(
        proposer=manager, approver=manager2, amount=Decimal("500000.00"), idempotency_key="p", paid_on=date(2026, 1, 5)
    )
    repay_loan(proposer=manager, approver=manager2, amount=5 * M, idempotency_key="r", repaid_on=date(2026, 1, 6))
    expected = {
        "loan_received": -ledger_sum(Account.MINISTRY_LOAN),
        "loan_repaid": ledger_sum(Account.CASH_AVAILABLE, EntryKind.EZK_REPAYMENT) * -1,
        "loan_interest_accrued": ledger_sum(Account.EZK_INTEREST_PAYABLE, EntryKind.EZK_INTEREST) * -1,
        "loan_interest_paid": -ledger_sum(Account.CASH_AVAILABLE, EntryKind.EZK_INTEREST_PAID),
        "swept_to_treasury": ledger_sum(Account.TREASURY, EntryKind.SWEEP),
    }
    expected["loan_principal_outstanding"] = expected["loan_received"] - expected["loan_repaid"]
    expected["loan_interest_payable"] = expected["loan_interest_accrued"] - expected["loan_interest_paid"]
    assert expected["loan_repaid"] == 5 * M and expected["loan_interest_paid"] == Decimal("500000.00")
    overview = fund_overview()
    body = api(manager).get("/api/fund/").json()
    for key, value in expected.items():
        assert overview[key] == value, key
        assert Decimal(body[key]) == value, key
    assert not running_balance_mismatches() and not unbalanced_entries()
    # the annual report of 2026: the year-end figures and the year's movements, from the ledger
    report = Report.objects.create(
        kind=Report.Kind.ANNUAL_TRANSACTIONS,
        year=2026,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        requested_by=manager,
    )
    loan = build_annual_report(report).summary["fund"]["loan"]
    assert Decimal(loan["loan_principal_outstanding"]["year_end"]) == expected["loan_principal_outstanding"]
    assert Decimal(loan["loan_repaid"]["in_year"]) == 5 * M
    assert Decimal(loan["loan_interest_paid"]["in_year"]) == Decimal("500000.00")
    accrued_2026 = -ledger_sum(Account.EZK_INTEREST_PAYABLE, EntryKind.EZK_INTEREST) - -ledger_sum(
        Account.EZK_INTEREST_PAYABLE, EntryKind.EZK_INTEREST, through=date(2025, 12, 31)
    )
    assert Decimal(loan["loan_interest_accrued"]["in_year"]) == accrued_2026
    assert Decimal(loan["swept_to_treasury"]["year_end"]) == expected["swept_to_treasury"]


def test_the_fund_page_shows_the_loan_and_proposes_a_repayment_after_a_preview(manager, administrator, client):
    from django.urls import reverse

    from bev.models import LoanRepaymentProposal
    from tests.factories import web_session

    fund_with_tranches(user=manager)
    terms(administrator, rate="2.5")
    web_session(client, manager)
    page = client.get(reverse("bev:fund")).content.decode()
    assert "Uitstaande hoofdsom" in page and "2,5% per jaar, rente per kwartaal" in page
    assert reverse("bev:loan_repayments") in page
    url = reverse("bev:fund_book", args=["loan-repayment"])
    data = {"loan-repayment-amount": "10.000.000", "loan-repayment-idempotency_key": "web-r-1"}
    preview = client.post(url, data)
    assert preview.status_code == 200 and "voorgesteld" in preview.content.decode()
    assert not LoanRepaymentProposal.objects.exists()
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    # proposed, not booked: a second fund manager approves it (tests/test_loan_repayment_four_eyes.py)
    assert LoanRepaymentProposal.objects.get().status == "proposed"
    assert not JournalEntry.objects.filter(kind=EntryKind.EZK_REPAYMENT).exists()
    assert fund_overview()["loan_principal_outstanding"] == 100 * M
    refused = client.post(
        reverse("bev:fund_book", args=["loan-interest"]),
        {"loan-interest-amount": "1", "loan-interest-idempotency_key": "web-i-1"},
    )
    assert refused.status_code == 400 and "onbetaalde rente" in refused.content.decode()


def test_a_tranche_cannot_be_reversed_below_what_was_repaid(case, manager, manager2, secretariat, secretariat2):
    from core.exceptions import LimitExceeded
    from tests.factories import case_to_investment_preparation, invest_in_case

    fund_with_tranches(user=manager)
    case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    stake = invest_in_case(case, proposer=manager, approver=manager2, amount=10 * M)
    services.return_book(user=manager, position=stake, kind="dividend", amount=30 * M, idempotency_key="div")
    repay_loan(proposer=manager, approver=manager2, amount=60 * M, idempotency_key="r")  # cash left: 60m
    tranche = JournalEntry.objects.get(idempotency_key="factory-tranche-2")
    with pytest.raises(LimitExceeded) as refused:  # outstanding principal would be 50m - 60m
        services.entry_reverse(user=manager, entry=tranche, reason="Dubbel.", idempotency_key="t2-rev")
    assert "hoofdsom" in refused.value.message
    assert fund_overview()["loan_principal_outstanding"] == 40 * M
