"""The hash of an audit record: SHA-256 over its canonical content and its predecessor's hash."""

import hashlib
import ipaddress
import json
from collections.abc import Callable
from datetime import datetime
from json.encoder import encode_basestring as _encode_string
from typing import Any

# CPython's C encoder (json.encoder.c_make_encoder, None without _json); not in the typeshed stubs.
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)

GENESIS = "0" * 64
HASHED_FIELDS = (
    "id",
    "timestamp",
    "actor_id",
    "actor_username",
    "action",
    "event",
    "object_type",
    "object_id",
    "object_repr",
    "case_id",
    "request_id",
    "ip_address",
    "channel",
    "changes",
)

# The canonical text: keys sorted, no spaces, non-ASCII as itself, anything else as str().
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
# The same encoder's C core made once: `JSONEncoder.encode` builds it anew on every call (and json.dumps
# with options a whole encoder), which was half the cost of hashing a record when verifying a million.
# No check for circular references: a record's content comes from JSON. `tests/test_audit_chain_text.py`
# holds the text to `_CANONICAL.encode`'s.
canonical_text: Callable[[dict], str]
if _c_make_encoder is not None:
    _encode_chunks = _c_make_encoder(None, str, _encode_string, None, ":", ",", True, False, True)

    def _canonical_text_c(payload: dict) -> str:
        return "".join(_encode_chunks(payload, 0))

    canonical_text = _canonical_text_c
else:  # pragma: no cover
    canonical_text = _CANONICAL.encode


def _normalise(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def _normalise_ip(value):
    """The address in one spelling, whatever the database hands back (PostgreSQL's inet writes
    IPv4-mapped IPv6 addresses differently from Python)."""
    if not value:
        return None
    text = str(value)
    if ":" not in text:
        # IPv4 (or not an address): Python accepts only the canonical dotted quad, so the compressed
        # form is the text itself, or the text is kept as it is. Saves parsing every record.
        return text
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return text


def record_hash(values: dict, prev_hash: str) -> str:
    return content_hash(tuple(_normalise(values.get(name)) for name in HASHED_FIELDS), prev_hash)


_IP_ADDRESS = HASHED_FIELDS.index("ip_address")
_CHANGES = HASHED_FIELDS.index("changes")
_decode = json.JSONDecoder().decode


def content_hash(row: tuple, prev_hash: str) -> str:
    """The hash of a record given as a row of HASHED_FIELDS with its timestamp already in its hashed
    spelling (`_normalise`: ISO 8601 with microseconds and offset); columns after them are ignored."""
    payload = dict(zip(HASHED_FIELDS, row))
    payload["ip_address"] = _normalise_ip(row[_IP_ADDRESS])
    text = canonical_text(payload)
    return hashlib.sha256((prev_hash + "|" + text).encode()).hexdigest()


# PostgreSQL spells the timestamp as `_normalise` does for the datetime the ORM reads (which is in
# UTC: Django sets the connection's time zone to UTC), so a million rows need no datetime objects:
# loading timestamptz into Python was two fifths of verifying the chain.
_PG_TIMESTAMP_TEXT = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"


def stored_rows(queryset, *, extra: tuple[str, ...] = ()) -> list[tuple]:
    """The records of `queryset` (filtered, ordered and sliced) as stored: each a tuple of
    HASHED_FIELDS as `content_hash` takes them, followed by the `extra` fields. On PostgreSQL the
    queryset's own SQL run on a cursor (the ORM's per-row work on a million records was the rest of
    the time); elsewhere through the ORM."""
    from django.db import connections
    from django.db.models import CharField, F, Func

    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return [
            tuple(_normalise(value) for value in row[: len(HASHED_FIELDS)]) + tuple(row[len(HASHED_FIELDS) :])
            for row in queryset.values_list(*HASHED_FIELDS, *extra)
        ]
    text = Func(F("timestamp"), template=_PG_TIMESTAMP_TEXT, output_field=CharField())
    names = ["_timestamp_text" if name == "timestamp" else name for name in (*HASHED_FIELDS, *extra)]
    sql, params = queryset.annotate(_timestamp_text=text).values_list(*names).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # `changes` comes as JSON text (Django's loader leaves decoding to the field); most are empty.
    c = _CHANGES
    return [(*row[:c], {} if row[c] == "{}" else _decode(row[c]), *row[c + 1 :]) for row in rows]
