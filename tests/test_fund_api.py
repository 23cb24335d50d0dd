"""The fund through its API: the overview, the ledger (read), every movement, positions with their
valuations, dilutions, conversions and exits; bad input is a field error and books nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from access.roles import Role
from bev.models import JournalEntry, Position
from bev.selectors import fund_overview
from tests.factories import (
    UserFactory,
    case_to_investment_preparation,
    charge_fee,
    fee_approver,
    fee_year_prepared,
    fund_establish_default,
    fund_with_tranches,
    order_sale,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_case(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)


def post(client, url, body, expect=201):
    response = client.post(url, body, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def test_the_overview_shows_the_letters_limits_and_the_ledgers_figures(api, manager, make_user):
    fund_with_tranches(user=manager)
    liaison = make_user("liaison", Role.PARLIAMENTARY_LIAISON)
    body = api(liaison).get("/api/fund/").json()
    assert body["committed_limit"] == "100000000.00" and body["liquid_cap"] == "150000000.00"
    assert body["received"] == body["liquid"] == body["available"] == "100000000.00"
    assert body["manager"] == "Invest-NL"
    assert api(liaison).get("/api/fund/?as_of=2024-01-01").json()["received"] == "50000000.00"
    assert api(liaison).get("/api/fund/?as_of=yesterday").status_code == 400


def test_the_ledger_and_accounts_are_read_from_the_journal(api, manager):
    fund_with_tranches(user=manager)
    fee_year_prepared(timezone.localdate().year)
    proposed = post(api(manager), "/api/fund/fees/", {"amount": "125000.00", "idempotency_key": "fee-q1"})
    post(api(fee_approver()), f"/api/fund/fees/{proposed['id']}/approve/", {}, expect=200)
    client = api(manager)
    ledger = client.get("/api/fund/ledger/").json()
    assert ledger["count"] == 3
    fee = ledger["results"][0]  # newest first
    dates = [(entry["booked_on"], entry["id"]) for entry in ledger["results"]]
    assert dates == sorted(dates, reverse=True)
    assert fee["kind"] == "fee" and fee["created_by"] == "manager"
    assert sorted((line["account"], line["amount"]) for line in fee["lines"]) == [
        ("cash_available", "-125000.00"),
        ("management_fee", "125000.00"),
    ]
    assert client.get("/api/fund/ledger/?kind=tranche").json()["count"] == 2
    accounts = {row["account"]: row["balance"] for row in client.get("/api/fund/accounts/").json()}
    assert accounts["ministry_loan"] == "-100000000.00" and accounts["cash_available"] == "99875000.00"
    history = client.get("/api/fund/accounts/cash_available/").json()
    assert [row["balance"] for row in history] == ["50000000.00", "100000000.00", "99875000.00"]
    assert client.get("/api/fund/accounts/nonsense/").status_code == 404


@pytest.mark.parametrize(
    "body,field",
    [
        ({"amount": "100.001", "idempotency_key": "k"}, "amount"),
        ({"amount": "-5.00", "idempotency_key": "k"}, "amount"),
        ({"amount": "0.00", "idempotency_key": "k"}, "amount"),
        ({"amount": "1.00"}, "idempotency_key"),
    ],
)
def test_bad_tranches_are_field_errors_and_book_nothing(api, manager, body, field):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    response = api(manager).post("/api/fund/tranches/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert JournalEntry.objects.count() == 1


def test_a_tranche_above_the_committed_capital_is_a_limit_refusal_409(api, manager):
    """A limit not met is 409 with a stable code and the field it concerns (README, "Errors"), not a
    malformed-input 400; nothing is booked."""
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    response = api(manager).post(
        "/api/fund/tranches/", {"amount": "50000000.01", "idempotency_key": "k"}, format="json"
    )  # one cent above the committed €100m
    assert response.status_code == 409
    assert response.json()["code"] == "committed_limit" and response.json()["field"] == "amount"
    assert JournalEntry.objects.count() == 1


def test_an_investment_through_the_api(api, manager, manager2, ready_case, secretariat, secretariat2):
    client, client2 = api(manager), api(manager2)
    position = post(
        client,
        "/api/positions/",
        {"case": ready_case.pk, "instrument": "equity", "shares": 4000, "ownership_percent": "40"},
    )
    url = f"/api/positions/{position['id']}"
    post(client, f"{url}/reservations/", {"amount": "5000000.00", "idempotency_key": "res"})
    refused = client.post(
        f"{url}/disbursements/", {"amount": "100000000.01", "idempotency_key": "too-much"}, format="json"
    )
    assert refused.status_code == 409 and "Onvoldoende beschikbare liquiditeit" in refused.json()["message"]
    assert refused.json()["code"] == "available_liquidity" and refused.json()["field"] == "amount"
    proposal = post(client, f"{url}/disbursements/", {"amount": "8000000.00", "idempotency_key": "d1"})
    assert client.post(f"/api/disbursements/{proposal['id']}/approve/", {}, format="json").status_code == 403
    approved = client2.post(f"/api/disbursements/{proposal['id']}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "booked"
    assert client.get(f"/api/cases/{ready_case.pk}/").json()["state"] == "invested"
    post(client, f"{url}/returns/", {"kind": "dividend", "amount": "400000.00", "idempotency_key": "div"})
    post(
        client,
        f"{url}/valuations/",
        {"valued_on": date.today().isoformat(), "fair_value": "9000000.00", "method": "multiples"},
    )
    dilution = post(
        client,
        f"{url}/dilutions/",
        {"issued_on": date.today().isoformat(), "shares_outstanding_before": 10000, "new_shares_issued": 10000},
    )
    assert Decimal(dilution["ownership_after"]) == Decimal("20")
    order_sale(ready_case, recorder=secretariat, confirmer=secretariat2)  # the exit gate (tests/test_exit_gate.py)
    exit_body = {"proceeds": "6000000.00", "fraction_sold_percent": "50", "idempotency_key": "exit-1"}
    first = post(client, f"{url}/exits/", exit_body)
    assert first["realised_result"] == "2000000.00" and first["is_full"] is False
    assert client.post(f"{url}/exits/", exit_body, format="json").status_code == 200  # retried: booked once
    detail = client.get(f"{url}/").json()
    assert detail["ownership_percent"] == "10.000000"
    assert detail["metrics"]["invested"] == "8000000.00" and detail["metrics"]["returns"] == "6400000.00"
    overview = fund_overview()
    assert overview["deployed"] == Decimal("4000000.00") and overview["reserved"] == 0


def test_a_conversion_and_a_rejected_proposal(api, manager, manager2, ready_case):
    client, client2 = api(manager), api(manager2)
    position = post(
        client,
        "/api/positions/",
        {
            "case": ready_case.pk,
            "instrument": "convertible_loan",
            "principal": "2000000.00",
            "interest_rate_percent": "5",
            "conversion_terms": "Bij de volgende ronde tegen 20% korting.",
        },
    )
    url = f"/api/positions/{position['id']}"
    rejected = post(client, f"{url}/disbursements/", {"amount": "2000000.00", "idempotency_key": "d0"})
    assert (
        client2.post(
            f"/api/disbursements/{rejected['id']}/reject/", {"reason": "Termsheet nog niet getekend"}, format="json"
        ).json()["status"]
        == "rejected"
    )
    proposal = post(client, f"{url}/disbursements/", {"amount": "2000000.00", "idempotency_key": "d1"})
    client2.post(f"/api/disbursements/{proposal['id']}/approve/", {}, format="json")
    conversion = post(
        client,
        f"{url}/conversions/",
        {"converted_on": date.today().isoformat(), "shares": 800, "ownership_percent": "8"},
    )
    assert conversion["from_instrument"] == "convertible_loan"
    assert client.get(f"{url}/").json()["instrument"] == "equity"
    assert len(client.get(f"{url}/disbursements/").json()) == 2


def test_a_correction_through_the_api(api, manager):
    fund_with_tranches(user=manager)
    fee = {"id": charge_fee(user=manager, amount=Decimal("1000.00"), idempotency_key="fee").pk}
    # a fee was booked under four eyes: its reversal too (proposed by Invest-NL, approved by EZK)
    refused = api(manager).post(
        f"/api/fund/ledger/{fee['id']}/reverse/",
        {"reason": "Dubbel ingevoerd", "idempotency_key": "rev"},
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "reversal_needs_four_eyes"
    proposal = post(
        api(manager),
        "/api/fund/reversals/",
        {"entry": fee["id"], "reason": "Dubbel ingevoerd", "idempotency_key": "rev"},
    )
    assert proposal["status"] == "proposed" and fund_overview()["fees"] == Decimal("1000.00")
    approved = api(fee_approver()).post(f"/api/fund/reversals/{proposal['id']}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved" and approved.json()["reversal"]
    assert fund_overview()["fees"] == 0


def test_a_successor_manager_takes_over_on_its_date(api, make_user, manager):
    fund_establish_default()
    admin = make_user("admin", Role.ADMINISTRATOR)
    periods = post(
        api(admin), "/api/fund/managers/", {"name": "Nationale Investeringsinstelling", "valid_from": "2028-01-01"}
    )
    assert [(p["name"], p["valid_to"]) for p in periods] == [
        ("Invest-NL", "2027-12-31"),
        ("Nationale Investeringsinstelling", None),
    ]
    assert fund_overview(as_of=date(2027, 12, 31))["manager"] == "Invest-NL"
    assert fund_overview(as_of=date(2028, 1, 1))["manager"] == "Nationale Investeringsinstelling"
    assert (
        api(manager).post("/api/fund/managers/", {"name": "X", "valid_from": "2029-01-01"}, format="json").status_code
        == 403
    )


def test_the_admin_shows_the_ledger_read_only(client, make_user, manager):
    from django.contrib.admin.sites import site

    from bev.admin import JournalEntryAdmin

    fund_with_tranches(user=manager)
    admin_user = make_user("beheer", Role.ADMINISTRATOR, is_staff=True)
    model_admin = JournalEntryAdmin(JournalEntry, site)

    class Request:
        user = admin_user

    assert model_admin.has_view_permission(Request())
    assert not model_admin.has_change_permission(Request()) and not model_admin.has_delete_permission(Request())
    assert not model_admin.has_add_permission(Request())
    assert model_admin.get_actions(Request()) == {}


def test_the_demo_seed_is_idempotent(manager, manager2):
    import io

    from demo.seeds import bev as demo

    users = {
        "fonds": manager,
        "fonds2": manager2,
        "casus": fee_approver(),
        "beheer": UserFactory(username="beheer", role="administrator"),
    }
    demo.seed(users=users, stdout=io.StringIO())
    demo.seed(users=users, stdout=io.StringIO())
    overview = fund_overview()
    assert overview["received"] == Decimal("100000000.00") and overview["fees"] == Decimal("750000.00")
    assert JournalEntry.objects.count() == 3
    assert fund_overview(as_of=date(2023, 12, 31))["received"] == Decimal("50000000.00")
    assert not Position.objects.exists()


def test_fund_wide_views_hide_case_text_from_people_outside_the_case(api, manager, manager2, ready_case, make_user):
    from bev import services

    position = services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=10)
    services.reservation_book(
        user=manager,
        position=position,
        amount=Decimal("1000.00"),
        idempotency_key="r",
        description="Reservering Voorbeeld Photonics",
    )
    auditor = make_user("auditor", Role.AUDITOR)
    entries = api(auditor).get("/api/fund/ledger/?kind=reservation").json()["results"]
    assert entries[0]["description"] == "(casusgegevens afgeschermd)"
    assert entries[0]["lines"][0]["amount"] in ("1000.00", "-1000.00")
    # nor which case or position (issue 22): the amounts are fund data, the case is not
    assert entries[0]["case_id"] is None and entries[0]["position"] is None
    assert all(line["position"] is None for line in entries[0]["lines"])
    history = api(auditor).get("/api/fund/accounts/cash_reserved/").json()
    assert "Photonics" not in str(history)
    assert history and all(line["position_id"] is None for line in history)
    own = api(manager).get("/api/fund/ledger/?kind=reservation").json()["results"]
    assert own[0]["description"] == "Reservering Voorbeeld Photonics"
    assert own[0]["case_id"] == ready_case.pk and own[0]["position"] == position.pk
    assert api(manager).get(f"/api/fund/ledger/?position={position.pk}").json()["count"] == 1
