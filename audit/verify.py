"""Walk the chain and report the first record that does not match."""

from __future__ import annotations

from dataclasses import dataclass

from .chain import GENESIS, HASHED_FIELDS, content_hash, stored_rows
from .models import AuditRecord


@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""
    unsealed: int = 0  # committed records the sealer has not chained yet (not verified)


def verify_chain(*, batch_size: int = 20000) -> ChainReport:
    """Every sealed record, in chain order: its prev_hash is its predecessor's hash and its hash
    matches its content. Reads only; seal first (`audit_chain_seal`) to include the newest records."""
    n = len(HASHED_FIELDS)
    prev_hash = GENESIS
    checked = 0
    last_seq = 0
    sealed = AuditRecord.objects.filter(seq__isnull=False).order_by("seq")
    while True:
        rows = stored_rows(sealed.filter(seq__gt=last_seq)[:batch_size], extra=("seq", "prev_hash", "hash"))
        if not rows:
            break
        for row in rows:
            stored_prev, stored_hash = row[n + 1:]
            if stored_prev != prev_hash:
                return ChainReport(False, checked, row[0],
                                   "prev_hash does not match the preceding record (a record was removed, inserted or reordered)")
            if content_hash(row, prev_hash) != stored_hash:
                return ChainReport(False, checked, row[0], "content does not match its hash (the record was altered)")
            prev_hash = stored_hash
            checked += 1
        last_seq = rows[-1][n]
    return ChainReport(True, checked, unsealed=AuditRecord.objects.filter(hash__isnull=True).count())
