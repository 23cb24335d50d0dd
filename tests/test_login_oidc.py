"""Sign-in through the ministry's identity provider (issue 24; access.oidc), against a local OpenID
Connect provider started by the test (tests/oidc_provider.py) and reached over real HTTP."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from access.models import IdentityProviderDevice
from audit.models import AuditRecord

from .factories import give_totp, totp_code
from .oidc_provider import OIDCTestProvider

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
CALLBACK = "http://testserver/login/oidc/callback/"


@pytest.fixture
def provider():
    idp = OIDCTestProvider(
        client_id="bev-service", client_secret="s3cret-of-the-registration", redirect_uris=[CALLBACK]
    ).start()
    try:
        with override_settings(**idp.django_settings()):
            yield idp
    finally:
        idp.stop()


def _verified(client) -> bool:
    """An OTP-verified session reaches the session-authenticated API."""
    return client.get("/api/cases/").status_code == 200


def _sign_in(client, provider, claims: dict, *, next_url: str = ""):
    """Click "Inloggen via ...", sign in at the provider, follow it back: the callback's response."""
    provider.next_login = claims
    start = client.get("/login/oidc/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.issuer + "/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def _refusals(reason: str):
    return AuditRecord.objects.filter(event="auth.login_failed", changes__oidc_refusal__after=reason)


# ---------------------------------------------------------------------------------------------
# On and off
# ---------------------------------------------------------------------------------------------
def test_off_by_default_no_button_and_no_route(client):
    assert "Inloggen via" not in client.get("/login/").content.decode()
    assert client.get("/login/oidc/").status_code == 404
    assert client.get("/login/oidc/callback/?code=x&state=y").status_code == 404


def test_on_the_login_page_shows_the_button(client, provider):
    html = client.get("/login/?next=/cases/").content.decode()
    assert "Inloggen via het ministerie" in html
    assert 'href="/login/oidc/?next=/cases/"' in html


def test_on_without_the_providers_settings_the_service_does_not_start(settings):
    settings.BEV_OIDC_ENABLED = True
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    errors = [e for e in run_checks() if e.id == "access.E001"]
    assert any("OIDC_OP_TOKEN_ENDPOINT" in e.msg for e in errors)


# ---------------------------------------------------------------------------------------------
# The second factor: the provider's when it asserts one, the service's own otherwise
# ---------------------------------------------------------------------------------------------
def test_provider_asserting_mfa_logs_in_without_the_services_code(client, provider, officer):
    give_totp(officer)  # has one, is not asked for it
    response = _sign_in(
        client, provider, {"sub": "idp-1", "preferred_username": "officer", "amr": ["pwd", "mfa"]}, next_url="/cases/"
    )
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert _verified(client)
    # the same audit record as a password login, and the provider's factor on record
    assert AuditRecord.objects.filter(event="auth.login", actor=officer).count() == 1
    assert AuditRecord.objects.filter(event="auth.idp_second_factor", actor=officer).exists()
    assert IdentityProviderDevice.objects.get(user=officer).last_assertion == "amr:mfa"


def test_an_accepted_acr_counts_as_the_providers_second_factor(client, provider, officer):
    with override_settings(BEV_OIDC_ACCEPTED_ACR=["http://eidas.europa.eu/LoA/substantial"]):
        _sign_in(
            client,
            provider,
            {"sub": "idp-1", "preferred_username": "officer", "acr": "http://eidas.europa.eu/LoA/substantial"},
        )
    assert _verified(client)


def test_provider_without_mfa_leads_to_the_services_second_factor(client, provider, officer):
    device = give_totp(officer)
    response = _sign_in(client, provider, {"sub": "idp-1", "preferred_username": "officer", "amr": ["pwd"]})
    assert response.status_code == 302 and response["Location"] == "/login/oidc/code/"
    assert not _verified(client)
    assert not AuditRecord.objects.filter(event="auth.login", actor=officer).exists()

    page = client.get("/login/oidc/code/")
    assert page.status_code == 200 and "officer" in page.content.decode()
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    refused = client.post("/login/oidc/code/", {"otp_token": wrong})
    assert refused.status_code == 200 and "klopt niet" in refused.content.decode()
    assert not _verified(client)
    assert AuditRecord.objects.filter(event="auth.login_failed", object_id="officer").exists()

    # the TOTP device now waits a moment after the wrong code (django-otp's throttle): a backup code
    backup = StaticDevice.objects.create(user=officer, name="backup", confirmed=True)
    StaticToken.objects.create(device=backup, token="abcd1234")
    done = client.post("/login/oidc/code/", {"otp_token": "abcd1234"})
    assert done.status_code == 302
    assert _verified(client)
    assert AuditRecord.objects.filter(event="auth.login", actor=officer).count() == 1
    assert not IdentityProviderDevice.objects.filter(user=officer).exists()


def test_provider_without_mfa_then_the_authenticator_code_logs_in(client, provider, officer):
    device = give_totp(officer)
    _sign_in(client, provider, {"sub": "idp-1", "preferred_username": "officer", "amr": ["pwd"]}, next_url="/cases/")
    done = client.post("/login/oidc/code/", {"otp_token": totp_code(device)})
    assert done.status_code == 302 and done["Location"] == "/cases/"
    assert _verified(client)


def test_mfa_claimed_only_in_userinfo_does_not_count(client, provider, officer):
    """The provider's second factor is read from the signed ID token alone."""
    give_totp(officer)
    provider.userinfo_extra = {"amr": ["mfa"]}
    provider.id_token_changes = {"preferred_username": None}  # the account claim comes from userinfo
    response = _sign_in(client, provider, {"sub": "idp-1", "preferred_username": "officer", "amr": ["pwd"]})
    assert response["Location"] == "/login/oidc/code/"
    assert not _verified(client)


def test_provider_without_mfa_and_no_authenticator_leads_to_enrolment(client, provider, officer):
    response = _sign_in(client, provider, {"sub": "idp-1", "preferred_username": "officer"})
    assert response.status_code == 302 and response["Location"] == "/login/enrol/"
    assert not _verified(client)
    assert client.get("/login/enrol/").status_code == 200


def test_guessing_the_services_second_factor_after_the_provider_locks_out(client, provider, officer):
    give_totp(officer)
    backup = StaticDevice.objects.create(user=officer, name="backup", confirmed=True)
    StaticToken.objects.create(device=backup, token="abcd1234")
    _sign_in(client, provider, {"sub": "idp-1", "preferred_username": "officer", "amr": ["pwd"]})
    for _ in range(5):  # AXES_FAILURE_LIMIT
        client.post("/login/oidc/code/", {"otp_token": "000000"})
    locked = client.post("/login/oidc/code/", {"otp_token": "abcd1234"})  # a right code, too late
    assert locked.status_code == 429
    assert not _verified(client)


def test_the_services_second_factor_step_needs_the_providers_login_first(client, provider, officer):
    give_totp(officer)
    assert client.get("/login/oidc/code/")["Location"] == "/login/"
    assert client.post("/login/oidc/code/", {"otp_token": "123456"})["Location"] == "/login/"


# ---------------------------------------------------------------------------------------------
# Refusals: each with a message and an audit record, no session
# ---------------------------------------------------------------------------------------------
def test_unknown_account_is_refused_and_audited(client, provider, officer):
    response = _sign_in(client, provider, {"sub": "idp-9", "preferred_username": "nobody-here", "amr": ["mfa"]})
    assert response.status_code == 403
    assert "geen account" in response.content.decode()
    assert not _verified(client)
    assert _refusals("unknown_account").filter(object_id="nobody-here").exists()
    assert not AuditRecord.objects.filter(event="auth.login").exists()


def test_deactivated_account_is_refused_and_audited(client, provider, officer):
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    response = _sign_in(client, provider, {"sub": "idp-1", "preferred_username": "officer", "amr": ["mfa"]})
    assert response.status_code == 403
    assert "gedeactiveerd" in response.content.decode()
    assert not _verified(client)
    assert _refusals("inactive").filter(object_id="officer").exists()


def test_locked_out_account_is_refused(client, provider, officer):
    for _ in range(5):  # AXES_FAILURE_LIMIT
        client.post("/login/", {"username": "officer", "password": "not-the-password", "otp_token": "123456"})
    response = _sign_in(client, provider, {"sub": "idp-1", "preferred_username": "officer", "amr": ["mfa"]})
    assert response.status_code == 403
    assert not _verified(client)
    assert _refusals("locked_out").filter(object_id="officer").exists()


@pytest.mark.parametrize(
    "spoil",
    [
        {"sign_with_other_key": True},
        {"id_token_changes": {"nonce": "another-nonce"}},
        {"id_token_changes": {"aud": "another-client"}},
        {"id_token_changes": {"aud": ["another-client", "bev-service"]}},  # several audiences, no azp
        {"id_token_changes": {"iss": "https://elsewhere.example"}},
        {"id_token_changes": {"exp": 1_000_000_000}},
    ],
    ids=["signature", "nonce", "audience", "audiences-without-azp", "issuer", "expired"],
)
def test_a_spoilt_id_token_is_refused(client, provider, officer, spoil):
    for name, value in spoil.items():
        setattr(provider, name, value)
    response = _sign_in(client, provider, {"sub": "idp-1", "preferred_username": "officer", "amr": ["mfa"]})
    assert response.status_code == 403
    assert not _verified(client)
    assert _refusals("token_refused").exists()
    assert not AuditRecord.objects.filter(event="auth.login").exists()


def test_a_callback_is_used_once(client, provider, officer):
    provider.next_login = {"sub": "idp-1", "preferred_username": "officer", "amr": ["mfa"]}
    start = client.get("/login/oidc/")
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    replay = client.get(f"{back.path}?{back.query}")
    assert replay.status_code == 403
    assert _refusals("state_unknown").exists()
    assert provider.token_requests == 1  # refused by the service before it asked the provider again
    assert AuditRecord.objects.filter(event="auth.login", actor=officer).count() == 1


def test_userinfo_about_another_subject_is_refused(client, provider, officer):
    provider.id_token_changes = {"preferred_username": None}  # the account claim comes from userinfo
    provider.userinfo_extra = {"sub": "idp-someone-else"}
    response = _sign_in(client, provider, {"sub": "idp-1", "preferred_username": "officer", "amr": ["mfa"]})
    assert response.status_code == 403
    assert not _verified(client)
    assert _refusals("token_refused").exists()


def test_the_start_sends_pkce_state_and_nonce(client, provider):
    query = parse_qs(urlsplit(client.get("/login/oidc/")["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] and query["nonce"] and query["redirect_uri"] == [CALLBACK]


def test_the_discovery_document_gives_the_settings(provider):
    out, err = io.StringIO(), io.StringIO()
    call_command("oidc_discover", provider.issuer, "--allow-http", stdout=out, stderr=err)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    expected = provider.django_settings()
    for name in (
        "OIDC_OP_ISSUER",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
        "OIDC_OP_JWKS_ENDPOINT",
    ):
        assert lines[name] == expected[name]
    assert err.getvalue() == ""


def test_a_discovery_document_of_another_issuer_is_refused(provider):
    as_localhost = provider.issuer.replace("127.0.0.1", "localhost")  # the document names 127.0.0.1
    with pytest.raises(CommandError, match="is for issuer"):
        call_command("oidc_discover", as_localhost, "--allow-http", stdout=io.StringIO())
    with pytest.raises(CommandError, match="https"):
        call_command("oidc_discover", provider.issuer, stdout=io.StringIO())


def test_the_providers_error_answer_is_refused_and_audited(client, provider):
    client.get("/login/oidc/")
    response = client.get("/login/oidc/callback/?error=access_denied&state=whatever")
    assert response.status_code == 403
    assert "niet gelukt" in response.content.decode()
    assert _refusals("provider_error").filter(changes__detail__after="access_denied").exists()
