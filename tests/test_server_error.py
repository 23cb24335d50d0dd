"""An unexpected error (a 500) answers in the shape the caller reads: JSON under /api/, as every other
API error does, and a page of the service's own in the person's language elsewhere; never a traceback.
The fault is injected by making a selector raise."""

import pytest

from cases import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_case_read(monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(selectors, "case_get", fail)


def test_an_api_500_is_the_apis_json_error(api, officer, case, broken_case_read):
    client = api(officer)
    client.raise_request_exception = False
    response = client.get(f"/api/cases/{case.pk}/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "message": "Er ging iets mis in de service. De fout is vastgelegd; probeer het later opnieuw.",
        "code": "server_error",
    }
    english = client.get(f"/api/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 500 and english.json()["code"] == "server_error"
    assert "disk on fire" not in english.content.decode()
    assert english.json()["message"] != response.json()["message"]  # in English


def test_a_web_500_is_the_services_own_page(client, officer, case, broken_case_read):
    from .factories import web_session

    web_session(client, officer)
    client.raise_request_exception = False
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Fout in de service</h1>" in page and "disk on fire" not in page and "Traceback" not in page
    assert 'lang="nl"' in page
