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
