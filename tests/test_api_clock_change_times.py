"""A date and time sent without an offset is read in Dutch time; one that does not exist there (the
hour skipped when summer time starts) or that exists twice (the hour repeated when it ends) is refused
at its field, asking for the offset (core.api.datetimes). Found by trying the product: the API stored
"2026-03-29T02:30:00" as 02:30+01:00 and showed it as 03:30+02:00 after a later edit."""

import pytest

from cases.models import Case

from .factories import case_data
from .test_afwegingskader_v2 import _json

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("written", ["2026-03-29T02:30:00", "2026-10-25T02:30:00", "2026-10-25T02:00"])
def test_a_time_skipped_or_repeated_at_the_clock_change_is_refused_at_its_field(api, officer, written):
    data = _json(case_data())
    data["signal_received_at"] = written
    before = Case.objects.count()
    response = api(officer).post("/api/cases/", data, format="json")
    assert response.status_code == 400, response.json()
    assert "afwijking van UTC" in " ".join(response.json()["signal_received_at"])
    assert Case.objects.count() == before


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ("2026-10-25T02:30:00+01:00", "2026-10-25T01:30:00+00:00"),  # the second 02:30, with its offset
        ("2026-10-25T02:30:00+02:00", "2026-10-25T00:30:00+00:00"),  # the first
        ("2026-10-25T03:30:00", "2026-10-25T02:30:00+00:00"),  # after the change: one reading
        ("2026-06-01T12:00:00", "2026-06-01T10:00:00+00:00"),
    ],
)
def test_a_time_with_its_offset_or_with_one_reading_is_taken(api, officer, written, utc):
    from datetime import datetime, timezone

    data = _json(case_data())
    data["signal_received_at"] = written
    response = api(officer).post("/api/cases/", data, format="json")
    assert response.status_code == 201, response.json()
    stored = Case.objects.get(pk=response.json()["id"]).signal_received_at
    assert stored.astimezone(timezone.utc) == datetime.fromisoformat(utc)
