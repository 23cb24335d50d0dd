"""The case file's documents: a document of a case, its versions (each one stored file with its
checksum) and its links to the objects of the case it belongs to (a score, an advice, a decision).

Documents are never deleted: a version is withdrawn with a reason and stays readable. Files are
stored through Django's storage API under names the uploader does not choose, and only served by
`documents.api.views` after the need-to-know and clearance checks (`Document.objects.visible_to`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.classification import Classification, rank

from .constants import MEDIA_TYPES, DocumentType, FileKind


class NeverDeletedQuerySet(models.QuerySet):
    def delete(self):
        raise TypeError("Documents are never deleted: withdraw a version instead.")


class DocumentQuerySet(NeverDeletedQuerySet):
    def visible_to(self, user) -> "DocumentQuerySet":
        """Documents of the cases this person may see, up to their own clearance."""
        from cases.models import Case

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            case__in=Case.objects.case_file_visible_to(user).values("pk"), classification_rank__lte=user.clearance_rank
        )


class Document(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("titel"), max_length=255)
    document_type = models.CharField(_("documenttype"), max_length=32, choices=DocumentType.choices, db_index=True)
    document_date = models.DateField(_("documentdatum"), default=timezone.localdate, db_index=True)
    author = models.CharField(_("auteur"), max_length=200, blank=True)
    classification = models.CharField(_("rubricering"), max_length=32, choices=Classification.choices)
    classification_rank = models.PositiveSmallIntegerField(editable=False, default=0, db_index=True)
    classification_reason = models.TextField(
        _("reden lagere rubricering"),
        blank=True,
        help_text=_("Verplicht wanneer het document lager is gerubriceerd dan de casus."),
    )
    source_key = models.CharField(
        _("bronsleutel"),
        max_length=200,
        blank=True,
        help_text=_("Voor gegenereerde documenten: dezelfde sleutel geeft een nieuwe versie van hetzelfde document."),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["-document_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "source_key"], condition=~Q(source_key=""), name="unique_document_source_key_per_case"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.classification_rank = rank(self.classification)
        if kwargs.get("update_fields") is not None and "classification" in kwargs["update_fields"]:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"classification_rank"}
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Documents are never deleted: withdraw a version instead.")

    def current_version(self) -> "DocumentVersion | None":
        """The latest version that is not withdrawn (None if every version is withdrawn)."""
        versions = [v for v in self.versions.all() if v.withdrawn_at is None]
        return max(versions, key=lambda v: v.number) if versions else None


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versie"))
    storage_name = models.CharField(
        max_length=255, editable=False, help_text=_("Naam in de opslag (uuid), nooit door de uploader gekozen.")
    )
    original_filename = models.CharField(_("bestandsnaam"), max_length=255)
    file_kind = models.CharField(_("bestandssoort"), max_length=16, choices=FileKind.choices)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    extracted_text = models.TextField(blank=True, editable=False)
    source_revision = models.CharField(max_length=200, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("toegevoegd op"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reden intrekking"), blank=True)

    objects = NeverDeletedQuerySet.as_manager()

    class Meta:
        verbose_name = _("documentversie")
        verbose_name_plural = _("documentversies")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")]

    def __str__(self):
        return f"{self.document.title} v{self.number}"

    def delete(self, *args, **kwargs):
        raise TypeError("Document versions are never deleted: withdraw them instead.")

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.file_kind]

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class DocumentLink(models.Model):
    """A document linked to another object of the same case (an indicator score, a condition, an
    advice, a decision, a position). Generic, so the other apps need not change."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="links")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = NeverDeletedQuerySet.as_manager()

    class Meta:
        verbose_name = _("documentkoppeling")
        verbose_name_plural = _("documentkoppelingen")
        constraints = [
            models.UniqueConstraint(fields=["document", "target_type", "target_id"], name="unique_document_link")
        ]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.document_id} -> {self.target_type.app_label}.{self.target_type.model}:{self.target_id}"

    @property
    def target_label(self) -> str:
        return f"{self.target_type.app_label}.{self.target_type.model}"
