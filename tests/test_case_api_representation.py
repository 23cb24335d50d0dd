"""The case list and the timeline build their JSON without DRF's per-row machinery; what a client
reads must be exactly what the serializers that document them (OpenAPI) would give, in Dutch and
in English."""

import json

import pytest
from django.utils import timezone, translation

from access.roles import Role
from cases.api.serializers import CaseListSerializer, TimelineEventSerializer
from cases.models import TimelineEvent
from cases.selectors import case_list
from cases.services import case_suspend, case_transition
from tests.factories import make_case

pytestmark = [pytest.mark.fastpaths, pytest.mark.django_db]


def _plain(data):
    return json.loads(json.dumps(data, default=str))


@pytest.fixture
def cases(officer, officer2, assessor):
    team = {officer2: Role.CASE_OFFICER, assessor: Role.RISK_ASSESSOR}
    made = [
        make_case(officer=officer, team=team, title=f"Signaal {n}", categories=["wbni", "vital_provider"][: n % 3])
        for n in range(3)
    ]
    first = made[0]
    case_transition(user=officer, case=first, name="start_intake")
    first.refresh_from_db()
    case_suspend(user=officer, case=first, reason="Wachten op informatie van de doelonderneming.")
    TimelineEvent.objects.create(
        case=first,
        actor=None,
        at=timezone.now(),
        kind=TimelineEvent._meta.get_field("kind").choices[0][0],
        reason="Door het systeem",
        data={"bron": "taak", "bedrag": "12500000.00"},
    )
    return made


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_case_list_is_what_its_serializer_gives(api, officer, cases, language):
    client = api(officer)
    with translation.override(language):
        body = client.get("/api/cases/?ordering=reference", HTTP_ACCEPT_LANGUAGE=language).json()
        expected = CaseListSerializer(case_list(user=officer).order_by("reference"), many=True).data
    assert body["count"] == 3
    assert body["results"] == _plain(expected)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_timeline_is_what_its_serializer_gives(api, officer, cases, language):
    case = cases[0]
    client = api(officer)
    with translation.override(language):
        body = client.get(f"/api/cases/{case.pk}/timeline/", HTTP_ACCEPT_LANGUAGE=language).json()
        expected = TimelineEventSerializer(case.timeline.select_related("actor").order_by("at", "id"), many=True).data
    assert len(body) >= 4  # created, team, intake, suspended, the system's event
    assert any(row["actor"] is None for row in body)
    assert body == _plain(expected)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_case_file_is_what_its_serializer_gives(api, officer, cases, language):
    from cases.api.serializers import CaseDetailSerializer
    from cases.selectors import case_get

    case = cases[1]
    with translation.override(language):
        body = api(officer).get(f"/api/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()
        expected = CaseDetailSerializer(case_get(user=officer, case_id=case.pk, audit_read=False)).data
    assert body["categories"] == ["wbni"] and body["closed_at"] is None
    assert body == _plain(expected)


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "UTC", "America/St_Johns"])
def test_datetimes_are_written_as_drf_writes_them(zone):
    """`core.api.representation.datetime_representation` (the list's and the timeline's times) gives
    DRF's DateTimeField string for every value: ISO 8601 in the current time zone, "Z" for UTC,
    summer and winter time, microseconds or none, and None for None."""
    from datetime import UTC, datetime, timedelta
    from datetime import timezone as fixed

    from rest_framework import serializers

    from core.api.representation import datetime_representation

    values = [
        datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
        datetime(2026, 7, 15, 9, 30, 12, 345678, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # the night summer time starts in Amsterdam
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),  # and ends
        datetime(1900, 1, 1, tzinfo=fixed(timedelta(hours=5, minutes=30))),
        timezone.now(),
        None,
    ]
    with timezone.override(zone):
        convert = datetime_representation()
        drf = serializers.DateTimeField().to_representation
        assert [convert(v) for v in values] == [drf(v) for v in values]
    if zone == "UTC":
        assert convert(values[0]) == "2026-01-15T09:30:00Z"

    # And a compiled serializer's DateTimeField (`represent`), whose zone is looked up per value.
    class Times(serializers.Serializer):
        at = serializers.DateTimeField()
        many = serializers.ListField(child=serializers.DateTimeField())

    from core.api.representation import represent

    data = {"at": values[1], "many": values[:-1]}
    for current in ("UTC", zone):
        with timezone.override(current):
            assert represent(Times, data) == Times(data).data
