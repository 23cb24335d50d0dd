import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from core.classification import Classification, rank

from .roles import Role


def person_name(*, username: str, first_name: str, last_name: str) -> str:
    """How a person is named on screen (`str(user)`): the full name, or the username without one.
    For rows read as values, where building a User only to name it costs a model instance."""
    return f"{first_name} {last_name}".strip() or username


class User(AbstractUser):
    """A person using the service: an organisational role and a clearance level."""

    role = models.CharField(_("rol"), max_length=32, choices=Role.choices, default=Role.CASE_OFFICER)
    clearance = models.CharField(
        _("maximale rubricering"),
        max_length=32,
        choices=Classification.choices,
        default=Classification.INTERN,
        help_text=_("Zaken boven dit niveau zijn onzichtbaar voor deze persoon, ook als teamlid."),
    )
    clearance_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    organisation = models.CharField(
        _("organisatie"), max_length=100, blank=True, help_text=_("Bijv. EZ, JenV, BZ, Defensie, Invest-NL.")
    )
    # Per person (issue 23): a mail when a four-eyes approval or an advice waits on them
    # (access.notifications); they switch it off on their settings page.
    notify_by_email = models.BooleanField(
        _("taken per e-mail melden"),
        default=True,
        help_text=_("Een e-mail wanneer een goedkeuring (vier ogen) of een adviesaanvraag op u wacht."),
    )
    # Per person (issue 23): the language of the web pages, whatever the browser asks for
    # (access.middleware.UserLanguageMiddleware); empty: the browser's (or the language switch's cookie).
    language = models.CharField(
        _("taal"),
        max_length=8,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
        help_text=_("De taal van de webpagina's; leeg: die van de browser."),
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def save(self, *args, **kwargs):
        self.clearance_rank = rank(self.clearance)
        if kwargs.get("update_fields") is not None and "clearance" in kwargs["update_fields"]:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"clearance_rank"}
        super().save(*args, **kwargs)

    def __str__(self):
        return person_name(username=self.username, first_name=self.first_name, last_name=self.last_name)

    def check_password(self, raw_password):
        """Django's, except that a hash upgrade (a newer Django's hasher or iteration count, at the
        next login) keeps the API token bound: the password is the same, so it is no change that
        revokes the token (password_fingerprint)."""

        def setter(raw):
            before = password_fingerprint(self)
            self.set_password(raw)
            self._password = None  # as Django's: an upgrade is no password change
            self.save(update_fields=["password"])
            ApiToken.objects.filter(user=self, password_fingerprint=before).update(
                password_fingerprint=password_fingerprint(self)
            )

        return check_password(raw_password, self.password, setter)


def api_token_digest(key: str) -> str:
    """What is stored of an API token: the SHA-256 of its key (the key itself is shown once)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def password_fingerprint(user: User) -> str:
    """Binds a token to the password it was created under: any change of the password, by whatever
    path (admin, `changepassword`, a script), changes this and the token stops working. The password
    hash is salted already; this adds nothing a reader of the table does not see in `access_user`."""
    return hashlib.sha256(user.password.encode()).hexdigest()


class ApiToken(models.Model):
    """A person's API token for integrations (one per person). Only the key's digest is stored; the
    token expires (BEV_API_TOKEN_TTL_DAYS) and is bound to the password (docs/security.md)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="api_token")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    password_fingerprint = models.CharField(max_length=64, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")

    def __str__(self):
        return f"API-token {self.user.username}"

    @staticmethod
    def new_key() -> str:
        return secrets.token_hex(20)  # 160 random bits, the shape DRF's keys had


class IdentityProviderDevice(Device):
    """The identity provider's second factor, as a django-otp device: a session signed in through
    the provider (access.oidc) is verified with it when the provider's signed ID token asserts a
    second factor (BEV_OIDC_ACCEPTED_AMR / _ACR). It accepts no code, so it never stands in for
    the service's own second factor at a password login; removing it (the admin's "Tweede factor
    opnieuw laten instellen") ends the sessions it verified."""

    # No reverse accessor on User: django-otp finds devices through their own managers.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The user that this device belongs to.",
    )
    last_assertion = models.CharField(
        _("laatste bevestiging"),
        max_length=200,
        blank=True,
        help_text=_("De amr/acr-waarden van de laatste aanmelding."),
    )

    class Meta:
        verbose_name = _("tweede factor van de identiteitsprovider")
        verbose_name_plural = _("tweede factoren van de identiteitsprovider")

    def verify_token(self, token) -> bool:
        return False
