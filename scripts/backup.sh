#!/usr/bin/env bash
# A backup of the service: the database (pg_dump, custom format) and the document store, with a
# SHA-256 manifest of every file in the backup. README "Deploying", "Backups and restore".
#
#   scripts/backup.sh DESTINATION        # writes DESTINATION/bev-backup-<UTC time>/ and prints its path
#
# DATABASE_URL        the database (postgres://...), required
# DOCUMENT_STORAGE_ROOT  the document store (default: the one the Django settings name)
#
# The backup directory holds
#   database.dump      pg_dump --format=custom, with owners and privileges (the application's role
#                      must not own the audit trail: docs/security.md; restore.sh --no-owner drops them)
#   documents/         a copy of the document store
#   backup-info.txt    when, from which database, the PostgreSQL and service versions
#   MANIFEST.sha256    `sha256sum` lines for every other file; restore.sh refuses the backup when a
#                      file is missing, added or different. Its own SHA-256 is printed at the end:
#                      keep it apart from the backup (restore.sh --manifest-sha256) so a backup whose
#                      files and manifest were both changed is refused too.
# The database is dumped first, the documents copied after: a document version's file is written
# before its row commits and never changed, so every version in the dump has its file in the copy
# (a file uploaded meanwhile is copied too, and harmless). The directory is built under a
# ".partial" name and renamed when complete: a backup that stopped halfway never looks complete.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python )}

die() { echo "backup: $*" >&2; exit 1; }
[ "$#" -eq 1 ] || die "usage: scripts/backup.sh DESTINATION"
destination=$1
: "${DATABASE_URL:?backup: set DATABASE_URL}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) die "DATABASE_URL must be PostgreSQL";; esac
documents=${DOCUMENT_STORAGE_ROOT:-$($PY -c 'import django; django.setup(); from django.conf import settings; print(settings.STORAGES["default"]["OPTIONS"]["location"])')}
[ -d "$documents" ] || die "the document store $documents does not exist"

mkdir -p "$destination"
name="bev-backup-$(date -u +%Y%m%dT%H%M%SZ)"
target="$destination/$name"
[ ! -e "$target" ] || die "$target exists already"
partial="$target.partial"
rm -rf "$partial"
mkdir -m 700 "$partial"
trap 'rm -rf "$partial" "$partial.manifest"' EXIT

pg_dump --format=custom --file "$partial/database.dump" "$DATABASE_URL"
mkdir "$partial/documents"
cp -a "$documents/." "$partial/documents/"
{
  echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "database: $(psql "$DATABASE_URL" -XAtc 'SELECT current_database()')"
  echo "postgresql: $(psql "$DATABASE_URL" -XAtc 'SHOW server_version')"
  echo "service: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "document versions: $(psql "$DATABASE_URL" -XAtc 'SELECT count(*) FROM documents_documentversion' 2>/dev/null || echo unknown)"
} > "$partial/backup-info.txt"

# sha256sum escapes names with a backslash or a newline; the store's names (Django's storage) have none.
newline=$'\n'
if [ -n "$(find "$partial" \( -name '*\\*' -o -name "*$newline*" \) -print -quit)" ]; then
  die "a file name holds a backslash or a newline; not backed up"
fi
(cd "$partial" && find . -type f ! -name MANIFEST.sha256 -printf '%P\0' | LC_ALL=C sort -z \
  | xargs -0 -r sha256sum --) > "$partial.manifest"
mv "$partial.manifest" "$partial/MANIFEST.sha256"
chmod -R go-rwx "$partial"
mv "$partial" "$target"
trap - EXIT
echo "backup: $(wc -l < "$target/MANIFEST.sha256") files, manifest SHA-256 $(sha256sum "$target/MANIFEST.sha256" | cut -d' ' -f1)" >&2
echo "$target"
