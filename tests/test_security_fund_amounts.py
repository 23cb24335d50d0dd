"""Amounts far outside the fund's scale are refused naming the ceiling, and a derived multiple
never fails the position page (issue 22, classes f and h)."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from audit.models import AuditRecord
from bev.models import JournalEntry, Valuation

from .factories import (
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    """As conftest's, but a server error is a response (500) here, not an exception in the test."""

    def _client(user):
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(user=user)
        return client

    return _client


def refused(response, field: str, *words: str) -> str:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert field in body, body
    message = body[field][0]
    assert all(word in message for word in words), message
    return message


# ---------------------------------------------------------------------------------------------
# (f), (h) amounts far outside the fund's scale; a derived multiple that overflowed its field
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def position(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(
        ready,
        proposer=manager,
        approver=manager2,
        amount=Decimal("10000000.00"),
        booked_on=date(2024, 1, 1),
        ownership_percent=Decimal("10"),
    )


@pytest.mark.parametrize("amount", ["196000000000.00", "1000000000.01", "9999999999999.99", "50000000000"])
def test_an_absurd_dividend_is_refused_naming_the_ceiling_and_nothing_is_booked_or_swept(
    api, manager, position, amount
):
    entries = JournalEntry.objects.count()
    refused(
        api(manager).post(
            f"/api/positions/{position.pk}/returns/",
            {"kind": "dividend", "amount": amount, "idempotency_key": "div"},
            format="json",
        ),
        "amount",
        "1.000.000.000",
    )
    assert JournalEntry.objects.count() == entries


@pytest.mark.parametrize(
    "url, body, field",
    [
        ("exits", {"proceeds": "196000000000.00", "fraction_sold_percent": "50", "idempotency_key": "x"}, "proceeds"),
        (
            "valuations",
            {"valued_on": "2025-01-01", "fair_value": "196000000000.00", "method": "multiples"},
            "fair_value",
        ),
        ("reservations", {"amount": "2000000000.00", "idempotency_key": "r"}, "amount"),
    ],
)
def test_other_absurd_amounts_are_refused_naming_the_ceiling(api, manager, position, url, body, field):
    entries, valuations = JournalEntry.objects.count(), Valuation.objects.count()
    refused(api(manager).post(f"/api/positions/{position.pk}/{url}/", body, format="json"), field, "1.000.000.000")
    assert (JournalEntry.objects.count(), Valuation.objects.count()) == (entries, valuations)


@pytest.mark.parametrize("fair_value", ["10000000000.00", "999999999.99", "10000000.01"])
def test_a_valuation_beyond_the_plausible_multiple_is_refused(
    api, manager, manager2, case, secretariat, secretariat2, fair_value
):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    small = invest_in_case(
        ready, proposer=manager, approver=manager2, amount=Decimal("10000.00"), booked_on=date(2024, 1, 1)
    )
    response = api(manager).post(
        f"/api/positions/{small.pk}/valuations/",
        {"valued_on": "2025-01-01", "fair_value": fair_value, "method": "multiples"},
        format="json",
    )
    assert response.status_code == 400 and "fair_value" in response.json()
    assert not Valuation.objects.filter(position=small).exists()


@pytest.mark.parametrize("fair_value", ["999999999.99", "5000000000.00", "9999999999999.99"])
def test_a_position_page_with_an_extreme_multiple_does_not_fail(
    api, manager, manager2, case, secretariat, secretariat2, fair_value
):
    """A valuation booked before the limits (or at the edge of them) makes a multiple far beyond the
    old field's 8 integer digits: the position and the fund overview still show it."""
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    small = invest_in_case(
        ready, proposer=manager, approver=manager2, amount=Decimal("0.01"), booked_on=date(2024, 1, 1)
    )
    Valuation.objects.create(
        position=small,
        valued_on=date(2025, 1, 1),
        fair_value=Decimal(fair_value),
        method="multiples",
        valued_by=manager,
    )
    response = api(manager).get(f"/api/positions/{small.pk}/")
    assert response.status_code == 200, response.content[:300]
    assert Decimal(response.json()["metrics"]["moic"]) == (Decimal(fair_value) / Decimal("0.01")).quantize(
        Decimal("0.0001")
    )
    assert api(manager).get("/api/positions/").status_code == 200


# ---------------------------------------------------------------------------------------------
# (f) income far outside the position's scale: booked only when explicitly confirmed
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind, amount",
    [
        ("dividend", "100000000.01"),
        ("dividend", "196000000.00"),
        ("interest", "999999999.99"),
        ("dividend", "500000000"),
    ],
)
def test_income_far_above_what_was_invested_needs_explicit_confirmation(api, manager, position, kind, amount):
    """EUR 10 million invested: more than 10 times that as one dividend or interest payment is
    refused at `amount`, naming the multiple and the invested amount, until confirmed."""
    entries = JournalEntry.objects.count()
    body = {"kind": kind, "amount": amount, "idempotency_key": f"scale-{kind}-{amount}"}
    refused(
        api(manager).post(f"/api/positions/{position.pk}/returns/", body, format="json"),
        "amount",
        "10 maal",
        "€ 10.000.000,00",
        "bevestig",
    )
    assert JournalEntry.objects.count() == entries
    response = api(manager).post(
        f"/api/positions/{position.pk}/returns/", {**body, "confirm_outside_scale": True}, format="json"
    )
    assert response.status_code == 201, response.content[:300]
    entry = JournalEntry.objects.get(pk=response.json()["id"])
    assert entry.amount == Decimal(amount)
    confirmed = AuditRecord.objects.get(event="ledger.confirm_outside_scale", object_id=str(entry.pk))
    assert confirmed.actor == manager


@pytest.mark.parametrize("amount", ["100000000.00", "2500000.00", "0.01"])
def test_income_within_the_scale_needs_no_confirmation(api, manager, position, amount):
    response = api(manager).post(
        f"/api/positions/{position.pk}/returns/",
        {"kind": "dividend", "amount": amount, "idempotency_key": f"in-{amount}"},
        format="json",
    )
    assert response.status_code == 201, response.content[:300]
    assert not AuditRecord.objects.filter(event="ledger.confirm_outside_scale").exists()


def test_the_web_form_asks_for_the_confirmation_at_the_amount(client, manager, position):
    from django.urls import reverse

    from .factories import web_session

    web_session(client, manager)
    url = reverse("bev:position_book", args=[position.pk, "return"])
    entries = JournalEntry.objects.count()
    form = {"return-kind": "dividend", "return-amount": "196.000.000,00", "return-idempotency_key": "web-scale"}
    response = client.post(url, form)
    assert response.status_code == 400 and "10 maal" in response.content.decode()
    response = client.post(url, {**form, "return-confirm_outside_scale": "on"})
    assert response.status_code == 200 and "Controleer en bevestig" in response.content.decode()
    assert JournalEntry.objects.count() == entries  # the preview books nothing
    response = client.post(url, {**form, "return-confirm_outside_scale": "True", "confirm": "1"})
    assert response.status_code == 302, response.content[:500]
    assert JournalEntry.objects.filter(amount=Decimal("196000000.00")).exists()
