# Production image: the same code as everywhere, configured through environment variables.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 bev
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir setuptools && mkdir -p /app && touch README.md
COPY . .
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
       python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv \
    && mkdir -p /app/var && chown -R bev /app/var
USER bev
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--max-requests", "2000", "--max-requests-jitter", "200", "--access-logfile", "-"]
