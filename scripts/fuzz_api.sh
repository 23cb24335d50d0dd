#!/usr/bin/env bash
# Fuzz the API from its OpenAPI schema with schemathesis, as a logged-in demo user, and fail on any
# server error (5xx). Self-contained: a fresh seeded SQLite database in var/, runserver on a free
# loopback port, a real login (password + backup code) and an API token made through the API.
#
#   bash scripts/fuzz_api.sh                 # casus (case officer), 25 examples per operation
#   FUZZ_USERS="casus auditor fonds" FUZZ_MAX_EXAMPLES=50 bash scripts/fuzz_api.sh
#
# Environment:
#   FUZZ_USERS         demo users to fuzz as, in turn (default: casus)
#   FUZZ_MAX_EXAMPLES  test cases per API operation (default: 25)
#   FUZZ_MAX_TIME      optional time budget in seconds per user
#   FUZZ_SEED          schemathesis seed, to reproduce a run
# The server log (with tracebacks of any 5xx) is var/fuzz-server.log; reports go to var/fuzz-report/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ST=.venv/bin/schemathesis
USERS=${FUZZ_USERS:-casus}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}

export DJANGO_SETTINGS_MODULE=config.settings.local
export BEV_DEMO_MODE=true
export DATABASE_URL="sqlite:///$PWD/var/fuzz.sqlite3"
unset REDIS_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND  # tasks run eagerly in-process
export AXES_FAILURE_LIMIT=1000  # the fuzzer's own login must never be locked out

mkdir -p var var/fuzz-report
rm -f var/fuzz.sqlite3
echo "Preparing a fresh demo database (var/fuzz.sqlite3)"
$PY manage.py migrate --noinput >/dev/null
$PY manage.py seed_demo >/dev/null

DEMO_PASSWORD=$($PY -c 'import django; django.setup(); from access.demo import DEMO_PASSWORD; print(DEMO_PASSWORD)')
DEMO_CODE=$($PY -c 'import django; django.setup(); from access.demo import DEMO_BACKUP_CODES; print(DEMO_BACKUP_CODES[0])')

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
  curl -fs -c "$JAR" -b "$JAR" -o /dev/null -X POST "$BASE/login/" \
    --data-urlencode "csrfmiddlewaretoken=$csrf" --data-urlencode "username=$user" \
    --data-urlencode "password=$DEMO_PASSWORD" --data-urlencode "otp_token=$DEMO_CODE"
  csrf=$(awk '$6 == "csrftoken" {print $7}' "$JAR")
  curl -fs -c "$JAR" -b "$JAR" -X POST -H "X-CSRFToken: $csrf" "$BASE/api/auth/token/" \
    | $PY -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

status=0
for user in $USERS; do
  token=$(api_token "$user") || { echo "Could not get an API token for $user" >&2; exit 1; }
  echo "Fuzzing $BASE/api/schema/ as $user ($MAX_EXAMPLES examples per operation)"
  args=(run "$BASE/api/schema/" -H "Authorization: Token $token" --checks not_a_server_error
        --max-examples "$MAX_EXAMPLES" --workers 1 --no-color --generation-database :memory:
        --exclude-path /api/auth/token/  # revoking the token would end the run
        --report junit --report-junit-path "fuzz-report/$user.xml")
  [ -n "${FUZZ_MAX_TIME:-}" ] && args+=(--max-time "$FUZZ_MAX_TIME")
  [ -n "${FUZZ_SEED:-}" ] && args+=(--seed "$FUZZ_SEED")
  (cd var && "../$ST" "${args[@]}") || status=$?  # in var/: schemathesis keeps its cache in .schemathesis/
done
if [ "$status" -ne 0 ]; then
  echo "Server errors found; tracebacks in var/fuzz-server.log" >&2
fi
exit "$status"
