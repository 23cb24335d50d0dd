"""Issue 22: hostile input as every role against every API operation is never a server error.

The demo data (`seed_demo`: a user per role, cases in every stage, the fund, positions, letters),
gunicorn with the production settings (as docker-compose runs it) against the test database and a
Redis of the test's own, and `scripts/fuzz_api.py` for `BEV_FUZZ_SECONDS` (default 75): NUL and
control characters, huge strings, deep JSON, other digits, year 1 and 9999, hundreds of search
terms, wrong types and unknown ids in every path, query and body field, as each of the eight
roles with its own API token. Any 5xx fails the test, listing the requests and the server's
tracebacks. Marked slow: it runs once in `make test`, not in the fast-paths-off pass."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from django.core.management import call_command

from access.models import User

from .factories import api_token
from .processes import ROOT, compose_command, free_port, production_environment, start, stop

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
QUIET = re.compile(
    r"(Bad Request|Forbidden|Not Found|Conflict|Unauthorized|Method Not Allowed|Unsupported Media "
    r"Type|Too Many Requests|Request Entity Too Large|Gone|Precondition Failed|Payload Too Large): "
)
FUZZ_SECONDS = float(os.environ.get("BEV_FUZZ_SECONDS", "75"))


@pytest.fixture
def configuration():
    """Transactional tests flush the tables, the migrations' configuration rows with them."""
    from parliament.models import LetterReference, Minister, MinistryProfile
    from parliament.seed_data import seed_configuration

    seed_configuration(MinistryProfile, Minister, LetterReference)


@pytest.fixture
def tokens(configuration):
    """The demo world, committed so gunicorn sees it, and an API token for one demo user per role."""
    from demo.seeds.access import DEMO_USERS

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    by_role: dict[str, str] = {}
    for username, _first, _last, role, _clearance, _organisation in DEMO_USERS:
        if role not in by_role:
            by_role[role] = api_token(User.objects.get(username=username))
    return by_role


@pytest.fixture
def server(tmp_path):
    redis_port = free_port()
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port = free_port()
    web = compose_command("web")
    web[web.index("--bind") + 1] = f"127.0.0.1:{port}"
    web[web.index("--workers") + 1] = "2"
    log = tmp_path / "web.log"
    environment = production_environment(REDIS_URL=f"redis://127.0.0.1:{redis_port}/0")
    _collect_static(environment)
    process = start(web, log, environment=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base)
        yield base, log
    finally:
        stop(process)
        redis.terminate()
        redis.wait(timeout=10)


def _collect_static(environment: dict[str, str]) -> None:
    """As the image does (Dockerfile): without the manifest every error page (a 404 too) is a 500.
    Skipped while the manifest is newer than the static sources and the installed packages: it takes
    tens of seconds on a busy machine."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [ROOT / "requirements.lock", ROOT / "pyproject.toml", *(ROOT / "static").rglob("*")]
    if manifest.exists() and all(path.stat().st_mtime < manifest.stat().st_mtime for path in sources):
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=600,
    )


def _wait_for(base: str, timeout: float = 90) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(base + "/healthz", headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"gunicorn did not answer /healthz within {timeout} s")


def test_no_hostile_request_as_any_role_is_a_server_error(tokens, server):
    base, log = server
    command = [
        sys.executable,
        str(ROOT / "scripts" / "fuzz_api.py"),
        "--base-url",
        base,
        "--seconds",
        str(FUZZ_SECONDS),
        "--header",
        "X-Forwarded-Proto:https",
        *[argument for role, key in tokens.items() for argument in ("--token", f"{role}={key}")],
    ]
    if os.environ.get("BEV_FUZZ_SEED"):
        command += ["--seed", os.environ["BEV_FUZZ_SEED"]]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=FUZZ_SECONDS + 300)
    print(result.stdout)
    server_log = log.read_text(errors="replace")
    tracebacks = "\n".join(
        line for line in server_log.splitlines() if not line.startswith("127.0.0.1") and not QUIET.match(line)
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\n--- server log ---\n{tracebacks[-20000:]}"
    assert len(tokens) == 8 and "0 server errors" in result.stdout
