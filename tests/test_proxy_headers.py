"""Behind the reverse proxy: HTTPS as the proxy reports it, and the client's address (not the
proxy's) in the audit trail and the login lockout. Production's values for these settings are
read from config.settings.production (tests/test_deployment_files.py checks them there)."""

import pytest
from django.conf import settings
from django.test import override_settings

from audit.models import AuditRecord

pytestmark = pytest.mark.django_db

PROXY = "172.18.0.7"  # Caddy on the compose network
CLIENT = "203.0.113.25"
BEHIND_THE_PROXY = {
    "BEV_TRUSTED_PROXIES": ["172.16.0.0/12"],
    "MIDDLEWARE": ["core.proxy.TrustedProxyMiddleware", *settings.MIDDLEWARE],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SECURE_REDIRECT_EXEMPT": [r"^healthz$"],
    "ALLOWED_HOSTS": ["localhost", "127.0.0.1"],
}


def _fail_login(client, **meta):
    client.post(
        "/login/",
        {"username": "nobody", "password": "wrong-password"},
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_PROTO="https",
        **meta,
    )
    return AuditRecord.objects.filter(event="auth.login_failed").latest("id")


@override_settings(**BEHIND_THE_PROXY)
def test_the_audit_trail_records_the_client_not_the_proxy(client):
    record = _fail_login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    assert record.ip_address == CLIENT


@override_settings(**BEHIND_THE_PROXY)
def test_only_the_entry_the_proxy_added_counts(client):
    # A client's own X-Forwarded-For would come first; Caddy sets (or appends) the real address last.
    record = _fail_login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"10.9.9.9, {CLIENT}")
    assert record.ip_address == CLIENT


@override_settings(**BEHIND_THE_PROXY)
def test_x_forwarded_for_from_anyone_but_the_proxy_is_ignored(client):
    record = _fail_login(client, REMOTE_ADDR="198.51.100.3", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert record.ip_address == "198.51.100.3"


@override_settings(**BEHIND_THE_PROXY)
def test_a_garbled_x_forwarded_for_keeps_the_proxys_address(client):
    record = _fail_login(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-address")
    assert record.ip_address == PROXY


@override_settings(**{**BEHIND_THE_PROXY, "AXES_FAILURE_LIMIT": 2})
def test_the_lockout_holds_the_client_not_everyone_behind_the_proxy(client, make_user):
    make_user("officer")
    for _ in range(2):
        client.post(
            "/login/",
            {"username": "officer", "password": "wrong"},
            HTTP_HOST="localhost",
            HTTP_X_FORWARDED_PROTO="https",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=CLIENT,
        )
    locked = client.post(
        "/login/",
        {"username": "officer", "password": "correct-horse-battery"},
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=CLIENT,
    )
    assert locked.status_code == 429
    # The lock is the client's address, not the proxy's: the others behind the same proxy log in.
    # (A lock ends the locked person's own sessions and token from any address: docs/security.md.)
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.filter(username="officer").values_list("ip_address", flat=True)) == {CLIENT}
    make_user("colleague")
    other = client.post(
        "/login/",
        {"username": "colleague", "password": "correct-horse-battery"},
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert other.status_code == 302


@override_settings(**BEHIND_THE_PROXY)
def test_https_is_what_the_proxy_reports(client):
    plain = client.get("/login/", HTTP_HOST="localhost")
    assert plain.status_code == 301 and plain["Location"] == "https://localhost/login/"
    proxied = client.get(
        "/login/", HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT
    )
    assert proxied.status_code == 200


@override_settings(**BEHIND_THE_PROXY)
def test_the_healthcheck_over_loopback_is_not_redirected(client):
    response = client.get("/healthz", HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")
    assert response.status_code in (200, 503)  # 503: the test settings' broker does not exist
    assert "database" in response.json()


# ------------------------------------------------------------------------------------------------
# Issue 22: django-axes keys the lockout on the client's address as core.proxy reads it
# ------------------------------------------------------------------------------------------------
def _axes_addresses(username):
    from axes.models import AccessAttempt

    return set(AccessAttempt.objects.filter(username=username).values_list("ip_address", flat=True))


@override_settings(**{**BEHIND_THE_PROXY, "MIDDLEWARE": list(settings.MIDDLEWARE)})
def test_axes_takes_the_client_from_the_trusted_proxy_itself(client, make_user):
    """Without core.proxy's middleware in front (or behind axes), axes still reads the client from
    the trusted proxy's X-Forwarded-For: AXES_CLIENT_IP_CALLABLE, not REMOTE_ADDR alone."""
    make_user("officer")
    client.post(
        "/login/",
        {"username": "officer", "password": "wrong"},
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"10.9.9.9, {CLIENT}",
    )
    assert _axes_addresses("officer") == {CLIENT}


@override_settings(**{**BEHIND_THE_PROXY, "AXES_FAILURE_LIMIT": 3})
def test_a_client_not_behind_the_proxy_cannot_escape_the_lockout_with_x_forwarded_for(client, make_user):
    make_user("officer")
    attacker = "198.51.100.3"
    for n in range(3):
        client.post(
            "/login/",
            {"username": "officer", "password": "wrong"},
            HTTP_HOST="localhost",
            HTTP_X_FORWARDED_PROTO="https",
            REMOTE_ADDR=attacker,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert _axes_addresses("officer") == {attacker}
    locked = client.post(
        "/login/",
        {"username": "officer", "password": "correct-horse-battery"},
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR=attacker,
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert locked.status_code == 429


@override_settings(**{**BEHIND_THE_PROXY, "AXES_FAILURE_LIMIT": 2})
def test_behind_the_proxy_a_spoofed_first_entry_does_not_move_the_lockout(client, make_user):
    """Caddy appends the address it saw: whatever the client put in front is not its address."""
    make_user("officer")
    for n in range(2):
        client.post(
            "/login/",
            {"username": "officer", "password": "wrong"},
            HTTP_HOST="localhost",
            HTTP_X_FORWARDED_PROTO="https",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, {CLIENT}",
        )
    assert _axes_addresses("officer") == {CLIENT}
    locked = client.post(
        "/login/",
        {"username": "officer", "password": "correct-horse-battery"},
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_PROTO="https",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"10.0.0.99, {CLIENT}",
    )
    assert locked.status_code == 429
