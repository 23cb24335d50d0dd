"""The audit trail: append-only and hash-chained.

Each record carries the hash of its predecessor; `manage.py verify_audit` recomputes the chain.
The database itself refuses UPDATE and DELETE on this table (triggers, see migration 0002).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def delete(self):
        raise TypeError("The audit trail is append-only.")

    def bulk_update(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")


class AuditRecord(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("aangemaakt")
        UPDATE = "update", _("gewijzigd")
        TRANSITION = "transition", _("statusovergang")
        READ = "read", _("ingezien")
        EXPORT = "export", _("geëxporteerd")
        BOOKING = "booking", _("geboekt")
        LOGIN = "login", _("ingelogd")
        LOGIN_FAILED = "login_failed", _("mislukte inlog")
        LOGOUT = "logout", _("uitgelogd")
        DOWNLOAD = "download", _("gedownload")
        APPROVE = "approve", _("goedgekeurd")
        OTHER = "other", _("overig")

    id = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField(_("tijdstip"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", db_constraint=False)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    event = models.CharField(max_length=100, blank=True, help_text=_("Bijv. case.withdraw, ledger.disbursement"))
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("audittrail")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "-id"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def __str__(self):
        return f"#{self.pk} {self.actor_username} {self.action} {self.object_type}:{self.object_id}"
