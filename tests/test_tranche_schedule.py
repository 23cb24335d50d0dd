"""The tranche schedule of EZK's loan: "met een tranche van 50 miljoen euro in 2023 en van 50 miljoen
euro in de loop van 2024" (letter, "Financiële omvang"). No tranche before its year, never more
received by the end of a year than planned through it, unless an administrator recorded an override
with a reason (audited). Refused with 409 and the stable code `tranche_schedule_exceeded`."""

from datetime import date
from decimal import Decimal

import pytest

from access.roles import Role
from audit.models import AuditRecord
from bev import services
from bev.models import JournalEntry
from bev.selectors import fund_overview
from core.exceptions import Conflict, LimitExceeded, PermissionDenied, RuleViolation
from tests.factories import fund_establish_default

pytestmark = pytest.mark.django_db
M = Decimal("1000000.00")


@pytest.fixture
def administrator(make_user):
    return make_user("beheerder", Role.ADMINISTRATOR)


def receive(user, amount, day, key):
    return services.tranche_receive(user=user, amount=amount, idempotency_key=key, received_on=day)


def test_the_2023_tranche_in_2023_and_the_2024_tranche_in_the_course_of_2024(manager):
    fund_establish_default()
    receive(manager, 50 * M, date(2023, 12, 1), "t2023")
    receive(manager, 50 * M, date(2024, 6, 3), "t2024")
    assert fund_overview()["received"] == 100 * M


def test_no_tranche_before_its_year(manager):
    fund_establish_default()
    with pytest.raises(Conflict) as refused:
        receive(manager, 50 * M, date(2022, 12, 1), "too-early")
    assert refused.value.code == "tranche_schedule_exceeded"
    assert refused.value.extra["planned_through_year"] == "0.00"
    assert not JournalEntry.objects.exists()


def test_never_more_received_by_the_end_of_a_year_than_planned_through_it(manager):
    fund_establish_default()
    receive(manager, 30 * M, date(2023, 10, 2), "part-1")
    with pytest.raises(Conflict) as refused:  # the 2024 tranche may not come in 2023
        receive(manager, 20 * M + Decimal("0.01"), date(2023, 12, 1), "part-2")
    assert refused.value.code == "tranche_schedule_exceeded" and refused.value.status_code == 409
    receive(manager, 20 * M, date(2023, 12, 1), "part-2")  # exactly the 2023 tranche
    receive(manager, 50 * M, date(2024, 1, 2), "t2024")
    assert fund_overview()["received"] == 100 * M


def test_an_administrators_override_with_a_reason_lets_a_tranche_come_early_and_is_audited(manager, administrator):
    fund_establish_default()
    receive(manager, 50 * M, date(2023, 10, 2), "t2023")
    with pytest.raises(PermissionDenied):  # the fund manager who books may not lift the schedule
        services.tranche_schedule_override(user=manager, year=2023, amount=50 * M, reason="Vervroegd.")
    with pytest.raises(RuleViolation):
        services.tranche_schedule_override(user=administrator, year=2023, amount=50 * M, reason="  ")
    override = services.tranche_schedule_override(
        user=administrator, year=2023, amount=50 * M, reason="Kabinet besloot de tranche 2024 te vervroegen."
    )
    receive(manager, 50 * M, date(2023, 12, 1), "t2024-early")
    record = AuditRecord.objects.get(event="fund.tranche_schedule_override")
    assert record.object_id == str(override.pk) and record.actor_id == administrator.pk
    assert record.changes["reason"] == "Kabinet besloot de tranche 2024 te vervroegen."
    # the override does not lift the committed capital of €100m
    services.tranche_schedule_override(user=administrator, year=2023, amount=M, reason="Proef.")
    with pytest.raises(LimitExceeded):
        receive(manager, M, date(2023, 12, 2), "over-100")


def test_the_api_refuses_with_409_and_the_schedules_code(api, manager, administrator):
    fund_establish_default()
    body = {"amount": "50000000.00", "received_on": "2023-12-01", "idempotency_key": "a"}
    assert api(manager).post("/api/fund/tranches/", body, format="json").status_code == 201
    response = api(manager).post("/api/fund/tranches/", {**body, "idempotency_key": "b"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "tranche_schedule_exceeded"
    override = {"year": 2023, "amount": "50000000.00", "reason": "Vervroegd op verzoek van EZK."}
    assert api(manager).post("/api/fund/tranche-overrides/", override, format="json").status_code == 403
    assert api(administrator).post("/api/fund/tranche-overrides/", override, format="json").status_code == 201
    assert api(manager).post("/api/fund/tranches/", {**body, "idempotency_key": "b"}, format="json").status_code == 201
