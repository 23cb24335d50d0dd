"""A request whose Content-Type names another character set than UTF-8 is refused before Django
decodes it (core.input_guard.CharsetGuard, wrapped around the WSGI application in config/wsgi.py).
"charset=base64" or "rot13" (codecs, but not text encodings) made Django's building of the request
raise before any middleware, and "utf-16" made the JSON parser raise a UnicodeError: a 500 for any
URL, found by trying the API with odd headers. The tests call the WSGI application that gunicorn and
runserver serve, as a server would."""

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest

from cases.models import Case
from config.wsgi import application
from core.input_guard import refused_charset

pytestmark = pytest.mark.django_db

CHARSETS = [
    "utf-16",
    "utf-32",
    "rot13",
    "base64",
    "zlib",
    "hex",
    "uu",
    "punycode",
    "bz2",
    "quopri",
    "latin-1",
    "nonsense",
]


def serve(method: str, path: str, content_type: str, body: bytes = b"", query: str = "") -> tuple[int, bytes]:
    environ: dict = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD=method,
        PATH_INFO=path,
        QUERY_STRING=query,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(len(body)),
        HTTP_HOST="localhost",
        SERVER_NAME="localhost",
    )
    environ["wsgi.input"] = io.BytesIO(body)
    status = []
    chunks = application(environ, lambda line, headers: status.append(line))
    content = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return int(status[0].split()[0]), content


@pytest.mark.parametrize("charset", CHARSETS)
def test_a_json_body_in_another_charset_is_a_415_naming_it(charset):
    code, content = serve("POST", "/api/cases/", f"application/json; charset={charset}", b'{"title": "x"}')
    assert code == 415, content[:300]
    answer = json.loads(content)
    assert answer["code"] == "unsupported_media_type"  # as DRF's own 415 (core/api/errors.py)
    detail = answer["message"]
    assert "UTF-8" in detail and charset in detail
    assert not Case.objects.exists()


@pytest.mark.parametrize("charset", ["base64", "rot13"])
def test_a_query_with_a_charset_that_is_no_text_encoding_is_refused(charset):
    """Without the guard Django raised LookupError while building `request.GET`: no middleware ran."""
    code, _content = serve("GET", "/api/cases/", f"application/json; charset={charset}", query="search=x")
    assert code == 415


@pytest.mark.parametrize("charset", ["utf-16", "base64", "zlib"])
def test_a_web_form_in_another_charset_is_a_400(charset):
    code, content = serve("POST", "/cases/new/", f"application/x-www-form-urlencoded; charset={charset}", b"title=x")
    assert code == 400 and "UTF-8" in content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", "utf8", '"utf-8"', "us-ascii", "ASCII"])
def test_utf8_named_in_any_spelling_is_read(charset):
    assert refused_charset(f"application/json; charset={charset}") is None
    code, _content = serve("GET", "/api/cases/", f"application/json; charset={charset}")
    assert code == 401  # on to the API, which asks who is asking
    assert refused_charset("application/json") is None


def test_the_json_parser_refuses_a_body_it_cannot_decode():
    """The parser's own guard, behind the WSGI one: UTF-16 without a byte order mark is a
    UnicodeError (not a UnicodeDecodeError), which it did not catch."""
    from rest_framework.exceptions import ParseError

    from core.api.parsers import GuardedJSONParser

    with pytest.raises(ParseError):
        GuardedJSONParser().parse(io.BytesIO(b'{"a": 1}'), parser_context={"encoding": "utf-16"})


def test_a_key_named_twice_in_a_json_object_is_refused_at_that_key(api, officer, case):
    """{"title": "A", "title": "B"} stored "B": the last one silently won."""
    body = '{"version": %d, "title": "Eerste", "title": "Tweede"}' % case.version
    response = api(officer).generic("PATCH", f"/api/cases/{case.pk}/", body, content_type="application/json")
    assert response.status_code == 400 and "title" in response.json(), response.content
    assert Case.objects.get(pk=case.pk).title == case.title
