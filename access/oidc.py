"""Sign-in through the ministry's identity provider (OpenID Connect, issue 24).

Off unless `OIDC_RP_CLIENT_ID` is set (config/settings/base.py names every setting). The provider
proves who the person is; the service decides whether they get in, and with what:
- only into their EXISTING account (the claim `BEV_OIDC_USERNAME_CLAIM` names the username; no
  account is ever created: roles and clearance stay managed in the service). An unknown, deactivated
  or locked-out account is refused with a message and an audit record (`auth.login_failed`);
- the second factor is the provider's when its signed ID token asserts one (`amr` in
  `BEV_OIDC_ACCEPTED_AMR` or `acr` in `BEV_OIDC_ACCEPTED_ACR`), the service's own TOTP or backup code
  otherwise (access.oidc_views asks for it, as the password login does).

The protocol (authorisation code flow with PKCE, state, nonce, the ID token's signature against the
provider's JWKS) is mozilla-django-oidc's; `ProviderClient` adds what it leaves out: the ID token's
audience, issuer and required claims.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from audit.models import AuditRecord
from audit.services import audit_log
from core.exceptions import PermissionDenied

from .models import IdentityProviderDevice, User

IDP_DEVICE_NAME = "identity-provider"
# Seconds of clock difference tolerated between the provider and the service (exp, iat).
CLOCK_LEEWAY_SECONDS = 60


def oidc_enabled() -> bool:
    return bool(getattr(settings, "BEV_OIDC_ENABLED", False))


class IdentityProviderError(Exception):
    """The provider's answer was refused (bad signature, nonce, audience, issuer, expiry) or the
    provider could not be reached."""


@dataclass(frozen=True)
class ProviderIdentity:
    """What the provider vouched for, read from its verified ID token."""

    subject: str  # "sub"
    account: str  # the value of BEV_OIDC_USERNAME_CLAIM: the username of the account
    second_factor: str  # the amr/acr values that count as the provider's second factor; "" for none


# ---------------------------------------------------------------------------------------------
# The provider's side of the flow
# ---------------------------------------------------------------------------------------------
class ProviderClient(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow client: exchanges the code (with the PKCE verifier), fetches
    the provider's keys and checks the ID token's signature, algorithm, expiry and nonce. It is not
    one of AUTHENTICATION_BACKENDS: it returns the provider's identity, `oidc_account_for` decides."""

    def _verify_jws(self, payload, key):
        """The library checks neither the audience nor the issuer (it decodes with verify_aud off):
        a token the provider made for another client, or another provider's token, is refused here."""
        try:
            alg = jwt.get_unverified_header(payload).get("alg")
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token unreadable: {exc}") from exc
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token algorithm {alg!r} is not {self.OIDC_RP_SIGN_ALGO!r}")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "sub", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:  # OIDC Core 3.1.3.7, 4-5
            raise SuspiciousOperation("ID token for several audiences without this client as azp")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        """Called by the library with the verified ID token's claims. Looks up and creates nobody:
        returns the identity. The account claim comes from the ID token, else from userinfo (for
        the same subject); the second factor only ever from the signed ID token."""
        claim = settings.BEV_OIDC_USERNAME_CLAIM
        account = payload.get(claim)
        if account is None and self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):  # OIDC Core 5.3.2
                raise SuspiciousOperation("userinfo is about another subject than the ID token")
            account = userinfo.get(claim)
        return ProviderIdentity(
            subject=str(payload["sub"]),
            account=account if isinstance(account, str) else "",
            second_factor=asserted_second_factor(payload),
        )

    def identity(self, request, *, nonce: str, code_verifier: str | None) -> ProviderIdentity:
        """The code in the callback's query exchanged for the provider's verified identity."""
        try:
            identity = self.authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError, ValueError) as exc:
            raise IdentityProviderError(str(exc)) from exc
        if not isinstance(identity, ProviderIdentity):  # the library swallowed a refusal of ours
            raise IdentityProviderError("no identity in the provider's answer")
        return identity


def asserted_second_factor(id_token_claims: dict) -> str:
    """The amr/acr values of the signed ID token that the deployment accepts as a second factor,
    e.g. "amr:mfa"; "" when the provider asserted none (the service then asks for its own)."""
    amr = id_token_claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    found = [f"amr:{value}" for value in amr if isinstance(value, str) and value in settings.BEV_OIDC_ACCEPTED_AMR]
    acr = id_token_claims.get("acr")
    if isinstance(acr, str) and acr in settings.BEV_OIDC_ACCEPTED_ACR:
        found.append(f"acr:{acr}")
    return " ".join(found)


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------
def oidc_login_refused(*, reason: str, account: str = "", detail: str = "") -> None:
    """The audit record of a refused sign-in through the provider: the same event as a refused
    password login, with the reason (and, for a refused token, what was wrong with it)."""
    changes = {"oidc_refusal": {"before": None, "after": reason}}
    if detail:
        changes["detail"] = {"before": None, "after": detail[:200]}
    with transaction.atomic():
        audit_log(
            actor=None,
            action=AuditRecord.Action.LOGIN_FAILED,
            event="auth.login_failed",
            object_type="access.user",
            object_id=account[:64],
            changes=changes,
        )


def oidc_account_for(*, identity: ProviderIdentity, locked_out) -> User:
    """The person's existing, active account that the provider's identity names, or a refusal
    (PermissionDenied with its audit record). `locked_out(username)` says whether the login lockout
    (django-axes) holds the username at this address."""
    user = User.objects.filter(username=identity.account).first() if identity.account else None
    if user is None:
        oidc_login_refused(reason="unknown_account", account=identity.account or f"sub:{identity.subject}")
        raise PermissionDenied(
            _(
                "U bent bij de identiteitsprovider aangemeld als %(account)s, maar daarvoor is in deze dienst "
                "geen account. Vraag de functioneel beheerder van de BEV-dienst om een account."
            )
            % {"account": identity.account or _("(onbekend)")},
            code="oidc_unknown_account",
        )
    if not user.is_active:
        oidc_login_refused(reason="inactive", account=user.username)
        raise PermissionDenied(
            _("Uw account in deze dienst is gedeactiveerd. Neem contact op met de beheerder."),
            code="oidc_inactive_account",
        )
    if locked_out(user.username):
        oidc_login_refused(reason="locked_out", account=user.username)
        raise PermissionDenied(
            _("Te veel mislukte inlogpogingen. Probeer het later opnieuw of neem contact op met de beheerder."),
            code="oidc_locked_out",
        )
    return user


@transaction.atomic
def oidc_idp_second_factor(*, user: User, assertion: str) -> IdentityProviderDevice:
    """The device that stands for the provider's second factor in django-otp (made at the first
    such sign-in, audited), with the assertion of this sign-in."""
    device = IdentityProviderDevice.objects.select_for_update().filter(user=user, name=IDP_DEVICE_NAME).first()
    if device is None:
        device = IdentityProviderDevice.objects.create(
            user=user, name=IDP_DEVICE_NAME, confirmed=True, last_assertion=assertion[:200]
        )
        audit_log(
            actor=user,
            action=AuditRecord.Action.CREATE,
            event="auth.idp_second_factor",
            obj=user,
            object_repr=user.username,
            changes={"idp_device": {"before": None, "after": device.pk}},
        )
        return device
    device.last_assertion = assertion[:200]
    device.confirmed = True
    device.save(update_fields=["last_assertion", "confirmed"])
    return device
