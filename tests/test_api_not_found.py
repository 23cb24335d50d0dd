"""A path under /api/ that matches nothing answers in the API's error shape (config/urls.py
handler404), as a missing or hidden object does."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/nonexistent/", "/api/cases/1/nothing-here/", "/api/reports/1/download/docx/"])
def test_an_api_path_that_matches_nothing_answers_in_the_apis_shape(api, officer, client, path):
    """It was Django's HTML 404 page; an API client reads JSON."""
    for response in (api(officer).get(path), client.get(path)):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["code"] == "not_found"
    assert "text/html" in client.get("/nonexistent-page/")["Content-Type"]
