"""docker-compose.yml stays valid and simple (no Docker engine here to run it)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_has_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]


def test_compose_commits_no_secrets():
    text = (ROOT / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    env = compose["x-app"]["environment"]
    assert env["DJANGO_SECRET_KEY"].startswith("${")
    assert "${POSTGRES_PASSWORD" in env["DATABASE_URL"]
    assert compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${")


def test_production_settings_refuse_the_default_secret(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    sys.modules.pop("config.settings.production", None)
    try:
        importlib.import_module("config.settings.production")
    except ImproperlyConfigured as exc:
        assert "DJANGO_SECRET_KEY" in str(exc)
    else:
        raise AssertionError("production settings started with the default secret key")
    finally:
        sys.modules.pop("config.settings.production", None)


def test_production_settings_refuse_debug(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    sys.modules.pop("config.settings.production", None)
    try:
        importlib.import_module("config.settings.production")
    except ImproperlyConfigured as exc:
        assert "DEBUG" in str(exc)
    else:
        raise AssertionError("production settings started with DEBUG on")
    finally:
        sys.modules.pop("config.settings.production", None)
