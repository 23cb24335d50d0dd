"""Issue 23: the language follows the person's choice, not only the browser. A stored language
(User.language: the settings page, or the language switch while logged in) wins over the browser's
Accept-Language; without one the browser's (or the switch's cookie) still counts."""

import pytest
from django.conf import settings
from django.urls import reverse

from access.services import user_set_language
from audit.models import AuditRecord
from core.exceptions import RuleViolation

from .factories import web_session

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    body = response.content.decode()
    return body.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_person_who_chose_english_gets_english_with_a_dutch_browser(client, manager):
    user_set_language(user=manager, language="en")
    web_session(client, manager)
    page = client.get(reverse("access:settings"), HTTP_ACCEPT_LANGUAGE="nl")
    assert _lang(page) == "en" and "Settings" in page.content.decode()
    assert page["Content-Language"] == "en"


def test_a_person_who_chose_dutch_gets_dutch_with_an_english_browser(client, manager):
    user_set_language(user=manager, language="nl")
    web_session(client, manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # even over an old cookie of the switch
    page = client.get(reverse("access:settings"), HTTP_ACCEPT_LANGUAGE="en")
    assert _lang(page) == "nl" and "Instellingen" in page.content.decode()


def test_without_a_choice_the_browser_decides(client, manager):
    web_session(client, manager)
    assert _lang(client.get(reverse("access:settings"), HTTP_ACCEPT_LANGUAGE="en")) == "en"
    assert _lang(client.get(reverse("access:settings"), HTTP_ACCEPT_LANGUAGE="nl")) == "nl"


def test_the_settings_page_stores_the_choice_audited(client, manager):
    web_session(client, manager)
    page = client.get(reverse("access:settings"))
    assert 'name="language"' in page.content.decode()
    response = client.post(
        reverse("access:settings"), {"notify_by_email": "on", "language": "en"}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.language == "en" and manager.notify_by_email is True
    assert AuditRecord.objects.filter(event="user.language").exists()
    assert _lang(client.get(reverse("access:settings"), HTTP_ACCEPT_LANGUAGE="nl")) == "en"
    refused = client.post(reverse("access:settings"), {"language": "fr"})
    assert refused.status_code == 200 and 'id="id_language_error"' in refused.content.decode()
    manager.refresh_from_db()
    assert manager.language == "en"


def test_the_language_switch_stores_the_choice_of_a_logged_in_person(client, manager):
    web_session(client, manager)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    manager.refresh_from_db()
    assert manager.language == "en"
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # another browser, the same person
    assert _lang(client.get(reverse("access:settings"), HTTP_ACCEPT_LANGUAGE="nl")) == "en"
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    manager.refresh_from_db()
    assert manager.language == "nl"
    assert _lang(client.get(reverse("access:settings"), HTTP_ACCEPT_LANGUAGE="en")) == "nl"


def test_the_switch_still_works_before_login(client):
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert _lang(client.get(reverse("access:login"), HTTP_ACCEPT_LANGUAGE="nl")) == "en"


def test_only_the_services_languages(manager):
    with pytest.raises(RuleViolation) as refused:
        user_set_language(user=manager, language="fr")
    assert refused.value.field == "language"


def test_a_token_answers_in_the_language_its_person_chose(manager):
    """The API answers a token's requests in its person's stored language, over Accept-Language, as
    the web UI does for their session; without a choice the header decides."""
    from rest_framework.test import APIClient

    from .factories import api_token

    client = APIClient(HTTP_AUTHORIZATION=f"Token {api_token(manager)}")
    user_set_language(user=manager, language="en")
    english = client.get("/api/cases/999999/", HTTP_ACCEPT_LANGUAGE="nl")
    assert english.status_code == 404 and english.json()["message"] == "Case not found."
    assert english["Content-Language"] == "en"
    user_set_language(user=manager, language="")
    by_header = client.get("/api/cases/999999/", HTTP_ACCEPT_LANGUAGE="nl")
    assert by_header.json()["message"] == "Casus niet gevonden."
