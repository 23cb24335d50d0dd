"""Read the identity provider's discovery document and print the settings for `.env`.

    python manage.py oidc_discover https://login.ministerie.example/realms/ez

The service reads its endpoints from settings, not from the provider at run time (README
"Deploying", step 8): this command fills them in once, and checks on the way that the document is
the issuer's own (OpenID Connect Discovery 1.0, 4.3) and that the provider offers what the service
uses (the code flow, PKCE with S256, the signature algorithm).
"""

from __future__ import annotations

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SETTINGS_FROM_DOCUMENT = (
    ("OIDC_OP_ISSUER", "issuer"),
    ("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"),
    ("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint"),
    ("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint"),
    ("OIDC_OP_JWKS_ENDPOINT", "jwks_uri"),
)


class Command(BaseCommand):
    help = "Print the OIDC_OP_* settings from the identity provider's discovery document."

    def add_arguments(self, parser):
        parser.add_argument("issuer", help="the provider's issuer URL (https)")
        parser.add_argument(
            "--allow-http", action="store_true", help="accept http:// (a provider on loopback for a trial)"
        )

    def handle(self, *args, issuer: str, allow_http: bool, **options):
        issuer = issuer.rstrip("/")
        if not issuer.startswith("https://") and not (allow_http and issuer.startswith("http://")):
            raise CommandError("The issuer must be an https:// URL.")
        url = f"{issuer}/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise CommandError(f"No discovery document at {url}: {exc}") from exc
        if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer:
            raise CommandError(f"The document at {url} is for issuer {document.get('issuer')!r}, not {issuer!r}.")
        missing = [key for _name, key in SETTINGS_FROM_DOCUMENT if key != "userinfo_endpoint" and not document.get(key)]
        if missing:
            raise CommandError(f"The discovery document lacks {', '.join(missing)}.")
        problems = []
        if "code" not in document.get("response_types_supported", ["code"]):
            problems.append("the authorisation code flow (response_types_supported)")
        if "S256" not in document.get("code_challenge_methods_supported", ["S256"]):
            problems.append("PKCE with S256 (code_challenge_methods_supported)")
        if settings.OIDC_RP_SIGN_ALGO not in document.get(
            "id_token_signing_alg_values_supported", [settings.OIDC_RP_SIGN_ALGO]
        ):
            problems.append(f"ID tokens signed {settings.OIDC_RP_SIGN_ALGO} (set OIDC_RP_SIGN_ALGO)")
        for name, key in SETTINGS_FROM_DOCUMENT:
            if document.get(key):
                self.stdout.write(f"{name}={document[key]}")
        for problem in problems:
            self.stderr.write(f"Warning: the provider does not list {problem}.")
