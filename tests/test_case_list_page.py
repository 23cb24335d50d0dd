"""GET /api/cases/: the page and its count in one statement compiled once per query string
(`cases.api.listing`) answer exactly what DRF's own path answers, for every filter, search, ordering
and page; they read the data afresh each time; bad input is still a 400, a page past the end a 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from access.models import Role
from cases.api import listing
from cases.models import Case
from tests.factories import make_case

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "?page_size=2",
    "?page_size=2&page=2",
    "?page_size=2&page=3",
    "?page=last&page_size=2",
    "?state=signal",
    "?state=signal&state=withdrawn",
    "?urgency=immediate",
    "?category=wbni",
    "?search=photonics",
    "?search=Chip%20Voorbeeld",
    "?search=100%25",
    "?ordering=reference",
    "?ordering=-expected_closing_date&page_size=3",
    "?classification=geheim",
    "?received_from=2020-01-01T00:00:00Z&page_size=1&page=2",
    "?closing_before=2099-01-01",
    "?page_size=500",
    "?page_size=abc",
    "?state=signal&search=foto&ordering=-signal_received_at&page_size=1",
]


@pytest.fixture
def cases(officer, officer2):
    made = []
    for n in range(5):
        made.append(
            make_case(
                officer=officer,
                title=f"Chip {n}",
                target_name=f"Foto {n} Photonics B.V.",
                urgency="immediate" if n % 2 else "normal",
                categories=["wbni"] if n == 3 else ["sensitive_technology"],
                expected_closing_date=timezone.localdate() + timedelta(days=10 * (5 - n)),
                team={officer2: Role.CASE_OFFICER} if n < 3 else None,
            )
        )
    Case.objects.filter(pk=made[4].pk).update(state="withdrawn")
    return made


def _drf_path(monkeypatch, client, url):
    with monkeypatch.context() as patched:
        patched.setattr(listing, "page_rows", lambda *args, **kwargs: None)
        return client.get(url)


@pytest.mark.parametrize("query", QUERIES)
def test_each_query_answers_as_drfs_path_does(api, cases, officer, officer2, monkeypatch, query):
    for person in (officer, officer2):
        client = api(person)
        url = f"/api/cases/{query}"
        expected = _drf_path(monkeypatch, client, url)
        for _ in range(2):  # the plan is made by the first request and used by the second
            got = client.get(url)
            assert (got.status_code, got.json()) == (expected.status_code, expected.json()), url


@pytest.mark.fastpaths
def test_the_plan_is_shared_but_each_person_sees_their_own_cases(api, cases, officer, officer2, outsider):
    listing._PLANS.clear()
    assert api(officer).get("/api/cases/?page_size=10").json()["count"] == 5
    assert api(officer2).get("/api/cases/?page_size=10").json()["count"] == 3
    assert api(outsider).get("/api/cases/?page_size=10").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    assert len(listing._PLANS) == 1


def test_the_page_reads_the_data_afresh(api, cases, officer):
    client = api(officer)
    assert client.get("/api/cases/?state=signal").json()["count"] == 4
    make_case(officer=officer, title="Nieuw signaal")
    body = client.get("/api/cases/?state=signal").json()
    assert body["count"] == 5 and "Nieuw signaal" in [row["title"] for row in body["results"]]


def test_bad_filters_are_400_every_time_and_keep_no_plan(api, cases, officer):
    listing._PLANS.clear()
    for _ in range(2):
        response = api(officer).get("/api/cases/?state=bogus")
        assert response.status_code == 400 and "state" in response.json()
    assert not listing._PLANS


def test_a_page_past_the_end_is_404(api, cases, officer):
    for _ in range(2):
        assert api(officer).get("/api/cases/?page_size=2&page=9").status_code == 404
    assert api(officer).get("/api/cases/?page=0").status_code == 404


@pytest.mark.fastpaths
def test_the_page_is_one_query_whatever_its_size(api, cases, officer, django_assert_num_queries):
    # PostgreSQL: the page with its count and categories; SQLite: then the page's categories.
    client = api(officer)
    for size in (1, 5):
        client.get(f"/api/cases/?page_size={size}")
        with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
            assert len(client.get(f"/api/cases/?page_size={size}").json()["results"]) == size


@pytest.mark.fastpaths
def test_plans_are_bounded(api, cases, officer, monkeypatch):
    listing._PLANS.clear()
    monkeypatch.setattr(listing, "MAX_PLANS", 3)
    client = api(officer)
    for size in range(1, 7):
        assert client.get(f"/api/cases/?page_size={size}").status_code == 200
    assert len(listing._PLANS) == 3


def test_the_pages_links_are_those_of_the_uri_asked(api, cases, officer, settings):
    """The links a page answered by `listing` takes from `_LINKS` are DRF's for that very URI: its
    host, path, query string and page; a long URI's are built each time."""
    settings.ALLOWED_HOSTS = ["testserver", "bev.example.nl"]
    client = api(officer)
    for host in ("testserver", "bev.example.nl", "testserver"):
        body = client.get("/api/cases/?page_size=2&page=2&ordering=reference", HTTP_HOST=host).json()
        assert body["next"] == f"http://{host}/api/cases/?ordering=reference&page=3&page_size=2"
        assert body["previous"] == f"http://{host}/api/cases/?ordering=reference&page_size=2"
    long_search = "x" * 600
    body = client.get(f"/api/cases/?page_size=1&page=1&received_from=2000-01-01T00:00:00Z&q={long_search}").json()
    assert body["next"].endswith(f"q={long_search}&received_from=2000-01-01T00%3A00%3A00Z")
