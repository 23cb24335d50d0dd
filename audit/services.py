"""The audit trail's services: chain verification as a task, its evidence, the export. Call
`audit_log` (audit.log, re-exported here) inside the service's transaction: the record commits or
rolls back with the change it describes."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .chain import HASHED_FIELDS

# Recording lives in audit.log (selectors write audited reads too); the services re-export it.
from .log import (  # noqa: F401
    SEAL_BATCH,
    UNCHANGING_ACTIONS,
    _jsonable,
    audit_chain_seal,
    audit_log,
    audit_record,
    audit_written,
    diff,
)
from .models import AuditRecord, ChainVerification
from .readers import require

logger = logging.getLogger(__name__)


def record_values(record: AuditRecord) -> dict:
    values = {name: getattr(record, name) for name in HASHED_FIELDS if name != "actor_id"}
    values["actor_id"] = record.actor_id
    return values


# ---------------------------------------------------------------------------------------------
# Chain verification as a background task (issue 22): asked for in a request, done by a worker
# ---------------------------------------------------------------------------------------------
# A verification running longer than this is taken to have lost its worker (killed mid-walk; with
# acks_late the task is redelivered, but the row says running): the sweep starts it again.
VERIFICATION_STALE_RUNNING = timedelta(hours=1)
VERIFICATION_STALE_PENDING = timedelta(minutes=2)


def chain_verification_request(*, user: AbstractBaseUser | AnonymousUser) -> ChainVerification:
    """Record that `user` asked for a verification of the chain; a worker does it after commit. A
    broker that is down loses nothing: the row stays pending and the periodic sweep
    (`audit.tasks.retry_chain_verifications`) hands it out again."""
    require(user, "audit.verify")
    with transaction.atomic():
        verification = ChainVerification.objects.create(
            requested_by=cast(Any, user),
            requested_by_username=getattr(user, "username", "")[:150],
            requested_at=timezone.now(),
        )
        audit_log(
            actor=user,
            action=AuditRecord.Action.OTHER,
            event="audit.verify_request",
            obj=verification,
            object_type="audit.chainverification",
        )
        transaction.on_commit(functools.partial(_enqueue_verification, verification.pk))
    return verification


def _enqueue_verification(verification_id: int) -> None:
    from . import tasks

    try:
        tasks.verify_chain.delay(verification_id)
    except Exception:  # noqa: BLE001 - any broker error: the row stays pending for the sweep
        logger.warning(
            "Could not enqueue the chain verification %s; the periodic sweep will pick it up.",
            verification_id,
            exc_info=True,
        )


def chain_verification_start(*, verification_id: int) -> ChainVerification | None:
    """Claim a pending verification (or one whose worker was lost) for this worker; None when
    another worker has it or it is finished, so a redelivered task does nothing twice."""
    with transaction.atomic():
        verification = (
            ChainVerification.objects.select_for_update(skip_locked=True)
            .filter(pk=verification_id)
            .filter(
                Q(status=ChainVerification.Status.PENDING)
                | Q(status=ChainVerification.Status.RUNNING, started_at__lt=timezone.now() - VERIFICATION_STALE_RUNNING)
            )
            .first()
        )
        if verification is None:
            return None
        verification.status = ChainVerification.Status.RUNNING
        verification.started_at = timezone.now()
        verification.attempts += 1
        verification.save(update_fields=["status", "started_at", "attempts"])
        return verification


def chain_verification_run(*, verification_id: int) -> ChainVerification | None:
    """Seal, walk the chain and keep what it found (`audit.verify.verify_chain`)."""
    from .verify import verify_chain

    verification = chain_verification_start(verification_id=verification_id)
    if verification is None:
        return None
    audit_chain_seal()
    report = verify_chain()
    with transaction.atomic():
        verification = ChainVerification.objects.select_for_update().get(pk=verification_id)
        verification.status = ChainVerification.Status.DONE
        verification.finished_at = timezone.now()
        verification.error = ""
        for field in ("ok", "checked", "unsealed", "last_seq", "last_hash", "first_bad_id", "problem"):
            setattr(verification, field, getattr(report, field))
        verification.save()
        audit_log(
            actor=verification.requested_by,
            action=AuditRecord.Action.OTHER,
            event="audit.verify",
            obj=verification,
            object_type="audit.chainverification",
            changes={
                "ok": report.ok,
                "checked": report.checked,
                "first_bad_id": report.first_bad_id,
                "last_seq": report.last_seq,
                "last_hash": report.last_hash,
            },
        )
    return verification


def chain_verification_fail(*, verification_id: int, error: str) -> None:
    with transaction.atomic():
        ChainVerification.objects.filter(pk=verification_id).exclude(status=ChainVerification.Status.DONE).update(
            status=ChainVerification.Status.FAILED, error=error[:2000], finished_at=timezone.now()
        )


def chain_verifications_to_retry(*, limit: int = 20) -> list[int]:
    """Verifications whose hand-off was lost (broker down when asked) or whose worker died."""
    now = timezone.now()
    return list(
        ChainVerification.objects.filter(
            Q(status=ChainVerification.Status.PENDING, requested_at__lt=now - VERIFICATION_STALE_PENDING)
            | Q(status=ChainVerification.Status.RUNNING, started_at__lt=now - VERIFICATION_STALE_RUNNING)
        )
        .order_by("requested_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def chain_verification_evidence(*, user: AbstractBaseUser | AnonymousUser, verification: ChainVerification) -> dict:
    """The signed evidence document of a finished verification (`audit.evidence`); the download is
    recorded in the trail."""
    from core.exceptions import Conflict

    from . import evidence

    require(user, "audit.verify")
    if verification.status != ChainVerification.Status.DONE:
        raise Conflict(_("De verificatie is nog niet klaar of is mislukt; er is geen bewijsstuk."), code="not_finished")
    document = evidence.sign(
        {
            "verification": verification.pk,
            "requested_by": verification.requested_by_username,
            "requested_at": _jsonable(verification.requested_at),
            "finished_at": _jsonable(verification.finished_at),
            "ok": verification.ok,
            "checked": verification.checked,
            "unsealed": verification.unsealed,
            "last_seq": verification.last_seq,
            "last_hash": verification.last_hash,
            "first_bad_id": verification.first_bad_id,
            "problem": verification.problem,
        }
    )
    with transaction.atomic():
        audit_log(
            actor=user,
            action=AuditRecord.Action.DOWNLOAD,
            event="audit.verify_evidence",
            obj=verification,
            object_type="audit.chainverification",
            changes={"signature": document["signature"]},
        )
    return document


# ---------------------------------------------------------------------------------------------
# The trail as a CSV file (issue 23): what the page shows, readable, masked where the page masks
# ---------------------------------------------------------------------------------------------
EXPORT_MAX_ROWS = 50_000


def audit_trail_export(
    *,
    user: AbstractBaseUser | AnonymousUser,
    records: Sequence[AuditRecord],
    case_references: dict[int, str],
    filters: dict,
) -> bytes:
    """The filtered trail (`audit.selectors.audit_record_list`, newest first) as a formula-safe CSV
    (core.spreadsheets); a record about a case this person may not see keeps who/when/what and
    loses its content, as on the page. The export itself is a record of the trail."""
    from core.spreadsheets import csv_bytes

    from . import labels
    from .selectors import masked, masked_repr, shown

    require(user, "audit.view")
    header = [
        _("Nr."),
        _("Tijdstip"),
        _("Wie"),
        _("Gebruikersnaam"),
        _("Handeling"),
        _("Gebeurtenis"),
        _("Object"),
        _("Omschrijving"),
        _("Casus"),
        _("Wijzigingen"),
    ]
    rows = []
    records = list(records[:EXPORT_MAX_ROWS])
    prepared = labels.prepare_changes(r for r in records if not masked(r))  # one read for all rows
    for record in records:
        hidden = masked(record)
        rows.append(
            [
                record.pk,
                timezone.localtime(record.timestamp).strftime("%d-%m-%Y %H:%M:%S"),
                labels.person_name(record),
                record.actor_username,
                record.get_action_display(),
                labels.event_label(shown(record)["event"]),
                labels.object_label(record),
                masked_repr() if hidden else labels.object_name(record, record.object_repr),
                "" if hidden or record.case_id is None else case_references.get(record.case_id, ""),
                _("afgeschermd") if hidden else "; ".join(labels.change_lines(record, prepared=prepared)),
            ]
        )
    with transaction.atomic():
        audit_log(
            actor=user,
            action=AuditRecord.Action.EXPORT,
            event="audit.export",
            object_type="audit.auditrecord",
            object_repr=_("Audittrail (CSV)"),
            changes={
                "filters": {key: value for key, value in filters.items() if value not in (None, "")},
                "rows": len(rows),
            },
        )
    return csv_bytes(header, rows)
