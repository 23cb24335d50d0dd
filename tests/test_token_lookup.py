"""The API token's lookup on every request (issue 25): one statement, compiled once per process, that
answers as the ORM's lookup does for every kind of token (valid, unknown, expired, password-revoked,
deactivated or locked-out owner, a lock past its cool-off, the failure limit changed in the settings).
The same for the web session's person (`access.selectors.session_user`, asked by Django on every
request through `access.backends.AccountBackend.get_user`)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.models import ApiToken
from access.selectors import _statements, api_token_authenticate, session_user

from .factories import api_token

pytestmark = pytest.mark.django_db


def _both(settings, key):
    """What the compiled lookup and the plain ORM (fast paths off) answer, as (username, token id)."""
    answers = []
    for fast in (True, False):
        settings.BEV_FAST_PATHS = fast
        found = api_token_authenticate(key=key)
        answers.append(None if found is None else (found[0].username, found[1].pk, found[1].user is found[0]))
    settings.BEV_FAST_PATHS = True
    assert answers[0] == answers[1], answers
    return answers[0]


def _failures(username, count, *, address="192.0.2.66"):
    AccessAttempt.objects.create(
        username=username, ip_address=address, user_agent="test", failures_since_start=count, get_data="", post_data=""
    )


def test_a_valid_token_finds_its_owner_with_the_token_in_one_query(settings, officer):
    key = api_token(officer)
    token = ApiToken.objects.get(user=officer)
    assert _both(settings, key) == ("officer", token.pk, True)
    with CaptureQueriesContext(connection) as queries:
        user, found = api_token_authenticate(key=key)
    assert len(queries) == 1
    if connection.vendor == "postgresql":  # the compiled statement ran, not the ORM's fallback
        assert _statements[("token_owner", "default", ("digest", "limit", "since"))] is not None
    assert (user.pk, user.role, user.clearance, user.language) == (officer.pk, officer.role, officer.clearance, "")
    assert (found.pk, found.digest, found.password_fingerprint) == (token.pk, token.digest, token.password_fingerprint)
    assert (found.created, found.expires_at) == (token.created, token.expires_at)
    assert found._state.adding is False


def test_an_unknown_key_finds_nobody(settings, officer):
    api_token(officer)
    assert _both(settings, "0" * 40) is None
    assert _both(settings, "") is None


def test_an_expired_or_password_revoked_token_or_a_deactivated_owner_is_refused(settings, officer):
    key = api_token(officer)
    ApiToken.objects.filter(user=officer).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _both(settings, key) is None
    key = api_token(officer)
    officer.set_password("another-long-passphrase-2026")
    officer.save()
    assert _both(settings, key) is None
    key = api_token(officer)
    assert _both(settings, key) is not None
    officer.is_active = False
    officer.save()
    assert _both(settings, key) is None


def test_the_lockout_counts_within_the_cool_off_and_up_to_the_current_limit(settings, officer, outsider):
    key = api_token(officer)
    assert _both(settings, key) is not None  # compiled now, with the limit of 5
    _failures("outsider", 5)
    assert _both(settings, key) is not None  # someone else's lock
    _failures("officer", 4)
    assert _both(settings, key) is not None
    settings.AXES_FAILURE_LIMIT = 4  # the statement compiled before takes the limit as a value
    assert _both(settings, key) is None
    settings.AXES_FAILURE_LIMIT = 5
    _failures("officer", 1, address="192.0.2.67")  # 4 + 1, but from two addresses: no lock
    assert _both(settings, key) is not None
    AccessAttempt.objects.filter(username="officer", ip_address="192.0.2.66").update(failures_since_start=5)
    assert _both(settings, key) is None
    # the same failures, older than the cool-off: they no longer count
    AccessAttempt.objects.filter(username="officer").update(attempt_time=timezone.now() - timedelta(hours=2))
    assert _both(settings, key) is not None
    settings.AXES_COOLOFF_TIME = None  # no cool-off: every failure counts (another statement)
    assert _both(settings, key) is None


def _session_both(settings, user_id):
    """What the compiled lookup and the plain ORM answer for a session's user id, as (username, locked out)."""
    answers = []
    for fast in (True, False):
        settings.BEV_FAST_PATHS = fast
        user = session_user(user_id=user_id)
        answers.append(None if user is None else (user.username, bool(user.is_locked_out)))
    settings.BEV_FAST_PATHS = True
    assert answers[0] == answers[1], answers
    return answers[0]


def test_the_sessions_person_is_found_with_their_lockout_in_one_compiled_query(settings, officer, outsider):
    assert _session_both(settings, officer.pk) == ("officer", False)
    with CaptureQueriesContext(connection) as queries:
        user = session_user(user_id=officer.pk)
    assert len(queries) == 1
    if connection.vendor == "postgresql":  # the compiled statement ran, not the ORM's fallback
        assert _statements[("session_user", "default", ("limit", "since", "user_id"))] is not None
    assert (user.pk, user.role, user.clearance, user.is_active) == (officer.pk, officer.role, officer.clearance, True)
    assert user._state.adding is False
    assert _session_both(settings, str(officer.pk)) == ("officer", False)
    for unknown in (outsider.pk + officer.pk + 1000, 0, -1, 2**70, "x", None):
        assert _session_both(settings, unknown) is None
    _failures("outsider", 5)
    assert _session_both(settings, officer.pk) == ("officer", False)  # someone else's lock
    _failures("officer", 4)
    assert _session_both(settings, officer.pk) == ("officer", False)
    settings.AXES_FAILURE_LIMIT = 4  # the statement compiled before takes the limit as a value
    assert _session_both(settings, officer.pk) == ("officer", True)
    settings.AXES_FAILURE_LIMIT = 5
    AccessAttempt.objects.filter(username="officer").update(failures_since_start=5)
    assert _session_both(settings, officer.pk) == ("officer", True)
    AccessAttempt.objects.filter(username="officer").update(attempt_time=timezone.now() - timedelta(hours=2))
    assert _session_both(settings, officer.pk) == ("officer", False)  # past the cool-off
    settings.AXES_COOLOFF_TIME = None  # no cool-off: every failure counts (another statement)
    assert _session_both(settings, officer.pk) == ("officer", True)
