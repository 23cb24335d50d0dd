"""API tokens for integrations: per person, created from an OTP-verified session, revocable, audited;
stored as a digest, expiring (BEV_API_TOKEN_TTL_DAYS). Revocation by a password change, a second-factor
reset, deactivation and lockout: tests/test_account_revocation.py."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from access.models import ApiToken
from audit.models import AuditRecord

from .factories import api_token, web_login

pytestmark = pytest.mark.django_db


def _token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_create_use_and_revoke_a_token(client, officer, case):
    web_login(client, officer)
    assert client.get("/api/auth/token/").json() == {"exists": False, "created": None, "expires_at": None}
    response = client.post("/api/auth/token/")
    assert response.status_code == 201
    key = response.json()["token"]
    assert AuditRecord.objects.filter(event="auth.token_create", actor=officer).exists()

    integration = _token_client(key)
    listed = integration.get("/api/cases/").json()
    assert [c["id"] for c in listed["results"]] == [case.pk]

    assert client.delete("/api/auth/token/").status_code == 204
    assert AuditRecord.objects.filter(event="auth.token_revoke", actor=officer).exists()
    assert _token_client(key).get("/api/cases/").status_code == 401
    assert client.delete("/api/auth/token/").status_code == 404


def test_a_new_token_replaces_the_old_one(client, officer):
    web_login(client, officer)
    first = client.post("/api/auth/token/").json()["token"]
    second = client.post("/api/auth/token/").json()["token"]
    assert first != second
    assert _token_client(first).get("/api/cases/").status_code == 401
    assert _token_client(second).get("/api/cases/").status_code == 200
    assert ApiToken.objects.filter(user=officer).count() == 1


def test_a_token_cannot_mint_a_token(officer):
    key = api_token(officer)
    digest = ApiToken.objects.get(user=officer).digest
    response = _token_client(key).post("/api/auth/token/")
    assert response.status_code == 403
    assert ApiToken.objects.get(user=officer).digest == digest
    assert AuditRecord.objects.filter(event="auth.token_create").count() == 1  # the factory's own


def test_a_token_can_revoke_itself(officer):
    key = api_token(officer)
    assert _token_client(key).delete("/api/auth/token/").status_code == 204
    assert not ApiToken.objects.filter(user=officer).exists()


def test_a_password_only_session_gets_no_api_and_no_token(client, officer):
    # logged in without the second factor (e.g. force_login): the API treats it as anonymous
    client.force_login(officer)
    assert client.get("/api/cases/").status_code in (401, 403)
    assert client.post("/api/auth/token/").status_code in (401, 403)
    assert not ApiToken.objects.exists()


def test_anonymous_gets_no_token(client):
    assert client.post("/api/auth/token/").status_code in (401, 403)


def test_a_session_needs_the_csrf_token_to_create_one(officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    csrf = client.cookies["csrftoken"].value
    from .factories import give_totp, totp_code

    device = give_totp(officer)
    assert (
        client.post(
            "/login/",
            {
                "username": "officer",
                "password": "correct-horse-battery",
                "otp_token": totp_code(device),
                "csrfmiddlewaretoken": csrf,
            },
        ).status_code
        == 302
    )
    # An empty JSON body: the test client's default (multipart) is not the API's media type (415).
    assert client.post("/api/auth/token/", content_type="application/json").status_code == 403
    csrf = client.cookies["csrftoken"].value
    assert client.post("/api/auth/token/", content_type="application/json", HTTP_X_CSRFTOKEN=csrf).status_code == 201


# ---------------------------------------------------------------------------------------------
# Stored as a digest, expiring
# ---------------------------------------------------------------------------------------------
def test_the_stored_value_is_not_the_key(client, officer):
    web_login(client, officer)
    key = client.post("/api/auth/token/").json()["token"]
    stored = ApiToken.objects.filter(user=officer).values().get()
    assert key not in {str(value) for value in stored.values()}
    assert stored["digest"] == hashlib.sha256(key.encode()).hexdigest()
    assert _token_client(key).get("/api/cases/").status_code == 200
    # the digest itself is no key
    assert _token_client(stored["digest"]).get("/api/cases/").status_code == 401


def test_the_token_shows_when_it_expires(client, officer, settings):
    settings.BEV_API_TOKEN_TTL_DAYS = 7
    web_login(client, officer)
    created = client.post("/api/auth/token/").json()
    expires_at = parse_datetime(created["expires_at"])
    assert expires_at - parse_datetime(created["created"]) == timedelta(days=7)
    assert client.get("/api/auth/token/").json() == {
        "exists": True,
        "created": created["created"],
        "expires_at": created["expires_at"],
    }
    record = AuditRecord.objects.get(event="auth.token_create", actor=officer)
    assert parse_datetime(record.changes["expires_at"]["after"]) == expires_at


def test_an_expired_token_is_refused(client, officer):
    web_login(client, officer)
    key = client.post("/api/auth/token/").json()["token"]
    assert _token_client(key).get("/api/cases/").status_code == 200
    ApiToken.objects.filter(user=officer).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _token_client(key).get("/api/cases/")
    assert response.status_code == 401
    assert client.get("/api/auth/token/").json()["exists"] is False
    # a new one works again
    key = client.post("/api/auth/token/").json()["token"]
    assert _token_client(key).get("/api/cases/").status_code == 200


def test_the_default_lifetime_is_90_days(officer):
    from django.conf import settings

    assert settings.BEV_API_TOKEN_TTL_DAYS == 90
    api_token(officer)
    token = ApiToken.objects.get(user=officer)
    assert token.expires_at - token.created == timedelta(days=90)
