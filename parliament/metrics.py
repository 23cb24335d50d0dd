"""The reports' and the letter outbox's figures for /metrics (core.metrics): a report that failed
or a letter request that keeps failing is the work of a task that caught its own error."""

from __future__ import annotations

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from .models import LetterRequest, Report, ReportStatus


def collect():
    reports = GaugeMetricFamily("bev_reports", "Requested reports by status", labels=["status"])
    counted = dict(Report.objects.values_list("status").annotate(n=Count("id")).order_by())
    for status in ReportStatus.values:
        reports.add_metric([status], counted.get(status, 0))
    yield reports
    pending = GaugeMetricFamily(
        "bev_letter_requests_pending",
        "Letter requests (outbox) not yet drafted, and of those the ones that failed at least once",
        labels=["failed"],
    )
    waiting = LetterRequest.objects.filter(status=LetterRequest.Status.PENDING)
    failed = waiting.exclude(last_error="").count()
    pending.add_metric(["true"], failed)
    pending.add_metric(["false"], waiting.count() - failed)
    yield pending
