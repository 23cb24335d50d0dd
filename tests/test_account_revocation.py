"""A person's API token and open web sessions stop working when the account is deactivated, locked
out (django-axes) or its password changes; a second-factor reset revokes the token (issue 22).

Each control has its own test: the service that revokes (deactivation in the admin, second-factor
reset) and the check at every request that catches any other path (a password or `is_active`
changed outside the admin, a lockout)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from access.models import ApiToken, User
from access.roles import Role
from audit.models import AuditRecord

from .factories import api_token, web_login, web_session
from .test_security_admin import _change_form

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-new-long-passphrase-2026"


@pytest.fixture
def beheer(make_user):
    return make_user("beheer", Role.ADMINISTRATOR, is_staff=True)


def _token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _token_works(key) -> bool:
    status = _token_client(key).get("/api/cases/").status_code
    assert status in (200, 401), status
    return status == 200


def _session_works(client) -> bool:
    """The web page and the API both answer the session as a logged-in, verified person."""
    web = client.get("/")
    api = client.get("/api/cases/")
    assert (web.status_code == 200) == (api.status_code == 200), (web.status_code, api.status_code)
    return web.status_code == 200


def _officer_with_session_and_token(officer):
    session = Client()
    web_login(session, officer)
    key = api_token(officer)
    assert _session_works(session) and _token_works(key)
    return session, key


def _revocations(user, reason):
    return AuditRecord.objects.filter(event="auth.token_revoke", object_id=str(user.pk), changes__reason__after=reason)


# ---------------------------------------------------------------------------------------------
# Deactivation
# ---------------------------------------------------------------------------------------------
def test_an_administrator_deactivates_someone_with_an_open_session_and_a_token(client, beheer, officer):
    session, key = _officer_with_session_and_token(officer)
    web_session(client, beheer)
    form = {k: v for k, v in _change_form(officer).items() if k != "is_active"}
    response = client.post(f"/admin/access/user/{officer.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not User.objects.get(pk=officer.pk).is_active

    assert not _token_works(key)
    assert not _session_works(session)
    # the token is gone, not just refused: reactivating the person does not bring it back
    assert not ApiToken.objects.filter(user=officer).exists()
    assert _revocations(officer, "deactivated").get().actor == beheer


def test_a_deactivated_persons_token_and_session_are_refused_however_deactivated(officer):
    session, key = _officer_with_session_and_token(officer)
    User.objects.filter(pk=officer.pk).update(is_active=False)  # not through the admin's service
    assert ApiToken.objects.filter(user=officer).exists()
    assert not _token_works(key)
    assert not _session_works(session)


# ---------------------------------------------------------------------------------------------
# Password change
# ---------------------------------------------------------------------------------------------
def test_an_administrator_changes_the_password_token_and_other_sessions_end(client, beheer, officer):
    session, key = _officer_with_session_and_token(officer)
    web_session(client, beheer)
    response = client.post(
        f"/admin/access/user/{officer.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)

    assert not _token_works(key)
    assert not _session_works(session)
    assert _session_works(client)  # the administrator's own session is not touched
    # the person logs in with the new password and makes a new token
    web_login(session, officer, password=NEW_PASSWORD)
    assert session.get("/api/auth/token/").json()["exists"] is False
    assert _token_works(session.post("/api/auth/token/").json()["token"])


def test_a_password_changed_outside_the_admin_revokes_the_token(officer):
    session, key = _officer_with_session_and_token(officer)
    user = User.objects.get(pk=officer.pk)
    user.set_password(NEW_PASSWORD)  # as `manage.py changepassword` or a script does
    user.save()
    assert not _token_works(key)
    assert not _session_works(session)


def test_saving_the_person_without_a_password_change_keeps_the_token(client, beheer, officer):
    session, key = _officer_with_session_and_token(officer)
    web_session(client, beheer)
    form = _change_form(officer) | {"organisation": "EZK"}
    assert client.post(f"/admin/access/user/{officer.pk}/change/", form).status_code == 302
    assert _token_works(key)
    assert _session_works(session)


# ---------------------------------------------------------------------------------------------
# Second-factor reset
# ---------------------------------------------------------------------------------------------
def test_a_second_factor_reset_revokes_the_token(client, beheer, officer):
    session, key = _officer_with_session_and_token(officer)
    web_session(client, beheer)
    response = client.post("/admin/access/user/", {"action": "reset_second_factor", "_selected_action": [officer.pk]})
    assert response.status_code == 302
    assert not _token_works(key)
    assert not ApiToken.objects.filter(user=officer).exists()
    assert _revocations(officer, "second_factor_reset").get().actor == beheer
    # the session was verified with a device that is gone: django-otp no longer counts it as verified
    assert not _session_works(session)


# ---------------------------------------------------------------------------------------------
# Lockout
# ---------------------------------------------------------------------------------------------
def _lock_out(username, *, address="192.0.2.66"):
    """Five wrong logins for `username` from another address (someone guessing the password)."""
    guesser = Client(REMOTE_ADDR=address)
    for _ in range(5):
        guesser.post("/login/", {"username": username, "password": "not-the-password", "otp_token": "123456"})
    assert guesser.post("/login/", {"username": username, "password": "x", "otp_token": "1"}).status_code == 429


def test_a_locked_out_persons_token_and_session_stop_working(officer):
    session, key = _officer_with_session_and_token(officer)
    _lock_out("officer")
    assert not _token_works(key)
    assert not _session_works(session)
    # the lock is lifted (cool-off over, or an administrator: tests/test_lockout_lift.py): the token works again
    AccessAttempt.objects.filter(username="officer").delete()
    assert _token_works(key)


def test_four_wrong_logins_do_not_stop_the_token(officer):
    session, key = _officer_with_session_and_token(officer)
    guesser = Client(REMOTE_ADDR="192.0.2.66")
    for _ in range(4):
        guesser.post("/login/", {"username": "officer", "password": "not-the-password", "otp_token": "123456"})
    assert _token_works(key)
    assert _session_works(session)


def test_someone_elses_lockout_does_not_stop_the_token(officer, outsider):
    session, key = _officer_with_session_and_token(officer)
    _lock_out("outsider")
    assert _token_works(key)
    assert _session_works(session)


def test_a_password_hash_upgrade_at_login_keeps_the_token(settings, officer):
    """A newer hasher re-encodes the same password at the next login: that is no password change."""
    key = api_token(officer)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    web_login(Client(), officer)
    officer.refresh_from_db()
    assert officer.password.startswith("pbkdf2_sha256$")  # upgraded from the test settings' MD5
    assert _token_works(key)
