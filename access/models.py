from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from core.classification import Classification, rank

from .roles import Role


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
    organisation = models.CharField(_("organisatie"), max_length=100, blank=True,
                                    help_text=_("Bijv. EZ, JenV, BZ, Defensie, Invest-NL."))

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def save(self, *args, **kwargs):
        self.clearance_rank = rank(self.clearance)
        if kwargs.get("update_fields") is not None and "clearance" in kwargs["update_fields"]:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"clearance_rank"}
        super().save(*args, **kwargs)

    def __str__(self):
        return self.get_full_name() or self.username


class IdentityProviderDevice(Device):
    """The identity provider's second factor, as a django-otp device: a session signed in through
    the provider (access.oidc) is verified with it when the provider's signed ID token asserts a
    second factor (BEV_OIDC_ACCEPTED_AMR / _ACR). It accepts no code, so it never stands in for
    the service's own second factor at a password login; removing it (the admin's "Tweede factor
    opnieuw laten instellen") ends the sessions it verified."""

    # No reverse accessor on User: django-otp finds devices through their own managers.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             help_text="The user that this device belongs to.")
    last_assertion = models.CharField(_("laatste bevestiging"), max_length=200, blank=True,
                                      help_text=_("De amr/acr-waarden van de laatste aanmelding."))

    class Meta:
        verbose_name = _("tweede factor van de identiteitsprovider")
        verbose_name_plural = _("tweede factoren van de identiteitsprovider")

    def verify_token(self, token) -> bool:
        return False
