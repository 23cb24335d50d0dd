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


def test_logout_ends_the_session(client, officer):
    web_login(client, officer)
    client.post("/logout/")
    assert client.get("/api/cases/").status_code in (401, 403)


def test_logout_needs_post(client, officer):
    web_login(client, officer)
    assert client.get("/logout/").status_code == 405
    assert client.get("/api/cases/").status_code == 200
