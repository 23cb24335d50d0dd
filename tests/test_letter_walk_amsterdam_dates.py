"""Dates around midnight in Amsterdam (TIME_ZONE Europe/Amsterdam) while UTC is still on the day
before, and across the change to summer time: "a tranche ... van 50 miljoen euro in 2023 en van 50
miljoen euro in de loop van 2024" is booked on Amsterdam's date, and a kabinetsbesluit of Amsterdam's
today is not "in the future". The clock is set by replacing `django.utils.timezone.now` (the one
clock Django's localdate reads); the database is real."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bev import services
from bev.selectors import fund_overview
from cases.models import Case
from cases.services import cabinet_decision_record

from .factories import fund_establish_default

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def test_the_2024_tranche_received_half_an_hour_into_2024_in_amsterdam_is_booked_in_2024(clock, manager):
    fund_establish_default()
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t2023", received_on=date(2023, 12, 1))
    clock(datetime(2023, 12, 31, 23, 30, tzinfo=UTC))  # 00:30 on 1 January 2024 in Amsterdam
    entry = services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t2024")
    assert entry.booked_on == date(2024, 1, 1)
    assert fund_overview(as_of=date(2024, 1, 1))["received"] == 100 * M


def test_the_2024_tranche_half_an_hour_before_midnight_in_amsterdam_is_still_2023_and_refused(clock, manager):
    from core.exceptions import Conflict

    fund_establish_default()
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t2023", received_on=date(2023, 12, 1))
    clock(datetime(2023, 12, 31, 22, 30, tzinfo=UTC))  # 23:30 on 31 December 2023 in Amsterdam
    with pytest.raises(Conflict) as refused:
        services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t2024-early")
    assert refused.value.code == "tranche_schedule_exceeded"
    assert fund_overview(as_of=date(2023, 12, 31))["received"] == 50 * M


def test_a_kabinetsbesluit_of_amsterdams_today_after_the_change_to_summer_time(clock, case, secretariat):
    """29 March 2026, 00:30 in Amsterdam (23:30 UTC on the 28th), the night summer time starts: the
    meeting of the 29th has taken place in Amsterdam's calendar; the 30th has not."""
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    case = Case.objects.get(pk=case.pk)
    clock(datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    assert timezone.localdate() == date(2026, 3, 29)
    with pytest.raises(ValidationError) as refused:
        cabinet_decision_record(
            user=secretariat,
            case=case,
            meeting_date=date(2026, 3, 30),
            reference="MR-morgen",
            deploy=True,
            instruments=["equity"],
            max_amount=30 * M,
        )
    assert "meeting_date" in refused.value.message_dict
    decision = cabinet_decision_record(
        user=secretariat,
        case=case,
        meeting_date=date(2026, 3, 29),
        reference="MR-vandaag",
        deploy=True,
        instruments=["equity"],
        max_amount=30 * M,
    )
    assert decision.meeting_date == date(2026, 3, 29)
