"""Every API operation's path ends with a slash. Without it, Django's APPEND_SLASH redirected a GET
with an empty body and, with DEBUG on (`make run`), answered a POST with a 500 (a RuntimeError: it
cannot redirect a body). Now a path that only lacks its slash is redirected for a GET and refused in
the API's shape, naming the path with its slash, for any other method; with DEBUG on as off."""

import pytest

pytestmark = pytest.mark.django_db

CASE = {
    "title": "Overname",
    "signal_source": "wet_vifo_bti",
    "signal_received_at": "2026-12-01T09:00:00+01:00",
    "target_name": "Voorbeeld B.V.",
    "target_kvk_number": "12345678",
}


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_a_post_without_its_slash_is_a_clear_404_not_a_500(api, officer, debug):
    from cases.models import Case

    answer = api(officer).post("/api/cases", CASE, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert "/api/cases/" in answer.json()["message"]
    assert not Case.objects.exists()  # nothing was made


def test_a_patch_of_a_case_without_its_slash_names_the_path(api, officer, case, debug):
    answer = api(officer).patch(f"/api/cases/{case.pk}", {"title": "x"}, format="json")
    assert answer.status_code == 404
    assert f"/api/cases/{case.pk}/" in answer.json()["message"]


def test_a_get_without_its_slash_is_redirected_with_its_query(api, officer, debug):
    answer = api(officer).get("/api/cases", {"state": "signal"})
    assert answer.status_code == 301
    assert answer["Location"] == "/api/cases/?state=signal"


def test_a_path_that_matches_nothing_is_the_api_404_in_json(api, officer, debug):
    for method in ("get", "post"):
        answer = getattr(api(officer), method)("/api/no-such-thing/")
        assert answer.status_code == 404
        assert answer["Content-Type"].startswith("application/json")
        assert answer.json() == {"message": "Niet gevonden.", "code": "not_found"}


def test_a_web_form_posted_without_its_slash_is_a_404_not_a_500(client, officer, case, debug):
    """The web's URLs too: a POST to a page's address without its slash (hand-typed, a script) is not
    redirected; with DEBUG on Django answered it with a 500 (RuntimeError)."""
    from .factories import web_session

    web_session(client, officer)
    answer = client.post(f"/cases/{case.pk}/edit", {"title": "x"})
    assert answer.status_code == 404
    assert client.get(f"/cases/{case.pk}/edit").status_code == 301
