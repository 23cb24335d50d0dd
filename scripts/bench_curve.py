"""The scale curve (issue 25): the read and write scenarios at growing data sizes, in one database.

`scripts/bench.py --curve 1000,10000,100000` seeds the smallest size as `make bench` does (cases through
the services, then copies), runs the scenarios on a fresh gunicorn, then grows the SAME database to
the next size and runs them again. Growing instead of seeding afresh keeps 100,000 cases affordable on
a small machine. What a growth step adds, all bulk-loaded and counted in the report:
  - cases: copies of service-made cases in money-free states, with their timeline, team, categories,
    deadlines and cabinet decisions (bench_seed.clone_cases), among them a fresh pool of signal
    cases for the transition scenario; timeline notes when the copies fall short of the events'
    proportion;
  - the ledger: reservation/release pairs of equal amounts on open positions (bench_domain._ledger_bulk:
    every balance unchanged, so every limit holds after every entry), up to `ENTRIES_PER_CASE` per case;
  - the audit trail: sealed records continuing the chain (COPY, bench_seed.bulk_load_audit), up to
    `--curve-audit-per-case` per case, capped where the machine's measured COPY rate would take longer
    than `--curve-audit-budget` seconds (the cap is labelled in the report).
Positions, valuations, assessments and letters are not copied: they stay as the smallest size's
services made them (money is never bulk-loaded into a position).

Per size: the chain sealed, the database vacuumed and checkpointed, the chain verified (timed), then
every read and write scenario (not the Kamerbrief render, whose cost does not depend on the data) at
`--curve-concurrency` for `--curve-duration` seconds, each beside the floor of the same level and the
same server, with the sealer running beside the load. The report's "Scale curve" section
(bench_report.curve_section) gives p95 and throughput per scenario per size and the largest size
against the one before (the issue's target: within 1.2x).
"""

from __future__ import annotations

import os
import random
import time
from argparse import Namespace
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

ENTRIES_PER_CASE = 5  # the data set: 50,000 ledger entries at 10,000 cases
EVENTS_PER_CASE = 10  # 100,000 timeline events at 10,000 cases
CURVE_SCENARIO_KINDS = ("read", "write")


def log(message: str) -> None:
    print(f"[{datetime.now(dt_timezone.utc):%H:%M:%S}] {message}", flush=True)


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(float(part)) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 100:
        raise SystemExit("--curve takes case counts of at least 100, e.g. 1000,10000,100000")
    return sizes


def _counts() -> dict:
    from audit.models import AuditRecord
    from bev.models import JournalEntry, Position
    from cases.models import Case, TimelineEvent

    return {
        "cases": Case.objects.count(),
        "timeline_events": TimelineEvent.objects.count(),
        "ledger_entries": JournalEntry.objects.count(),
        "positions": Position.objects.count(),
        "audit_records": AuditRecord.objects.count(),
    }


def grow(
    *, size: int, args, users: dict, rng: random.Random, pool_mark: str, audit_rate: float | None, reference_tag: str
) -> dict:
    """Bring the database to `size` cases, the ledger and audit trail in proportion (see the module)."""
    import bench_domain
    import bench_seed

    from audit.models import AuditRecord
    from cases.models import Case

    out: dict = {"bulk_loaded": True}
    started = time.perf_counter()
    missing = size - Case.objects.count()
    pool = transition_pool_size(args)
    if missing > 0:
        out["cases"] = bench_seed.clone_cases_sql(
            count=missing, pool=min(pool, missing), rng=rng, pool_mark=pool_mark, reference_tag=reference_tag
        )
        log(f"  grow to {size}: cases {out['cases']}")
    t0 = time.perf_counter()
    out["timeline_notes"] = bench_seed.bulk_notes(target_events=size * EVENTS_PER_CASE, rng=rng)
    out["ledger_entries"] = bench_domain._ledger_bulk(users=users, target=size * ENTRIES_PER_CASE, rng=rng)
    out["ledger_seconds"] = round(time.perf_counter() - t0, 1)
    log(f"  grow to {size}: {out['timeline_notes']} notes, {out['ledger_entries']} ledger entries")
    wanted = size * args.curve_audit_per_case - AuditRecord.objects.count()
    if wanted > 0 and audit_rate and wanted / audit_rate > args.curve_audit_budget:
        capped = int(audit_rate * args.curve_audit_budget)
        out["audit_capped"] = (
            f"{wanted} audit records would take ~{wanted / audit_rate:.0f} s at the measured "
            f"{audit_rate:.0f} records/s; {capped} loaded (budget {args.curve_audit_budget:.0f} s)"
        )
        log(f"  grow to {size}: {out['audit_capped']}")
        wanted = capped
    if wanted > 0:
        last_ts = AuditRecord.objects.order_by("-id").values_list("timestamp", flat=True).first()
        refs = list(Case.objects.order_by("?").values_list("pk", "reference", "title")[:20_000])
        base = last_ts or datetime.now(dt_timezone.utc)
        loaded = bench_seed.bulk_load_audit(
            count=wanted,
            users=users,
            case_refs=refs,
            rng=rng,
            start=base + timedelta(milliseconds=1),
            end=base + timedelta(milliseconds=1) + timedelta(microseconds=wanted * 10),
        )
        out["audit_records"] = loaded
        log(f"  grow to {size}: audit {loaded}")
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


# Transition steps per second a pool is sized for: above what has been measured (306/s at 16 clients
# in the curve of 6 December 04:50, on 2 CPUs), so the pool lasts every level; when a level still runs
# through it, the report notes "pool ... exhausted" beside the level's errors (the repeats' 409s).
TRANSITION_STEPS_PER_S = 600


def transition_pool_cases(*, duration: float, levels: int) -> int:
    """Signal cases a transition scenario of `levels` levels of `duration` seconds needs: three steps
    each, at TRANSITION_STEPS_PER_S."""
    return max(60, int(duration * TRANSITION_STEPS_PER_S * levels / 3))


def transition_pool_size(args) -> int:
    """Signal cases a size's transition scenario needs (`transition_pool_cases`)."""
    levels = [int(c) for c in args.curve_concurrency.split(",") if c.strip()]
    return transition_pool_cases(duration=args.curve_duration, levels=len(levels))


def prepare_database(report_size: dict) -> None:
    """Seal what the services wrote, vacuum and checkpoint (as before `make bench`'s load), and verify
    the chain (timed: the curve's in-process figure)."""
    from django.db import DatabaseError, connection

    from audit.services import audit_chain_seal
    from audit.verify import verify_chain

    t0 = time.perf_counter()
    sealed = audit_chain_seal()
    report_size["chain_seal"] = {"sealed": sealed, "seconds": round(time.perf_counter() - t0, 2)}
    t0 = time.perf_counter()
    for statement in ("VACUUM ANALYZE", "CHECKPOINT"):
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        except DatabaseError as exc:  # CHECKPOINT needs a superuser when a DATABASE_URL is given
            log(f"{statement}: {exc}".strip())
    report_size["vacuum_seconds"] = round(time.perf_counter() - t0, 1)
    connection.close()
    t0 = time.perf_counter()
    chain = verify_chain()
    report_size["chain_verification"] = {
        "ok": chain.ok,
        "records": chain.checked,
        "workers": chain.workers,
        "seconds": round(time.perf_counter() - t0, 2),
        "problem": chain.problem,
    }
    log(f"  chain verification: {report_size['chain_verification']}")


def run_curve(*, args, env: dict, url: str, tokens: dict, users: dict, report: dict, hooks, checkpoint=None) -> None:
    """Every size of `args.curve`: grow, prepare, serve, measure. `hooks` is bench.py's module (its
    scenarios, server runner and sealer), passed in to keep one definition of each; `checkpoint()`
    writes the report so far after each size (a run stopped at the largest size keeps the others)."""
    import bench_domain
    import bench_load
    from django.db import connection

    sizes = parse_sizes(args.curve)
    levels = args.curve_concurrency
    run_args = Namespace(**{**vars(args), "concurrency": levels, "duration": args.curve_duration})
    # The disbursement's proposals are made through the service before each level, as many as the level
    # can approve at bench_domain.DISBURSEMENT_APPROVALS_PER_S (was 100/s: 500 per level, which 16
    # clients ran through at every size, so their figure was idempotent repeats).
    rng = random.Random(4242)
    curve: dict = {
        "sizes": [],
        "concurrency": levels,
        "duration_s": args.curve_duration,
        "audit_per_case": args.curve_audit_per_case,
        "ledger_entries_per_case": ENTRIES_PER_CASE,
        "timeline_events_per_case": EVENTS_PER_CASE,
    }
    report["curve"] = curve
    audit_rate = None
    for index, size in enumerate(sizes):
        entry: dict = {"size": size, "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
        curve["sizes"].append(entry)
        log(f"curve: size {size}")
        if index > 0:
            from bench_seed import ensure_users_readonly

            entry["growth"] = grow(
                size=size,
                args=args,
                users=ensure_users_readonly(),
                rng=rng,
                pool_mark=hooks.TRANSITION_POOL_MARK,
                audit_rate=audit_rate,
                reference_tag=f"G{index}",
            )
            loaded = entry["growth"].get("audit_records") or {}
            if loaded.get("seconds"):
                audit_rate = loaded["added"] / loaded["seconds"]
        prepare_database(entry)
        entry["data"] = _counts()
        log(f"  data: {entry['data']}")
        scenarios = hooks.case_scenarios(random.Random(99)) + bench_domain.scenarios(users=users, rng=random.Random(99))
        scenarios = [s for s in scenarios if s.get("kind") in CURVE_SCENARIO_KINDS or s.get("missing")]
        if args.only:
            wanted = set(args.only.split(","))
            scenarios = [s for s in scenarios if s["name"] in wanted]
        connection.close()
        last = index == len(sizes) - 1
        sealer = hooks.ChainSealer(interval=float(os.environ.get("AUDIT_SEAL_INTERVAL_SECONDS", "5")))
        server = bench_load.Server(
            python=hooks.sys.executable,
            env=env,
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
            log_path=str(hooks.ROOT / "var" / f"bench-gunicorn-{size}.log"),
        )
        measured: dict = {}
        try:
            server.wait_ready(tokens["bench_lead"])
            sealer.start()
            hooks.run_scenarios(run_args, server, tokens, scenarios, measured)
            if last:
                # The largest size's server also gives the main report's figures (targets, ledger, soak).
                report["scenarios"] = [
                    {"name": s["name"], "label": s.get("label", s["name"]), "kind": s.get("kind"), "missing": ""}
                    for s in scenarios
                ]
                report["runs"] = measured.get("runs", [])
                report["rss_mb_at_start"] = measured.get("rss_mb_at_start")
                report["chain_verification"] = entry["chain_verification"]
                if args.curve_ledger:
                    report["ledger"] = bench_domain.ledger_three_ways(
                        server=server, tokens=tokens, duration=run_args.duration, database_url=url
                    )
                    log(f"ledger: {report['ledger']}")
                if args.soak > 0:
                    hooks.soak(args, server, tokens, scenarios, report)
                report["rss_mb_at_end"] = server.worker_rss_mb()
        finally:
            server.stop()
            entry["chain_sealer"] = sealer.stop()
        entry["runs"] = measured.get("runs", [])
        entry["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        if last:
            report["chain_sealer"] = entry["chain_sealer"]
        elif checkpoint is not None:
            checkpoint()
        connection.close()
