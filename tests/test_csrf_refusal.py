"""A form or API call refused by the CSRF check: still refused (nothing changes), and now said in the
reader's language on the service's own page (web) or with its own code (API), instead of Django's bare
page and DRF's English "CSRF Failed: CSRF token missing."."""

import re

import pytest
from django.test import Client

from .factories import web_session

pytestmark = pytest.mark.django_db


def _csrf_client(user) -> Client:
    return web_session(Client(enforce_csrf_checks=True), user)


def test_a_web_form_without_its_csrf_token_changes_nothing_and_says_what_to_do(case, officer):
    client = _csrf_client(officer)
    refused = client.post(f"/cases/{case.pk}/transitions/start_intake/", {"confirm": "1"})
    assert refused.status_code == 403
    page = refused.content.decode()
    assert 'id="csrf-refused"' in page and 'lang="nl"' in page
    assert 'aria-label="Hoofdmenu"' in page  # the service's page with the person's menu, a way on
    assert "Er is niets gewijzigd." in page and "laad de pagina opnieuw" in page
    case.refresh_from_db()
    assert case.state == "signal"
    # The same form with the token the page gives goes through: the check refuses only the missing token.
    form = client.get(f"/cases/{case.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    client.post(f"/cases/{case.pk}/transitions/start_intake/", {"confirm": "1", "csrfmiddlewaretoken": token})
    case.refresh_from_db()
    assert case.state == "intake"


def test_the_refusal_page_is_english_for_an_english_reader(case, officer):
    officer.language = "en"
    officer.save(update_fields=["language"])
    page = _csrf_client(officer).post(f"/cases/{case.pk}/transitions/start_intake/", {"confirm": "1"})
    assert page.status_code == 403
    text = page.content.decode()
    assert 'lang="en"' in text and "Nothing was changed." in text


def test_an_api_call_on_the_web_session_without_its_csrf_token_is_refused_with_its_own_code(case, officer):
    refused = _csrf_client(officer).post(
        f"/api/cases/{case.pk}/transitions/", {"name": "start_intake"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed", refused.json()
    assert refused.json()["message"].startswith("CSRF-controle mislukt")
    case.refresh_from_db()
    assert case.state == "signal"


def test_a_request_with_an_api_token_needs_no_csrf_token(case, officer):
    from rest_framework.test import APIClient

    from .factories import api_token

    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(officer)}")
    moved = client.post(f"/api/cases/{case.pk}/transitions/", {"name": "start_intake"}, format="json")
    assert moved.status_code == 200, moved.json()
    case.refresh_from_db()
    assert case.state == "intake"
