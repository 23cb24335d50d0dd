#!/usr/bin/env bash
# The whole suite, then the production deploy check. Runs inside scripts/with-services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Bytecode is written to __pycache__ (ignored by git) even where the environment asks Python not to
# (PYTHONDONTWRITEBYTECODE): without it each of the suite's four pytest processes compiles the ~220 test
# modules again (about 10 s of CPU each to collect them, against 3 from the cache), and every server a
# test starts compiles the project.
unset PYTHONDONTWRITEBYTECODE
: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL}"
case "$DATABASE_URL" in postgres*) ;; *) echo "make test needs PostgreSQL" >&2; exit 1;; esac
$PY manage.py compilemessages --ignore=.venv >/dev/null
# Lint and the layers: an app imports only from the apps below it (README "Architecture").
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/lint-imports --no-cache
# The English UI: the catalogue has every message of the code, each with its English.
bash scripts/check-messages.sh
# Types of the lower layers ([tool.mypy] in pyproject.toml), on the other core while the deploy check
# and the migrations run. Its cache lives outside the checkout (BEV_MYPY_CACHE), so a fresh clone does
# not start it cold; mypy checks each cached module against its source's hash before using it.
mypy_cache=${BEV_MYPY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bev-mypy}
.venv/bin/mypy --cache-dir "$mypy_cache" &
mypy_pid=$!
# Production settings must pass Django's deploy check without warnings.
DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY="$(head -c 64 /dev/urandom | base64 | tr -d '\n/+=' | head -c 60)" \
  DJANGO_ALLOWED_HOSTS=bev.example.nl $PY manage.py check --deploy --fail-level WARNING
# The suite on every core (pytest-xdist: each worker has its own test database, Redis database and
# document store; `--dist load` hands tests out in pytest-django's order, the transactional tests,
# which empty the tables, after the others), then once more with the fast paths off (core.fastpaths), so the plain ORM/DRF
# path every fast path falls back to stays tested; the slow walks run once.
if [ "$#" -gt 0 ]; then
  wait "$mypy_pid"
  exec $PY -m pytest "$@"
fi
workers=$(nproc 2>/dev/null || echo 2)
# The migrations once, into a template database; each worker of both passes copies it (CREATE DATABASE
# ... TEMPLATE, config/settings/test.py) instead of running them again (about 10 s of CPU each).
template=bev_test_template_$$
pg_admin() { $PY -c 'import sys, psycopg; psycopg.connect(sys.argv[1], autocommit=True).execute(sys.argv[2])' "$DATABASE_URL" "$1"; }
pg_admin "CREATE DATABASE \"$template\""
trap 'pg_admin "DROP DATABASE IF EXISTS \"$template\"" || true' EXIT
DATABASE_URL="${DATABASE_URL%/*}/$template" DJANGO_SETTINGS_MODULE=config.settings.test \
  $PY manage.py migrate --noinput -v 0
export BEV_TEST_DB_TEMPLATE=$template
wait "$mypy_pid"
# The first pass notes which tests ask the fast paths' switch (or start a process, which asks it
# unseen); the second runs those again, and any test the first did not run (tests/fastpath_need.py):
# a test that never asks the switch runs the same code with it off.
need=$(mktemp -d)
trap 'pg_admin "DROP DATABASE IF EXISTS \"$template\"" || true; rm -rf "$need"' EXIT
BEV_FAST_PATHS_RECORD=$need $PY -m pytest -n "$workers" --dist load -q
echo "The suite again with BEV_FAST_PATHS=off (the plain ORM and DRF), the tests that ask the switch:"
BEV_FAST_PATHS=off BEV_FAST_PATHS_NEED=$need $PY -m pytest -n "$workers" --dist load -q -m "not slow"
