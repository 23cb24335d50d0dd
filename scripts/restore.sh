#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an empty database and an empty document store.
# README "Deploying", "Backups and restore".
#
#   scripts/restore.sh [--manifest-sha256 HEX] [--no-owner] [--skip-verify] BACKUP_DIRECTORY
#
# DATABASE_URL           the database to restore into (postgres://...): it must exist and be empty
# DOCUMENT_STORAGE_ROOT  the document store to restore into (default: the one the Django settings
#                        name): it must be empty or not exist
#
# In this order, stopping at the first failure, before anything is written:
#   1. the manifest's own SHA-256, when --manifest-sha256 gives the one backup.sh printed;
#   2. the backup holds exactly the files its manifest lists (none missing, none added);
#   3. every file matches its SHA-256 in the manifest;
#   4. the database holds no table and the document store no file.
# Then pg_restore in one transaction (all or nothing), with the backup's owners and privileges (the
# roles must exist; --no-owner: everything owned by the restoring role, no grants, e.g. for a
# trial restore into a scratch cluster), the documents copied, and, unless
# --skip-verify, `manage.py verify_audit` (the audit chain) and `manage.py verify_documents` (every
# document version's file against its checksum) on what was restored.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python )}

die() { echo "restore: $*" >&2; exit 1; }
manifest_sha256=""
verify=1
ownership=()
while [ "$#" -gt 1 ]; do
  case "$1" in
    --manifest-sha256) manifest_sha256=$2; shift 2;;
    --no-owner) ownership=(--no-owner --no-privileges); shift;;
    --skip-verify) verify=0; shift;;
    *) die "unknown option $1";;
  esac
done
[ "$#" -eq 1 ] || die "usage: scripts/restore.sh [--manifest-sha256 HEX] [--no-owner] [--skip-verify] BACKUP_DIRECTORY"
backup=$(cd "$1" && pwd) || die "no backup at $1"
: "${DATABASE_URL:?restore: set DATABASE_URL (the empty database to restore into)}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) die "DATABASE_URL must be PostgreSQL";; esac
documents=${DOCUMENT_STORAGE_ROOT:-$($PY -c 'import django; django.setup(); from django.conf import settings; print(settings.STORAGES["default"]["OPTIONS"]["location"])')}

# 1-3: the backup is what backup.sh wrote.
manifest="$backup/MANIFEST.sha256"
[ -f "$manifest" ] || die "$backup has no MANIFEST.sha256: refused"
if [ -n "$manifest_sha256" ]; then
  actual=$(sha256sum "$manifest" | cut -d' ' -f1)
  [ "$actual" = "$manifest_sha256" ] || die "the manifest's SHA-256 is $actual, not $manifest_sha256: refused"
fi
listed=$(sed -E 's/^[0-9a-f]{64}  //' "$manifest" | LC_ALL=C sort)
present=$(cd "$backup" && find . -mindepth 1 ! -type d ! -name MANIFEST.sha256 -printf '%P\n' | LC_ALL=C sort)
if [ "$listed" != "$present" ]; then
  diff <(echo "$listed") <(echo "$present") | sed -n 's/^< /missing: /p; s/^> /not in the manifest: /p' >&2 || true
  die "the backup's files are not the ones its manifest lists: refused"
fi
grep -qvE '^[0-9a-f]{64}  [^\\]' "$manifest" && die "the manifest has a malformed line: refused"
(cd "$backup" && sha256sum --check --strict --quiet MANIFEST.sha256) >&2 \
  || die "a file does not match its SHA-256 in the manifest: refused"
[ -f "$backup/database.dump" ] || die "the backup has no database.dump: refused"

# 4: restore into nothing.
tables=$(psql "$DATABASE_URL" -XAtc "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
                                     AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                                     AND n.nspname NOT LIKE 'pg_toast%'") || die "cannot reach the database"
[ "$tables" = "0" ] || die "the database is not empty ($tables tables, views or sequences): restore into a new, empty database"
if [ -e "$documents" ] && [ -n "$(find "$documents" -mindepth 1 -print -quit)" ]; then
  die "the document store $documents is not empty: move it aside first"
fi

pg_restore "${ownership[@]}" --exit-on-error --single-transaction --dbname "$DATABASE_URL" "$backup/database.dump"
mkdir -p "$documents"
cp -a "$backup/documents/." "$documents/"
echo "restore: database and documents restored from $backup" >&2

if [ "$verify" = 1 ]; then
  $PY manage.py verify_audit
  $PY manage.py verify_documents
fi
