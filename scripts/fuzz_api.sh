#!/usr/bin/env bash
# Hostile input against every API operation as every role, for a bounded time; fails on any server
# error (5xx), listing the requests. Self-contained: a fresh seeded demo database (SQLite in var/),
# runserver on a free loopback port, a real login (password + backup code) per role and an API
# token made through the API, then scripts/fuzz_api.py. `make test` runs the same fuzzer under
# gunicorn with the production settings on PostgreSQL (tests/test_api_fuzz.py).
#
#   bash scripts/fuzz_api.sh                              # every role, 60 s   (or: make fuzz)
#   FUZZ_SECONDS=300 FUZZ_SEED=1234 bash scripts/fuzz_api.sh
#   FUZZ_SCHEMATHESIS_SECONDS=60 bash scripts/fuzz_api.sh  # then schemathesis as well, per role
#
# Environment:
#   FUZZ_SECONDS               time budget of the hostile-input run (default 60)
#   FUZZ_SEED                  to reproduce a run (its seed is printed)
#   FUZZ_USERS                 demo users to fuzz as (default: one per role)
#   FUZZ_SCHEMATHESIS_SECONDS  if set, schemathesis (generated from the schema) for that long per user
# The server log (with tracebacks of any 5xx) is var/fuzz-server.log.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
USERS=${FUZZ_USERS:-casus risico adviseur kabinet fonds kamer auditor beheer}

export DJANGO_SETTINGS_MODULE=config.settings.local
export BEV_DEMO_MODE=true
export DATABASE_URL="sqlite:///$PWD/var/fuzz.sqlite3"
unset REDIS_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND CACHE_URL  # tasks run eagerly in-process
export AXES_FAILURE_LIMIT=1000  # the fuzzer's own logins must never be locked out

mkdir -p var var/fuzz-report
rm -f var/fuzz.sqlite3
echo "Preparing a fresh demo database (var/fuzz.sqlite3)"
$PY manage.py migrate --noinput >/dev/null
$PY manage.py seed_demo >/dev/null

DEMO_PASSWORD=$($PY -c 'import django; django.setup(); from demo.seeds.access import DEMO_PASSWORD; print(DEMO_PASSWORD)')
DEMO_CODE=$($PY -c 'import django; django.setup(); from demo.seeds.access import DEMO_BACKUP_CODES; print(DEMO_BACKUP_CODES[0])')

PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
# One request at a time: SQLite allows one writer, and a "database is locked" would be a false alarm.
$PY manage.py runserver "127.0.0.1:$PORT" --noreload --nothreading >var/fuzz-server.log 2>&1 &
SERVER_PID=$!
JAR=$(mktemp)
cleanup() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -f "$JAR"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$BASE/healthz" >/dev/null || { echo "The server did not start; see var/fuzz-server.log" >&2; exit 1; }

api_token() {  # log in like a person (password + backup code), then ask the API for a token
  local user=$1 csrf
  rm -f "$JAR"
  curl -fs -c "$JAR" -b "$JAR" "$BASE/login/" >/dev/null
  csrf=$(awk '$6 == "csrftoken" {print $7}' "$JAR")
  curl -fs -c "$JAR" -b "$JAR" -o /dev/null -X POST "$BASE/login/" -H "Referer: $BASE/login/" \
    --data-urlencode "csrfmiddlewaretoken=$csrf" --data-urlencode "username=$user" \
    --data-urlencode "password=$DEMO_PASSWORD" --data-urlencode "otp_token=$DEMO_CODE"
  csrf=$(awk '$6 == "csrftoken" {print $7}' "$JAR")
  curl -fs -c "$JAR" -b "$JAR" -X POST -H "X-CSRFToken: $csrf" -H "Referer: $BASE/" "$BASE/api/auth/token/" \
    | $PY -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

args=(--base-url "$BASE" --seconds "${FUZZ_SECONDS:-60}")
[ -n "${FUZZ_SEED:-}" ] && args+=(--seed "$FUZZ_SEED")
declare -A tokens
for user in $USERS; do
  tokens[$user]=$(api_token "$user") || { echo "Could not get an API token for $user" >&2; exit 1; }
  args+=(--token "$user=${tokens[$user]}")
done

status=0
$PY scripts/fuzz_api.py "${args[@]}" || status=$?

if [ -n "${FUZZ_SCHEMATHESIS_SECONDS:-}" ]; then
  for user in $USERS; do
    echo "schemathesis as $user for ${FUZZ_SCHEMATHESIS_SECONDS} s"
    st_args=(run "$BASE/api/schema/" -H "Authorization: Token ${tokens[$user]}" --checks not_a_server_error
             --max-time "$FUZZ_SCHEMATHESIS_SECONDS" --workers 1 --no-color --generation-database :memory:
             --exclude-path /api/auth/token/  # revoking the token would end the run
             --report junit --report-junit-path "fuzz-report/$user.xml")
    [ -n "${FUZZ_SEED:-}" ] && st_args+=(--seed "$FUZZ_SEED")
    (cd var && ../.venv/bin/schemathesis "${st_args[@]}") || status=$?  # its cache goes to var/.schemathesis/
  done
fi
if [ "$status" -ne 0 ]; then
  echo "Server errors found; tracebacks in var/fuzz-server.log" >&2
fi
exit "$status"
