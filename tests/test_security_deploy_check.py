"""Production settings: Django's deploy check passes without warnings, and the settings refuse to
start when misconfigured (debug, demo mode, weak secret key, no PostgreSQL or no broker)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    # A clean environment, like a production host's: nothing the test process (or another test,
    # e.g. DJANGO_ALLOW_ASYNC_UNSAFE from the browser tests) has set leaks in.
    environment = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "DATABASE_URL", "REDIS_URL") if k in os.environ}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "bev.example.nl",
        }
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


def test_the_deploy_check_passes_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "env,message",
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
        ({"BEV_DEMO_MODE": "true"}, "BEV_DEMO_MODE"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        # Never the embedded default's SQLite and in-process tasks (README "Configuration": required).
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:////tmp/bev.sqlite3"}, "DATABASE_URL"),
        ({"REDIS_URL": ""}, "REDIS_URL"),
        ({"CELERY_TASK_ALWAYS_EAGER": "true"}, "REDIS_URL"),
    ],
)
def test_production_refuses_to_start_misconfigured(env, message):
    result = _manage("check", **env)
    assert result.returncode != 0 and message in result.stderr


def test_production_cookies_and_headers():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG, s.BEV_DEMO_MODE, "
        "min(v.get('OPTIONS', {}).get('min_length', 0) for v in s.AUTH_PASSWORD_VALIDATORS "
        "if 'MinimumLength' in v['NAME']) >= 12, "
        "'unsafe-inline' not in str(s.CONTENT_SECURITY_POLICY))"
    )
    result = _manage("shell", "-v", "0", "-c", code)
    assert result.stdout.split() == ["True", "True", "True", "True", "False", "False", "True", "True"], (
        result.stdout + result.stderr
    )
