"""Services of the case file's documents: upload, new version, withdraw, link, reclassify,
download (a read recorded in the audit trail), and storing generated letters and reports.

Each changes the database in one transaction with its audit record. The file itself is written
through Django's storage API (`default_storage`) before that transaction and removed again if the
transaction fails, so a row never points at a missing file.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Literal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import can, require
from audit.models import AuditRecord
from audit.services import audit_log
from cases.models import Case
from core import input_rules
from core.classification import Classification, rank, require_accredited
from core.exceptions import Conflict, NotFound, PermissionDenied, RuleViolation

from .constants import LINKABLE_APPS, DocumentType
from .filetypes import inspect_file, safe_filename
from .models import Document, DocumentLink, DocumentVersion

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------
def _check_classification(
    *,
    user: User | None,
    case: Case,
    classification: str,
    reason: str,
    current: str | None = None,
    generated: bool = False,
) -> None:
    """The one place of the classification rule (issue 6; DOMAIN "Confidentiality"): a document is
    classified at least as high as its case, and never lowered silently. Lowering (below the
    case's level, or below the document's present level) needs a reason, and for people the action
    "document.lower_classification". A generated document (e.g. the public letter to parliament)
    may be lower with a reason: the generating service's own rule is the authorisation."""
    if classification not in Classification.values:
        raise RuleViolation(_("Onbekende rubricering."), field="classification")
    require_accredited(classification)  # BEV_MAX_CLASSIFICATION (issue 20): 400, never stored here
    if user is not None and rank(classification) > user.clearance_rank:
        raise RuleViolation(
            _("U kunt een document niet hoger rubriceren dan uw eigen machtiging."), field="classification"
        )
    floor = rank(case.classification)
    if current is not None:
        floor = max(floor, rank(current))
    if rank(classification) >= floor:
        return
    if not generated and not can(user, "document.lower_classification", case=case):
        raise PermissionDenied(
            _("Alleen een daartoe bevoegde gebruiker mag de rubricering verlagen."), code="permission_denied"
        )
    if not (reason or "").strip():
        raise RuleViolation(
            _("Geef een reden op om lager te rubriceren dan de casus of dan het document nu is."),
            field="classification_reason",
        )


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    kind: str
    filename: str
    sha256: str
    text: str


def _check_file(*, content: bytes, filename: str) -> CheckedFile:
    """Size limit and allowed types, checked by content (issue 6, "Safe handling"); a name with a
    character the input rules refuse (U+202E reorders "x\u202egpj.pdf" to read "xfdp.jpg") is refused
    at the file's field, as every other value with one, rather than stored without it."""
    if message := input_rules.bad_character(filename):
        raise RuleViolation(message, field="file")
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise RuleViolation(
            _("Het bestand is te groot: maximaal %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, field="file"
        )
    inspected = inspect_file(content)
    return CheckedFile(
        content=content,
        kind=inspected.kind,
        filename=safe_filename(filename, inspected.kind),
        sha256=hashlib.sha256(content).hexdigest(),
        text=inspected.text,
    )


def read_upload(file: UploadedFile) -> tuple[bytes, str]:
    """Content and name of an uploaded file, refusing an oversized one before reading it."""
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise RuleViolation(
            _("Het bestand is te groot: maximaal %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, field="file"
        )
    return file.read(limit + 1), getattr(file, "name", "") or ""


def _store_file(checked: CheckedFile) -> str:
    """Write the file under a name the uploader does not choose; returns the storage name."""
    token = uuid.uuid4().hex
    return default_storage.save(f"{token[:2]}/{token}", ContentFile(checked.content))


class _StoredFile:
    """Stores the file; removes it again when the database transaction that records it fails."""

    def __init__(self, checked: CheckedFile):
        self.checked = checked
        self.name = ""

    def __enter__(self) -> "_StoredFile":
        self.name = _store_file(self.checked)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        if exc_type is not None and self.name:
            default_storage.delete(self.name)
        return False


def _new_version(
    *, document: Document, stored: _StoredFile, user: User | None, source_revision: str = ""
) -> DocumentVersion:
    """A new version; the caller holds the document row lock (select_for_update)."""
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    checked = stored.checked
    return DocumentVersion.objects.create(
        document=document,
        number=last + 1,
        storage_name=stored.name,
        original_filename=checked.filename,
        file_kind=checked.kind,
        size=len(checked.content),
        sha256=checked.sha256,
        extracted_text=checked.text,
        source_revision=source_revision,
        uploaded_by=user if user is not None and user.pk else None,
    )


def _version_audit(version: DocumentVersion) -> dict:
    return {
        "number": version.number,
        "filename": version.original_filename,
        "kind": version.file_kind,
        "size": version.size,
        "sha256": version.sha256,
    }


def _require_on_case(user: User, action: str, case: Case) -> None:
    """Need-to-know first (404 for people who may not see the case), then the role (403)."""
    if not Case.objects.case_file_visible_to(user).filter(pk=case.pk).exists():
        raise NotFound(_("Casus niet gevonden."))
    require(user, action, case=case)


# ---------------------------------------------------------------------------------------------
# Upload, versions, withdrawal, links, classification
# ---------------------------------------------------------------------------------------------
def document_upload(
    *,
    user: User,
    case: Case,
    title: str,
    document_type: str,
    content: bytes,
    filename: str,
    document_date: date | None = None,
    author: str = "",
    classification: str | None = None,
    classification_reason: str = "",
) -> Document:
    """A new document of the case with its first version. Classification defaults to the case's."""
    _require_on_case(user, "document.upload", case)
    classification = classification or case.classification
    if not (title or "").strip():
        raise RuleViolation(_("Geef het document een titel."), field="title")
    if document_type not in DocumentType.values:
        raise RuleViolation(_("Onbekend documenttype."), field="document_type")
    _check_classification(user=user, case=case, classification=classification, reason=classification_reason)
    checked = _check_file(content=content, filename=filename)
    with _StoredFile(checked) as stored, transaction.atomic():
        document = Document(
            case=case,
            title=title.strip(),
            document_type=document_type,
            document_date=document_date or timezone.localdate(),
            author=author,
            classification=classification,
            created_by=user,
            classification_reason=classification_reason if rank(classification) < rank(case.classification) else "",
        )
        document.full_clean(exclude=["case", "created_by"])
        document.save()
        version = _new_version(document=document, stored=stored, user=user)
        audit_log(
            actor=user,
            action=AuditRecord.Action.CREATE,
            event="document.upload",
            obj=document,
            case_id=case.pk,
            changes={
                "title": document.title,
                "document_type": document_type,
                "classification": classification,
                "classification_reason": document.classification_reason,
                "version": _version_audit(version),
            },
        )
    return document


def document_version_add(*, user: User, document: Document, content: bytes, filename: str) -> DocumentVersion:
    """A new upload of the same document is a new version; earlier versions stay readable."""
    _require_on_case(user, "document.upload", document.case)
    if document.classification_rank > user.clearance_rank:
        raise NotFound(_("Document niet gevonden."))
    checked = _check_file(content=content, filename=filename)
    with _StoredFile(checked) as stored, transaction.atomic():
        document = Document.objects.select_for_update(no_key=True).get(pk=document.pk)
        version = _new_version(document=document, stored=stored, user=user)
        audit_log(
            actor=user,
            action=AuditRecord.Action.CREATE,
            event="document.version_add",
            obj=version,
            case_id=document.case_id,
            changes=_version_audit(version),
        )
    return version


@transaction.atomic
def document_version_withdraw(*, user: User, version: DocumentVersion, reason: str) -> DocumentVersion:
    """Documents are never deleted: a version is marked withdrawn, with a reason, and stays readable."""
    document = version.document
    _require_on_case(user, "document.withdraw", document.case)
    if not (reason or "").strip():
        raise RuleViolation(_("Geef een reden op voor de intrekking."), field="reason")
    version = DocumentVersion.objects.select_for_update(no_key=True).get(pk=version.pk)
    if version.withdrawn_at is not None:
        raise Conflict(_("Deze versie is al ingetrokken."), code="already_withdrawn")
    version.withdrawn_at = timezone.now()
    version.withdrawn_by = user
    version.withdrawal_reason = reason.strip()
    version.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="document.withdraw",
        obj=version,
        case_id=document.case_id,
        changes={"number": version.number, "reason": version.withdrawal_reason},
    )
    return version


def _target_case_id(target: Model) -> int | None:
    """The case an object belongs to: itself, its `case`, or its parent's (e.g. a score's assessment's)."""
    if isinstance(target, Case):
        return target.pk
    case_id = getattr(target, "case_id", None)
    if case_id is not None:
        return case_id
    for field in target._meta.concrete_fields:
        if field.is_relation and field.many_to_one and field.name != "document":
            parent = getattr(target, field.name, None)
            if parent is not None and getattr(parent, "case_id", None) is not None:
                return parent.case_id
    return None


@transaction.atomic
def document_link(*, user: User, document: Document, target_type: str, target_id: str) -> DocumentLink:
    """Link the document to an object of the same case, e.g. "assessments.indicatorscore" 12."""
    _require_on_case(user, "document.upload", document.case)
    app_label, _sep, model = (target_type or "").lower().partition(".")
    try:
        content_type = ContentType.objects.get(app_label=app_label, model=model)
    except ContentType.DoesNotExist:
        content_type = None
    if content_type is None or app_label not in LINKABLE_APPS or content_type.model_class() is None:
        raise RuleViolation(_("Aan dit soort object kan geen document worden gekoppeld."), field="target_type")
    try:
        target = content_type.get_object_for_this_type(pk=target_id)
    except (ObjectDoesNotExist, ValueError, TypeError):
        target = None
    if target is None or _target_case_id(target) != document.case_id:
        raise RuleViolation(_("Dit object bestaat niet in deze casus."), field="target_id")
    link, created = DocumentLink.objects.get_or_create(
        document=document, target_type=content_type, target_id=str(target.pk), defaults={"created_by": user}
    )
    if created:
        audit_log(
            actor=user,
            action=AuditRecord.Action.CREATE,
            event="document.link",
            obj=document,
            case_id=document.case_id,
            changes={"target": f"{link.target_label}:{link.target_id}"},
        )
    return link


@transaction.atomic
def document_reclassify(*, user: User, document: Document, classification: str, reason: str = "") -> Document:
    """Change the classification; lowering it is never silent (see `_check_classification`)."""
    _require_on_case(user, "document.upload", document.case)
    document = Document.objects.select_for_update(no_key=True).get(pk=document.pk)
    if document.classification_rank > user.clearance_rank:
        raise NotFound(_("Document niet gevonden."))
    _check_classification(
        user=user, case=document.case, classification=classification, reason=reason, current=document.classification
    )
    before = document.classification
    if before == classification:
        return document
    document.classification = classification
    if rank(classification) < rank(document.case.classification):
        document.classification_reason = reason.strip()
    elif rank(classification) >= rank(document.case.classification):
        document.classification_reason = ""
    document.save(update_fields=["classification", "classification_reason"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="document.reclassify",
        obj=document,
        case_id=document.case_id,
        changes={"classification": {"before": before, "after": classification}, "reason": (reason or "").strip()},
    )
    return document


# ---------------------------------------------------------------------------------------------
# Download: need-to-know, clearance, checksum, audit
# ---------------------------------------------------------------------------------------------
def document_version_download(*, user: User, version: DocumentVersion) -> bytes:
    """The stored bytes of a version, after checking them against the version's SHA-256.

    The caller obtained `version` through `documents.selectors` (need-to-know and clearance).
    A mismatch or a missing file is reported in the log and the audit trail and refused (409).
    Every successful read is recorded in the audit trail (DOWNLOAD)."""
    document = version.document
    try:
        with default_storage.open(version.storage_name, "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        content = None
    if content is None or hashlib.sha256(content).hexdigest() != version.sha256:
        problem = "missing" if content is None else "checksum_mismatch"
        logger.error(
            "Document version %s (document %s, case %s): stored file %s (%s).",
            version.pk,
            document.pk,
            document.case_id,
            problem,
            version.storage_name,
        )
        with transaction.atomic():
            audit_log(
                actor=user,
                action=AuditRecord.Action.OTHER,
                event=f"document.{problem}",
                obj=version,
                case_id=document.case_id,
                changes={
                    "number": version.number,
                    "storage_name": version.storage_name,
                    "expected_sha256": version.sha256,
                },
            )
        raise Conflict(
            _(
                "Het opgeslagen bestand komt niet overeen met de vastgelegde controlesom en wordt niet "
                "geleverd. Het incident is vastgelegd; neem contact op met de beheerder."
            ),
            code="checksum_mismatch",
        )
    with transaction.atomic():
        audit_log(
            actor=user,
            action=AuditRecord.Action.DOWNLOAD,
            event="document.download",
            obj=version,
            case_id=document.case_id,
            changes={"document_id": document.pk, "number": version.number, "sha256": version.sha256},
        )
    return content


# ---------------------------------------------------------------------------------------------
# Generated documents (letters to parliament, reports, the cabinet's risk assessment)
# ---------------------------------------------------------------------------------------------
def generated_document_store(
    *,
    user: User | None,
    case: Case,
    title: str,
    document_type: str,
    filename: str,
    content: bytes,
    classification: str,
    source_key: str,
    classification_reason: str = "",
    source_revision: str = "",
) -> DocumentVersion:
    """Store a generated letter or report as a document of the case.

    The same `source_key` (per case) gives a new version of the same document. When
    `source_revision` is given and equals the latest version's, nothing new is stored and that
    version is returned (regenerating an unchanged source is idempotent). The generating service
    has checked its own action (e.g. "letter.approve"); `user` may be None for system tasks.
    A classification below the case's needs `classification_reason` (e.g. a public letter)."""
    if not source_key:
        raise ValueError("generated_document_store needs a source_key")
    if document_type not in DocumentType.values:
        raise RuleViolation(_("Onbekend documenttype."), field="document_type")
    _check_classification(
        user=None, case=case, classification=classification, reason=classification_reason, generated=True
    )
    checked = _check_file(content=content, filename=filename)
    actor = user if user is not None and getattr(user, "pk", None) else None
    with transaction.atomic():
        document = Document.objects.select_for_update(no_key=True).filter(case=case, source_key=source_key).first()
        if document is not None and source_revision:
            latest = document.versions.order_by("-number").first()
            if latest is not None and latest.source_revision == source_revision and latest.withdrawn_at is None:
                return latest
    with _StoredFile(checked) as stored, transaction.atomic():
        document = Document.objects.select_for_update(no_key=True).filter(case=case, source_key=source_key).first()
        created = document is None
        if document is None:
            try:
                with transaction.atomic():
                    document = Document.objects.create(
                        case=case,
                        title=title,
                        document_type=document_type,
                        classification=classification,
                        classification_reason=classification_reason
                        if rank(classification) < rank(case.classification)
                        else "",
                        source_key=source_key,
                        author=_("gegenereerd door BEV"),
                        created_by=actor,
                    )
            except IntegrityError:  # generated concurrently: use the other's document
                created = False
                document = Document.objects.select_for_update(no_key=True).get(case=case, source_key=source_key)
        if not created:
            changed = {}
            for field, value in (
                ("title", title),
                ("document_type", document_type),
                ("classification", classification),
            ):
                if getattr(document, field) != value:
                    changed[field] = {"before": getattr(document, field), "after": value}
                    setattr(document, field, value)
            if changed:
                document.classification_reason = (
                    classification_reason if rank(classification) < rank(case.classification) else ""
                )
                document.document_date = timezone.localdate()
                document.save(update_fields=list(changed) + ["classification_reason", "document_date"])
        version = _new_version(document=document, stored=stored, user=actor, source_revision=source_revision)
        audit_log(
            actor=actor,
            action=AuditRecord.Action.CREATE,
            event="document.generate",
            obj=version,
            case_id=case.pk,
            changes={
                "source_key": source_key,
                "title": title,
                "classification": classification,
                "version": _version_audit(version),
            },
        )
    return version
