# Production image: the same code as everywhere, configured through environment variables.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
# postgresql-client: pg_dump and pg_restore for scripts/backup.sh and restore.sh (bookworm's 15, as the
# postgres:15 service; README "Backups and restore").
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 bev
WORKDIR /app
# Dependencies first, exactly as pinned in the lock file (pip-compile from pyproject.toml, see README
# "Dependencies"): this layer is rebuilt only when the lock file changes, not on every code change.
# --no-deps: the lock file lists every package; pip check fails the build if one is missing.
COPY requirements.lock ./
RUN pip install --no-cache-dir --no-deps -r requirements.lock && pip check
COPY . .
# Build time: the production settings need a database and a broker to name, not to reach.
# Exported for every step of the line: each manage.py command loads the production settings.
RUN export DJANGO_SECRET_KEY=build-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
       DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    && python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv
# Everything written at run time lives under /app/var, owned by bev. The directories exist in the
# image before a volume is mounted on them, so Docker initialises a new named volume with this
# owner (an empty root-owned volume would make every document upload fail).
#   /app/var/documents  the document store (volume "documents", DOCUMENT_STORAGE_ROOT)
#   /app/var/celery     Celery beat's schedule file (volume "beat")
RUN mkdir -p /app/var/documents /app/var/celery && chown -R bev:bev /app/var
USER bev
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--max-requests", "2000", "--max-requests-jitter", "200", "--access-logfile", "-"]
