"""Dates in a query string are read as in a body: ISO 8601's extended form (README, "Bodies are
JSON"), between 1900 and 2200. django-filter read them with `datetime.fromisoformat`, which also
takes the basic form: `?received_to=20261206` and `2026-W49-7` filtered, where a body refuses them,
and "18991231" slipped past the 1900 rule. Now each is a 400 at its parameter."""

import pytest

from access.roles import Role

from .factories import make_case

pytestmark = pytest.mark.django_db

REFUSED = ["20261206", "2026-W49-7", "2026-340", "18991231", "1899-12-31", "2201-01-01", "2026-12-6x", "٢٠٢٦-١٢-٠٦"]


@pytest.mark.parametrize("value", REFUSED)
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/cases/", "received_from"),
        ("/api/cases/", "received_to"),
        ("/api/cases/", "closing_before"),
        ("/api/audit/", "after"),
        ("/api/audit/", "before"),
        ("/api/cases/{case}/documents/", "date_from"),
        ("/api/cases/{case}/documents/", "date_to"),
    ],
)
def test_a_date_not_in_the_extended_form_is_refused_at_its_parameter(
    api, make_user, officer, case, path, parameter, value
):
    user = make_user("auditor", Role.AUDITOR) if "audit" in path else officer
    answer = api(user).get(path.format(case=case.pk), {parameter: value})
    assert answer.status_code == 400, (answer.status_code, answer.content[:300])
    assert list(answer.json()) == [parameter], answer.json()


def test_the_extended_form_filters(api, officer):
    make_case(officer=officer, title="Drinkwater")
    client = api(officer)
    for query in (
        {"received_from": "2000-01-01"},
        {"received_from": "2000-01-01T00:00:00Z"},
        {"received_to": "2200-01-01T10:00:00+01:00"},
        {"received_from": "2000-01-01T00:00"},
    ):
        answer = client.get("/api/cases/", query)
        assert answer.status_code == 200 and answer.json()["count"] == 1, (query, answer.json())
    assert client.get("/api/cases/", {"closing_before": "2000-01-01"}).json()["count"] == 0
