"""The trail's and the background tasks' figures for /metrics (core.metrics)."""

from __future__ import annotations

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .models import AuditRecord, TaskFailure


def collect():
    failures = CounterMetricFamily(
        "bev_celery_task_failures", "Celery tasks that ended in an exception, by task", labels=["task"]
    )
    for row in TaskFailure.objects.values("task_name").annotate(n=Count("id")).order_by("task_name"):
        failures.add_metric([row["task_name"]], row["n"])
    yield failures
    unsealed = GaugeMetricFamily(
        "bev_audit_unsealed_records", "Committed audit records not yet chained (grows when Celery beat stops)"
    )
    # hash, not seq: the sealer sets both at once (trigger, migration 0003) and only `hash IS NULL` has an
    # index (the unsealed records'); seq's unique index holds the sealed ones alone (migration 0006).
    unsealed.add_metric([], AuditRecord.objects.filter(hash__isnull=True).count())
    yield unsealed
