"""Web sessions end after SESSION_IDLE_TIMEOUT_SECONDS without a request."""

import time

import pytest
from django.conf import settings

from access.middleware import SessionIdleTimeoutMiddleware

from .factories import web_login

pytestmark = pytest.mark.django_db


def _idle(client, seconds):
    session = client.session
    session[SessionIdleTimeoutMiddleware.KEY] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_is_logged_out(client, officer):
    web_login(client, officer)
    assert client.get("/api/cases/").status_code == 200
    _idle(client, settings.SESSION_IDLE_TIMEOUT_SECONDS + 5)
    assert client.get("/api/cases/").status_code in (401, 403)
    assert client.get("/").status_code == 302  # back to the login page
    assert client.get("/")["Location"].startswith("/login/")


def test_activity_keeps_the_session_alive(client, officer):
    web_login(client, officer)
    _idle(client, settings.SESSION_IDLE_TIMEOUT_SECONDS - 60)
    assert client.get("/api/cases/").status_code == 200
    # the request renewed the clock
    assert int(time.time()) - client.session[SessionIdleTimeoutMiddleware.KEY] < 5
    assert client.get("/api/cases/").status_code == 200


def test_requests_within_a_minute_do_not_write_the_session(client, officer):
    """Every request of a web session wrote its row (an UPDATE of django_session) to renew the clock;
    the clock is renewed at most once a minute (SessionIdleTimeoutMiddleware.RENEW_AFTER_SECONDS)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web_login(client, officer)
    assert client.get("/api/cases/").status_code == 200  # the first request notes when the session began
    _idle(client, 10)
    stamp = client.session[SessionIdleTimeoutMiddleware.KEY]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/cases/").status_code == 200
        assert client.get("/").status_code == 200
    assert not [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert client.session[SessionIdleTimeoutMiddleware.KEY] == stamp
    # A minute on, the clock is renewed.
    _idle(client, SessionIdleTimeoutMiddleware.RENEW_AFTER_SECONDS)
    assert client.get("/api/cases/").status_code == 200
    assert int(time.time()) - client.session[SessionIdleTimeoutMiddleware.KEY] < 5


def test_an_active_session_ends_twelve_hours_after_it_began(client, officer):
    """Each write of the session moved its expiry (SESSION_COOKIE_AGE from then): a session used every
    few minutes never ended, though docs/security.md said sessions last at most 12 hours."""
    web_login(client, officer)
    assert client.get("/api/cases/").status_code == 200
    session = client.session
    session[SessionIdleTimeoutMiddleware.STARTED] = int(time.time()) - settings.SESSION_COOKIE_AGE + 60
    session.save()
    assert client.get("/api/cases/").status_code == 200  # active, within the 12 hours
    session = client.session
    session[SessionIdleTimeoutMiddleware.STARTED] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session[SessionIdleTimeoutMiddleware.KEY] = int(time.time()) - 10  # and active a moment ago
    session.save()
    assert client.get("/api/cases/").status_code in (401, 403)
    assert client.get("/")["Location"].startswith("/login/")


def test_logout_ends_the_session(client, officer):
    web_login(client, officer)
    client.post("/logout/")
    assert client.get("/api/cases/").status_code in (401, 403)


def test_logout_needs_post(client, officer):
    web_login(client, officer)
    assert client.get("/logout/").status_code == 405
    assert client.get("/api/cases/").status_code == 200
