#!/usr/bin/env bash
# The whole suite, then the production deploy check. Runs inside scripts/with-services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL}"
case "$DATABASE_URL" in postgres*) ;; *) echo "make test needs PostgreSQL" >&2; exit 1;; esac
$PY manage.py compilemessages --ignore=.venv >/dev/null
# Lint and the layers: an app imports only from the apps below it (README "Architecture").
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/lint-imports --no-cache
# Types of the lower layers ([tool.mypy] in pyproject.toml).
.venv/bin/mypy
# Production settings must pass Django's deploy check without warnings.
DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY="$(head -c 64 /dev/urandom | base64 | tr -d '\n/+=' | head -c 60)" \
  DJANGO_ALLOWED_HOSTS=bev.example.nl $PY manage.py check --deploy --fail-level WARNING
# The suite on every core (pytest-xdist: each worker has its own test database, Redis database and
# document store; `--dist load` hands tests out in pytest-django's order, the transactional tests,
# which empty the tables, after the others), then once more with the fast paths off (core.fastpaths), so the plain ORM/DRF
# path every fast path falls back to stays tested; the slow walks run once.
if [ "$#" -gt 0 ]; then
  exec $PY -m pytest "$@"
fi
workers=$(nproc 2>/dev/null || echo 2)
$PY -m pytest -n "$workers" --dist load -q
echo "The suite again with BEV_FAST_PATHS=off (the plain ORM and DRF):"
BEV_FAST_PATHS=off $PY -m pytest -n "$workers" --dist load -q -m "not slow"
