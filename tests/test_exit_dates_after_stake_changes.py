"""A sale sells the stake as it stands on record, so it is not dated before the latest recorded change
of that stake: a conversion of the loan into shares or a dilution (a sale before them is in the
ledger already: bookings are never back-dated). A dilution dated before a sale was refused already
(`bev.services.holdings.dilution_record`); the other way round was not. Conversions and dilutions are
no ledger bookings, so the ledger's own rule (never before its latest entry) did not stop a sale dated
before them. The tester's walk: a € 10 mln convertible loan paid out 90 days ago, converted into
shares (20 %) today, then a 50 % sale dated 30 days ago was booked: the record sold shares 30 days
before the SPV had them, the stake after it was 10 % "on" that date, and the Kamerbrief about the sale
stated that stake. Now a 400 at `exited_on` (API and web form), nothing booked. The service's own
reading of the record's order; the letter 2023 says only that the State "zal ... haar belang in de
betreffende onderneming afbouwen"."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bev import services
from bev.models import Exit, JournalEntry
from cases.models import Case

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, order_sale, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


def _in_exit(case, *, secretariat, secretariat2):
    order_sale(case, recorder=secretariat, confirmer=secretariat2)
    Case.objects.filter(pk=case.pk).update(state="exit")  # the exit gate holds: the sale is ordered


@pytest.fixture
def converted(case, manager, manager2, secretariat, secretariat2):
    """A € 10 mln convertible loan paid out 90 days ago, converted into shares (20 %) today; a sale ordered."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    today = timezone.localdate()
    position = invest_in_case(
        ready,
        proposer=manager,
        approver=manager2,
        amount=10 * M,
        instrument="convertible_loan",
        booked_on=today - timedelta(days=90),
    )
    services.conversion_record(
        user=manager, position=position, converted_on=today, shares=2000, ownership_percent=Decimal("20")
    )
    _in_exit(case, secretariat=secretariat, secretariat2=secretariat2)
    position.refresh_from_db()
    return position


def test_a_sale_dated_before_the_conversion_is_a_field_error(api, manager, converted):
    before = (timezone.localdate() - timedelta(days=30)).isoformat()
    body = {"proceeds": "6000000.00", "fraction_sold_percent": "50", "exited_on": before, "idempotency_key": "s1"}
    refused = api(manager).post(f"/api/positions/{converted.pk}/exits/", body, format="json")
    assert refused.status_code == 400, refused.json()
    assert list(refused.json()) == ["exited_on"]
    assert not Exit.objects.exists() and not JournalEntry.objects.filter(kind="sale").exists()
    converted.refresh_from_db()
    assert converted.ownership_percent == Decimal("20")
    # on (or after) the day of the conversion it is sold
    body.update(exited_on=timezone.localdate().isoformat(), idempotency_key="s2")
    assert api(manager).post(f"/api/positions/{converted.pk}/exits/", body, format="json").status_code == 201


def test_a_sale_dated_before_a_dilution_is_refused(case, manager, manager2, secretariat, secretariat2):
    from core.exceptions import RuleViolation

    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    today = timezone.localdate()
    position = invest_in_case(
        ready, proposer=manager, approver=manager2, amount=10 * M, booked_on=today - timedelta(days=90)
    )
    services.dilution_record(user=manager, position=position, issued_on=today, ownership_after=Decimal("20"))
    _in_exit(case, secretariat=secretariat, secretariat2=secretariat2)
    with pytest.raises(RuleViolation) as refused:
        services.exit_book(
            user=manager,
            position=position,
            proceeds=5 * M,
            fraction_sold_percent=50,
            idempotency_key="s",
            exited_on=today - timedelta(days=1),
        )
    assert refused.value.field == "exited_on"


def test_the_web_form_shows_it_at_the_field(client, manager, converted):
    web_session(client, manager)
    url = reverse("bev:position_book", args=[converted.pk, "exit"])
    before = (timezone.localdate() - timedelta(days=30)).isoformat()
    data = {
        "exit-proceeds": "6.000.000",
        "exit-fraction_sold_percent": "50",
        "exit-exited_on": before,
        "exit-idempotency_key": "web-s",
        "confirm": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_exit-exited_on_error"' in body and "laatste vastgelegde wijziging van het belang" in body
    assert not Exit.objects.exists()
