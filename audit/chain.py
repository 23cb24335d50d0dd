"""The hash of an audit record: SHA-256 over its canonical content and its predecessor's hash."""

import hashlib
import ipaddress
import json
from datetime import datetime

GENESIS = "0" * 64
HASHED_FIELDS = ("id", "timestamp", "actor_id", "actor_username", "action", "event", "object_type", "object_id",
                 "object_repr", "case_id", "request_id", "ip_address", "channel", "changes")


def _normalise(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def _normalise_ip(value):
    """The address in one spelling, whatever the database hands back (PostgreSQL's inet writes
    IPv4-mapped IPv6 addresses differently from Python)."""
    if not value:
        return None
    try:
        return ipaddress.ip_address(str(value)).compressed
    except ValueError:
        return str(value)


def record_hash(values: dict, prev_hash: str) -> str:
    payload = {name: _normalise(values.get(name)) for name in HASHED_FIELDS}
    payload["ip_address"] = _normalise_ip(payload["ip_address"])
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256((prev_hash + "|" + text).encode()).hexdigest()
