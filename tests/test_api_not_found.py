"""A path under /api/ that matches nothing answers in the API's error shape (config/urls.py
handler404), as a missing or hidden object does."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/nonexistent/", "/api/cases/1/nothing-here/", "/api/reports/1/download/docx/"])
def test_an_api_path_that_matches_nothing_answers_in_the_apis_shape(api, officer, client, path):
    """It was Django's HTML 404 page; an API client reads JSON."""
    for response in (api(officer).get(path), client.get(path)):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == "not_found"
    assert "text/html" in client.get("/nonexistent-page/")["Content-Type"]


def test_malformed_json_is_refused_in_the_readers_language(api, officer):
    """ "JSON parse error - Expecting value ..." in an otherwise Dutch answer."""
    response = api(officer).generic("POST", "/api/cases/", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["message"].startswith("De inhoud is geen geldige JSON")
    response = api(officer).generic(
        "POST", "/api/cases/", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    with translation.override("en"):
        english = gettext("De inhoud is geen geldige JSON (regel %(line)s, kolom %(column)s).") % {
            "line": 1,
            "column": 2,
        }
    assert response.json()["message"] == english


def test_minus_zero_is_zero(api, officer, case):
    """ "-0" was stored as 0.00 and answered as "-0.00"."""
    response = api(officer).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "transaction_value": "-0"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["transaction_value"] == "0.00"
