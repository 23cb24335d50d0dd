"""Writing the audit trail. Call `audit_log` inside the service's transaction: the record commits
or rolls back with the change it describes."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.inserts import insert
from core.work_count import work_changed

from .chain import GENESIS, HASHED_FIELDS, content_hash, stored_rows
from .context import current
from .models import AuditRecord, ChainVerification
from .readers import require

logger = logging.getLogger(__name__)

# The chain is built after commit, not in the request: `audit_log` is one INSERT in the caller's
# transaction (no lock, so no audited request waits for another), and `audit_chain_seal` chains the
# committed records in batches. Only the sealer takes this lock (transaction-scoped advisory lock on
# PostgreSQL; SQLite serialises writers itself), so two sealers never give out the same seq. Under
# READ COMMITTED a sealer sees only committed records: one whose transaction commits after a later
# id was sealed is sealed in the next batch with the next seq, so seq, not id, is chain order.
_SEAL_LOCK_KEY = 0x4245_5641  # "BEVA"
SEAL_BATCH = 5000


def _jsonable(value: object) -> object:
    if isinstance(value, (Decimal,)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def diff(before: dict, after: dict) -> dict:
    """{"field": {"before": x, "after": y}} for the fields that changed."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            changed[key] = {"before": _jsonable(before.get(key)), "after": _jsonable(after.get(key))}
    return changed


def record_values(record: AuditRecord) -> dict:
    values = {name: getattr(record, name) for name in HASHED_FIELDS if name != "actor_id"}
    values["actor_id"] = record.actor_id
    return values


# Records of actions that change nothing anyone's tasks follow from.
UNCHANGING_ACTIONS = frozenset(
    {
        AuditRecord.Action.READ,
        AuditRecord.Action.EXPORT,
        AuditRecord.Action.DOWNLOAD,
        AuditRecord.Action.LOGIN,
        AuditRecord.Action.LOGIN_FAILED,
        AuditRecord.Action.LOGOUT,
    }
)


def audit_log(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    event: str = "",
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    case_id: int | None = None,
    changes: dict | None = None,
) -> AuditRecord:
    """Append one record to the trail, in the caller's transaction; the sealer chains it after commit."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    ctx = current()
    record = AuditRecord(
        timestamp=timezone.now(),
        actor=cast(Any, actor) if actor is not None and getattr(actor, "pk", None) else None,
        actor_username=(getattr(actor, "username", "") or "system")[:150],
        action=action,
        event=event[:100],
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:200],
        case_id=case_id,
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
        channel=ctx.channel,
        changes=json.loads(json.dumps(_jsonable(changes or {}))),
    )
    insert(record)  # one prepared INSERT (core.inserts); the model has no save signals
    if action not in UNCHANGING_ACTIONS:
        work_changed()  # "Mijn werk": counts kept in the menu are counted again (core.work_count)
    if getattr(settings, "AUDIT_SEAL_ON_COMMIT", False):
        transaction.on_commit(audit_chain_seal, robust=True)  # a failed seal is retried by the next one
    return record


def audit_chain_seal(*, batch_size: int = SEAL_BATCH) -> int:
    """Give every committed, unsealed record its place in the chain; returns how many were sealed.

    Each batch is one transaction: lock, read the chain's head, hash the next records in id order
    from their stored content (what the verifier will read), write seq, prev_hash and hash. Run by
    the beat schedule in production, after each commit in the embedded demo, and before every
    verification."""
    sealed = 0
    table = AuditRecord._meta.db_table
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
            head = AuditRecord.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
            seq, prev_hash = (head[0] or 0, head[1] or GENESIS) if head else (0, GENESIS)
            rows = stored_rows(AuditRecord.objects.filter(hash__isnull=True).order_by("id")[:batch_size])
            updates = []
            for row in rows:
                seq += 1
                digest = content_hash(row, prev_hash)
                updates.append((seq, prev_hash, digest, row[0]))
                prev_hash = digest
            if updates:
                with connection.cursor() as cursor:
                    cursor.executemany(f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s", updates)
        sealed += len(rows)
        if len(rows) < batch_size:
            return sealed


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
    from .selectors import MASKED_REPR, masked, shown

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
                MASKED_REPR if hidden else record.object_repr,
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
