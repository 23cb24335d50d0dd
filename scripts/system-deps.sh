#!/usr/bin/env bash
# Installs the Debian packages the service needs, only where missing.
#   run:   Pango (WeasyPrint PDFs), gettext (translations)
#   test:  + PostgreSQL 15, Redis, Chromium (browser tests), graphviz, Caddy (the proxy config)
set -euo pipefail
mode=${1:-run}
need=()
have() { dpkg -s "$1" >/dev/null 2>&1; }
for p in libpango-1.0-0 libpangoft2-1.0-0 gettext; do have "$p" || need+=("$p"); done
if [ "$mode" = test ]; then
  command -v pg_virtualenv >/dev/null 2>&1 || need+=(postgresql postgresql-common)
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v dot >/dev/null 2>&1 || need+=(graphviz)
  command -v caddy >/dev/null 2>&1 || need+=(caddy)  # validates deploy/Caddyfile
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "Missing Debian packages: ${need[*]} (install them as root)" >&2; exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "Installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
