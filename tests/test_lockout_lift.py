"""An administrator lifts a login lockout (django-axes) in the admin, with a reason, before the
cool-off ends: the person logs in again, their token works again, and the trail says who did it and
why (`access.services.user_lockout_lift`, docs/security.md "Lockout"). Nobody else can."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from access.roles import Role
from access.selectors import user_is_locked_out
from access.services import user_lockout_lift
from audit.models import AuditRecord
from core.exceptions import Conflict, PermissionDenied, RuleViolation

from .factories import api_token, give_totp, totp_code, web_session

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def beheer(make_user):
    # the demo's administrator: staff with the administrator role, not a superuser
    return make_user("beheer", Role.ADMINISTRATOR, is_staff=True)


def _lock_out(username, *, address="192.0.2.66"):
    """Five wrong logins through /login/ (someone guessing the password from another address)."""
    guesser = Client(REMOTE_ADDR=address)
    for _ in range(5):
        guesser.post("/login/", {"username": username, "password": "not-the-password", "otp_token": "123456"})
    assert guesser.post("/login/", {"username": username, "password": "x", "otp_token": "1"}).status_code == 429


def _logs_in(user, device, *, address="192.0.2.66") -> int:
    return (
        Client(REMOTE_ADDR=address)
        .post("/login/", {"username": user.username, "password": PASSWORD, "otp_token": totp_code(device)})
        .status_code
    )


def _lifts(user):
    return AuditRecord.objects.filter(event="user.lockout_lift", object_id=str(user.pk))


def test_the_administrator_lifts_a_lock_on_the_change_page_and_the_person_logs_in_again(client, beheer, officer):
    device = give_totp(officer)
    key = api_token(officer)
    _lock_out("officer")
    assert _logs_in(officer, device) == 429
    web_session(client, beheer)

    page = client.get(f"/admin/access/user/{officer.pk}/change/").content.decode()
    assert "Blokkering opheffen" in page and f"/admin/access/user/{officer.pk}/lockout/" in page
    assert client.get(f"/admin/access/user/{officer.pk}/lockout/").status_code == 200

    # without a reason nothing is lifted
    refused = client.post(f"/admin/access/user/{officer.pk}/lockout/", {"reason": "  "})
    assert refused.status_code == 200 and "Geef een reden op" in refused.content.decode()
    assert user_is_locked_out(officer) and not _lifts(officer).exists()

    response = client.post(f"/admin/access/user/{officer.pk}/lockout/", {"reason": "Gebeld, zelf vergeten"})
    assert response.status_code == 302 and response["Location"] == f"/admin/access/user/{officer.pk}/change/"
    assert "De blokkering is opgeheven" in client.get(response["Location"]).content.decode()
    assert not AccessAttempt.objects.filter(username="officer").exists()
    assert _logs_in(officer, device) == 302
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/cases/").status_code == 200

    record = _lifts(officer).get()
    assert record.actor == beheer and record.channel == "admin"
    assert record.changes == {
        "locked_out": {"before": True, "after": False},
        "reason": {"before": None, "after": "Gebeld, zelf vergeten"},
    }


def test_the_administrator_lifts_locks_from_the_list(client, beheer, officer, outsider):
    device = give_totp(officer)
    _lock_out("officer")
    web_session(client, beheer)
    assert "Blokkering van de login opheffen" in client.get("/admin/access/user/").content.decode()
    chosen = {"action": "lift_lockout", "_selected_action": [officer.pk, outsider.pk]}
    asked = client.post("/admin/access/user/", chosen)
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    assert user_is_locked_out(officer)

    done = client.post("/admin/access/user/", chosen | {"confirm_lockout_lift": "1", "reason": "Na telefonische check"})
    assert done.status_code == 302
    assert _logs_in(officer, device) == 302
    assert _lifts(officer).get().actor == beheer
    assert not _lifts(outsider).exists()  # not locked: nothing lifted, nothing recorded
    shown = client.get("/admin/access/user/").content.decode()
    assert "outsider is niet geblokkeerd." in shown


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CASE_OFFICER])
def test_nobody_else_lifts_a_lock(client, make_user, officer, role):
    device = give_totp(officer)
    _lock_out("officer")
    staff = make_user(f"staff_{role}", role, is_staff=True)
    web_session(client, staff)
    assert client.post(f"/admin/access/user/{officer.pk}/lockout/", {"reason": "r"}).status_code == 403
    assert (
        client.post(
            "/admin/access/user/",
            {"action": "lift_lockout", "_selected_action": [officer.pk], "confirm_lockout_lift": "1", "reason": "r"},
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        user_lockout_lift(user=staff, target=officer, reason="r")
    assert _logs_in(officer, device) == 429
    assert not _lifts(officer).exists()


def test_the_service_refuses_without_reason_or_lock(beheer, officer):
    with pytest.raises(Conflict):
        user_lockout_lift(user=beheer, target=officer, reason="r")
    _lock_out("officer")
    with pytest.raises(RuleViolation):
        user_lockout_lift(user=beheer, target=officer, reason="")
    assert user_is_locked_out(officer) and not _lifts(officer).exists()
