"""The client's address behind the reverse proxy.

In docker-compose.yml every request reaches gunicorn through Caddy, so REMOTE_ADDR is the proxy's
address. The audit trail (audit.middleware) and the login lockout (django-axes, keyed on username and
address) need the client's: without this every record would name the proxy and a lockout would hold
for everyone behind it. Caddy sets X-Forwarded-For to the address it received the request from (it
ignores a client's own X-Forwarded-For unless told to trust it), so its last entry is the client. It
is believed only from a proxy in BEV_TRUSTED_PROXIES: anyone else could write it.

`client_ip` is the one answer: the middleware puts it in REMOTE_ADDR (for the audit trail and
everything else that reads it), and django-axes asks it directly (AXES_CLIENT_IP_CALLABLE), so the
lockout does not depend on the middleware's place in MIDDLEWARE nor on django-ipware's defaults.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings

# The address the request really came from, kept by the middleware before it rewrites REMOTE_ADDR.
PEER_KEY = "BEV_PEER_ADDR"


@functools.lru_cache(maxsize=8)
def _networks(values: tuple) -> tuple:
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def _trusted() -> tuple:
    return _networks(tuple(getattr(settings, "BEV_TRUSTED_PROXIES", ()) or ()))


def forwarded_client(remote_addr: str, forwarded_for: str, trusted: tuple) -> str | None:
    """The last X-Forwarded-For entry when `remote_addr` is a trusted proxy; else None."""
    try:
        proxy = ipaddress.ip_address(remote_addr)
    except ValueError:
        return None
    if not any(proxy in network for network in trusted):
        return None
    entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    if not entries:
        return None
    try:
        return str(ipaddress.ip_address(entries[-1]))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: from a trusted proxy its X-Forwarded-For, from anyone else the peer."""
    peer = request.META.get(PEER_KEY) or request.META.get("REMOTE_ADDR", "")
    trusted = _trusted()
    client = forwarded_client(peer, request.META.get("HTTP_X_FORWARDED_FOR", ""), trusted) if trusted else None
    return client or peer or None


class TrustedProxyMiddleware:
    """REMOTE_ADDR := the last X-Forwarded-For entry, when the request came from a trusted proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _trusted():
            request.META.setdefault(PEER_KEY, request.META.get("REMOTE_ADDR", ""))
            client = client_ip(request)
            if client:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
