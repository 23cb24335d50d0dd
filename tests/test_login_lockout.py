"""Lockout after repeated failed logins (django-axes, AXES_FAILURE_LIMIT = 5)."""

import pytest
from django.conf import settings

from audit.models import AuditRecord

from .factories import give_totp, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _bad_logins(client, username, n):
    for _ in range(n):
        client.post("/login/", {"username": username, "password": "not-the-password", "otp_token": "123456"})


def test_five_bad_passwords_lock_out_even_the_right_password(client, officer):
    device = give_totp(officer)
    assert settings.AXES_FAILURE_LIMIT == 5
    _bad_logins(client, "officer", 4)
    _bad_logins(client, "officer", 1)
    response = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": totp_code(device)})
    assert response.status_code == 429
    assert "geblokkeerd" in response.content.decode().lower()
    assert client.get("/api/cases/").status_code in (401, 403)
    assert AuditRecord.objects.filter(event="auth.login_failed", object_id="officer").count() >= 5


def test_four_bad_passwords_do_not_lock_out(client, officer):
    device = give_totp(officer)
    _bad_logins(client, "officer", 4)
    response = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": totp_code(device)})
    assert response.status_code == 302


def test_guessing_the_second_factor_also_locks_out(client, officer):
    device = give_totp(officer)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": wrong})
    response = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": right})
    assert response.status_code == 429


def test_lockout_is_per_person_and_address(client, officer, outsider):
    device = give_totp(outsider)
    _bad_logins(client, "officer", 5)
    response = client.post("/login/", {"username": "outsider", "password": PASSWORD, "otp_token": totp_code(device)})
    assert response.status_code == 302
