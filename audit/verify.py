"""Walk the chain and report the first record that does not match."""

from __future__ import annotations

from dataclasses import dataclass

from .chain import GENESIS, HASHED_FIELDS, record_hash
from .models import AuditRecord


@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""


def verify_chain(*, batch_size: int = 20000) -> ChainReport:
    fields = [f for f in HASHED_FIELDS] + ["prev_hash", "hash"]
    prev_hash = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(
            AuditRecord.objects.filter(id__gt=last_id).order_by("id").values_list(*fields)[:batch_size]
        )
        if not rows:
            break
        for row in rows:
            values = dict(zip(fields, row))
            if values["prev_hash"] != prev_hash:
                return ChainReport(False, checked, values["id"],
                                   "prev_hash does not match the preceding record (a record was removed, inserted or reordered)")
            if record_hash(values, prev_hash) != values["hash"]:
                return ChainReport(False, checked, values["id"], "content does not match its hash (the record was altered)")
            prev_hash = values["hash"]
            checked += 1
        last_id = rows[-1][0]
    return ChainReport(True, checked)
