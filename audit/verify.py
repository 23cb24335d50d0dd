"""Walk the chain and report the first record that does not match.

Each link can be checked on its own: a record's hash is the hash of its content and its stored
prev_hash, and that prev_hash must be its predecessor's hash. So on PostgreSQL a long chain is cut
into ranges of seq that worker processes verify at the same time, and the ranges are joined in
chain order: each range's first prev_hash must be the preceding range's last hash. The report is
the one a single walk from the first record gives: the first problem in chain order, and how many
records were verified before it."""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Max, Min

from .chain import GENESIS, HASHED_FIELDS, content_hash, stored_rows
from .models import AuditRecord
from .verify_worker import init_worker

logger = logging.getLogger(__name__)

LINK_BROKEN = "prev_hash does not match the preceding record (a record was removed, inserted or reordered)"
CONTENT_ALTERED = "content does not match its hash (the record was altered)"


@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""
    unsealed: int = 0  # committed records the sealer has not chained yet (not verified)
    workers: int = 1  # processes that verified it
    last_seq: int | None = None  # the last record verified good (before the break, if any)
    last_hash: str = ""


@dataclass(frozen=True)
class _Range:
    """What verifying the records with lo < seq <= hi found (hi None: to the end of the chain)."""

    first_id: int | None  # None: no record in the range
    first_prev: str
    last_hash: str
    checked: int
    bad_id: int | None = None
    problem: str = ""
    last_seq: int | None = None  # of the record whose hash is last_hash


def verify_chain(*, batch_size: int = 20000, workers: int | None = None) -> ChainReport:
    """Every sealed record, in chain order: its prev_hash is its predecessor's hash and its hash
    matches its content. Reads only; seal first (`audit_chain_seal`) to include the newest records.
    `workers`: processes to use (default: AUDIT_VERIFY_WORKERS once the chain holds
    AUDIT_VERIFY_PARALLEL_FROM records, and only on PostgreSQL); 1 walks the chain in this process."""
    bounds = AuditRecord.objects.filter(seq__isnull=False).aggregate(first=Min("seq"), last=Max("seq"))
    if bounds["first"] is None:
        return _join([], 1)
    # From the lowest seq there is, not from 1: a record slipped in before the first is found too.
    lo, hi = bounds["first"] - 1, bounds["last"]
    workers = _default_workers(hi - lo) if workers is None else workers
    ranges = _verify_in_parallel(_cut(lo, hi, workers * 2), workers, batch_size) if workers > 1 else None
    if ranges is None:
        return _join([_verify_range(lo, None, batch_size)], 1)
    return _join(ranges, workers)


def _join(ranges: list[_Range], workers: int) -> ChainReport:
    prev_hash, checked, last_seq = GENESIS, 0, None
    for found in ranges:
        if found.first_id is None:
            continue
        if found.first_prev != prev_hash:
            return ChainReport(
                False,
                checked,
                found.first_id,
                LINK_BROKEN,
                workers=workers,
                last_seq=last_seq,
                last_hash=_known(prev_hash),
            )
        checked += found.checked
        if found.last_seq is not None:
            last_seq, prev_hash = found.last_seq, found.last_hash
        if found.problem:
            return ChainReport(
                False,
                checked,
                found.bad_id,
                found.problem,
                workers=workers,
                last_seq=last_seq,
                last_hash=_known(prev_hash),
            )
    return ChainReport(
        True,
        checked,
        unsealed=AuditRecord.objects.filter(hash__isnull=True).count(),
        workers=workers,
        last_seq=last_seq,
        last_hash=_known(prev_hash),
    )


def _known(hash_: str) -> str:
    return "" if hash_ == GENESIS else hash_


def _verify_range(lo: int, hi: int | None, batch_size: int) -> _Range:
    """The records with lo < seq <= hi in order, each against its predecessor in the range; the
    first one's prev_hash is taken as stored (`_join` checks it against the preceding range)."""
    n = len(HASHED_FIELDS)
    sealed = AuditRecord.objects.filter(seq__isnull=False).order_by("seq")
    if hi is not None:
        sealed = sealed.filter(seq__lte=hi)
    first_id, first_prev, prev_hash, checked, last_seq = None, "", "", 0, lo
    good_seq: int | None = None  # the last record verified good
    while True:
        rows = stored_rows(sealed.filter(seq__gt=last_seq)[:batch_size], extra=("seq", "prev_hash", "hash"))
        if not rows:
            break
        if first_id is None:
            first_id, first_prev = rows[0][0], rows[0][n + 1]
            prev_hash = first_prev
        for row in rows:
            stored_prev, stored_hash = row[n + 1 :]
            if stored_prev != prev_hash:
                return _Range(first_id, first_prev, prev_hash, checked, row[0], LINK_BROKEN, good_seq)
            if content_hash(row, prev_hash) != stored_hash:
                return _Range(first_id, first_prev, prev_hash, checked, row[0], CONTENT_ALTERED, good_seq)
            prev_hash, good_seq = stored_hash, row[n]
            checked += 1
        last_seq = rows[-1][n]
    return _Range(first_id, first_prev, prev_hash, checked, last_seq=good_seq)


def _cut(lo: int, hi: int, parts: int) -> list[tuple[int, int | None]]:
    """`parts` consecutive ranges of seq from lo (exclusive) to hi; the last one open-ended, so that
    records sealed while verifying are included as a single walk would include them."""
    cuts = sorted({lo + (hi - lo) * k // parts for k in range(1, parts)} - {lo})
    return list(zip([lo, *cuts], [*cuts, None]))


def _default_workers(records: int) -> int:
    if connections["default"].vendor != "postgresql" or records < settings.AUDIT_VERIFY_PARALLEL_FROM:
        return 1
    return max(1, settings.AUDIT_VERIFY_WORKERS)


def _worker_setup() -> tuple[str, dict]:
    """What a worker needs to reach the same database: the settings module and the connection's
    parameters as this process has them (under pytest, the test database's name)."""
    db = connections["default"].settings_dict
    # Under override_settings SETTINGS_MODULE reads None: the module the process was started with.
    module = settings.SETTINGS_MODULE or os.environ["DJANGO_SETTINGS_MODULE"]
    return module, {key: db[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}


def _pool_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a forkserver that has Django set up (`audit.verify_forkserver`), where the
    platform has one; else spawned, each importing and setting up Django itself."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["audit.verify_forkserver"])
    return context


def _verify_in_parallel(bounds: list[tuple[int, int | None]], workers: int, batch_size: int) -> list[_Range] | None:
    """The ranges verified by a pool of fresh processes (not forked from this one: a fork would share
    this process's database connection and threads). None when that cannot be done here, which the caller
    answers by walking the chain itself: a verification is never refused for want of processes."""
    if multiprocessing.current_process().daemon:  # e.g. a Celery prefork child may not have children
        return None
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_pool_context(),
            initializer=init_worker,
            initargs=_worker_setup(),
        ) as pool:
            return list(
                pool.map(_verify_range, [lo for lo, _ in bounds], [hi for _, hi in bounds], [batch_size] * len(bounds))
            )
    except Exception:
        logger.exception("Parallel verification of the audit chain failed; verifying it in one process")
        return None
