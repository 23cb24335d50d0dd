"""The benchmark's floor (`GET /api/bench/floor/`, core.bench_views) is routed only where
BEV_BENCH_ENDPOINTS is on (the benchmark's servers): a deployment does not serve it."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import clear_url_caches

import config.urls

from .factories import api_token

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def urls_with(settings):
    """Re-read config.urls with BEV_BENCH_ENDPOINTS as given (it is read when the URLs are imported)."""

    def _with(on: bool) -> None:
        settings.BEV_BENCH_ENDPOINTS = on
        importlib.reload(config.urls)
        clear_url_caches()

    yield _with
    settings.BEV_BENCH_ENDPOINTS = False
    importlib.reload(config.urls)
    clear_url_caches()


def _floor(officer, client_class) -> int:
    client = client_class()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(officer)}")
    return client.get("/api/bench/floor/").status_code


def test_the_floor_is_not_routed_by_default(urls_with, officer):
    from rest_framework.test import APIClient

    urls_with(False)
    assert _floor(officer, APIClient) == 404


def test_the_floor_is_routed_when_the_setting_is_on(urls_with, officer):
    from rest_framework.test import APIClient

    urls_with(True)
    assert _floor(officer, APIClient) == 200


@pytest.mark.parametrize(("value", "routed"), [(None, False), ("", False), ("off", False), ("on", True)])
def test_the_setting_is_read_from_the_environment_and_off_unless_set(value, routed):
    env = {k: v for k, v in os.environ.items() if k != "BEV_BENCH_ENDPOINTS"}
    if value is not None:
        env["BEV_BENCH_ENDPOINTS"] = value
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.BEV_BENCH_ENDPOINTS)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == str(routed)


def test_the_benchmark_servers_switch_it_on():
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench

    assert bench.server_env("postgres://x@127.0.0.1/x")["BEV_BENCH_ENDPOINTS"] == "on"
