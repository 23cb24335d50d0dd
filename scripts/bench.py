#!/usr/bin/env python
"""`make bench`: how fast the service stays as the years add cases, audit records and ledger entries.

Run by `make bench` inside scripts/with-services.sh, which supplies DATABASE_URL (a throw-away
PostgreSQL) and REDIS_URL. The script
  1. creates a fresh database beside the one in DATABASE_URL (named *_bench; never the given one
     unless its name already says bench), migrates it, and seeds the data set through the services
     (scripts/bench_seed.py, scripts/bench_domain.py); the audit trail is bulk-loaded with a valid
     hash chain;
  2. times the audit-chain verification and the Kamerbrief rendering in-process;
  3. starts gunicorn (config.wsgi, production settings, generated secret) on a free loopback port and
     drives it with wrk at several concurrency levels, every scenario next to the floor
     (core.bench_views.floor_view: the same stack doing no work), so figures are ratios in one run;
  4. measures the ledger's hot path three ways (pgbench on the raw SQL, the service from threads, the
     API);
  5. soaks the server and reports the workers' memory at start and end;
  6. prints the report and writes it as JSON and Markdown under docs/benchmarks/ (full size) or
     docs/benchmarks/tmp/ (any --scale below 1, not committed).

Flags: --scale (data size, 1 = the issue's sizes), --duration (seconds per scenario and level),
--concurrency (levels), --soak (seconds; the target is 600), --workers, --reuse (keep seeded data),
--curve 1000,10000,100000 (the scale curve: scripts/bench_curve.py), --quick (`make bench-quick`).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import secrets
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_load  # noqa: E402
import bench_report  # noqa: E402
import bench_seed  # noqa: E402

READ, WRITE = "read", "write"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="data size; 1 = 10k cases, 1M audit records")
    parser.add_argument("--duration", type=float, default=10, help="seconds per scenario per concurrency level")
    parser.add_argument("--concurrency", default="1,4,16", help="comma separated client counts")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread only)")
    parser.add_argument(
        "--soak", type=float, default=600, help="seconds of mixed load for the memory check (the issue: 10 minutes)"
    )
    parser.add_argument("--seed-jobs", type=int, default=3, help="processes seeding cases in parallel")
    parser.add_argument(
        "--ledger-budget",
        type=float,
        default=45,
        help="seconds of ledger bookings through the services before the rest is bulk-loaded",
    )
    parser.add_argument(
        "--case-budget",
        type=float,
        default=240,
        help="seconds for making cases through the services; copies fill up the count",
    )
    parser.add_argument(
        "--timeline-budget",
        type=float,
        default=30,
        help="seconds of suspend/resume through the services to add timeline events",
    )
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded bench database")
    parser.add_argument(
        "--fast-paths-off",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the read scenarios on a server with BEV_FAST_PATHS=off (core.fastpaths), "
        "so the report shows what each fast path buys",
    )
    parser.add_argument(
        "--anchors",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="serve a bare Django view and a bare DRF view with token authentication "
        "(scripts/bench_anchor) beside the floor and report the floor against them",
    )
    parser.add_argument("--only", default="", help="comma separated scenario names (default: all)")
    parser.add_argument("--out", default="", help="report directory (default docs/benchmarks[/tmp])")
    parser.add_argument(
        "--report-name",
        default="",
        help="file name of the report without .md/.json (default latest; with --curve and no --quick, <date>-curve)",
    )
    parser.add_argument(
        "--curve",
        default="",
        help="comma separated case counts, e.g. 1000,10000,100000: seed the smallest, measure, grow the same "
        "database to the next size (bulk-loaded, labelled), measure again (scripts/bench_curve.py)",
    )
    parser.add_argument("--curve-duration", type=float, default=5, help="seconds per scenario and level in the curve")
    parser.add_argument("--curve-concurrency", default="1,16", help="client counts in the curve")
    parser.add_argument(
        "--curve-audit-per-case", type=int, default=100, help="audit records per case as the curve grows"
    )
    parser.add_argument(
        "--curve-audit-budget",
        type=float,
        default=600,
        help="seconds one growth step may spend loading audit records (at the rate measured in the step "
        "before); the rest is left out and the cap labelled in the report",
    )
    parser.add_argument(
        "--curve-ledger",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure the ledger's hot path three ways at the curve's largest size (default: with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
        help="the quick mode (`make bench-quick`, BENCH_QUICK=1; about 10 minutes on 2 CPUs): the curve at "
        "1,000 and 10,000 cases, 3 s per scenario at 1 and 16 clients, the ledger three ways and a 30 s soak "
        "at 10,000, short seeding budgets, no fast-paths-off run; each explicitly given flag still wins",
    )
    args = parser.parse_args(argv)
    if args.quick:
        given = {a.split("=")[0] for a in (argv if argv is not None else sys.argv[1:]) if a.startswith("--")}
        quick = {
            "curve": "1000,10000",
            "curve_duration": 3.0,
            "curve_concurrency": "1,16",
            "soak": 30.0,
            "case_budget": 60.0,
            "ledger_budget": 10.0,
            "timeline_budget": 5.0,
            "fast_paths_off": False,
        }
        for name, value in quick.items():
            flag = name.replace("_", "-")
            if f"--{flag}" not in given and f"--no-{flag}" not in given:
                setattr(args, name, value)
    if args.curve_ledger is None:
        args.curve_ledger = args.quick
    if args.curve:
        import bench_curve

        args.scale = bench_curve.parse_sizes(args.curve)[0] / 10_000
    return args


def log(message: str) -> None:
    print(f"[{datetime.now(dt_timezone.utc):%H:%M:%S}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Database and environment
# ---------------------------------------------------------------------------------------------
def bench_database_url(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") or "postgres"
    target = name if "bench" in name else f"{name}_bench"
    return urlunparse(parsed._replace(path="/" + target)), target


def recreate_database(url: str, name: str) -> None:
    import psycopg

    parsed = urlparse(url)
    for maintenance in ("postgres", "template1"):
        try:
            conn = psycopg.connect(urlunparse(parsed._replace(path="/" + maintenance)), autocommit=True)
            break
        except psycopg.OperationalError:
            continue
    else:
        raise SystemExit("Cannot reach a maintenance database to create the bench database.")
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(ROOT),
            "BEV_BENCH_ENDPOINTS": "on",  # the floor, GET /api/bench/floor/ (off in a deployment)
            # The data set spreads cases over every level up to geheim, as the test suite's does; a real
            # deployment declares its own accredited maximum (docs/security.md).
            "BEV_MAX_CLASSIFICATION": os.environ.get("BEV_MAX_CLASSIFICATION", "geheim"),
        }
    )
    return env


def machine_description(pg_version: str) -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    mem_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    wrk = subprocess.run([bench_load.ensure_wrk(), "--version"], capture_output=True, text=True)
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu_model": cpu,
        "postgresql": pg_version,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "git_commit": commit,
        "load_generator": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "wrk",
    }


# ---------------------------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------------------------
TRANSITION_POOL_MARK = "transitiepool"


class ChainSealer:
    """What Celery beat does in production (audit.tasks.seal_chain every few seconds), in a thread
    beside the load, so the figures include the cost of chaining what the requests write."""

    def __init__(self, *, interval: float):
        import threading

        self.interval, self.stopping = interval, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.sealed, self.runs, self.busy, self.longest = 0, 0, 0.0, 0.0

    def _run(self):
        from django.db import connection

        from audit.services import audit_chain_seal

        while not self.stopping.wait(self.interval):
            started = time.perf_counter()
            self.sealed += audit_chain_seal()
            took = time.perf_counter() - started
            self.runs, self.busy, self.longest = self.runs + 1, self.busy + took, max(self.longest, took)
        connection.close()

    def start(self):
        self.thread.start()

    def stop(self) -> dict:
        self.stopping.set()
        self.thread.join(timeout=120)
        from audit.services import audit_chain_seal

        self.sealed += audit_chain_seal()
        return {
            "interval_s": self.interval,
            "runs": self.runs,
            "sealed": self.sealed,
            "busy_s": round(self.busy, 2),
            "longest_s": round(self.longest, 3),
        }


def seed(args, report: dict) -> None:
    import bench_domain
    from django.db import connections
    from django.utils import timezone

    from audit.models import AuditRecord
    from cases.models import Case, TimelineEvent

    rng = random.Random(20231)
    stats = bench_seed.SeedStats()
    users = bench_seed.ensure_users()
    n_cases = max(40, int(10_000 * args.scale))
    # Signal cases for the transition scenario: three steps each, enough for every level at
    # bench_curve.TRANSITION_STEPS_PER_S (fewer, and later requests repeat a step already taken: 409s,
    # which the report notes as "pool ... exhausted"). At a small scale they come on top of the cases
    # the scale asks for (the read scenarios leave the pool out).
    import bench_curve

    levels = len([c for c in str(args.concurrency).split(",") if c.strip()])
    pool = max(60, int(3_000 * args.scale), bench_curve.transition_pool_cases(duration=args.duration, levels=levels))
    if getattr(args, "curve", ""):  # the curve's first size: as many as a size's transition scenario takes
        pool = min(n_cases // 2, max(int(3_000 * args.scale), bench_curve.transition_pool_size(args)))
    audit_total = max(1_000, int(1_000_000 * args.scale))
    events_target = max(200, int(100_000 * args.scale))

    # 1. The audit trail's history (the past three years), leaving room for what the services write.
    started = time.perf_counter()
    year = timezone.localdate().year
    refs = [(i, f"BEV-{year}-{i:04d}", "Voorgenomen overname") for i in range(1, n_cases + 1)]
    history = max(0, audit_total - n_cases * 16)
    now = datetime.now(dt_timezone.utc)
    loaded = bench_seed.bulk_load_audit(
        count=history,
        users=users,
        case_refs=refs,
        rng=rng,
        start=now - timedelta(days=3 * 365),
        end=now - timedelta(hours=1),
    )
    log(f"audit history: {loaded['added']} records bulk-loaded in {loaded['seconds']} s")

    prepared = bench_domain.prepare(users=users)
    log(f"fund: {prepared}")

    # 2. Cases through the services, in parallel processes, within the time budget; then copies of
    #    service-made money-free cases up to the target count (bench_seed.clone_cases says why).
    t0 = time.perf_counter()
    n_service = min(n_cases, max(40, int(2_000 * args.scale)))
    targets = bench_seed.plan_mix(n_service, bench_seed.SERVICE_MIX, rng)
    chunk = 10
    jobs = [(i + 1, targets[i : i + chunk], 1000 + i) for i in range(0, len(targets), chunk)]
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    done = 0
    deadline = time.monotonic() + args.case_budget
    workers = ctx.Pool(max(1, args.seed_jobs))
    try:
        for result in workers.imap_unordered(bench_seed.seed_cases_worker, jobs):
            done += len(result["cases_done"]) if "cases_done" in result else result["cases"]
            stats.cases += result["cases"]
            stats.transitions_by_service += result["transitions_by_service"]
            stats.direct_state_steps += result["direct_state_steps"]
            stats.notes += result["notes"]
            for name, count in result["direct_steps_by_transition"].items():
                stats.direct_steps_by_transition[name] = stats.direct_steps_by_transition.get(name, 0) + count
            if done % 200 < chunk:
                log(f"  cases through the services: {done}/{len(targets)} ({time.perf_counter() - t0:.0f} s)")
            if time.monotonic() > deadline:
                stats.notes.append(f"case budget of {args.case_budget:.0f} s reached after {done} service-made cases")
                log(stats.notes[-1])
                break
    finally:
        workers.terminate()
        workers.join()
    connections.close_all()
    stats.seconds["cases"] = round(time.perf_counter() - t0, 1)
    service_made = Case.objects.count()
    log(
        f"cases: {service_made} through the services in {stats.seconds['cases']} s "
        f"({stats.direct_state_steps} direct state steps)"
    )
    cloned = bench_seed.clone_cases(count=n_cases - service_made, pool=pool, rng=rng, pool_mark=TRANSITION_POOL_MARK)
    log(f"cases: {cloned}")
    pool_ids = list(Case.objects.filter(title__contains=TRANSITION_POOL_MARK).values_list("pk", flat=True))

    # 3. The fund, assessments and letters, through their services where they exist.
    t0 = time.perf_counter()
    domain = bench_domain.seed(users=users, scale=args.scale, rng=rng, budget_s=args.ledger_budget)
    stats.seconds["domain"] = round(time.perf_counter() - t0, 1)
    log(f"domain: {domain} in {stats.seconds['domain']} s")

    # 4. More timeline events through the services (suspend/resume), up to the target.
    t0 = time.perf_counter()
    made = bench_seed.top_up_timeline(target_events=events_target, users=users, rng=rng, budget_s=args.timeline_budget)
    notes = bench_seed.bulk_notes(target_events=events_target, rng=rng)
    stats.seconds["timeline_top_up"] = round(time.perf_counter() - t0, 1)

    # 5. The audit trail's top-up to the target size, after the live records.
    last_ts = AuditRecord.objects.order_by("-id").values_list("timestamp", flat=True).first()
    top = audit_total - AuditRecord.objects.count()
    real_refs = list(Case.objects.values_list("pk", "reference", "title")[:20_000])
    loaded2 = bench_seed.bulk_load_audit(
        count=top,
        users=users,
        case_refs=real_refs,
        rng=rng,
        start=last_ts + timedelta(milliseconds=1),
        end=last_ts + timedelta(milliseconds=1) + timedelta(microseconds=max(top, 1) * 10),
    )
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    report["seed"] = {
        "cases": Case.objects.count(),
        "cases_by_state": dict(
            sorted((row["state"], row["n"]) for row in Case.objects.values("state").annotate(n=_count()).order_by())
        ),
        "timeline_events": TimelineEvent.objects.count(),
        "timeline_events_from_suspend_resume_top_up": made,
        "timeline_notes_bulk_loaded": notes,
        "cases_through_services": service_made,
        "cases_copied": cloned,
        "audit_records": AuditRecord.objects.count(),
        "audit_bulk_loaded": loaded["added"] + loaded2["added"],
        "transitions_by_service": stats.transitions_by_service,
        "direct_state_steps": stats.direct_state_steps,
        "direct_steps_by_transition": stats.direct_steps_by_transition,
        "transition_pool": len(pool_ids),
        "seed_errors": stats.notes[:20],
        "domain": domain,
        "seconds_total": round(time.perf_counter() - started, 1),
    }
    log(f"seed done: {json.dumps(report['seed'])}")


def _count():
    from django.db.models import Count

    return Count("id")


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------
def case_scenarios(rng: random.Random) -> list[dict]:
    from bench_load import Request

    from cases.models import Case

    ids = list(Case.objects.exclude(title__contains=TRANSITION_POOL_MARK).values_list("pk", flat=True))
    rng.shuffle(ids)
    ids = ids[:2000]
    total = Case.objects.count()
    pages = max(1, min(8, total // 25))
    list_paths = [f"/api/cases/?page_size=25&page={p}" for p in range(1, pages + 1)]
    # Counted without the transition pool, whose cases leave `signal` during the run: every page
    # listed here exists for the whole run.
    by_state = dict(
        (row["state"], row["n"])
        for row in Case.objects.exclude(title__contains=TRANSITION_POOL_MARK)
        .values("state")
        .annotate(n=_count())
        .order_by()
    )
    for state, n in by_state.items():
        for p in range(1, max(1, min(3, n // 25)) + 1):
            list_paths.append(f"/api/cases/?state={state}&page_size=25&page={p}")
    list_paths += [
        "/api/cases/?state=monitoring&state=exit&ordering=-signal_received_at&page_size=25",
        "/api/cases/?urgency=immediate&page_size=25",
        "/api/cases/?category=wbni&page_size=25",
        "/api/cases/?classification=vertrouwelijk&ordering=reference&page_size=25",
        "/api/cases/?search=Fotonica&page_size=25",
        "/api/cases/?page_size=100",
    ]
    rng.shuffle(list_paths)
    return [
        {
            "name": "case_list",
            "kind": READ,
            "user": "bench_lead",
            "label": "Case list (filtered, paginated)",
            "requests": [Request("GET", p) for p in list_paths],
        },
        {
            "name": "case_detail",
            "kind": READ,
            "user": "bench_lead",
            "label": "Case detail",
            "requests": [Request("GET", f"/api/cases/{pk}/") for pk in ids],
        },
        {
            "name": "case_timeline",
            "kind": READ,
            "user": "bench_lead",
            "label": "Case timeline",
            "requests": [Request("GET", f"/api/cases/{pk}/timeline/") for pk in ids],
        },
        {
            "name": "transition",
            "kind": WRITE,
            "user": "bench_lead",
            "label": "Transition (start_intake / start_assessment / withdraw)",
            "prepare": transition_requests,
        },
    ]


def transition_requests(concurrency: int, duration: float) -> list:
    """Every pool case's remaining steps of signal -> intake -> risk_assessment -> withdrawn, step by
    step (all first steps before any second one), so each request takes a transition once."""
    from bench_load import Request

    from cases.models import Case

    steps = [("start_intake", ""), ("start_assessment", ""), ("withdraw", "De overnemer trok zich terug.")]
    first_step = {"signal": 0, "intake": 1, "risk_assessment": 2}
    pool = list(
        Case.objects.filter(title__contains=TRANSITION_POOL_MARK, state__in=list(first_step))
        .order_by("id")
        .values_list("pk", "state")
    )
    return [
        Request("POST", f"/api/cases/{pk}/transitions/", json.dumps({"name": name, "reason": reason}))
        for index, (name, reason) in enumerate(steps)
        for pk, state in pool
        if first_step[state] <= index
    ]


def run_reads_without_fast_paths(
    args, env: dict, log_path: str, tokens: dict, scenarios: list[dict], report: dict
) -> None:
    """The read scenarios again, on a second server started with BEV_FAST_PATHS=off (the plain ORM
    and DRF: core.fastpaths), each level beside its own floor: `report["runs_fast_paths_off"]`."""
    reads = [s for s in scenarios if s.get("kind") == READ]
    if not reads:
        return
    server = bench_load.Server(
        python=sys.executable,
        env={**env, "BEV_FAST_PATHS": "off"},
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        log_path=log_path,
    )
    try:
        server.wait_ready(tokens["bench_lead"])
        log(f"fast paths off: gunicorn on {server.url}")
        off: dict = {}
        run_scenarios(args, server, tokens, reads, off)
        report["runs_fast_paths_off"] = off.get("runs", [])
    finally:
        server.stop()


class Anchors:
    """The anchors of issue 25: a bare Django project (scripts/bench_anchor) on a second gunicorn with the
    same settings, its own database on the same PostgreSQL server (DRF's token table in it)."""

    def __init__(self, args, env: dict, database_url: str, log_path: str):
        parsed = urlparse(database_url)
        name = parsed.path.lstrip("/") + "_anchor"
        recreate_database(database_url, name)
        self.env = {
            **env,
            "ANCHOR_DATABASE_URL": urlunparse(parsed._replace(path="/" + name)),
            "DJANGO_SETTINGS_MODULE": "bench_anchor.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), str(ROOT)]),
        }
        setup = subprocess.run(
            [sys.executable, "-m", "bench_anchor.setup"],
            env=self.env,
            cwd=ROOT / "scripts",
            capture_output=True,
            text=True,
            check=True,
        )
        self.token = setup.stdout.strip().splitlines()[-1]
        self.server = bench_load.Server(
            python=sys.executable,
            env=self.env,
            workers=args.workers,
            worker_class=args.worker_class,
            threads=args.threads,
            log_path=log_path,
            app="bench_anchor.wsgi:application",
            ready_path="/anchor/drf/",
        )
        self.server.wait_ready(self.token)

    def run(self, *, level: int, duration: float, results: list) -> None:
        from bench_load import Request, run_wrk

        for scenario, path in (("anchor_django", "/anchor/django/"), ("anchor_drf", "/anchor/drf/")):
            self.server.settle(self.token)
            result = run_wrk(
                base_url=self.server.url,
                scenario=scenario,
                requests=[Request("GET", path)],
                token=self.token,
                concurrency=level,
                duration=duration,
            )
            results.append({**result.as_dict(), "kind": "anchor"})
            log(f"c={level:<3} {scenario}: {_fmt(result)}")

    def warm(self, level: int) -> None:
        from bench_load import Request, run_wrk

        for path in ("/anchor/django/", "/anchor/drf/"):
            run_wrk(
                base_url=self.server.url,
                scenario="warm",
                requests=[Request("GET", path)],
                token=self.token,
                concurrency=level,
                duration=2,
            )

    def stop(self) -> None:
        self.server.stop()


def run_scenarios(
    args, server, tokens: dict, scenarios: list[dict], report: dict, anchors: Anchors | None = None
) -> None:
    from bench_load import Request
    from bench_load import run_wrk as _run

    def run_wrk(**kwargs):
        server.settle(tokens["bench_lead"])
        return _run(**kwargs)

    floor = [Request("GET", "/api/bench/floor/")]
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    runnable = [s for s in scenarios if not s.get("missing")]
    # Warm every worker on every read path before measuring (not recorded).
    for s in [{"name": "floor", "requests": floor, "user": "bench_lead"}] + [
        s for s in runnable if s["kind"] in (READ, "render")
    ]:
        run_wrk(
            base_url=server.url,
            scenario=s["name"],
            requests=s["requests"],
            token=tokens[s["user"]],
            concurrency=max(levels),
            duration=2,
        )
    if anchors is not None:
        anchors.warm(max(levels))
    report["rss_mb_at_start"] = server.worker_rss_mb()
    results = report.setdefault("runs", [])
    for level in levels:
        floors = []
        floors.append(
            run_wrk(
                base_url=server.url,
                scenario="floor",
                requests=floor,
                token=tokens["bench_lead"],
                concurrency=level,
                duration=args.duration,
            )
        )
        log(f"c={level:<3} floor: {_fmt(floors[-1])}")
        if anchors is not None:
            anchors.run(level=level, duration=args.duration, results=results)
        for s in runnable:
            requests = s["prepare"](level, args.duration) if "prepare" in s else s["requests"]
            if not requests:
                results.append(
                    {
                        **bench_load.RunResult(s["name"], level, note="no requests (pool empty)").as_dict(),
                        "kind": s["kind"],
                    }
                )
                continue
            result = run_wrk(
                base_url=server.url,
                scenario=s["name"],
                requests=requests,
                token=tokens[s["user"]],
                concurrency=level,
                duration=args.duration,
            )
            if s["kind"] == WRITE and result.requests > len(requests):
                result.note = (
                    f"pool of {len(requests)} requests exhausted: later requests repeat one already taken "
                    "(a transition: 409; an approval by the same manager: idempotent 200)"
                )
            results.append({**result.as_dict(), "kind": s["kind"]})
            log(f"c={level:<3} {s['name']}: {_fmt(result)}")
        floors.append(
            run_wrk(
                base_url=server.url,
                scenario="floor",
                requests=floor,
                token=tokens["bench_lead"],
                concurrency=level,
                duration=args.duration,
            )
        )
        log(f"c={level:<3} floor (again): {_fmt(floors[-1])}")
        for f in floors:
            results.append({**f.as_dict(), "kind": "floor"})


def _fmt(r) -> str:
    return (
        f"{r.throughput:8.1f} req/s  p50 {r.p50_ms:7.1f} ms  p95 {r.p95_ms:7.1f} ms  p99 {r.p99_ms:7.1f} ms"
        f"  errors {r.errors}{'  ' + r.note if r.note else ''}"
    )


def soak(args, server, tokens: dict, scenarios: list[dict], report: dict) -> None:
    """Mixed reads of every read scenario (each with its own user's token) at 16 clients, sampling
    the workers' memory."""
    from bench_load import Request, RssSampler, run_wrk

    reads = [Request("GET", "/api/bench/floor/")]
    for s in scenarios:
        if not s.get("missing") and s["kind"] in (READ, "render"):
            reads += [
                Request(r.method, r.path, r.body, tokens[s["user"]])
                for r in s["requests"][: (200 if s["kind"] == READ else 4)]
            ]
    random.Random(7).shuffle(reads)
    server.settle(tokens["bench_lead"])
    sampler = RssSampler(server, interval=max(2.0, min(10.0, args.soak / 6)))
    sampler.start()
    result = run_wrk(
        base_url=server.url,
        scenario="soak",
        requests=reads,
        token=tokens["bench_lead"],
        concurrency=16,
        duration=args.soak,
    )
    sampler.stop()
    report["soak"] = {
        "seconds": args.soak,
        "concurrency": 16,
        "result": result.as_dict(),
        "rss_samples": sampler.samples,
    }
    log(f"soak {args.soak:.0f} s: {_fmt(result)}")


# ---------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("The benchmark needs PostgreSQL: run it through `make bench` (or set DATABASE_URL).")
    bench_load.ensure_wrk()
    url, name = bench_database_url(os.environ["DATABASE_URL"])
    report: dict = {
        "started_at": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"),
        "args": vars(args),
        "database": name,
    }
    if not args.reuse:
        log(f"fresh database {name}")
        recreate_database(os.environ["DATABASE_URL"], name)
    env = server_env(url)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    report["machine"] = machine_description(pg_version)
    log(f"machine: {report['machine']}")

    from audit.context import acting
    from cases.models import Case

    t_all = time.perf_counter()
    if args.reuse and Case.objects.exists():
        log("reusing the seeded data")
        report["seed"] = (
            json.loads((ROOT / "var" / "bench-seed.json").read_text())
            if (ROOT / "var" / "bench-seed.json").exists()
            else {"reused": True}
        )
    else:
        with acting(channel="command"):
            seed(args, report)
        (ROOT / "var" / "bench-seed.json").write_text(json.dumps(report["seed"], indent=1))

    import bench_domain

    # In-process measurements: chain verification and letter rendering.
    from audit.services import audit_chain_seal
    from audit.verify import verify_chain

    t0 = time.perf_counter()
    report["chain_seal_before_verification"] = {
        "sealed": audit_chain_seal(),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    # Sealing wrote every live record again (seq and hash): vacuumed now, and the seed's writes
    # checkpointed, so that neither autovacuum on the million-record table nor a checkpoint of the
    # seed runs inside the measurements (the first full run on a slower machine had tails of ~2 s).
    from django.db import DatabaseError

    for statement in ("VACUUM ANALYZE audit_auditrecord", "CHECKPOINT"):
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        except DatabaseError as exc:  # CHECKPOINT needs a superuser (or pg_checkpoint) when a DATABASE_URL is given
            log(f"{statement}: {exc}".strip())
    connection.close()
    t0 = time.perf_counter()
    chain = verify_chain()
    report["chain_verification"] = {
        "ok": chain.ok,
        "records": chain.checked,
        "workers": chain.workers,
        "seconds": round(time.perf_counter() - t0, 2),
        "problem": chain.problem,
    }
    log(f"chain verification: {report['chain_verification']}")
    report["letter_rendering"] = bench_domain.letter_rendering()
    log(f"letter rendering: {report['letter_rendering']}")

    users = bench_seed.ensure_users_readonly()
    tokens = bench_seed.tokens(users)
    rng = random.Random(99)
    scenarios = case_scenarios(rng) + bench_domain.scenarios(users=users, rng=rng)
    if args.only:
        wanted = set(args.only.split(","))
        scenarios = [s for s in scenarios if s["name"] in wanted]
    report["scenarios"] = [
        {"name": s["name"], "label": s.get("label", s["name"]), "kind": s.get("kind"), "missing": s.get("missing", "")}
        for s in scenarios
    ]

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=False
    )
    connection.close()
    if args.curve:
        import bench_curve

        bench_curve.run_curve(
            args=args,
            env=env,
            url=url,
            tokens=tokens,
            users=users,
            report=report,
            hooks=sys.modules[__name__],
            checkpoint=lambda: finish(args, report, t_all, quiet=True),
        )
        chain = verify_chain()
        report["chain_after_load"] = {"ok": chain.ok, "records": chain.checked, "unsealed": chain.unsealed}
        return finish(args, report, t_all)
    log_path = str(ROOT / "var" / "bench-gunicorn.log")
    sealer = ChainSealer(interval=float(os.environ.get("AUDIT_SEAL_INTERVAL_SECONDS", "5")))
    server = bench_load.Server(
        python=sys.executable,
        env=env,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        log_path=log_path,
    )
    report["server"] = {
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads if args.worker_class == "gthread" else 1,
    }
    anchors = None
    try:
        server.wait_ready(tokens["bench_lead"])
        log(f"gunicorn on {server.url} with {args.workers} {args.worker_class} workers")
        if args.anchors:
            anchors = Anchors(args, env, url, str(ROOT / "var" / "bench-anchor-gunicorn.log"))
            log(f"anchors (bare Django, bare DRF with token authentication) on {anchors.server.url}")
        sealer.start()
        run_scenarios(args, server, tokens, scenarios, report, anchors)
        report["ledger"] = bench_domain.ledger_three_ways(
            server=server, tokens=tokens, duration=args.duration, database_url=url
        )
        log(f"ledger: {report['ledger']}")
        if args.soak > 0:
            soak(args, server, tokens, scenarios, report)
        report["rss_mb_at_end"] = server.worker_rss_mb()
    finally:
        server.stop()
        if anchors is not None:
            anchors.stop()
        report["chain_sealer"] = sealer.stop()
    if args.fast_paths_off:
        run_reads_without_fast_paths(args, env, log_path, tokens, scenarios, report)
    log(f"sealer during the load: {report['chain_sealer']}")
    chain = verify_chain()
    report["chain_after_load"] = {"ok": chain.ok, "records": chain.checked, "unsealed": chain.unsealed}
    return finish(args, report, t_all)


def finish(args, report: dict, t_all: float, quiet: bool = False) -> int:
    report["finished_at"] = datetime.now(dt_timezone.utc).isoformat(timespec="seconds")
    report["seconds_total"] = round(time.perf_counter() - t_all, 1)
    if args.curve:
        import bench_curve

        committed = bench_curve.parse_sizes(args.curve)[-1] >= 10_000 and not args.quick
    else:
        committed = args.scale >= 1
    out = Path(args.out) if args.out else (ROOT / "docs" / "benchmarks" / ("" if committed else "tmp"))
    name = args.report_name or (
        f"{datetime.now(dt_timezone.utc):%Y-%m-%d}-curve" if args.curve and not args.quick else "latest"
    )
    paths = bench_report.write(report, out, name=name)
    if not quiet:
        print(bench_report.markdown(report))
    log(f"report written: {', '.join(str(p) for p in paths)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
