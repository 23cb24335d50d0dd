"""Issue 23: a dilution is entered as the new shares issued (as before) or as the new stake (%) after
the issue: exactly one of them; the service computes the other. Without any share count only the
percentage path is possible. Refusals are field-level."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bev import services
from bev.models import Dilution, Position
from core.exceptions import RuleViolation

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
DAY = date(2026, 5, 1)


@pytest.fixture
def ready(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)


@pytest.fixture
def with_shares(ready, manager, manager2):
    """40% held as 4,000 shares: 10,000 outstanding."""
    return invest_in_case(
        ready, proposer=manager, approver=manager2, amount=10 * M, ownership_percent=Decimal("40"), shares=4000
    )


@pytest.fixture
def without_shares(ready, manager, manager2):
    return invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, ownership_percent=Decimal("30"))


def test_the_new_stake_gives_the_shares_issued(manager, with_shares):
    dilution = services.dilution_record(
        user=manager, position=with_shares, issued_on=DAY, ownership_after=Decimal("32")
    )
    with_shares.refresh_from_db()
    assert with_shares.ownership_percent == Decimal("32")
    assert (dilution.shares_outstanding_before, dilution.new_shares_issued) == (10000, 2500)
    assert (dilution.ownership_before, dilution.ownership_after) == (Decimal("40"), Decimal("32"))


def test_both_paths_agree(manager, with_shares):
    by_shares = services.dilution_record(
        user=manager, position=with_shares, issued_on=DAY, shares_outstanding_before=10000, new_shares_issued=2500
    )
    by_stake = services.dilution_record(
        user=manager,
        position=with_shares,
        issued_on=DAY,
        shares_outstanding_before=12500,
        ownership_after=Decimal("16"),
    )
    assert by_shares.ownership_after == Decimal("32") and by_stake.new_shares_issued == 12500


def test_without_share_counts_only_the_percentage_path(manager, without_shares):
    with pytest.raises(RuleViolation) as refused:
        services.dilution_record(user=manager, position=without_shares, issued_on=DAY, new_shares_issued=2500)
    assert refused.value.field == "shares_outstanding_before" and "nieuwe belang" in str(refused.value)
    dilution = services.dilution_record(
        user=manager, position=without_shares, issued_on=DAY, ownership_after=Decimal("24")
    )
    assert (dilution.shares_outstanding_before, dilution.new_shares_issued) == (None, None)
    assert Position.objects.get(pk=without_shares.pk).ownership_percent == Decimal("24")
    with pytest.raises(RuleViolation) as higher:  # a dilution lowers the stake
        services.dilution_record(user=manager, position=without_shares, issued_on=DAY, ownership_after=Decimal("25"))
    assert higher.value.field == "ownership_after"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({}, "new_shares_issued"),
        ({"new_shares_issued": 100, "ownership_after": Decimal("30")}, "ownership_after"),
        ({"ownership_after": Decimal("40")}, "ownership_after"),  # no lower than before
        ({"ownership_after": Decimal("55")}, "ownership_after"),
        ({"ownership_after": Decimal("0")}, "ownership_after"),
        ({"ownership_after": Decimal("39.9999")}, "ownership_after"),  # not one share at 10,000 outstanding
    ],
)
def test_exactly_one_and_a_lower_stake(manager, with_shares, kwargs, field):
    with pytest.raises(RuleViolation) as refused:
        services.dilution_record(user=manager, position=with_shares, issued_on=DAY, **kwargs)
    assert refused.value.field == field
    assert Dilution.objects.count() == 0
    assert Position.objects.get(pk=with_shares.pk).ownership_percent == Decimal("40")


def test_web_form_takes_the_new_stake(client, manager, with_shares):
    web_session(client, manager)
    url = reverse("bev:position_book", args=[with_shares.pk, "dilute"])
    data = {"dilute-issued_on": "2026-05-01", "dilute-ownership_after": "32"}
    both = client.post(url, {**data, "dilute-new_shares_issued": "100"})
    assert both.status_code == 400 and 'id="id_dilute-ownership_after_error"' in both.content.decode()
    assert client.post(url, data).status_code == 200  # the confirm step
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    assert Dilution.objects.get().new_shares_issued == 2500


def test_api_takes_the_new_stake_or_refuses_at_the_field(api, manager, without_shares):
    url = f"/api/positions/{without_shares.pk}/dilutions/"
    refused = api(manager).post(url, {"issued_on": "2026-05-01", "new_shares_issued": 10}, format="json")
    assert refused.status_code == 400 and "shares_outstanding_before" in refused.json()
    both = api(manager).post(
        url, {"issued_on": "2026-05-01", "new_shares_issued": 10, "ownership_after": "20"}, format="json"
    )
    assert both.status_code == 400 and "ownership_after" in both.json()
    booked = api(manager).post(url, {"issued_on": "2026-05-01", "ownership_after": "20"}, format="json")
    assert booked.status_code == 201, booked.json()
    assert Decimal(booked.json()["ownership_after"]) == Decimal("20") and booked.json()["new_shares_issued"] is None
