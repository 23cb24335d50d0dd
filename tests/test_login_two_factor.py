"""Logging in: password plus a second factor (TOTP or a backup code); enrolment of an authenticator."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditRecord
from demo.seeds.access import DEMO_BACKUP_CODES, DEMO_PASSWORD

from .factories import give_totp, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _verified(client) -> bool:
    """An OTP-verified session reaches the session-authenticated API."""
    return client.get("/api/cases/").status_code == 200


def test_password_and_totp_code_log_in_verified(client, officer):
    device = give_totp(officer)
    response = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": totp_code(device)})
    assert response.status_code == 302
    assert _verified(client)
    assert AuditRecord.objects.filter(event="auth.login", actor=officer).exists()


def test_password_alone_is_not_enough(client, officer):
    give_totp(officer)
    response = client.post("/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 200
    assert "code" in response.content.decode().lower()
    assert not _verified(client)


def test_wrong_code_is_refused_and_recorded(client, officer):
    device = give_totp(officer)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": wrong})
    assert response.status_code == 200
    assert not _verified(client)
    assert AuditRecord.objects.filter(event="auth.login_failed", object_id="officer").exists()


def test_a_backup_code_logs_in_once(client, officer):
    give_totp(officer)
    backup = StaticDevice.objects.create(user=officer, name="backup", confirmed=True)
    StaticToken.objects.create(device=backup, token="abcd1234")
    response = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": "abcd1234"})
    assert response.status_code == 302
    assert _verified(client)
    client.post("/logout/")
    again = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": "abcd1234"})
    assert again.status_code == 200  # used up


def test_another_persons_code_does_not_work(client, officer, outsider):
    give_totp(officer)
    other_device = give_totp(outsider)
    response = client.post(
        "/login/", {"username": "officer", "password": PASSWORD, "otp_token": totp_code(other_device)}
    )
    assert response.status_code == 200
    assert not _verified(client)


def test_without_authenticator_the_password_leads_to_enrolment_not_a_session(client, officer):
    response = client.post("/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/login/enrol/"
    assert client.get("/api/cases/").status_code in (401, 403)  # no session yet

    page = client.get("/login/enrol/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    secret = re.search(r'class="otp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert secret in device.config_url

    bad = client.post("/login/enrol/", {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert bad.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post("/login/enrol/", {"code": totp_code(device)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert _verified(client)
    assert AuditRecord.objects.filter(event="auth.totp_enrol", actor=officer).exists()


def test_enrolment_page_needs_a_password_login_first(client, officer):
    assert client.get("/login/enrol/")["Location"] == "/login/"
    assert client.post("/login/enrol/", {"code": "123456"})["Location"] == "/login/"


def test_enrolled_person_cannot_enrol_a_second_authenticator_by_password_alone(client, officer):
    give_totp(officer)
    client.post("/login/", {"username": "officer", "password": PASSWORD})
    assert client.get("/login/enrol/")["Location"] == "/login/"
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_wrong_password_with_right_code_is_refused(client, officer):
    device = give_totp(officer)
    response = client.post(
        "/login/", {"username": "officer", "password": "wrong-password-1", "otp_token": totp_code(device)}
    )
    assert response.status_code == 200
    assert not _verified(client)


@override_settings(BEV_DEMO_MODE=True)
def test_the_demo_prints_a_second_factor_that_works(client, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert DEMO_BACKUP_CODES[0] in out and DEMO_PASSWORD in out
    response = client.post(
        "/login/", {"username": "casus", "password": DEMO_PASSWORD, "otp_token": DEMO_BACKUP_CODES[0]}
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    assert _verified(client)
    # the printed TOTP secret works too
    client.post("/logout/")
    secret = re.search(r"casus\s+.*TOTP ([A-Z2-7]+)", out).group(1)
    device = TOTPDevice.objects.get(user__username="casus", name="demo-totp")
    assert secret in device.config_url
    import base64

    code = f"{TOTP(base64.b32decode(secret), device.step, device.t0, device.digits).token():06d}"
    assert (
        client.post("/login/", {"username": "casus", "password": DEMO_PASSWORD, "otp_token": code}).status_code == 302
    )


@override_settings(BEV_DEMO_MODE=False)
def test_outside_demo_mode_the_demo_users_cannot_log_in(client, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert DEMO_BACKUP_CODES[0] not in out
    assert "(hidden)" in out
    response = client.post(
        "/login/", {"username": "casus", "password": DEMO_PASSWORD, "otp_token": DEMO_BACKUP_CODES[0]}
    )
    assert response.status_code == 200
    assert not StaticToken.objects.filter(device__user__username="casus").exists()


def test_the_login_page_asks_for_the_code(client):
    html = client.get("/login/").content.decode()
    assert 'name="username"' in html and 'name="password"' in html and 'name="otp_token"' in html
    assert 'name="otp_device"' not in html  # nobody picks a device from a list


def test_a_right_code_right_after_a_wrong_one_is_refused_and_the_page_says_to_wait(client, officer):
    """django-otp refuses every code of a device for a moment after a wrong one (its throttle). The
    refusal said only "a backup code works once", and a newcomer with a fresh demo code was sent the
    wrong way; it now says that a right code is refused for a few seconds after a failed try (to
    everyone: it reveals nothing of which part was wrong)."""
    give_totp(officer)
    backup = StaticDevice.objects.create(user=officer, name="backup", confirmed=True)
    StaticToken.objects.create(device=backup, token="11112222")
    wrong = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": "99998888"})
    right_too_soon = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": "11112222"})
    assert wrong.status_code == right_too_soon.status_code == 200 and not _verified(client)
    for page in (wrong, right_too_soon):
        assert "enkele seconden geweigerd" in page.content.decode()
    backup.refresh_from_db()
    backup.throttling_failure_timestamp = None  # the wait is over
    backup.save()
    assert (
        client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": "11112222"}).status_code
        == 302
    )
