"""The management fee: "Invest-NL [zal] een gepaste beheersvergoeding ontvangen. Deze vergoeding komt
ten laste van het fondsbudget" (letter). The year's budget (administrator), a fee proposed by an
Invest-NL manager and approved by an EZK official (four eyes across the two organisations), never
above the year's remaining budget; the approval books it; every step audited."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from audit.models import AuditRecord
from bev import services
from bev.models import FeeBudget, FeeCharge, JournalEntry
from bev.selectors import fund_overview
from core.exceptions import Conflict, PermissionDenied

from .factories import fund_with_tranches, web_session

pytestmark = pytest.mark.django_db

K = Decimal("1000.00")


@pytest.fixture
def admin(make_user):
    return make_user("admin", Role.ADMINISTRATOR)


@pytest.fixture
def fund(manager, admin):
    fund_with_tranches(user=manager)
    services.fee_budget_set(user=admin, year=timezone.localdate().year, amount=500 * K)
    return fund


def propose(user, amount, key="fee-1"):
    return services.fee_propose(user=user, amount=amount, idempotency_key=key, description="Beheersvergoeding Q1")


def test_a_fee_is_booked_only_when_ezk_approves(api, manager, officer, fund):
    proposed = api(manager).post("/api/fund/fees/", {"amount": "125000.00", "idempotency_key": "q1"}, format="json")
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    assert not JournalEntry.objects.filter(kind="fee").exists()
    approved = api(officer).post(f"/api/fund/fees/{proposed.json()['id']}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.json()
    entry = JournalEntry.objects.get(kind="fee")
    assert entry.created_by == manager and entry.approved_by == officer and entry.amount == 125 * K
    overview = api(manager).get("/api/fund/").json()
    assert (overview["fee_budget"], overview["fee_booked"], overview["fee_left"]) == (
        "500000.00",
        "125000.00",
        "375000.00",
    )
    events = list(AuditRecord.objects.filter(event__startswith="fee").order_by("id").values_list("event", flat=True))
    assert events == ["fee_budget.set", "fee.propose", "fee.approve"]


def test_four_eyes_across_the_two_organisations(make_user, manager, manager2, officer, fund):
    fee = propose(manager, K)
    with pytest.raises(PermissionDenied):
        services.fee_approve(user=manager2, fee=fee)  # another Invest-NL manager: not the role
    with pytest.raises(PermissionDenied):
        services.fee_approve(user=manager, fee=fee)
    with pytest.raises(PermissionDenied):
        propose(officer, K, key="fee-2")  # EZK does not propose Invest-NL's fee
    assert not JournalEntry.objects.filter(kind="fee").exists()
    assert services.fee_approve(user=officer, fee=fee).status == "approved"


def test_the_approver_is_never_the_proposer(manager, officer, fund):
    fee = propose(manager, K)
    FeeCharge.objects.filter(pk=fee.pk).update(proposed_by=officer)  # however the proposal came about
    fee.refresh_from_db()
    with pytest.raises(PermissionDenied) as refused:
        services.fee_approve(user=officer, fee=fee)
    assert refused.value.code == "four_eyes"


def test_a_fee_above_the_years_remaining_budget_is_refused(api, manager, officer, fund):
    services.fee_approve(user=officer, fee=propose(manager, 400 * K))
    early = api(manager).post("/api/fund/fees/", {"amount": "100000.01", "idempotency_key": "q2"}, format="json")
    assert early.status_code == 409
    body = early.json()
    assert body["code"] == "fee_budget_exceeded" and body["extra"]["left"] == "100000.00"
    assert "budget beheersvergoeding" in body["message"] and "€ 100.000,00" in body["message"]
    # two proposals within the budget apart, not together: the second approval is refused
    first, second = propose(manager, 60 * K, "a"), propose(manager, 60 * K, "b")
    services.fee_approve(user=officer, fee=first)
    refused = api(officer).post(f"/api/fund/fees/{second.pk}/approve/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "fee_budget_exceeded"
    second.refresh_from_db()
    assert second.status == "proposed"
    assert fund_overview()["fee_booked"] == 460 * K


def test_no_budget_no_fee_and_the_budget_is_the_administrators(api, manager, officer, admin):
    fund_with_tranches(user=manager)
    with pytest.raises(Conflict):
        propose(manager, K)
    assert (
        api(officer).post("/api/fund/fee-budgets/", {"year": 2026, "amount": "1000.00"}, format="json").status_code
        == 403
    )
    assert api(admin).post("/api/fund/fee-budgets/", {"year": 2026, "amount": "-1"}, format="json").status_code == 400
    assert (
        api(admin)
        .post("/api/fund/fee-budgets/", {"year": timezone.localdate().year, "amount": "1000.00"}, format="json")
        .status_code
        == 201
    )
    assert services.fee_approve(user=officer, fee=propose(manager, K)).status == "approved"
    with pytest.raises(Conflict):  # never below what is booked
        services.fee_budget_set(user=admin, year=timezone.localdate().year, amount=K - Decimal("0.01"))


def test_the_budget_year_is_the_booking_year(manager, officer, admin, fund):
    services.fee_budget_set(user=admin, year=2024, amount=10 * K)
    with pytest.raises(Conflict):
        services.fee_propose(
            user=manager, amount=10 * K + Decimal("0.01"), idempotency_key="old", booked_on=date(2024, 12, 31)
        )
    fee = services.fee_propose(user=manager, amount=10 * K, idempotency_key="old2", booked_on=date(2024, 12, 31))
    services.fee_approve(user=officer, fee=fee)
    assert JournalEntry.objects.get(kind="fee").booked_on == date(2024, 12, 31)
    assert fund_overview()["fee_booked"] == 0  # this year's fees: none


def test_web_fees_page_approve_and_refusal_at_the_form(client, manager, officer, fund):
    fee = propose(manager, 100 * K)
    FeeCharge.objects.filter(pk=fee.pk).update(amount=600 * K)  # a proposal from before a budget cut
    web_session(client, officer)
    page = client.get(reverse("bev:fees"))
    assert page.status_code == 200 and "Goedkeuren en boeken" in page.content.decode()
    refused = client.post(reverse("bev:fee_decide", args=[fee.pk, "approve"]))
    assert refused.status_code == 400 and "budget beheersvergoeding" in refused.content.decode()
    assert not JournalEntry.objects.filter(kind="fee").exists()
    FeeCharge.objects.filter(pk=fee.pk).update(amount=100 * K)
    asked = client.post(reverse("bev:fee_decide", args=[fee.pk, "approve"]))  # asks first, shows what
    assert asked.status_code == 200 and "Bevestigen en boeken" in asked.content.decode()
    assert client.post(reverse("bev:fee_decide", args=[fee.pk, "approve"]), {"confirm": "1"}).status_code == 302
    assert JournalEntry.objects.filter(kind="fee").count() == 1
    client.logout()
    web_session(client, manager)
    body = client.get(reverse("bev:fund")).content.decode()
    assert "Budget beheersvergoeding dit jaar" in body and "€ 400.000" in body  # left


def test_a_budget_above_the_committed_capital_is_refused_at_the_amount(api, client, admin, fund):
    """The service's own plausibility bound (bev.services.fees.fee_budget_set): €200,000,000 for a
    year was accepted; the fund's committed capital (€100m) is the most a year's budget may be."""
    year = timezone.localdate().year
    refused = api(admin).post("/api/fund/fee-budgets/", {"year": year, "amount": "200000000.00"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["amount"] and "€ 100.000.000,00" in refused.json()["amount"][0]
    assert (
        api(admin)
        .post("/api/fund/fee-budgets/", {"year": year + 1, "amount": "100000000.01"}, format="json")
        .status_code
        == 400
    )
    assert FeeBudget.objects.get(year=year).amount == 500 * K  # unchanged
    assert not FeeBudget.objects.filter(year=year + 1).exists()
    web_session(client, admin)
    response = client.post(
        reverse("bev:fee_budget_set"), {"budget-year": year, "budget-amount": "200.000.000", "budget-notes": ""}
    )
    assert response.status_code == 400
    assert 'id="id_budget-amount_error"' in response.content.decode()
    assert FeeBudget.objects.get(year=year).amount == 500 * K
    # the committed capital itself is allowed
    assert services.fee_budget_set(user=admin, year=year, amount=100_000_000).amount == 100_000_000
