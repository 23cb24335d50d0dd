"""A body that is not JSON is refused in the service's own words, in the reader's language: never
the text of Python's decoder ("Expecting property name enclosed in double quotes", "'utf-8' codec
can't decode byte", "Out of range float values are not JSON compliant")."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

PYTHON_TEXT = ("Expecting", "codec", "decode", "char ", "compliant", "Out of range", "line 1 column")


def post(client, body: bytes, language: str):
    return client.generic("POST", "/api/cases/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


def english(message: str, **values) -> str:
    """The English the reader of `Accept-Language: en` gets (the catalogue is kept elsewhere)."""
    with translation.override("en"):
        return gettext(message) % values if values else gettext(message)


AT = "De inhoud is geen geldige JSON (regel %(line)s, kolom %(column)s)."
NOT_UTF8 = "De inhoud is geen geldige JSON: de tekst is geen geldige UTF-8."
NON_FINITE = "NaN en Infinity zijn geen getallen in JSON."


@pytest.mark.parametrize(
    ("body", "message", "values"),
    [
        (b"{", AT, {"line": 1, "column": 2}),
        (b'{"title": "a",\n  x}', AT, {"line": 2, "column": 3}),
        (b"\xff\xfe", NOT_UTF8, {}),
    ],
)
def test_a_body_that_is_not_json_is_refused_without_pythons_text(api, officer, body, message, values):
    client = api(officer)
    dutch = message % values if values else message
    for language, expected in (("nl", dutch), ("en", english(message, **values))):
        response = post(client, body, language)
        assert response.status_code == 400
        answer = response.json()
        assert answer == {"message": expected, "code": "parse_error"}
        assert not any(text in answer["message"] for text in PYTHON_TEXT)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_at_their_field(api, officer, constant):
    """`{"amount": NaN}`: Python's decoder reads it, JSON has no such number."""
    client = api(officer)
    body = ('{"title": "x", "nested": {"amount": %s}}' % constant).encode()
    response = post(client, body, "nl")
    assert response.status_code == 400
    assert response.json() == {"nested.amount": [NON_FINITE]}
    response = post(client, body, "en")
    assert response.json() == {"nested.amount": [english(NON_FINITE)]}
