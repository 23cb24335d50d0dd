"""The admin checks the same role matrix: only administrators manage people; changes to role,
clearance and access are audited; nobody sees another person's second factor or token."""

import pytest
from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import ApiToken, User
from access.roles import Role
from audit.models import AuditRecord
from core.classification import Classification

from .factories import give_totp, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheer(make_user):
    return make_user("beheer", Role.ADMINISTRATOR, is_staff=True)


def _change_form(user):
    return {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "role": user.role,
        "clearance": user.clearance,
        "organisation": "EZ",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }


def test_an_administrator_changes_a_clearance_and_it_is_audited(client, beheer, officer):
    web_session(client, beheer)
    form = _change_form(officer) | {"clearance": Classification.INTERN}
    response = client.post(f"/admin/access/user/{officer.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=officer.pk).clearance == Classification.INTERN
    record = AuditRecord.objects.get(event="user.update", object_id=str(officer.pk))
    assert record.actor == beheer
    assert record.changes["clearance"] == {"before": Classification.GEHEIM, "after": Classification.INTERN}
    assert record.channel == "admin"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CASE_OFFICER, Role.FUND_MANAGER])
def test_other_staff_cannot_manage_people(client, make_user, officer, role):
    staff = make_user(f"staff_{role}", role, is_staff=True)
    web_session(client, staff)
    assert client.get("/admin/access/user/").status_code == 403
    assert (
        client.post(
            f"/admin/access/user/{officer.pk}/change/",
            _change_form(officer) | {"clearance": Classification.ZEER_GEHEIM},
        ).status_code
        == 403
    )
    assert User.objects.get(pk=officer.pk).clearance == Classification.GEHEIM


def test_a_superuser_without_the_administrator_role_cannot_manage_people(client, make_user):
    root = make_user("root", Role.CASE_OFFICER, is_staff=True, is_superuser=True)
    web_session(client, root)
    assert client.get("/admin/access/user/").status_code == 403


def test_the_admin_needs_the_second_factor(client, beheer):
    client.force_login(beheer)  # password only
    response = client.get("/admin/access/user/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_second_factors_and_tokens_are_not_in_the_admin():
    for model in (TOTPDevice, StaticDevice, ApiToken):
        assert not admin.site.is_registered(model)


def test_an_administrator_resets_a_lost_second_factor(client, beheer, officer):
    give_totp(officer)
    web_session(client, beheer)
    response = client.post("/admin/access/user/", {"action": "reset_second_factor", "_selected_action": [officer.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert AuditRecord.objects.filter(
        event="user.reset_second_factor", object_id=str(officer.pk), actor=beheer
    ).exists()
    # at the next login the person enrols again
    login = client.__class__().post("/login/", {"username": "officer", "password": "correct-horse-battery"})
    assert login["Location"] == "/login/enrol/"


def test_people_are_never_deleted(client, beheer, officer):
    web_session(client, beheer)
    assert client.post(f"/admin/access/user/{officer.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=officer.pk).exists()


def test_a_second_factor_reset_is_one_transaction(monkeypatch, beheer, officer):
    """The devices' removal, the token's revocation and the audit record commit together or not at all
    (the service's @transaction.atomic had slipped onto the helper above it)."""
    from access import services

    give_totp(officer)

    def refused(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(services, "audit_log", refused)
    with pytest.raises(RuntimeError):
        services.user_reset_second_factor(actor=beheer, user=officer)
    assert TOTPDevice.objects.filter(user=officer).exists()
