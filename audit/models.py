"""The audit trail: append-only and hash-chained.

A record is written by a plain INSERT in the transaction of the change (or read) it describes, and
sealed shortly after it commits: the sealer (`audit.services.audit_chain_seal`) gives each
committed record its place in the chain (`seq`), its predecessor's hash and its own.
`manage.py verify_audit` seals, then recomputes the chain. The database refuses DELETE, and every
UPDATE except sealing an unsealed record without changing its content (trigger, migration 0003).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
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
    # No index of its own: the (actor, -id) index below answers every lookup by actor (issue 25).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
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
    # The chain, set by the sealer once the record is committed; empty until then. Both unique among the
    # sealed records (constraints below).
    seq = models.BigIntegerField(_("plaats in de keten"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("audittrail")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor", "-id"]),
            models.Index(fields=["object_type", "object_id"]),
            # The sealer's work list: the committed records not yet in the chain.
            models.Index(fields=["id"], condition=Q(hash__isnull=True), name="audit_unsealed_idx"),
        ]
        # Every audited write and read inserts into each index of this table, and the seal (an UPDATE of
        # indexed columns) into each again (issue 25). So only what a query or a rule needs: seq and
        # hash unique among the sealed records, as partial indexes an unsealed record (both NULL) never
        # enters; no `varchar_pattern_ops` copy of hash (`unique=True` makes one; nothing searches a
        # hash by prefix). The chain's reads (`seq IS NOT NULL`, ordered by or after a seq) use the seq
        # index; the sealer's work list the unsealed one.
        constraints = [
            models.UniqueConstraint(fields=["seq"], condition=Q(seq__isnull=False), name="audit_seq_unique"),
            models.UniqueConstraint(fields=["hash"], condition=Q(hash__isnull=False), name="audit_hash_unique"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")

    @property
    def sealed(self) -> bool:
        return self.hash is not None

    def __str__(self):
        # Who and what only: the admin titles its pages with this, also for a record whose case the
        # reader may not see (audit.selectors.shown).
        return f"#{self.pk} {self.actor_username} {self.action}"


class ChainVerification(models.Model):
    """One verification of the chain, asked for in the web UI or the API and done by a Celery worker
    (`audit.tasks.verify_chain`): who asked, when, its status and what it found. A finished one can be
    downloaded as evidence, signed with its time and the chain's last hash (`audit.evidence`).

    Not part of the trail (asking for and downloading one are records of it); its result is set once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In de wachtrij")
        RUNNING = "running", _("Bezig")
        DONE = "done", _("Klaar")
        FAILED = "failed", _("Mislukt")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_by_username = models.CharField(max_length=150)
    requested_at = models.DateTimeField(_("gevraagd op"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The result (status done): what a walk of the chain found.
    ok = models.BooleanField(null=True)
    checked = models.BigIntegerField(null=True, help_text=_("Regels geverifieerd (vóór de eerste afwijking)."))
    unsealed = models.BigIntegerField(null=True)
    last_seq = models.BigIntegerField(null=True, help_text=_("Plaats van de laatste goed bevonden regel."))
    last_hash = models.CharField(max_length=64, blank=True)
    first_bad_id = models.BigIntegerField(null=True)
    problem = models.TextField(blank=True)

    class Meta:
        verbose_name = _("ketenverificatie")
        verbose_name_plural = _("ketenverificaties")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.requested_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class TaskFailure(models.Model):
    """A background (Celery) task that ended in an exception, written by `audit.celery` when it
    failed, for the administrator (admin, "Mislukte achtergrondtaken") and the metrics. Not an audit record:
    what the task did is in the trail; this says what it did not finish. The traceback is in the
    log line with the same task id."""

    task_name = models.CharField(_("naam van de taak"), max_length=200)
    task_id = models.CharField(_("id van de taak"), max_length=64)
    request_id = models.CharField(_("id van het verzoek"), max_length=64, blank=True)
    exception = models.CharField(_("soort fout"), max_length=200)
    message = models.TextField(_("melding van de fout"), blank=True)
    failed_at = models.DateTimeField(_("taak mislukt op"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-failed_at", "-id"]
        verbose_name = _("mislukte achtergrondtaak")
        verbose_name_plural = _("mislukte achtergrondtaken")

    def __str__(self) -> str:
        return f"{self.task_name} ({self.task_id})"
