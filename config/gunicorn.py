"""gunicorn's settings in production (docker-compose.yml and the Dockerfile: `--config
python:config.gunicorn`): its own lines as JSON, one object a line, like the service's
(audit.logging, DJANGO_LOG_FORMAT), so one log pipeline reads both.

The access line of a request names the method, the path **without its query string**, the status,
the size, the duration and the request id the service answered with (X-Request-ID, also in the
request's audit records). gunicorn's default access line prints the request line whole: a search for
a classified company's name (`/zaken/?q=…`) would be written to the log in clear.

Each worker, once it has loaded the application, moves everything loaded so far (Django, the apps,
their compiled reads: ~200,000 objects) out of the garbage collector's reach (`gc.freeze`): they live
as long as the worker, and a full collection no longer walks them all (tens of milliseconds, paid by
whichever request triggers it). scripts/bench.py serves with this configuration too."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile

from gunicorn.glogging import Logger

from audit.logging import JsonLogFormatter


class JsonLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        if os.environ.get("DJANGO_LOG_FORMAT", "json") == "plain":
            return  # as the service's own lines (config.settings.production)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonLogFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log.handlers:
            return  # no --access-logfile
        status = str(resp.status).split(None, 1)[0]
        request_id = next((value for name, value in resp.headers if name.lower() == "x-request-id"), "")
        self.access_log.info(
            "%s %s %s",
            req.method,
            req.path,
            status,
            extra={
                "method": req.method,
                "path": req.path,
                "status": int(status) if status.isdigit() else status,
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "request_id": request_id,
                "channel": "http",
            },
        )


logger_class = JsonLogger


def post_worker_init(worker) -> None:
    """After the worker loaded the application (gunicorn's hook): what is loaded now stays."""
    gc.collect()
    gc.freeze()


# Prometheus's request figures (core.metrics) are the server's, not one worker's: prometheus_client's
# multiprocess mode, in a directory the workers share. An operator's PROMETHEUS_MULTIPROC_DIR is
# used and emptied at start, as prometheus_client asks; without one each server makes its own (two
# servers on one machine never mix their figures) and removes it when it stops. Set in the master
# before any worker is forked: a worker imports prometheus_client with the application, and reads the
# variable then. Without it, each of the four workers counted its own requests, and a worker recycled
# after --max-requests started again from zero.
_made_metrics_dir = ""


def on_starting(server) -> None:
    global _made_metrics_dir
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))
    else:
        _made_metrics_dir = tempfile.mkdtemp(prefix="bev-prometheus-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = _made_metrics_dir


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _made_metrics_dir:
        shutil.rmtree(_made_metrics_dir, ignore_errors=True)
