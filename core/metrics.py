"""/metrics for Prometheus (README "Operations"), never public.

It answers only a request with `Authorization: Bearer <BEV_METRICS_TOKEN>` (compared in constant
time); without the setting the endpoint does not exist (404), and a missing or wrong token is 401
with nothing else. Caddy does not forward /metrics (deploy/Caddyfile): Prometheus scrapes the web
service on the internal network.

What it holds:
- figures read from the database at each scrape, contributed by the apps (core.extensions
  .metric_sources): failed Celery tasks by task, unsealed audit records, reports by status; the same
  whichever web worker answers, and they include what the Celery workers did;
- the requests by method and status (`bev_http_requests_total`) and duration: under gunicorn
  every worker's together, through the directory they share (PROMETHEUS_MULTIPROC_DIR, which
  config/gunicorn.py sets and empties at start: prometheus_client's multiprocess mode); in one
  process without it (runserver), this process's, with prometheus_client's process figures."""

from __future__ import annotations

import hmac
import logging
import os
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from .extensions import metric_sources

logger = logging.getLogger(__name__)

REQUESTS = Counter("bev_http_requests", "HTTP requests answered, by method and status", ["method", "status"])
DURATION = Histogram(
    "bev_http_request_duration_seconds",
    "Time to answer an HTTP request",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestMetricsMiddleware:
    """Counts every request (first in the chain, so refusals by later middleware count too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"  # bounded label values
        REQUESTS.labels(method=method, status=str(response.status_code)).inc()
        DURATION.observe(time.perf_counter() - started)
        return response


class _DatabaseFigures:
    """The apps' figures, read at collection time."""

    def collect(self):
        for source in metric_sources:
            try:
                yield from source()
            except Exception:  # noqa: BLE001 - one source failing leaves the others
                logger.exception("metrics: a source failed: %s", getattr(source, "__qualname__", source))


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry(auto_describe=True)
        for collector in list(REGISTRY._collector_to_names):  # this process's own metrics
            registry.register(collector)
    registry.register(_DatabaseFigures())
    return registry


def token_matches(header: str) -> bool:
    token = settings.BEV_METRICS_TOKEN
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@never_cache
@require_GET
def metrics(request):
    if not settings.BEV_METRICS_TOKEN:
        return HttpResponseNotFound()
    if not token_matches(request.headers.get("Authorization", "")):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
