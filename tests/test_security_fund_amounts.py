"""Amounts far outside the fund's scale are refused naming the ceiling, and a derived multiple
never fails the position page (issue 22, classes f and h)."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

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
    return invest_in_case(ready, proposer=manager, approver=manager2, amount=Decimal("10000000.00"),
                          booked_on=date(2024, 1, 1), ownership_percent=Decimal("10"))


@pytest.mark.parametrize("amount", ["196000000000.00", "1000000000.01", "9999999999999.99", "50000000000"])
def test_an_absurd_dividend_is_refused_naming_the_ceiling_and_nothing_is_booked_or_swept(api, manager, position,
                                                                                          amount):
    entries = JournalEntry.objects.count()
    refused(api(manager).post(f"/api/positions/{position.pk}/returns/",
                              {"kind": "dividend", "amount": amount, "idempotency_key": "div"}, format="json"),
            "amount", "1.000.000.000")
    assert JournalEntry.objects.count() == entries


@pytest.mark.parametrize("url, body, field", [
    ("exits", {"proceeds": "196000000000.00", "fraction_sold_percent": "50", "idempotency_key": "x"}, "proceeds"),
    ("valuations", {"valued_on": "2025-01-01", "fair_value": "196000000000.00", "method": "multiples"}, "fair_value"),
    ("reservations", {"amount": "2000000000.00", "idempotency_key": "r"}, "amount"),
])
def test_other_absurd_amounts_are_refused_naming_the_ceiling(api, manager, position, url, body, field):
    entries, valuations = JournalEntry.objects.count(), Valuation.objects.count()
    refused(api(manager).post(f"/api/positions/{position.pk}/{url}/", body, format="json"), field, "1.000.000.000")
    assert (JournalEntry.objects.count(), Valuation.objects.count()) == (entries, valuations)


@pytest.mark.parametrize("fair_value", ["10000000000.00", "999999999.99", "10000000.01"])
def test_a_valuation_beyond_the_plausible_multiple_is_refused(api, manager, manager2, case, secretariat,
                                                              secretariat2, fair_value):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    small = invest_in_case(ready, proposer=manager, approver=manager2, amount=Decimal("10000.00"),
                           booked_on=date(2024, 1, 1))
    response = api(manager).post(f"/api/positions/{small.pk}/valuations/",
                                 {"valued_on": "2025-01-01", "fair_value": fair_value, "method": "multiples"},
                                 format="json")
    assert response.status_code == 400 and "fair_value" in response.json()
    assert not Valuation.objects.filter(position=small).exists()


@pytest.mark.parametrize("fair_value", ["999999999.99", "5000000000.00", "9999999999999.99"])
def test_a_position_page_with_an_extreme_multiple_does_not_fail(api, manager, manager2, case, secretariat,
                                                                secretariat2, fair_value):
    """A valuation booked before the limits (or at the edge of them) makes a multiple far beyond the
    old field's 8 integer digits: the position and the fund overview still show it."""
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    small = invest_in_case(ready, proposer=manager, approver=manager2, amount=Decimal("0.01"),
                           booked_on=date(2024, 1, 1))
    Valuation.objects.create(position=small, valued_on=date(2025, 1, 1), fair_value=Decimal(fair_value),
                             method="multiples", valued_by=manager)
    response = api(manager).get(f"/api/positions/{small.pk}/")
    assert response.status_code == 200, response.content[:300]
    assert Decimal(response.json()["metrics"]["moic"]) == (Decimal(fair_value) / Decimal("0.01")).quantize(
        Decimal("0.0001"))
    assert api(manager).get("/api/positions/").status_code == 200
