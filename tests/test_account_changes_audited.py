"""Issue 22: every change to an account -- its password (the admin's form for another person, a
person's own change, `manage.py changepassword`), its role, clearance, name, groups, and its second
factor -- is an audit record, whichever way it is made, and no record holds a secret."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from access.models import User
from access.roles import Role
from access.services import totp_enrolment_device
from audit.models import AuditRecord
from core.classification import Classification

from .factories import give_totp, web_session

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "een-heel-nieuw-wachtwoord-42"


@pytest.fixture
def beheer(make_user):
    return make_user("beheer", Role.ADMINISTRATOR, is_staff=True)


def _records(user, event=None):
    rows = AuditRecord.objects.filter(object_type="access.user", object_id=str(user.pk))
    return rows.filter(event=event) if event else rows


def _no_secrets(user):
    user.refresh_from_db()
    text = json.dumps(list(_records(user).values_list("changes", flat=True)))
    assert NEW_PASSWORD not in text and PASSWORD not in text and user.password not in text
    for device in user.totpdevice_set.all():
        assert device.key not in text


def test_the_admins_password_form_for_another_person_is_audited(client, beheer, officer):
    web_session(client, beheer)
    response = client.post(
        f"/admin/access/user/{officer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    record = _records(officer, "user.password_change").get()
    assert record.actor == beheer and record.channel == "admin"
    assert record.changes == {"password": {"before": "(set)", "after": "(changed)"}}
    _no_secrets(officer)


def test_a_persons_own_password_change_is_audited(client, beheer):
    web_session(client, beheer)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = _records(beheer, "user.password_change").get()
    assert record.actor == beheer
    _no_secrets(beheer)


def test_the_changepassword_command_is_audited(officer, monkeypatch):
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.changepassword.getpass.getpass", lambda prompt="": NEW_PASSWORD
    )
    call_command("changepassword", "officer", stdout=open("/dev/null", "w"))
    record = _records(officer, "user.password_change").get()
    assert record.actor is None and record.actor_username == "system"
    _no_secrets(officer)


def test_the_admins_change_form_audits_names_and_e_mail_too(client, beheer, officer):
    web_session(client, beheer)
    form = {
        "username": "officer",
        "first_name": "Anna",
        "last_name": "de Vries",
        "email": "anna@example.nl",
        "is_active": "on",
        "role": officer.role,
        "clearance": officer.clearance,
        "organisation": "EZ",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    assert client.post(f"/admin/access/user/{officer.pk}/change/", form).status_code == 302
    record = _records(officer, "user.update").get()
    assert record.actor == beheer
    assert record.changes["first_name"] == {"before": "", "after": "Anna"}
    assert record.changes["email"]["after"] == "anna@example.nl"


def test_adding_a_person_in_the_admin_records_that_a_password_was_set(client, beheer):
    web_session(client, beheer)
    response = client.post(
        "/admin/access/user/add/",
        {"username": "nieuw", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(username="nieuw")
    record = _records(person, "user.create").get()
    assert record.actor == beheer and record.changes["password"] == {"before": None, "after": "(set)"}
    _no_secrets(person)


def test_a_change_outside_the_services_is_audited_too(officer):
    officer.role = Role.AUDITOR
    officer.clearance = Classification.INTERN
    officer.save()
    record = _records(officer, "user.update").get()
    assert record.changes["role"] == {"before": Role.CASE_OFFICER, "after": Role.AUDITOR}
    assert record.changes["clearance"]["after"] == Classification.INTERN
    officer.save(update_fields=["last_login"])  # a login's bookkeeping is no change to the account
    assert _records(officer).filter(event__startswith="user.").count() == 1


def test_groups_are_audited(officer):
    group = Group.objects.create(name="lezers")
    officer.groups.add(group)
    officer.groups.remove(group)
    changes = [r.changes["groups"] for r in _records(officer, "user.update").order_by("id")]
    assert changes == [{"added": ["lezers"], "removed": []}, {"added": [], "removed": ["lezers"]}]


def test_second_factor_changes_are_audited_without_secrets(officer):
    device = give_totp(officer)
    backup = StaticDevice.objects.create(user=officer, name="backup", confirmed=True)
    StaticToken.objects.create(device=backup, token="abcd1234")
    device.delete()
    changes = [r.changes["second_factor"] for r in _records(officer, "user.second_factor_change").order_by("id")]
    assert changes == [
        {"device": "TOTPDevice", "change": "added"},
        {"device": "StaticDevice", "change": "added"},
        {"device": "StaticToken", "change": "added"},
        {"device": "TOTPDevice", "change": "removed"},
    ]
    assert "abcd1234" not in json.dumps(list(_records(officer).values_list("changes", flat=True)))


def test_starting_an_enrolment_is_audited_by_its_service(officer):
    device = totp_enrolment_device(user=officer)
    record = _records(officer, "auth.totp_enrol_start").get()
    assert record.actor == officer
    assert not _records(officer, "user.second_factor_change").exists()  # one record, the service's
    assert device.key not in json.dumps(record.changes)
