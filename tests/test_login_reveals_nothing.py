"""Issue 22: the login tells nobody which part was wrong, and every failed part counts toward the
lockout (django-axes, per username and address)."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from audit.models import AuditRecord

from .factories import give_totp, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _page(response) -> tuple[int, str]:
    return response.status_code, _CSRF.sub("", response.content.decode())


def _failures(username: str) -> int:
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_wrong_password_and_a_wrong_or_missing_code_look_the_same(client, officer):
    device = give_totp(officer)
    wrong_code = _wrong(totp_code(device))
    wrong_password = client.post(
        "/login/", {"username": "officer", "password": "not-the-password", "otp_token": wrong_code}
    )
    right_password_wrong_code = client.post(
        "/login/", {"username": "officer", "password": PASSWORD, "otp_token": wrong_code}
    )
    wrong_password_no_code = client.post(
        "/login/", {"username": "officer", "password": "not-the-password", "otp_token": ""}
    )
    right_password_no_code = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": ""})
    assert _page(wrong_password)[0] == 200
    assert _page(wrong_password) == _page(right_password_wrong_code)
    assert _page(wrong_password_no_code) == _page(right_password_no_code)
    assert wrong_code not in _page(wrong_password)[1]  # the code is not written back into the page
    assert client.get("/api/cases/").status_code in (401, 403)


def test_an_unknown_username_looks_the_same_as_a_wrong_code(client, officer, make_user):
    device = give_totp(officer)
    wrong_code = _wrong(totp_code(device))
    make_user("nobody-else")
    unknown = client.post("/login/", {"username": "nobody", "password": PASSWORD, "otp_token": wrong_code})
    known = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": wrong_code})
    assert _page(unknown)[1].replace('value="nobody"', "") == _page(known)[1].replace('value="officer"', "")


@pytest.mark.parametrize("code", ["wrong", ""], ids=["wrong code", "missing code"])
def test_failed_second_factors_lock_the_account_and_the_lock_holds_for_the_right_code(client, officer, code):
    device = give_totp(officer)
    attempt = _wrong(totp_code(device)) if code == "wrong" else ""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": attempt})
        assert response.status_code in (200, 429)
    assert _failures("officer") == settings.AXES_FAILURE_LIMIT
    assert (
        AuditRecord.objects.filter(event="auth.login_failed", object_id="officer").count()
        == settings.AXES_FAILURE_LIMIT
    )
    locked = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": totp_code(device)})
    assert locked.status_code == 429
    assert client.get("/api/cases/").status_code in (401, 403)


def test_one_failed_code_counts_once(client, officer):
    device = give_totp(officer)
    client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": ""})
    assert _failures("officer") == 1
    response = client.post("/login/", {"username": "officer", "password": PASSWORD, "otp_token": totp_code(device)})
    assert response.status_code == 302  # below the limit the right password and code still log in
