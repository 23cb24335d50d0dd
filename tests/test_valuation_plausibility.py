"""Issue 23: a valuation far from the last one (more than 3× up or below 1/3: the service's own
assumption, bev.services.holdings.IMPLAUSIBLE_VALUATION_FACTOR) is booked only with an explicit
acknowledgement: a warning and a checkbox on the web confirm page, `confirm_implausible: true` in the API."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bev import services
from bev.models import Valuation
from core.exceptions import RuleViolation

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def position(case, manager, manager2, secretariat, secretariat2):
    """An equity stake with € 10 mln invested on 2 January 2025, valued at € 12 mln on 30 June 2025."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(
        ready,
        proposer=manager,
        approver=manager2,
        amount=10 * M,
        ownership_percent=Decimal("40"),
        shares=4000,
        booked_on=date(2025, 1, 2),
    )
    services.valuation_record(
        user=manager, position=position, valued_on=date(2025, 6, 30), fair_value=12 * M, method="multiples"
    )
    return position


def test_the_first_valuation_is_compared_with_the_invested_cost(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, booked_on=date(2025, 1, 2))
    with pytest.raises(RuleViolation) as refused:
        services.valuation_record(
            user=manager, position=position, valued_on=date(2025, 6, 30), fair_value=31 * M, method="multiples"
        )
    assert refused.value.field == "confirm_implausible" and "geïnvesteerde bedrag (€ 10.000.000,00)" in str(
        refused.value
    )
    assert "3,10×" in str(refused.value)
    services.valuation_record(
        user=manager, position=position, valued_on=date(2025, 6, 30), fair_value=30 * M, method="multiples"
    )  # exactly 3×: plausible


@pytest.mark.parametrize("fair_value", [Decimal("36000000.01"), Decimal("3999999.99"), Decimal("0")])
def test_far_from_the_last_valuation_needs_the_acknowledgement(manager, position, fair_value):
    with pytest.raises(RuleViolation) as refused:
        services.valuation_record(
            user=manager, position=position, valued_on=date(2025, 12, 31), fair_value=fair_value, method="multiples"
        )
    message = str(refused.value)
    assert refused.value.field == "confirm_implausible"
    assert "30 juni 2025" in message and "€ 12.000.000,00" in message and "3×" in message
    assert Valuation.objects.count() == 1  # nothing booked
    services.valuation_record(
        user=manager,
        position=position,
        valued_on=date(2025, 12, 31),
        fair_value=fair_value,
        method="multiples",
        confirm_implausible=True,
    )
    assert Valuation.objects.count() == 2


@pytest.mark.parametrize("fair_value", [Decimal("36000000"), Decimal("4000000"), Decimal("12000000")])
def test_within_the_factor_needs_nothing(manager, position, fair_value):
    services.valuation_record(
        user=manager, position=position, valued_on=date(2025, 12, 31), fair_value=fair_value, method="multiples"
    )
    assert Valuation.objects.count() == 2


def test_web_confirm_page_warns_and_books_only_with_the_tick(client, manager, position):
    web_session(client, manager)
    url = reverse("bev:position_book", args=[position.pk, "value"])
    data = {"value-valued_on": "2025-12-31", "value-fair_value": "50.000.000", "value-method": "multiples"}
    preview = client.post(url, data)
    body = preview.content.decode()
    assert preview.status_code == 200 and "Controleer en bevestig" in body
    assert "30 juni 2025" in body and "€ 12.000.000,00" in body and "4,17×" in body
    assert 'type="checkbox" name="value-confirm_implausible"' in body
    assert "Ik bevestig dat deze waardering klopt" in body
    unticked = client.post(url, {**data, "confirm": "1"})
    assert unticked.status_code == 400
    assert 'id="id_value-confirm_implausible_error"' in unticked.content.decode()
    assert Valuation.objects.count() == 1
    ticked = client.post(url, {**data, "confirm": "1", "value-confirm_implausible": "on"})
    assert ticked.status_code == 302 and Valuation.objects.count() == 2


def test_web_plausible_valuation_has_no_checkbox(client, manager, position):
    web_session(client, manager)
    url = reverse("bev:position_book", args=[position.pk, "value"])
    data = {"value-valued_on": "2025-12-31", "value-fair_value": "13.000.000", "value-method": "multiples"}
    body = client.post(url, data).content.decode()
    assert 'type="checkbox"' not in body
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302 and Valuation.objects.count() == 2


def test_api_needs_confirm_implausible(api, manager, position):
    url = f"/api/positions/{position.pk}/valuations/"
    body = {"valued_on": "2025-12-31", "fair_value": "1000000.00", "method": "multiples"}
    refused = api(manager).post(url, body, format="json")
    assert refused.status_code == 400
    assert "30 juni 2025" in refused.json()["confirm_implausible"][0]
    assert Valuation.objects.count() == 1
    booked = api(manager).post(url, {**body, "confirm_implausible": True}, format="json")
    assert booked.status_code == 201 and "confirm_implausible" not in booked.json()
    assert Valuation.objects.count() == 2
