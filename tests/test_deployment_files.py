"""The deployment files hold together: Dockerfile, docker-compose.yml, the lock file and the Caddyfile.

There is no Docker engine here to run them, so these tests check the properties that made
`docker compose up` fail or drift before: volumes the app user cannot write, dependencies
resolved at build time instead of pinned, gunicorn published without TLS in front.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
APP_IMAGE = "bev-case-service:latest"


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), " ".join(rest.split())))
    return instructions


def app_services() -> dict:
    """The services that run the application image (they share x-app)."""
    return {name: service for name, service in compose()["services"].items() if service.get("image") == APP_IMAGE}


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version and " " not in version, f"not pinned with ==: {line!r}"
        pins[canonicalize_name(name)] = version
    return pins


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(spec) for spec in project["dependencies"]]


# ---------------------------------------------------------------------------------------------
# Dockerfile
# ---------------------------------------------------------------------------------------------
def test_every_volume_of_the_app_containers_is_created_and_owned_by_the_app_user():
    instructions = dockerfile_instructions()
    user_at = next(i for i, (kw, args) in enumerate(instructions) if kw == "USER")
    assert instructions[user_at][1] == "bev"
    runs_as_root = " && ".join(args for kw, args in instructions[:user_at] if kw == "RUN")
    created = set(re.findall(r"mkdir -p ((?:/\S+ ?)+)", runs_as_root))
    created = {path for group in created for path in group.split()}
    owned = {
        path for group in re.findall(r"chown -R bev(?::bev)? ((?:/\S+ ?)+)", runs_as_root) for path in group.split()
    }

    targets = set()
    for name, service in app_services().items():
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            if not source.startswith((".", "/")):  # a named volume: Docker copies the image's directory
                targets.add((name, target))
    assert targets, "no volumes found on the app services"
    for name, target in sorted(targets):
        assert target in created, f"{name}: {target} is not created in the image (mkdir -p before USER)"
        assert any(target == path or target.startswith(path.rstrip("/") + "/") for path in owned), (
            f"{name}: {target} is not chowned to bev before USER"
        )


def test_the_documents_store_is_a_volume_where_the_settings_put_it():
    app = compose()["x-app"]
    assert app["environment"]["DOCUMENT_STORAGE_ROOT"] == "/app/var/documents"
    assert "documents:/app/var/documents" in app["volumes"]


def test_dependencies_come_from_the_lock_file_before_the_source():
    instructions = dockerfile_instructions()
    copy_lock = instructions.index(("COPY", "requirements.lock ./"))
    copy_source = instructions.index(("COPY", ". ."))
    installs = [i for i, (kw, args) in enumerate(instructions) if kw == "RUN" and "pip install" in args]
    assert installs, "no pip install in the Dockerfile"
    lock_install = next(i for i in installs if "-r requirements.lock" in instructions[i][1])
    assert copy_lock < lock_install < copy_source
    assert "--no-deps" in instructions[lock_install][1] and "pip check" in instructions[lock_install][1]
    # Nothing resolves dependencies again from pyproject's ranges (pip install . would).
    assert installs == [lock_install], [instructions[i] for i in installs]
    # No source is copied before the install layer (it would invalidate the cache on every change).
    assert [args for kw, args in instructions[:lock_install] if kw in ("COPY", "ADD")] == ["requirements.lock ./"]


def test_the_build_steps_load_the_production_settings():
    """collectstatic and compilemessages run at build time with the image's production settings, which
    refuse to load without a secret key, a PostgreSQL and a broker to name: the build line names
    placeholders (reached by nothing) for every one of its steps. The whole line runs here, each
    `python manage.py ...` only loading the settings (found by trying the product: the placeholders
    reached collectstatic only, and compilemessages stopped the image's build)."""
    instructions = dockerfile_instructions()
    image_env = dict(
        item.split("=", 1) for kw, args in instructions if kw == "ENV" for item in args.split() if "=" in item
    )
    build = next(args for kw, args in instructions if kw == "RUN" and "collectstatic" in args)
    steps = build.count("python manage.py")
    assert steps >= 2 and "compilemessages" in build
    loads = f"{shlex.quote(sys.executable)} -c 'import django; django.setup(); print(\"loaded\")'"
    environment = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    result = subprocess.run(
        ["bash", "-c", f"python() {{ {loads}; }}\n{build}"],
        cwd=ROOT,
        env={**environment, **image_env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert image_env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert result.returncode == 0, result.stderr
    assert result.stdout.split().count("loaded") == steps


def _settings_read_from_the_environment() -> set[str]:
    text = "".join(path.read_text() for path in (ROOT / "config" / "settings").glob("*.py"))
    return set(re.findall(r'env(?:_bool|_list)?\(\s*"([A-Z][A-Z0-9_]+)"', text))


def test_every_setting_the_deploying_steps_name_reaches_the_application():
    """Found by trying the product: README's "Deploying" says to set DJANGO_SECURE_HSTS_SECONDS and
    the OIDC_* in .env, but .env fills only the ${...} of docker-compose.yml, and those were not passed
    on: HSTS stayed a year on localhost and the identity provider could not be switched on."""
    readme = (ROOT / "README.md").read_text()
    deploying = readme[readme.index("## Deploying") :]
    deploying = deploying[: deploying.index("\n## ", 5)]
    named = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", deploying)) & _settings_read_from_the_environment()
    assert {"DJANGO_SECURE_HSTS_SECONDS", "OIDC_RP_CLIENT_ID", "BEV_OIDC_USERNAME_CLAIM"} <= named
    for name, service in app_services().items():
        missing = sorted(named - set(service["environment"]))
        assert not missing, f"{name} does not receive {missing}"


# What the settings read but docker-compose.yml does not pass on from .env, and why.
NOT_PASSED_ON = {
    "DJANGO_DEBUG": "production refuses it",
    "BEV_DEMO_MODE": "production refuses it",
    "CELERY_TASK_ALWAYS_EAGER": "production refuses it",
    "BEV_BENCH_ENDPOINTS": "the benchmark's floor, never in a deployment",
    "BEV_TEST_DB_TEMPLATE": "the test settings' own",
}


def test_every_setting_the_configuration_documents_reaches_the_application():
    """README "Configuration" documents every variable the settings read; an operator sets them in
    .env, which fills only the ${...} of docker-compose.yml: DJANGO_EMAIL_BACKEND, DJANGO_LOG_FORMAT,
    DJANGO_SECURE_SSL_REDIRECT, the database's and cache's, the audit sealer's and BEV_FAST_PATHS were
    documented but never reached the containers. Each now does, or is named in NOT_PASSED_ON."""
    read = _settings_read_from_the_environment()
    assert {"DJANGO_EMAIL_BACKEND", "DATABASE_CONN_MAX_AGE", "BEV_FAST_PATHS"} <= read
    for name, service in app_services().items():
        missing = sorted(read - set(service["environment"]) - set(NOT_PASSED_ON))
        assert not missing, f"{name} does not receive {missing}"
    assert not set(NOT_PASSED_ON) & set(compose()["x-app"]["environment"])


def test_settings_passed_on_empty_keep_their_defaults():
    """The compose file passes an operator's setting as ${NAME:-}: empty when .env does not name it.
    The production settings then load with each setting's default."""
    environment = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    passed_empty = {key: "" for key, value in compose()["x-app"]["environment"].items() if str(value).endswith(":-}")}
    assert "DJANGO_SECURE_HSTS_SECONDS" in passed_empty and "OIDC_RP_CLIENT_ID" in passed_empty
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.BEV_OIDC_ENABLED, s.SESSION_IDLE_TIMEOUT_SECONDS, s.BEV_FAST_PATHS, "
        "s.SECURE_SSL_REDIRECT, s.EMAIL_BACKEND, s.LOGGING['handlers']['console']['formatter'], "
        "s.DATABASES['default']['CONN_MAX_AGE'], s.CACHES['default']['LOCATION'], s.CELERY_BROKER_URL, "
        "s.AUDIT_SEAL_ON_COMMIT, s.AUDIT_VERIFY_PARALLEL_FROM)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={
            **environment,
            **passed_empty,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x" * 60,
            "DATABASE_URL": "postgres://u:p@localhost/db",
            "REDIS_URL": "redis://localhost:6379/0",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        "False",
        "1800",
        "True",
        "True",
        "django.core.mail.backends.smtp.EmailBackend",
        "json",
        "60",
        "redis://localhost:6379/0",
        "redis://localhost:6379/0",
        "False",
        "100000",
    ]


def test_secrets_and_certificates_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and "deploy/certs" in ignored


# ---------------------------------------------------------------------------------------------
# The lock file
# ---------------------------------------------------------------------------------------------
def test_the_lock_file_pins_every_dependency_of_pyproject_within_its_range():
    pins = lock_pins()
    for requirement in pyproject_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not in requirements.lock"
        assert requirement.specifier.contains(pins[name]), (
            f"{requirement.name}=={pins[name]} in the lock is outside pyproject's {requirement.specifier}"
        )
        for extra in requirement.extras:  # celery[redis], psycopg[binary]: what the extra pulls in
            for needed in _extra_requirements(requirement.name, extra):
                assert canonicalize_name(needed.name) in pins, (
                    f"{requirement.name}[{extra}] needs {needed.name}, which the lock file does not pin"
                )


def _extra_requirements(name: str, extra: str) -> list[Requirement]:
    """The requirements an extra adds, read from the installed distribution's metadata."""
    from importlib.metadata import requires

    added = []
    for spec in requires(name) or []:
        requirement = Requirement(spec)
        if (
            requirement.marker is not None
            and "extra" in str(requirement.marker)
            and requirement.marker.evaluate({"extra": extra})
        ):
            added.append(requirement)
    assert added, f"{name}[{extra}] adds nothing: is the extra spelled right?"
    return added


def test_the_lock_file_names_exactly_pyprojects_direct_dependencies():
    """pip-compile annotates each direct dependency 'via bev-case-service (pyproject.toml)': a package
    removed from pyproject but still locked, or added but not compiled, shows here."""
    text = (ROOT / "requirements.lock").read_text()
    direct = set()
    for block in re.split(r"\n(?=\S)", text):
        name = block.split("==", 1)[0].strip()
        if "==" in block and "bev-case-service (pyproject.toml)" in block:
            direct.add(canonicalize_name(name))
    assert direct == {canonicalize_name(r.name) for r in pyproject_requirements()}


def test_the_lock_file_says_how_it_was_made():
    assert "pip-compile" in (ROOT / "requirements.lock").read_text()
    assert "pip-compile" in (ROOT / "README.md").read_text()  # and how to refresh it


# ---------------------------------------------------------------------------------------------
# docker-compose.yml
# ---------------------------------------------------------------------------------------------
def test_compose_has_the_production_shape():
    services = compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat", "proxy"} <= set(services)
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "beat" in services["beat"]["command"]


def test_gunicorn_keeps_a_normal_timeout_as_no_request_does_long_work():
    """Verifying the audit chain is a Celery task, Office uploads are inspected within 10 s (issue 22):
    nothing needs the 120 s gunicorn once had for the verification."""
    command = compose()["services"]["web"]["command"]
    assert int(command[command.index("--timeout") + 1]) <= 30


def test_the_worker_is_the_prefork_pool_recycling_its_children():
    command = compose()["services"]["worker"]["command"]
    assert command[:4] == ["celery", "-A", "config", "worker"]
    pool = [command[i + 1] for i, arg in enumerate(command) if arg in ("--pool", "-P")]
    pool += [arg.split("=", 1)[1] for arg in command if arg.startswith("--pool=")]
    assert pool in ([], ["prefork"]), pool
    assert "--max-tasks-per-child" in command
    assert int(command[command.index("--max-tasks-per-child") + 1]) > 0


def test_gunicorn_is_reached_only_through_the_proxy():
    services = compose()["services"]
    for name, service in app_services().items():
        assert "ports" not in service, f"{name} publishes {service['ports']} to the host"
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    # The Caddyfile forwards to web on the port gunicorn binds.
    web = services["web"]["command"]
    bind = web[web.index("--bind") + 1]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    upstreams = re.findall(r"^\s*reverse_proxy\s+(\S+)", caddyfile, re.MULTILINE)
    assert upstreams == [f"web:{bind.rsplit(':', 1)[1]}"]


def test_the_healthcheck_reaches_gunicorn_on_a_host_django_allows():
    app = compose()["x-app"]
    web = compose()["services"]["web"]
    check = " ".join(web["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in check
    assert "127.0.0.1" in app["environment"]["DJANGO_ALLOWED_HOSTS"].split(",")


def test_django_trusts_the_proxys_host_and_origin():
    env = compose()["x-app"]["environment"]
    proxy_env = compose()["services"]["proxy"]["environment"]
    host = proxy_env["BEV_HOSTNAME"]
    assert host in env["DJANGO_ALLOWED_HOSTS"].split(",")
    assert env["DJANGO_CSRF_TRUSTED_ORIGINS"] == f"https://{host}"
    assert env["BEV_TRUSTED_PROXIES"]


def test_compose_commits_no_secrets():
    text = (ROOT / "docker-compose.yml").read_text()
    data = yaml.safe_load(text)
    env = data["x-app"]["environment"]
    assert env["DJANGO_SECRET_KEY"].startswith("${")
    assert "${BEV_APP_DB_PASSWORD" in env["DATABASE_URL"]
    assert "${POSTGRES_PASSWORD" in data["services"]["migrate"]["environment"]["DATABASE_URL"]
    assert data["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${")
    assert data["services"]["postgres"]["environment"]["BEV_APP_DB_PASSWORD"].startswith("${")


def _database_user(url: str) -> str:
    return url.split("://", 1)[1].split(":", 1)[0]


def test_only_the_migrations_connect_as_the_tables_owner():
    """docs/security.md: the application's role must not own the tables. The web, the worker and beat
    connect as the role the postgres container's init script creates and the migrate service grants."""
    services = compose()["services"]
    owner = services["postgres"]["environment"]["POSTGRES_USER"]
    migrate = services["migrate"]
    assert _database_user(migrate["environment"]["DATABASE_URL"]) == owner
    app_role = _database_user(compose()["x-app"]["environment"]["DATABASE_URL"])
    assert app_role != owner
    for name in ("web", "worker", "beat"):
        assert _database_user(services[name].get("environment", compose()["x-app"]["environment"])["DATABASE_URL"]) == (
            app_role
        ), name
    command = " ".join(migrate["command"])
    assert command.index("manage.py migrate") < command.index(f"manage.py grant_app_role {app_role}")
    init = next(v for v in services["postgres"]["volumes"] if v.endswith(":/docker-entrypoint-initdb.d:ro"))
    script = (ROOT / init.split(":")[0] / "10-app-role.sh").read_text()
    assert f"CREATE ROLE {app_role} LOGIN" in script


@pytest.mark.django_db
def test_the_init_script_creates_a_role_that_logs_in_and_cannot_empty_the_audit_trail():
    """deploy/postgres-init/10-app-role.sh run with psql as the postgres image runs it, against this
    test cluster: the role logs in with a password holding a quote, and TRUNCATE is refused."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql" or not shutil.which("psql"):
        pytest.skip("needs PostgreSQL and psql")
    db = connection.settings_dict
    admin = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=True,
    )
    if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'bev_app'").fetchone():
        pytest.skip("this PostgreSQL already has a role bev_app")
    password = "app'pass\\word"
    environment = {
        "PATH": os.environ["PATH"],
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGPASSWORD": db["PASSWORD"] or "",
        "POSTGRES_USER": db["USER"],
        "POSTGRES_DB": db["NAME"],
        "BEV_APP_DB_PASSWORD": password,
    }
    try:
        created = subprocess.run(
            ["sh", str(ROOT / "deploy" / "postgres-init" / "10-app-role.sh")],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert created.returncode == 0, created.stderr
        with psycopg.connect(
            host=environment["PGHOST"], port=environment["PGPORT"], user="bev_app", password=password, dbname=db["NAME"]
        ) as app:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute("TRUNCATE audit_auditrecord")
    finally:
        admin.execute("DROP ROLE IF EXISTS bev_app")
        admin.close()


# ---------------------------------------------------------------------------------------------
# The Caddyfile, validated by Caddy itself
# ---------------------------------------------------------------------------------------------
CADDY = shutil.which("caddy")


@pytest.mark.skipif(
    CADDY is None, reason="caddy is not installed (apt-get install -y caddy); the Caddyfile is not validated"
)
@pytest.mark.parametrize(
    "env, expect",
    [
        ({}, '"module":"internal"'),  # the default: tls internal
        ({"BEV_HOSTNAME": "bev.example.nl", "BEV_TLS": "beheer@example.nl"}, '"module":"acme"'),
        ({"BEV_HOSTNAME": "bev.example.nl", "BEV_TLS": "/certs/cert.pem /certs/key.pem"}, '"load_files"'),
    ],
)
def test_caddy_accepts_the_caddyfile(env, expect, tmp_path):
    import os

    run_env = {k: v for k, v in os.environ.items() if k not in ("BEV_HOSTNAME", "BEV_TLS")}
    run_env.update(env, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    caddyfile = str(ROOT / "deploy" / "Caddyfile")
    adapted = subprocess.run(
        [CADDY, "adapt", "--config", caddyfile, "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env=run_env,
        timeout=60,
    )
    assert adapted.returncode == 0, adapted.stderr
    config = adapted.stdout.replace(" ", "")
    assert expect in config
    assert f'"host":["{env.get("BEV_HOSTNAME", "localhost")}"]' in config
    assert '"dial":"web:8000"' in config
    if "load_files" in expect:
        return  # validate would load the (absent) certificate files
    validated = subprocess.run(
        [CADDY, "validate", "--config", caddyfile, "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env=run_env,
        timeout=60,
    )
    assert validated.returncode == 0, validated.stderr + validated.stdout
    assert "Valid configuration" in validated.stdout + validated.stderr


# ---------------------------------------------------------------------------------------------
# Production settings
# ---------------------------------------------------------------------------------------------
def _production(monkeypatch, **env):
    import importlib
    import sys

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DATABASE_URL", "postgres://bev@127.0.0.1:5432/bev")  # named, not reached
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    # base reads the environment when imported: import a fresh copy, then put the test run's back.
    base = sys.modules.pop("config.settings.base")
    sys.modules.pop("config.settings.production", None)
    try:
        return importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)
        sys.modules["config.settings.base"] = base


def test_production_settings_refuse_the_default_secret(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        _production(monkeypatch, DJANGO_SECRET_KEY="")


def test_production_settings_refuse_debug(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        _production(monkeypatch, DJANGO_DEBUG="true")


def test_production_settings_read_the_proxys_headers(monkeypatch):
    production = _production(
        monkeypatch, BEV_TRUSTED_PROXIES="172.16.0.0/12", DJANGO_CSRF_TRUSTED_ORIGINS="https://bev.example.nl"
    )
    assert production.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert (
        getattr(production, "USE_X_FORWARDED_HOST", False) is False
    )  # Caddy passes Host on; X-Forwarded-Host is not believed
    assert production.CSRF_TRUSTED_ORIGINS == ["https://bev.example.nl"]
    assert production.BEV_TRUSTED_PROXIES == ["172.16.0.0/12"]
    assert production.MIDDLEWARE[0] == "core.proxy.TrustedProxyMiddleware"
