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
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("needs PostgreSQL: run through scripts/with-services.sh")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)
    import bench_seed

    users = bench_seed.ensure_users()
    token = bench_seed.tokens(users)["bench_lead"]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", REMOTE_ADDR="127.0.0.1")
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
