from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    # Per person (issue 23): a mail when a four-eyes approval or an advice waits on them
    # (access.notifications); they switch it off on their settings page.
    notify_by_email = models.BooleanField(
        _("taken per e-mail melden"), default=True,
        help_text=_("Een e-mail wanneer een goedkeuring (vier ogen) of een adviesaanvraag op u wacht."))

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
