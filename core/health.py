"""Reachability of the database and the broker, for /healthz."""

from django.conf import settings
from django.db import connection


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return False, exc.__class__.__name__


def broker_ok() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager (no broker configured)"
    try:
        import redis

        client = redis.Redis.from_url(str(settings.CELERY_BROKER_URL), socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return True, "redis"
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__
