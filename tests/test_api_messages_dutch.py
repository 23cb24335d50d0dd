"""The API answers in Dutch first, also where the message is Django REST framework's: its Dutch
catalogue lacks some ("Not a valid string.") and keeps English type names in others ("Date heeft het
verkeerde formaat", "Verwacht een dictionary"). locale/nl/LC_MESSAGES/django.po gives their Dutch;
English through Accept-Language as before. Found by trying the product."""

import gettext
from pathlib import Path

import pytest
import rest_framework

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

CASES = [
    ({"title": {}}, "title", "Geen geldige tekst.", "Not a valid string."),
    ({"market_financing_explored": "ja"}, "market_financing_explored", "Moet waar of onwaar zijn", "Must be a valid"),
    (
        {"expected_closing_date": "2027-02-30"},
        "expected_closing_date",
        "De datum heeft het verkeerde formaat",
        "Date has",
    ),
    ({"signal_received_at": "gisteren"}, "signal_received_at", "De datum en tijd hebben het verkeerde", "Datetime has"),
]


@pytest.mark.parametrize(("body", "field", "dutch", "english"), CASES)
def test_field_errors_of_the_framework_are_dutch_and_english_on_request(api, officer, body, field, dutch, english):
    client = api(officer)
    response = client.post("/api/cases/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field][0].startswith(dutch), response.json()
    response = client.post("/api/cases/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()[field][0].startswith(english), response.json()


def test_a_body_that_is_no_object_is_refused_in_dutch(api, officer):
    response = api(officer).post("/api/cases/", [1, 2], format="json")
    assert response.status_code == 400, response.content
    assert "Verwacht een object (JSON) met velden" in str(response.json()), response.json()


def test_every_message_given_dutch_is_one_the_framework_has():
    """A release of the framework that rewords a message would leave its Dutch unused: fail then."""
    source = "".join(path.read_text() for path in Path(rest_framework.__file__).parent.rglob("*.py"))
    ours = gettext.GNUTranslations((ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.mo").open("rb"))
    given = {msgid for msgid in ours._catalog if msgid}  # type: ignore[attr-defined]
    assert len(given) >= 20
    assert [msgid for msgid in sorted(given) if f"_('{msgid}')" not in source and f'_("{msgid}")' not in source] == []
