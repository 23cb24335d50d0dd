"""Writing the audit trail. Call `audit_log` inside the service's transaction: the record commits
or rolls back with the change it describes."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from .chain import GENESIS, HASHED_FIELDS, record_hash
from .context import current
from .models import AuditRecord

# Serialises appends so that every record's predecessor is the record before it. On PostgreSQL a
# transaction-scoped advisory lock, held until the caller's transaction ends: the next writer takes
# the lock only after this record is committed (or rolled back), and under READ COMMITTED (Django's
# default; do not run audited services under REPEATABLE READ) its next statement sees it. The id
# comes from the sequence under the same lock, so id order is chain order; ids of rolled-back
# records leave gaps, which the verifier ignores. SQLite serialises writers itself.
_CHAIN_LOCK_KEY = 0x4245_5641  # "BEVA"


def _jsonable(value):
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


def _next_id(last_id: int) -> int:
    """The id is part of the hash, so it is taken before the insert (under the chain lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [AuditRecord._meta.db_table])
            return cursor.fetchone()[0]
    return last_id + 1


def record_values(record: AuditRecord) -> dict:
    values = {name: getattr(record, name) for name in HASHED_FIELDS if name != "actor_id"}
    values["actor_id"] = record.actor_id
    return values


def audit_log(*, actor, action: str, event: str = "", obj=None, object_type: str = "", object_id: str = "",
              object_repr: str = "", case_id: int | None = None, changes: dict | None = None) -> AuditRecord:
    """Append one record to the chain (must run inside the caller's transaction)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    ctx = current()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditRecord.objects.order_by("-id").values_list("id", "hash").first()
        prev_hash = last[1] if last else GENESIS
        record = AuditRecord(
            id=_next_id(last[0] if last else 0),
            timestamp=timezone.now(),
            actor=actor if actor is not None and getattr(actor, "pk", None) else None,
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
            prev_hash=prev_hash,
        )
        record.hash = record_hash(record_values(record), prev_hash)
        record.save(force_insert=True)
    return record
