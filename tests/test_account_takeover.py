"""An administrator cannot take over a person's account (found by a security probe).

The probe: as the administrator, set a person's password in the admin, then reset their second
factor; log in with the new password and enrol an authenticator of one's own: a verified session as
that person, with their cases and their place as the second pair of eyes. Now one administrator
holds at most one of the two keys: who set the password does not reset the second factor, and who
reset the second factor does not set the password of the account before the person has enrolled
again (`access.services.require_not_both_keys`). A second administrator may do the other step;
both steps are in the audit trail."""

import pytest
from django.urls import reverse

from access.roles import Role
from access.services import has_confirmed_totp
from audit.models import AuditRecord

from .factories import give_totp, web_session

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Overgenomen-2026!xyz"


@pytest.fixture
def beheer(make_user):
    return make_user("beheer", Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def beheer2(make_user):
    return make_user("beheer2", Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def victim(make_user):
    person = make_user("stagiair", Role.CASE_OFFICER)
    give_totp(person)
    return person


def _set_password(client, person):
    return client.post(
        f"/admin/access/user/{person.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )


def _reset_second_factor(client, person):
    return client.post(
        reverse("admin:access_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [person.pk]},
    )


def test_who_set_the_password_does_not_reset_the_second_factor(client, beheer, beheer2, victim):
    web_session(client, beheer)
    assert _set_password(client, victim).status_code == 302
    victim.refresh_from_db()
    assert victim.check_password(NEW_PASSWORD)
    _reset_second_factor(client, victim)
    assert has_confirmed_totp(victim)  # refused: the takeover stops here
    assert not AuditRecord.objects.filter(event="user.reset_second_factor", object_id=str(victim.pk)).exists()
    client.logout()
    web_session(client, beheer2)  # another administrator may (a lost phone and a forgotten password)
    _reset_second_factor(client, victim)
    assert not has_confirmed_totp(victim)


def test_who_reset_the_second_factor_does_not_set_the_password(client, beheer, beheer2, victim):
    web_session(client, beheer)
    _reset_second_factor(client, victim)
    assert not has_confirmed_totp(victim)
    response = _set_password(client, victim)
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/access/user/{victim.pk}/change/")
    victim.refresh_from_db()
    assert not victim.check_password(NEW_PASSWORD)
    assert client.get(f"/admin/access/user/{victim.pk}/password/").status_code == 302
    client.logout()
    web_session(client, beheer2)
    assert _set_password(client, victim).status_code == 302
    victim.refresh_from_db()
    assert victim.check_password(NEW_PASSWORD)


def test_an_administrator_resets_their_own_second_factor(client, beheer):
    give_totp(beheer)
    web_session(client, beheer)
    assert (
        client.post(
            "/admin/password_change/",
            {"old_password": "correct-horse-battery", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        ).status_code
        == 302
    )
    _reset_second_factor(client, beheer)
    assert not has_confirmed_totp(beheer)
