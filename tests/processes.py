"""The service's processes started as docker-compose starts them, on loopback, against the test
database and Redis: so that a test exercises what production runs (a Celery prefork worker, not the
eager mode the rest of the suite uses)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def production_environment(**extra: str) -> dict[str, str]:
    """The environment docker-compose gives the app containers, pointed at the test database (the
    one pytest-django created) and the test Redis, with the test's document store."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.TEST_REDIS_URL,
        "DOCUMENT_STORAGE_ROOT": settings.STORAGES["default"]["OPTIONS"]["location"],
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("CELERY_TASK_ALWAYS_EAGER", None)
    environment.update(extra)
    return environment


@contextmanager
def app_database_url():
    """The test database's URL for an application role as production has it (docker-compose.yml's
    `bev_app`): a role of its own, granted by `manage.py grant_app_role` as the migrate service does, so
    the processes run without the owner's rights. Dropped afterwards (stop the processes first)."""
    from django.core.management import call_command

    db = connection.settings_dict
    role, password = f"bev_app_test_{secrets.token_hex(4)}", secrets.token_hex(16)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")  # hex: nothing to quote
    try:
        call_command("grant_app_role", role, stdout=open(os.devnull, "w"))
        yield f"postgres://{role}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there: refused at once


@contextmanager
def celery_broker(url: str):
    """Point the Celery app at `url`, for real (not eager), and back afterwards."""
    from config.celery_app import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=url, task_always_eager=False, result_backend="cache+memory://")
    _forget_connections(app)
    try:
        yield app
    finally:
        _forget_connections(app)
        app.conf.update(saved)


def _forget_connections(app) -> None:
    from kombu import pools

    pools.reset()  # kombu keeps one pool per broker URL, process-wide
    app._pool = None
    app.amqp._producer_pool = None


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def compose_command(service: str) -> list[str]:
    """The command docker-compose.yml runs for `service`, as a list of arguments."""
    import yaml

    return list(yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][service]["command"])


def start(command: list[str], log_path: Path, *, environment: dict[str, str]) -> subprocess.Popen:
    """A service process in its own session (so `stop` ends its children too), its output in `log_path`."""
    if command[0] in ("celery", "gunicorn"):
        command = [sys.executable, "-m", command[0], *command[1:]]
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


@contextmanager
def celery_worker(log_path: Path, *, concurrency: int = 1, extra_args: tuple[str, ...] = ()):
    """`celery -A config worker` as the compose file runs it (the default prefork pool). Yields the
    process; waits until the worker says it is ready, and stops it (TERM, then KILL) afterwards."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        *extra_args,
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=production_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_log(log_path, "ready.", process=process, timeout=60)
        yield process
    finally:
        stop(process)


def wait_for_log(log_path: Path, text: str, *, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log_path.read_text(errors="replace"):
            return
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in the log within {timeout} s:\n{log_path.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen, *, sig: int = signal.SIGTERM) -> None:
    """Stop the process and its children (its own session)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass
