#!/usr/bin/env python
"""Where a case transition's time goes (issue 25, "Writes"): the bench's transition scenario
(signal -> intake -> risk_assessment -> withdrawn, POST /api/cases/{id}/transitions/ as bench_lead
with a token) through the service's whole stack (production settings, every middleware),
in-process through Django's test client, against the PostgreSQL in DATABASE_URL and the Redis in
REDIS_URL.

    bash scripts/with-services.sh .venv/bin/python scripts/profile_transition.py [--cases 100]

Prints the statements per transition (count and time, by kind), the cache (Redis) calls per
transition, the time per transition with and without the profiler, and the functions with the most
own and cumulative time. A measurement for docs/benchmarks/README.md, not a test."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import sys
import time
from collections import Counter

from profile_stack import ROOT, StatementTally, production_stack

STEPS = [("start_intake", ""), ("start_assessment", ""), ("withdraw", "De overnemer trok zich terug.")]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100, help="pool cases; three transitions each")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--dump", help="also write the profile (pstats) to this file")
    parser.add_argument("--trace-begin", action="store_true", help="print where one transition's transactions begin")
    args = parser.parse_args()
    # BEV_MAX_CLASSIFICATION as scripts/bench.py
    users, client = production_stack(BEV_MAX_CLASSIFICATION=os.environ.get("BEV_MAX_CLASSIFICATION", "geheim"))
    import bench_seed
    from django.db import connection

    from audit.context import acting

    rng = random.Random(25)
    stats = bench_seed.SeedStats()
    warm = 10
    with acting(channel="command"):
        ids = [
            bench_seed.seed_case(n=900_000 + n, target="pool", users=users, rng=rng, stats=stats).pk
            for n in range(args.cases + warm)
        ]

    def run(case_ids):
        for name, reason in STEPS:
            for pk in case_ids:
                response = client.post(
                    f"/api/cases/{pk}/transitions/",
                    json.dumps({"name": name, "reason": reason}),
                    content_type="application/json",
                )
                assert response.status_code == 200, response.content

    run(ids[:warm])  # imports, prepared statements, caches
    if args.trace_begin:
        import traceback

        import psycopg

        original_start = psycopg.Connection._start_query

        def start_query(self, *a, **kw):
            if not self.autocommit and self.pgconn.transaction_status == 0:  # IDLE: BEGIN goes out
                print("BEGIN from:\n" + "".join(traceback.format_stack(limit=16)[:-1]))
            return original_start(self, *a, **kw)

        psycopg.Connection._start_query = start_query  # type: ignore[method-assign]
        run(ids[warm : warm + 1])
        psycopg.Connection._start_query = original_start  # type: ignore[method-assign]
        return 0
    measured = ids[warm:]

    # 1. Statements and cache calls, per transition.
    wrapper = StatementTally()
    statements, statement_time = wrapper.count, wrapper.seconds

    redis_commands: Counter = Counter()
    import redis

    original_execute = redis.Redis.execute_command

    def counted(self, *a, **kw):
        redis_commands[str(a[0]).upper()] += 1
        return original_execute(self, *a, **kw)

    redis.Redis.execute_command = counted  # type: ignore[method-assign]
    # Half the cases to count, half to time and profile without the wrapper.
    counted_ids, timed_ids = measured[: len(measured) // 2], measured[len(measured) // 2 :]
    with connection.execute_wrapper(wrapper):
        run(counted_ids)
    redis.Redis.execute_command = original_execute  # type: ignore[method-assign]
    counted_n = len(counted_ids) * len(STEPS)
    total_sql = sum(statements.values())
    print(f"{counted_n} transitions: {total_sql / counted_n:.2f} statements each, by kind (per transition):")
    for kind, count in statements.most_common():
        print(f"  {count / counted_n:5.2f}  {statement_time[kind] / count * 1000:6.3f} ms each  {kind}")
    print(
        f"  Redis commands per transition: {sum(redis_commands.values()) / counted_n:.2f} "
        + ", ".join(f"{k} {v / counted_n:.2f}" for k, v in redis_commands.most_common())
    )

    # 2. Time, without and with the profiler.
    half = len(timed_ids) // 2
    plain, profiled = timed_ids[:half], timed_ids[half:]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        wal_before = cursor.fetchone()[0]
    started = time.perf_counter()
    run(plain)
    took = time.perf_counter() - started
    with connection.cursor() as cursor:  # the write work (heap and every index entry) independent of load
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)", [wal_before])
        wal = cursor.fetchone()[0]
    print(
        f"{len(plain) * len(STEPS)} transitions in {took:.2f} s: {took / (len(plain) * len(STEPS)) * 1000:.2f} ms each, "
        f"WAL {wal / (len(plain) * len(STEPS)):.0f} bytes each"
    )
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    run(profiled)
    profiler.disable()
    took = time.perf_counter() - started
    print(
        f"{len(profiled) * len(STEPS)} transitions under the profiler: {took / (len(profiled) * len(STEPS)) * 1000:.2f} ms each"
    )
    if args.dump:
        profiler.dump_stats(args.dump)
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
        re.escape(str(ROOT)) + r"/(?!\.venv)|django_fsm|redis|celery|kombu", 45
    )
    print(out.getvalue())
    # Who sends the commands outside statements (BEGIN, COMMIT, savepoints) and the Redis round trips.
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).print_callers(r"_exec_command|sendall|axes.*(is_locked|get_failures)")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
