"""Celery tasks of the letters and reports: thin, they call services.

With acks_late (config.settings.base) a worker killed mid-task gets the task redelivered; the
services make that harmless (one transaction per draft set, one status row per report)."""

import logging

from celery import shared_task

from audit.context import acting

from . import services

logger = logging.getLogger(__name__)


@shared_task
def make_letter_drafts(request_id: int) -> int:
    """Turn one outbox row into its drafts. A failure leaves the row pending for the next outbox run."""
    with acting(channel="task"):
        try:
            return len(services.letter_drafts_make(request_id=request_id))
        except Exception as exc:  # noqa: BLE001 - recorded on the row, retried by process_outbox
            logger.exception("Drafting letters for request %s failed", request_id)
            services.letter_request_record_failure(request_id=request_id, error=f"{type(exc).__name__}: {exc}")
            return 0


@shared_task
def process_outbox() -> int:
    """Every minute (beat "process-letter-outbox"): whatever was not done yet, including requests
    whose hand-off failed because the broker was down, reports never picked up and reports whose
    worker died while building them."""
    made = 0
    for request_id in services.pending_letter_request_ids():
        made += make_letter_drafts(request_id)
    for report_id in services.stale_report_ids():
        generate_report(report_id)
    return made


@shared_task(bind=True)
def generate_report(self, report_id: int) -> str:
    from .reports import build_report

    # Redelivered: the worker process that had it died (acks_late); its report is taken over now.
    # (Called directly by process_outbox, the request carries no delivery information.)
    worker_lost = bool((self.request.delivery_info or {}).get("redelivered"))
    with acting(channel="task"):
        report = services.report_start(report_id=report_id, worker_lost=worker_lost)
        if report is None:
            return "skipped"
        try:
            build_report(report)
        except Exception as exc:  # noqa: BLE001 - shown to the user through the status row
            logger.exception("Report %s failed", report_id)
            services.report_fail(report_id=report_id, error=f"{type(exc).__name__}: {exc}")
            return "failed"
        return "done"
