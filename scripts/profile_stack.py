"""The service's whole stack in this process, for the profiling scripts (scripts/profile_floor.py,
scripts/profile_transition.py, scripts/profile_reads.py): production settings (token authentication, every middleware) against
the PostgreSQL in DATABASE_URL and the Redis in REDIS_URL, migrated, with the bench's users
(scripts/bench_seed.py), and Django's test client signed in as bench_lead with a token."""

from __future__ import annotations

import os
import re
import secrets
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def production_stack(**environ: str) -> tuple[dict, Client]:
    """Sets Django up with the production settings (`environ` adds to their environment) and migrates;
    returns the bench's users and a client with bench_lead's token."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("needs PostgreSQL: run through scripts/with-services.sh")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "DJANGO_LOG_LEVEL": "WARNING",
            "BEV_BENCH_ENDPOINTS": "on",  # the floor, as scripts/bench.py serves it
            **environ,
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
    return users, Client(HTTP_AUTHORIZATION=f"Token {token}", REMOTE_ADDR="127.0.0.1")


def statement_kind(sql: str) -> str:
    """A statement's kind for the tallies: its verb and first table, or the tables a WITH writes."""
    if sql.startswith("WITH"):  # several writes in one statement: the tables they write
        tables = re.findall(r'(?:INSERT INTO|UPDATE) "?(\w+)', sql)
        return "WITH " + " + ".join(tables)
    words = sql.split()
    upper = [w.upper() for w in words]
    head = upper[0] if upper else "?"
    for marker in ("FROM", "INTO", "UPDATE"):
        if marker in upper:
            index = upper.index(marker)
            if index + 1 < len(words):
                return f"{head} {words[index + 1].strip(chr(34) + '(')}"
    return head


class StatementTally:
    """Statements by kind (`count`) and their time in seconds (`seconds`), as an execute wrapper:
    `with connection.execute_wrapper(tally): ...`."""

    def __init__(self) -> None:
        self.count: Counter = Counter()
        self.seconds: defaultdict = defaultdict(float)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = statement_kind(sql)
            self.count[kind] += 1
            self.seconds[kind] += time.perf_counter() - started
