"""Start-up checks of the sign-in through the identity provider (access.oidc)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

REQUIRED_WHEN_ON = (
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
ENDPOINTS = (
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


@register(Tags.security)
def oidc_settings_complete(app_configs, **kwargs):
    """With OIDC_RP_CLIENT_ID set, the provider's issuer, endpoints and the client secret are needed."""
    if not getattr(settings, "BEV_OIDC_ENABLED", False):
        return []
    return [
        Error(
            f"{name} is not set while OIDC_RP_CLIENT_ID is.",
            id="access.E001",
            hint="Set it from the identity provider's discovery document (README, Deploying).",
        )
        for name in REQUIRED_WHEN_ON
        if not getattr(settings, name, "")
    ]


@register(Tags.security, deploy=True)
def oidc_endpoints_https(app_configs, **kwargs):
    """In production the provider is reached over HTTPS only (the client secret and codes travel there)."""
    if not getattr(settings, "BEV_OIDC_ENABLED", False):
        return []
    return [
        Warning(f"{name} is not an https:// URL.", id="access.W001")
        for name in ENDPOINTS
        if getattr(settings, name, "") and not getattr(settings, name).startswith("https://")
    ]
