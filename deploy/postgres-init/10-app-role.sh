#!/bin/sh
# The postgres image runs this once, when it initialises an empty data volume (docker-entrypoint-initdb.d).
# The web, the worker and beat connect as bev_app: a role that owns no table, so it cannot TRUNCATE the
# audit trail or disable its trigger. Its grants come from `manage.py grant_app_role bev_app`, which the
# migrate service runs after every migration (README "Deploying"; docs/security.md).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v password="$BEV_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE bev_app LOGIN PASSWORD :'password';
SQL
