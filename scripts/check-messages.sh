#!/usr/bin/env bash
# The English catalogue is current and complete (the web UI is Dutch first, English through Django's
# i18n): makemessages, run on a copy of the sources, finds no message the catalogue lacks, and every
# message has its English (no untranslated or fuzzy entry). Part of `make test` (scripts/run-tests.sh).
# To mend: `make messages`, translate what is new in locale/en/LC_MESSAGES/django.po, commit both files.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
tar --exclude=./.venv --exclude=./var --exclude=./.git --exclude=./staticfiles --exclude=./test-artifacts -cf - . | tar -C "$copy" -xf -
(cd "$copy" && DJANGO_SETTINGS_MODULE=config.settings.local "$OLDPWD/$PY" manage.py makemessages -l en --ignore=.venv --ignore=var -v 0)
po=locale/en/LC_MESSAGES/django.po
# The messages, not where they are: the "#: file:line" references, the order (by first use) and the
# header's creation date change with edits that add or drop no message.
messages() { msgcat --no-location --sort-output --no-wrap "$1" | grep -v '^"POT-Creation-Date'; }
if ! diff -q <(messages "$po") <(messages "$copy/$po") >/dev/null; then
  echo "locale/en: the code has messages the catalogue lacks (or no longer uses); run 'make messages' and translate:" >&2
  diff <(messages "$po") <(messages "$copy/$po") | grep '^[<>] msgid' | head -20 >&2
  exit 1
fi
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
case "$stats" in
  *fuzzy*|*untranslated*) echo "locale/en: not every message has its English: $stats" >&2; exit 1;;
esac
