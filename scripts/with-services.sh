#!/usr/bin/env bash
# Runs a command with a real PostgreSQL and Redis.
# DATABASE_URL / REDIS_URL given: use them. Otherwise start throw-away servers on loopback
# (PostgreSQL through Debian's pg_virtualenv, which also works as root; Redis on a free port),
# run the command, and stop them again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh test

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

redis_pid=""
cleanup() {
  if [ -n "${REDIS_PORT_STARTED:-}" ]; then redis-cli -p "$REDIS_PORT_STARTED" shutdown nosave >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if [ -z "${REDIS_URL:-}" ]; then
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --logfile "/tmp/bev-redis-$port.log" >/dev/null
  REDIS_PORT_STARTED=$port
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$port/0"
  export REDIS_PORT_STARTED
  echo "Started Redis on 127.0.0.1:$port"
fi

if [ -n "${DATABASE_URL:-}" ]; then
  exec_status=0; "$@" || exec_status=$?; exit $exec_status
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
# Each run gets its own cluster in a temporary directory (-t) on a free port, so two runs on one
# machine do not collide on pg_virtualenv's fixed cluster name.
export PGPORT=$(free_port)
echo "Starting a throw-away PostgreSQL $version cluster (pg_virtualenv) on 127.0.0.1:$PGPORT"
pg_virtualenv -t -v "$version" -o fsync=off -o synchronous_commit=off \
  -o full_page_writes=off -o max_connections=200 \
  bash -c 'export DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@127.0.0.1:$PGPORT/$PGDATABASE"; exec "$@"' _ "$@"
