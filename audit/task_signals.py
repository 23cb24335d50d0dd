"""Celery tasks in the request's context, and their failures on record.

- A task queued during a request carries the request's id (a message header), and everything the
  task logs or audits carries it too (`audit.logging`, `audit.context.acting`); a task queued
  elsewhere (beat, a command) uses its own task id.
- A task that ends in an exception is logged (task name, id, exception, traceback: JSON in
  production), kept as a `TaskFailure` row (the administrator's list in the admin) and counted in
  the metrics (`bev_celery_task_failures_total`, core.metrics). Tasks that record their own failure
  on the thing they work on (a report, a letter request) and return are not failures here.

Connected in AuditConfig.ready()."""

from __future__ import annotations

import logging

from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun
from django.db import DatabaseError

from . import context

logger = logging.getLogger("bev.tasks")

HEADER = "bev_request_id"
_TOKENS: dict[str, list] = {}  # task id -> context tokens to reset after it (eager tasks nest)


def _carry_request_id(sender=None, headers=None, **kwargs) -> None:
    request_id = context.current().request_id
    if headers is not None and request_id:
        headers.setdefault(HEADER, request_id)


def _enter_task(sender=None, task_id=None, task=None, **kwargs) -> None:
    request = getattr(task, "request", None)
    carried = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    request_id = carried or context.current().request_id or task_id or ""
    _TOKENS.setdefault(task_id, []).append(context.enter(channel="task", request_id=str(request_id)[:64]))


def _leave_task(sender=None, task_id=None, **kwargs) -> None:
    tokens = _TOKENS.get(task_id)
    if tokens:
        context.leave(tokens.pop())
        if not tokens:
            del _TOKENS[task_id]


def _record_failure(sender=None, task_id=None, exception=None, traceback=None, **kwargs) -> None:
    from .models import TaskFailure

    name = getattr(sender, "name", str(sender))
    kind = type(exception).__name__
    logger.error(
        "Celery task failed: %s",
        name,
        exc_info=(type(exception), exception, traceback),
        extra={"task_name": name, "task_id": task_id, "exception": kind},
    )
    try:
        TaskFailure.objects.create(
            task_name=name[:200],
            task_id=str(task_id or "")[:64],
            exception=kind[:200],
            request_id=context.current().request_id[:64],
            message=str(exception)[:2000],
        )
    except DatabaseError:  # the database may be why the task failed: the log line above remains
        logger.exception("Could not record the failure of task %s (%s)", name, task_id)


def connect() -> None:
    before_task_publish.connect(_carry_request_id, weak=False, dispatch_uid="bev.audit.carry_request_id")
    task_prerun.connect(_enter_task, weak=False, dispatch_uid="bev.audit.enter_task")
    task_postrun.connect(_leave_task, weak=False, dispatch_uid="bev.audit.leave_task")
    task_failure.connect(_record_failure, weak=False, dispatch_uid="bev.audit.record_failure")
