"""GET /api/cases/?search=...: the count of a free-text search stops at a bound
(`cases.api.listing.SEARCH_COUNT_BOUND`, PostgreSQL with the fast paths on), so that its cost does not
grow with the cases the page does not show. Past the bound the answer says `count_is_exact: false`
and `count` is the bound ("more than"); the links still page on. Below it the count is exact, and only
ever of the cases the person may see. Other lists count exactly and answer without the field."""

import pytest
from django.db import connection

from access.models import Role
from cases.api import listing
from cases.models import Case
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(officer, officer2):
    made = [make_case(officer=officer, title=f"Fotonica {n}", team={officer2: Role.CASE_OFFICER}) for n in range(5)]
    listing._PLANS.clear()
    listing._COUNTS.clear()
    return made


@pytest.fixture
def bound(monkeypatch):
    monkeypatch.setattr(listing, "SEARCH_COUNT_BOUND", 3)
    listing._PLANS.clear()
    listing._COUNTS.clear()
    yield 3
    listing._PLANS.clear()
    listing._COUNTS.clear()


def _bounded() -> bool:
    from core import fastpaths

    return connection.vendor == "postgresql" and fastpaths.enabled()


def test_a_search_below_the_bound_is_counted_exactly(api, cases, officer2):
    body = api(officer2).get("/api/cases/?search=fotonica&page_size=2").json()
    assert body["count"] == 5 and body["count_is_exact"] is True
    assert "count_is_exact" not in api(officer2).get("/api/cases/?page_size=2").json()


def test_a_search_past_the_bound_says_more_than_and_pages_on(api, cases, officer2, bound):
    client = api(officer2)
    first = client.get("/api/cases/?search=fotonica&page_size=2").json()
    if not _bounded():  # DRF's path (SQLite, the fast paths off): counts them all
        assert first["count"] == 5 and first["count_is_exact"] is True
        return
    assert first["count"] == bound and first["count_is_exact"] is False
    assert first["next"] and first["previous"] is None and len(first["results"]) == 2
    second = client.get("/api/cases/?search=fotonica&page_size=2&page=2").json()
    # The page's end (4) is past the bound: counted up to it, so still "more than".
    assert second["count_is_exact"] is False and second["next"] and len(second["results"]) == 2
    third = client.get("/api/cases/?search=fotonica&page_size=2&page=3").json()
    assert third["count"] == 5 and third["count_is_exact"] is True and third["next"] is None
    assert len(third["results"]) == 1
    seen = {row["id"] for page in (first, second, third) for row in page["results"]}
    assert seen == {c.pk for c in cases}
    assert client.get("/api/cases/?search=fotonica&page_size=2&page=4").status_code == 404


def test_the_bounded_count_counts_only_cases_the_person_may_see(api, cases, officer, officer2, bound):
    """Need-to-know: cases outside the person's teams, above their clearance or where they only
    advise neither reach the count nor move it past the bound."""
    Case.objects.filter(pk__in=[c.pk for c in cases[:2]]).update(classification_rank=officer2.clearance_rank + 1)
    make_case(officer=officer, title="Fotonica elders")
    body = api(officer2).get("/api/cases/?search=fotonica").json()
    assert body["count"] == 3 and body["count_is_exact"] is True, body
    assert sorted(row["id"] for row in body["results"]) == sorted(c.pk for c in cases[2:])
    body = api(officer).get("/api/cases/?search=fotonica&page_size=2").json()  # 4: the same clearance
    assert (body["count"], body["count_is_exact"]) == ((bound, False) if _bounded() else (4, True))
