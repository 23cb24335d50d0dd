"""Log records carry the request id (and channel) of the request or Celery task they were written
in: the id the middleware gave the request (X-Request-ID, also in its audit records), or the id a
task inherited from the request that queued it (audit.celery). Production writes them as JSON, one
object a line (config.settings: DJANGO_LOG_FORMAT)."""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

from .context import current


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `channel` to every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current()
        if not getattr(record, "request_id", None):
            # Django logs a 4xx/5xx answer after the middleware's context ended, with the request.
            record.request_id = context.request_id or getattr(getattr(record, "request", None), "request_id", "")
        if not getattr(record, "channel", None):
            record.channel = context.channel
        return True


class RefusalWithoutTracebackFilter(logging.Filter):
    """Django logs every 403 answer ("Forbidden (Permission denied): /fund/") with the
    PermissionDenied's traceback: a refusal is the service working, and a log of tracebacks for each
    one hides the errors among them. The line stays (a warning, with its request id); the traceback
    goes. Only 403s: a 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True


class JsonLogFormatter(JsonFormatter):
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message, request_id, channel,
    whatever the call passed in `extra`, and the exception's traceback as `exc_info`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(channel)s", *args, **kwargs)

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        from datetime import UTC, datetime

        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
