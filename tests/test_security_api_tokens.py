"""API tokens for integrations: per person, created from an OTP-verified session, revocable, audited."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditRecord

from .factories import web_login

pytestmark = pytest.mark.django_db


def _token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_create_use_and_revoke_a_token(client, officer, case):
    web_login(client, officer)
    assert client.get("/api/auth/token/").json() == {"exists": False, "created": None}
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
    assert Token.objects.filter(user=officer).count() == 1


def test_a_token_cannot_mint_a_token(officer):
    token = Token.objects.create(user=officer)
    response = _token_client(token.key).post("/api/auth/token/")
    assert response.status_code == 403
    assert Token.objects.get(user=officer).key == token.key
    assert not AuditRecord.objects.filter(event="auth.token_create").exists()


def test_a_token_can_revoke_itself(officer):
    token = Token.objects.create(user=officer)
    assert _token_client(token.key).delete("/api/auth/token/").status_code == 204
    assert not Token.objects.filter(user=officer).exists()


def test_a_password_only_session_gets_no_api_and_no_token(client, officer):
    # logged in without the second factor (e.g. force_login): the API treats it as anonymous
    client.force_login(officer)
    assert client.get("/api/cases/").status_code in (401, 403)
    assert client.post("/api/auth/token/").status_code in (401, 403)
    assert not Token.objects.exists()


def test_anonymous_gets_no_token(client):
    assert client.post("/api/auth/token/").status_code in (401, 403)


def test_a_session_needs_the_csrf_token_to_create_one(officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    csrf = client.cookies["csrftoken"].value
    from .factories import give_totp, totp_code
    device = give_totp(officer)
    assert client.post("/login/", {"username": "officer", "password": "correct-horse-battery",
                                   "otp_token": totp_code(device), "csrfmiddlewaretoken": csrf}).status_code == 302
    assert client.post("/api/auth/token/").status_code == 403
    csrf = client.cookies["csrftoken"].value
    assert client.post("/api/auth/token/", HTTP_X_CSRFTOKEN=csrf).status_code == 201
