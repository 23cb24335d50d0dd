"""Recording in the audit trail: `audit_log`, one INSERT in the caller's transaction, and
`audit_chain_seal`, which chains committed records after commit.

Its own module, neither a service nor a selector, because both write records: services for every
change, selectors for every audited read of a case file. Selectors import it from here (a selector
never imports services); `audit.services` re-exports it for the services."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Required, TypedDict, Unpack, cast

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone, translation

from core.inserts import insert
from core.work_count import work_changed

from .chain import GENESIS, content_hash, stored_rows
from .context import current
from .models import AuditRecord

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


class AuditFields(TypedDict, total=False):
    """What the writer of a record says of it (`audit_log`, `audit_record`): who acted and what they
    did, always; the event, and the object as `obj` or spelled out (`obj` fills what is not given);
    the case, for the case's trail; the changes, made JSON-safe. The rest (time, request, channel)
    comes from the context."""

    actor: Required[AbstractBaseUser | AnonymousUser | None]
    action: Required[str]
    event: str
    obj: Model | None
    object_type: str
    object_id: str
    object_repr: str
    case_id: int | None
    changes: dict | None


# A misspelt field is refused (as a keyword-only signature did), not left out of the record.
_AUDIT_FIELD_NAMES = frozenset(AuditFields.__annotations__)


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


def audit_log(**fields: Unpack[AuditFields]) -> AuditRecord:
    """Append one record to the trail, in the caller's transaction; the sealer chains it after commit."""
    record = audit_record(**fields)
    insert(record)  # one prepared INSERT (core.inserts); the model has no save signals
    audit_written(record)
    return record


def audit_record(**fields: Unpack[AuditFields]) -> AuditRecord:
    """The record `audit_log` appends, not yet written: for a hot path that writes it in one statement
    with its own rows (core.inserts.insert_select_parts, in the same transaction) and then calls
    `audit_written(record)`. Anywhere else, call `audit_log`."""
    if unknown := fields.keys() - _AUDIT_FIELD_NAMES:
        raise TypeError(f"audit_record() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    # The trail is kept in one language, the service's own (Dutch): an object's name and the labels in
    # the changes were stored in the language of whoever acted (found by trying the product: "Risk
    # assessment 7 r1 (Approved)" beside "Risico-inschatting 7 r1 (Goedgekeurd)").
    if translation.get_language() == settings.LANGUAGE_CODE:  # most requests: no switch on the hot path
        return _record(fields)
    with translation.override(settings.LANGUAGE_CODE):
        return _record(fields)


def _record(fields: AuditFields) -> AuditRecord:
    actor = fields["actor"]
    event = fields.get("event", "")
    object_type = fields.get("object_type", "")
    object_id = fields.get("object_id", "")
    object_repr = fields.get("object_repr", "")
    obj = fields.get("obj")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    ctx = current()
    return AuditRecord(
        timestamp=timezone.now(),
        actor=cast(Any, actor) if actor is not None and getattr(actor, "pk", None) else None,
        actor_username=(getattr(actor, "username", "") or "system")[:150],
        action=fields["action"],
        event=event[:100],
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:200],
        case_id=fields.get("case_id"),
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
        channel=ctx.channel,
        # JSON-safe as stored; a read's empty changes need no round trip through the encoder.
        changes=json.loads(json.dumps(_jsonable(changes))) if (changes := fields.get("changes")) else {},
    )


def audit_written(record: AuditRecord) -> None:
    """What follows a record's INSERT: the menu's work counts and, where configured, the seal."""
    if record.action not in UNCHANGING_ACTIONS:
        work_changed()  # "Mijn werk": counts kept in the menu are counted again (core.work_count)
    if getattr(settings, "AUDIT_SEAL_ON_COMMIT", False):
        transaction.on_commit(audit_chain_seal, robust=True)  # a failed seal is retried by the next one


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
