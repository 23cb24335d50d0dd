#!/usr/bin/env python
"""Where a read's time goes (issues 19/25, the read targets at 16 clients): the benchmark's read
scenarios (case list, case detail, case timeline, assessment view, position detail) and the floor, each over many
requests through the service's whole stack (production settings, token authentication, every
middleware), in-process through Django's test client, against the PostgreSQL in DATABASE_URL and
the Redis in REDIS_URL.

    bash scripts/with-services.sh .venv/bin/python scripts/profile_reads.py [--requests 400] [--only case_detail,floor]

Seeds a small data set through the services first (scripts/bench_seed.py; every assessment through
the assessments services), or reuses the one in the database. Prints per scenario: the time per
request without and with the profiler, the Python function calls per request (cProfile), the
statements per request (count and time, by kind) and the functions with the most own and cumulative
time; at the end, each read's figures against the floor's. Compare figures within one run: the
machine is shared. A measurement for docs/benchmarks/README.md, not a test."""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import itertools
import os
import pstats
import random
import re
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from profile_stack import StatementTally  # noqa: E402

SCENARIOS = ("floor", "case_list", "case_detail", "case_timeline", "assessment_view", "position_detail")
# The benchmark's write scenario, on request (--only transition): fresh signal cases each taken
# signal -> intake -> risk_assessment -> withdrawn (scripts/bench.py's steps), a case's three steps in
# a row, so every run of the profile has the benchmark's mix (a third of them end the case).
WRITES = ("transition",)


collections: dict = {}  # generation -> [count, seconds]
_gc_started: list = [0.0]


def _gc_timer(phase: str, info: dict) -> None:
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        entry = collections.setdefault(info["generation"], [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - _gc_started[0]


def _backend_cpu(connection) -> float:
    """CPU seconds (user + system) of the PostgreSQL backend serving `connection` (same machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _seed(cases: int) -> None:
    import bench_domain
    import bench_seed

    from audit.context import acting
    from cases.models import Case

    if Case.objects.exists():
        print(f"reusing the data set in the database: {Case.objects.count()} cases")
        return
    users = bench_seed.ensure_users()
    rng = random.Random(1925)
    started = time.perf_counter()
    with acting(channel="command"):
        bench_domain.prepare(users=users)
        stats = bench_seed.SeedStats()
        for n, target in enumerate(bench_seed.plan_mix(cases, bench_seed.SERVICE_MIX, rng)):
            bench_seed.seed_case(n=n + 1, target=target, users=users, rng=rng, stats=stats)
        bench_seed.top_up_timeline(target_events=cases * 12, users=users, rng=rng, budget_s=60)
        bench_seed.bulk_notes(target_events=cases * 12, rng=rng)
    print(f"seeded {cases} cases in {time.perf_counter() - started:.1f} s")


def _per_path(client, urls, requests: int, connection) -> None:
    """Each distinct path's CPU per request (Django's process + the PostgreSQL backend) and statements,
    `requests` times each after a warm-up, most expensive first."""
    figures = []
    for url in dict.fromkeys(urls):
        for _ in range(10):
            client.get(url)
        tally = StatementTally()
        backend_before, cpu_started = _backend_cpu(connection), time.process_time()
        with connection.execute_wrapper(tally):
            for _ in range(requests):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
        cpu_ms = (time.process_time() - cpu_started) / requests * 1000
        db_ms = (_backend_cpu(connection) - backend_before) / requests * 1000
        figures.append((cpu_ms + db_ms, cpu_ms, db_ms, sum(tally.count.values()) / requests, url))
    print("per path (CPU per request: Django + PostgreSQL, statements):")
    for total, cpu_ms, db_ms, n_sql, url in sorted(figures, reverse=True):
        print(f"  {total:6.2f} ms ({cpu_ms:5.2f} + {db_ms:5.2f})  {n_sql:4.2f}  {url}")


def _transition_requests(bench, bench_seed, count: int) -> list:
    """`count` transition requests on fresh signal cases (copies of the seeded ones), each case's three
    steps in a row."""
    from cases.models import Case

    cases = -(-count // 3)
    before = set(Case.objects.filter(title__contains=bench.TRANSITION_POOL_MARK).values_list("pk", flat=True))
    bench_seed.clone_cases(
        count=cases, pool=cases, rng=random.Random(25), pool_mark=bench.TRANSITION_POOL_MARK, reference_tag="P"
    )
    by_case: dict[str, list] = {}  # the path names the case; its steps keep their order
    for request in bench.transition_requests(0, 0):
        if int(request.path.split("/")[3]) not in before:
            by_case.setdefault(request.path, []).append(request)
    return [request for steps in by_case.values() for request in steps][:count]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="requests per scenario, timed and profiled each")
    parser.add_argument("--cases", type=int, default=60, help="cases to seed through the services (empty database)")
    parser.add_argument("--only", default=",".join(SCENARIOS), help=f"of {', '.join(SCENARIOS + WRITES)}")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--quiet", action="store_true", help="the summary only, no function lists")
    parser.add_argument("--callers", default="", help="print the callers of the functions matching this pattern")
    parser.add_argument(
        "--no-profile", action="store_true", help="no cProfile (e.g. under a sampling profiler: py-spy record)"
    )
    parser.add_argument(
        "--wall-clock", action="store_true", help="profile with the wall clock (waits included) instead of CPU time"
    )
    parser.add_argument(
        "--per-path",
        action="store_true",
        help="also measure each distinct path of a scenario apart (CPU per request, Django + PostgreSQL): "
        "which of the case list's filters and orderings cost most",
    )
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="leave what is loaded to the garbage collector (a gunicorn worker freezes it: config/gunicorn.py)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("needs PostgreSQL: run through scripts/with-services.sh")
    os.environ.setdefault("BENCH_ASSESSMENT_SHARE", "1")  # every assessment through the services
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "DJANGO_LOG_LEVEL": "WARNING",
            "BEV_BENCH_ENDPOINTS": "on",  # the floor, as scripts/bench.py serves it
            "BEV_MAX_CLASSIFICATION": os.environ.get("BEV_MAX_CLASSIFICATION", "geheim"),  # as scripts/bench.py
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    _seed(args.cases)
    import bench
    import bench_domain
    import bench_seed

    users = bench_seed.ensure_users()
    tokens = bench_seed.tokens(users)
    rng = random.Random(19)
    paths = {"floor": ("bench_lead", ["/api/bench/floor/"])}
    for scenario in bench.case_scenarios(rng) + bench_domain.scenarios(users=users, rng=rng):
        if scenario.get("kind") == "read" and "requests" in scenario:
            paths[scenario["name"]] = (scenario["user"], [r.path for r in scenario["requests"]])
    if "transition" in args.only.split(","):
        paths["transition"] = ("bench_lead", _transition_requests(bench, bench_seed, args.requests * 3 + 100))
    with connection.cursor() as cursor:  # statistics, as scripts/bench.py's VACUUM ANALYZE leaves them: without
        cursor.execute("ANALYZE")  # them the count triggers' joins plan a scan of every team member (issue 25)
    if not args.no_gc_freeze:  # as each gunicorn worker after loading the application (config/gunicorn.py)
        gc.collect()
        gc.freeze()
    print(
        f"fast paths: {'on' if settings.BEV_FAST_PATHS else 'off'}; gc.freeze: {'no' if args.no_gc_freeze else 'yes'}; "
        f"{args.requests} requests per scenario"
    )

    summary = {}
    for name in args.only.split(","):
        user, urls = paths[name]
        client = Client(HTTP_AUTHORIZATION=f"Token {tokens[user]}", REMOTE_ADDR="127.0.0.1")
        if name in WRITES:  # each request once: every run takes the next ones
            pending = iter(urls)

            def run(urls=None, client=client, pending=pending):
                for request in itertools.islice(pending, len(urls) if urls else args.requests):
                    response = client.generic(request.method, request.path, request.body, "application/json")
                    assert response.status_code == 200, (request, response.status_code, response.content[:300])

        else:
            cycle = [urls[i % len(urls)] for i in range(args.requests)]

            def run(urls=cycle, client=client):
                for url in urls:
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code, response.content[:300])

        run(urls[:100])  # imports, prepared statements, caches
        if args.per_path and name not in WRITES and len(set(urls)) > 1:
            _per_path(client, urls, args.requests, connection)
        wrapper = StatementTally()
        statements, statement_time = wrapper.count, wrapper.seconds

        with connection.execute_wrapper(wrapper):
            run()
        backend_before = _backend_cpu(connection)
        collections.clear()
        gc.callbacks.append(_gc_timer)
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        gc.callbacks.remove(_gc_timer)
        plain_ms = (time.perf_counter() - started) / args.requests * 1000
        cpu_ms = (time.process_time() - cpu_started) / args.requests * 1000
        db_cpu_ms = (_backend_cpu(connection) - backend_before) / args.requests * 1000
        # By default the profile's clock is the process's CPU time (waiting for PostgreSQL costs the
        # worker no CPU); it costs more per call than the wall clock, so many small calls weigh more.
        profiler = cProfile.Profile() if args.wall_clock else cProfile.Profile(time.process_time)
        started = time.perf_counter()
        if not args.no_profile:
            profiler.enable()
            run()
            profiler.disable()
        profiled_ms = (time.perf_counter() - started) / args.requests * 1000
        stats = pstats.Stats(profiler) if not args.no_profile else None
        calls = stats.total_calls / args.requests if stats else 0  # type: ignore[attr-defined]
        n_sql = sum(statements.values()) / args.requests
        sql_ms = sum(statement_time.values()) / args.requests * 1000
        summary[name] = (cpu_ms, db_cpu_ms, plain_ms, calls, n_sql)
        print(f"\n=== {name} ({len(urls)} distinct paths, user {user})")
        print(
            f"CPU {cpu_ms:.2f} ms in Django + {db_cpu_ms:.2f} ms in PostgreSQL's backend per request; "
            f"{plain_ms:.2f} ms wall ({profiled_ms:.2f} under the profiler), {calls:,.0f} Python calls, "
            f"{n_sql:.2f} statements ({sql_ms:.2f} ms) per request:"
        )
        print(
            "  garbage collections per request: "
            + ", ".join(
                f"generation {g}: {collections[g][0] / args.requests:.3f} ({collections[g][1] / args.requests * 1000:.3f} ms)"
                for g in sorted(collections)
            )
            + f"; objects tracked: {len(gc.get_objects()):,}"
        )
        for kind, count in statements.most_common():
            print(f"  {count / args.requests:5.2f}  {statement_time[kind] / count * 1000:6.3f} ms each  {kind}")
        if args.quiet or args.no_profile:
            continue
        for order in ("tottime", "cumulative", "ncalls"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
            print(out.getvalue()[out.getvalue().find("   ncalls") :])
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
            re.escape(str(ROOT)) + r"/(?!\.venv)", args.top
        )
        print(out.getvalue()[out.getvalue().find("   ncalls") :])
        if args.callers:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).print_callers(args.callers)
            print(out.getvalue())

    print("\n=== summary (per request; CPU: Django's process + the PostgreSQL backend; x: against the floor)")
    floor = summary.get("floor")
    for name, (cpu_ms, db_cpu_ms, plain_ms, calls, n_sql) in summary.items():
        total = cpu_ms + db_cpu_ms
        ratio = (
            f"  x{total / (floor[0] + floor[1]):.2f} CPU, x{cpu_ms / floor[0]:.2f} Django CPU, x{calls / (floor[3] or 1):.2f} calls"
            if floor
            else ""
        )
        print(
            f"{name:16} CPU {total:5.2f} ms ({cpu_ms:5.2f} Django + {db_cpu_ms:5.2f} db)  wall {plain_ms:6.2f} ms  "
            f"{calls:7,.0f} calls  {n_sql:5.2f} statements{ratio}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
