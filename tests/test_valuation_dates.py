"""A valuation is of a holding the SPV has: dated no earlier than the position's first investment (the
booking date of its first disbursement; a position is recorded before the money goes in, so its
creation is no acquisition), else a 400 at `valued_on` in the API and the web form, and nothing is
stored (`bev.services.holdings._check_valued_after_first_investment`). The tester's walk: a valuation
dated 2020-01-01 of a position invested today was stored and became its latest value.

And the latest valuation is chosen by valuation date, then id, everywhere (the position's detail
and the reads of several positions or of a past date read it through different statements)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bev import selectors, services
from bev.models import Valuation
from core.exceptions import RuleViolation

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
FIRST = date(2025, 3, 3)


@pytest.fixture
def ready(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)


@pytest.fixture
def position(ready, manager, manager2):
    """€ 30 mln in equity, its first disbursement booked on 3 March 2025, a second one today."""
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=20 * M, booked_on=FIRST)
    later = services.disbursement_propose(user=manager, position=position, amount=10 * M, idempotency_key="d-later")
    services.disbursement_approve(user=manager2, disbursement=later)
    return position


def value(client, position, valued_on, fair_value="32000000"):
    return client.post(
        f"/api/positions/{position.pk}/valuations/",
        {"valued_on": valued_on, "fair_value": fair_value, "method": "dcf"},
        format="json",
    )


def test_the_testers_valuation_before_the_investment_is_refused_at_the_field(api, manager, position):
    client = api(manager)
    refused = value(client, position, "2020-01-01")
    assert refused.status_code == 400
    assert list(refused.json()) == ["valued_on"]
    assert "eerste investering" in refused.json()["valued_on"][0] and "3 maart 2025" in refused.json()["valued_on"][0]
    assert value(client, position, (FIRST - timedelta(days=1)).isoformat()).status_code == 400
    assert not Valuation.objects.exists()
    assert client.get(f"/api/positions/{position.pk}/").json()["metrics"]["latest_valuation_on"] is None
    # the day of the first investment and any later day are fine
    assert value(client, position, FIRST.isoformat()).status_code == 201
    assert value(client, position, "2025-06-30").status_code == 201
    assert client.get(f"/api/positions/{position.pk}/").json()["metrics"]["latest_valuation_on"] == "2025-06-30"


def test_a_position_nothing_was_invested_in_is_not_valued(manager, ready):
    position = services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=Decimal("5"))
    with pytest.raises(RuleViolation) as refused:
        services.valuation_record(
            user=manager, position=position, valued_on=timezone.localdate(), fair_value=M, method="dcf"
        )
    assert refused.value.field == "valued_on" and "nog niet geïnvesteerd" in refused.value.message
    assert not Valuation.objects.exists()


def test_web_valuation_before_the_investment_is_a_field_error(client, manager, position):
    web_session(client, manager)
    url = reverse("bev:position_book", args=[position.pk, "value"])
    data = {"value-valued_on": "2020-01-01", "value-fair_value": "32.000.000", "value-method": "dcf"}
    for sent in (data, {**data, "confirm": "1"}):  # the preview and the booking
        response = client.post(url, sent)
        body = response.content.decode()
        assert response.status_code == 400
        assert 'id="id_value-valued_on_error"' in body and "3 maart 2025" in body
    assert not Valuation.objects.exists()


def test_the_latest_valuation_is_by_date_then_id_in_every_read(api, manager, position):
    def record(on, fair_value):
        return services.valuation_record(
            user=manager, position=position, valued_on=on, fair_value=fair_value, method="dcf"
        )

    record(date(2025, 9, 30), 31 * M)
    first = record(date(2025, 6, 30), 30 * M)  # recorded later, valued earlier: not the latest
    second = record(date(2025, 9, 30), 33 * M)  # the same date as the first one, a higher id: the latest
    # the one with the higher id recorded at an earlier moment (a clock set back): the id decides
    Valuation.objects.filter(pk=second.pk).update(created_at=first.created_at - timedelta(hours=1))
    detail = api(manager).get(f"/api/positions/{position.pk}/").json()["metrics"]
    # 33 mln valued, plus the 10 mln put in today, after the valuation date, at cost
    # (bev.selectors.balances._value_after)
    assert (detail["latest_valuation_on"], detail["unrealised_value"]) == ("2025-09-30", "43000000.00")
    # the reads of several positions (reports, the case page) and of a past date, other statements
    for metrics in (
        selectors.positions_metrics([position, position])[position.pk],  # more than one: the list's read
        selectors.positions_metrics([position], as_of=timezone.localdate())[position.pk],
    ):
        assert (metrics["latest_valuation_on"], metrics["unrealised_value"]) == (date(2025, 9, 30), 43 * M)


def _disbursements(position):
    from bev.models import JournalEntry

    return JournalEntry.objects.filter(position=position, kind="disbursement", reverses__isnull=True).order_by("id")


def test_a_position_whose_every_disbursement_was_reversed_is_not_valued(api, manager, manager2, position):
    """The tester's walk: both disbursements reversed (the case back in investment preparation), then a
    valuation of € 90 mln was stored for the position that held nothing, and the fund overview reported
    € 90 mln of unrealised value: the reversed disbursement counted as the first investment."""
    from .factories import reverse_four_eyes

    for entry in _disbursements(position):
        reverse_four_eyes(entry, proposer=manager, approver=manager2)
    refused = value(api(manager), position, timezone.localdate().isoformat(), fair_value="90000000")
    assert refused.status_code == 400 and list(refused.json()) == ["valued_on"]
    assert "nog niet geïnvesteerd" in refused.json()["valued_on"][0]
    assert not Valuation.objects.exists()
    assert selectors.fund_overview()["unrealised_value"] == 0


def test_the_first_investment_is_the_first_disbursement_that_stands(api, manager, manager2, position):
    """The first disbursement (3 March 2025) reversed: the holding dates from the one that stands (today)."""
    from .factories import reverse_four_eyes

    reverse_four_eyes(_disbursements(position).first(), proposer=manager, approver=manager2)
    refused = value(api(manager), position, "2025-06-30", fair_value="10000000")
    assert refused.status_code == 400 and list(refused.json()) == ["valued_on"]
    assert value(api(manager), position, timezone.localdate().isoformat(), fair_value="10000000").status_code == 201
