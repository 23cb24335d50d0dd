"""The embedded default a newcomer's `make run` starts: SQLite, Celery eager, the demo data. The rest
of the suite runs on PostgreSQL; this runs what `make run` runs, in a subprocess with the local
settings, a throw-away SQLite database and document store, and no Redis: `migrate`, `seed_demo`
(twice: it is idempotent), then `tests/embedded_walk.py`, which logs in as each demo role through the
login form (password and a printed backup code) and walks each role's main job (see its docstring).

It failed before the SQLite connection options in config/settings/base.py: officials recording
signals at once (runserver answers each request in its own thread) got 500 "database is locked"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300  # seconds for each command on a loaded machine (about 40 s of CPU in all)


def embedded_environment(tmp_path: Path) -> dict[str, str]:
    """`make run`'s environment: the local settings, nothing of the test services (no Redis: Celery
    runs eagerly, the cache is in memory), a SQLite database and a document store of the test's own."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "REDIS_", "CACHE_", "CELERY_", "DJANGO_", "BEV_", "PG"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DOCUMENT_STORAGE_ROOT=str(tmp_path / "documents"),
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return environment


def run(*command: str, environment: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=TIMEOUT
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed ({result.returncode}):\n{output[-6000:]}"
    return output


COUNTS = (
    "from cases.models import Case; from bev.models import JournalEntry; from parliament.models import LetterDraft;"
    "from access.models import User; print('counts', [m.objects.count() for m in (User, Case, JournalEntry, LetterDraft)])"
)


def counts(environment: dict[str, str]) -> str:
    return next(
        line
        for line in run("manage.py", "shell", "-c", COUNTS, environment=environment).splitlines()
        if line.startswith("counts")
    )


def test_make_run_walk_each_role(tmp_path):
    environment = embedded_environment(tmp_path)
    run("manage.py", "migrate", "--noinput", environment=environment)
    first = run("manage.py", "seed_demo", environment=environment)
    assert "Demo ready" in first and "11111111" in first and "Added:" in first
    seeded = counts(environment)
    again = run("manage.py", "seed_demo", environment=environment)  # `make run` a second time
    assert "Demo ready" in again and "no users, cases, bookings or letters added" in again
    assert counts(environment) == seeded, "seed_demo adds nothing the second time"
    output = run("tests/embedded_walk.py", environment=environment)
    assert "embedded walk: ok" in output
    assert "Traceback" not in output, output[-6000:]
