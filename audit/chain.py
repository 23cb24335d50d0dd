"""The hash of an audit record: SHA-256 over its canonical content and its predecessor's hash."""

import hashlib
import ipaddress
import json
from datetime import datetime

GENESIS = "0" * 64
HASHED_FIELDS = ("id", "timestamp", "actor_id", "actor_username", "action", "event", "object_type", "object_id",
                 "object_repr", "case_id", "request_id", "ip_address", "channel", "changes")

# One encoder for every record: json.dumps with options builds a new one per call, which was a
# noticeable share of verifying a million records.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


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
    payload = {name: _normalise(values.get(name)) for name in HASHED_FIELDS}
    payload["ip_address"] = _normalise_ip(payload["ip_address"])
    text = _CANONICAL.encode(payload)
    return hashlib.sha256((prev_hash + "|" + text).encode()).hexdigest()
