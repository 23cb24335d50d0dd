"""The client's address behind the reverse proxy.

In docker-compose.yml every request reaches gunicorn through Caddy, so REMOTE_ADDR is the proxy's
address. The audit trail (audit.middleware) and the login lockout (django-axes, keyed on username and
address) read REMOTE_ADDR: without this middleware every record would name the proxy and a lockout
would hold for everyone behind it. Caddy sets X-Forwarded-For to the address it received the
request from (it ignores a client's own X-Forwarded-For unless told to trust it), so its last entry
is the client. It is believed only from a proxy in BEV_TRUSTED_PROXIES: anyone else could write it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _networks(values) -> tuple:
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


class TrustedProxyMiddleware:
    """REMOTE_ADDR := the last X-Forwarded-For entry, when the request came from a trusted proxy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = _networks(getattr(settings, "BEV_TRUSTED_PROXIES", ()))

    def __call__(self, request):
        if self.trusted:
            client = self.client_address(request.META.get("REMOTE_ADDR", ""),
                                         request.META.get("HTTP_X_FORWARDED_FOR", ""))
            if client is not None:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)

    def client_address(self, remote_addr: str, forwarded_for: str) -> str | None:
        try:
            proxy = ipaddress.ip_address(remote_addr)
        except ValueError:
            return None
        if not any(proxy in network for network in self.trusted):
            return None
        entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
        if not entries:
            return None
        try:
            return str(ipaddress.ip_address(entries[-1]))
        except ValueError:
            return None
