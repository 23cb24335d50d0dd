"""Versions of the afwegingskader: drafted, published, and the current one new assessments pin."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log
from core.exceptions import Conflict, RuleViolation

from ..constants import (
    FrameworkStatus,
)
from ..framework import validate_definition
from ..models import (
    FrameworkVersion,
)


# ---------------------------------------------------------------------------------------------
# Framework versions
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def framework_create_draft(*, user: User, name: str, definition: dict, notes: str = "") -> FrameworkVersion:
    """A new draft version (an administrator's); it takes the next version number."""
    require(user, "framework.publish")
    if not (name or "").strip():
        raise RuleViolation(_("Een naam is verplicht."), field="name")
    validate_definition(definition)
    number = (FrameworkVersion.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
    version = FrameworkVersion.objects.create(
        number=number, name=name.strip(), definition=definition, notes=notes, created_by=user
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="framework.create",
        obj=version,
        changes={"number": number, "name": version.name},
    )
    return version


@transaction.atomic
def framework_update_draft(
    *,
    user: User,
    framework: FrameworkVersion,
    name: str | None = None,
    definition: dict | None = None,
    notes: str | None = None,
) -> FrameworkVersion:
    require(user, "framework.publish")
    framework = FrameworkVersion.objects.select_for_update(no_key=True).get(pk=framework.pk)
    if framework.is_published:
        raise Conflict(_("Een gepubliceerde versie verandert nooit: maak een nieuwe versie."), code="published")
    if definition is not None:
        framework.definition = validate_definition(definition)
    if name is not None:
        framework.name = name.strip()
    if notes is not None:
        framework.notes = notes
    framework.save()
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="framework.update", obj=framework)
    return framework


@transaction.atomic
def framework_publish(*, user: User, framework: FrameworkVersion) -> FrameworkVersion:
    """Publish a draft: from now on new assessments use it. Existing assessments keep theirs."""
    require(user, "framework.publish")
    framework = FrameworkVersion.objects.select_for_update(no_key=True).get(pk=framework.pk)
    if framework.is_published:
        raise Conflict(_("Deze versie is al gepubliceerd."), code="already_published")
    validate_definition(framework.definition)
    FrameworkVersion.objects.filter(pk=framework.pk).update(
        status=FrameworkStatus.PUBLISHED, published_at=timezone.now(), published_by=user
    )
    framework.refresh_from_db()
    audit_log(
        actor=user,
        action=AuditRecord.Action.APPROVE,
        event="framework.publish",
        obj=framework,
        changes={"status": {"before": FrameworkStatus.DRAFT, "after": FrameworkStatus.PUBLISHED}},
    )
    return framework


def restore_seeded_versions() -> None:
    """Recreate the versions the data migrations publish (v1 to v4) where missing (for a database
    whose tables were emptied, e.g. a flushed test database); v3 and v4 from their migrations."""
    import importlib

    from ..default_framework import ensure_default_framework
    from ..review_framework import ensure_review_framework

    ensure_default_framework()
    ensure_review_framework()
    importlib.import_module("assessments.migrations.0005_framework_version_3").ensure_version(FrameworkVersion)
    importlib.import_module("assessments.migrations.0006_framework_version_4").ensure_version(FrameworkVersion)


def framework_current() -> FrameworkVersion:
    """The latest published version. The versions from the letter are always there (the data
    migrations create them; they are recreated if the table was emptied, e.g. a flushed test
    database)."""
    version = FrameworkVersion.objects.filter(status=FrameworkStatus.PUBLISHED).order_by("-number").first()
    if version is None:
        restore_seeded_versions()
        version = FrameworkVersion.objects.filter(status=FrameworkStatus.PUBLISHED).order_by("-number").first()
    if version is None:
        raise Conflict(_("Er is geen gepubliceerde versie van het afwegingskader."), code="no_framework")
    return version
