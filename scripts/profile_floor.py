#!/usr/bin/env python
"""Where a floor request's time goes (issue 25): cProfile over many GET /api/bench/floor/ requests
through the service's whole stack (production settings, token authentication, every middleware),
in-process through Django's test client, against the PostgreSQL in DATABASE_URL.

    bash scripts/with-services.sh .venv/bin/python scripts/profile_floor.py [--requests 3000]

Prints the functions with the most own time and the cumulative time per middleware. A measurement
for docs/benchmarks/README.md, not a test."""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time

from profile_stack import production_stack


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    _, client = production_stack()
    for _ in range(200):  # warm: imports, prepared statements, caches
        assert client.get("/api/bench/floor/").status_code == 200
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.requests):
        client.get("/api/bench/floor/")
    profiler.disable()
    took = time.perf_counter() - started
    print(
        f"{args.requests} floor requests in {took:.2f} s under the profiler: {took / args.requests * 1000:.2f} ms each"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"middleware|authentication|__call__|dispatch|audit|axes|csp|otp", 40)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
