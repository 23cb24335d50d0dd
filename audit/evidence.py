"""A finished chain verification as evidence (issue 23): a JSON document with the result, the time
it was found and the chain's last hash, signed with an HMAC (`django.core.signing`, a key derived
from SECRET_KEY with this module's salt). Anyone holding a downloaded document can have it checked
(`chain_verification_evidence_check`, the API, `manage.py check_audit_evidence`): a changed figure,
time or hash no longer matches its signature.

The signature shows the document came from this service unchanged; it is not a timestamp from a
third party. Keep the document (and with it the last hash) outside the database: that is what
shows later that records were not cut off at the end of the chain."""

from __future__ import annotations

import json
from typing import Any

from django.core import signing

FORMAT = "bev-audit-chain-verification/1"
_SALT = "audit.evidence.chain-verification"
_SIGNED_FIELDS = (
    "format",
    "verification",
    "requested_by",
    "requested_at",
    "finished_at",
    "ok",
    "checked",
    "unsealed",
    "last_seq",
    "last_hash",
    "first_bad_id",
    "problem",
)


def _canonical(result: dict[str, Any]) -> str:
    return json.dumps(
        {key: result.get(key) for key in _SIGNED_FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, algorithm="sha256")


def sign(result: dict[str, Any]) -> dict[str, Any]:
    """The evidence document: the result's signed fields and their signature."""
    document = {key: result.get(key) for key in _SIGNED_FIELDS}
    document["format"] = FORMAT
    document["signature"] = _signer().sign(_canonical(document)).rsplit(_signer().sep, 1)[1]
    return document


def check(document: Any) -> bool:
    """Whether `document` (a parsed evidence document) is one this service signed, unchanged. Also
    accepts documents signed under a key in SECRET_KEY_FALLBACKS."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return False
    signature = document.get("signature")
    if not isinstance(signature, str) or set(document) - {*_SIGNED_FIELDS, "signature"}:
        return False
    try:
        _signer().unsign(f"{_canonical(document)}{_signer().sep}{signature}")
    except signing.BadSignature:
        return False
    return True


def filename(document: dict[str, Any]) -> str:
    return f"bev-ketenverificatie-{document.get('verification')}.json"
