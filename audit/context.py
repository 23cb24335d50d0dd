"""Who is acting, from where, in which request: set by the middleware (or a task/command),
read by `audit.services.audit_log`."""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    channel: str = "system"  # api | web | admin | task | command | system
    # The request's user (lazy), for the few records written where no service names the actor: a
    # change to an account through Django's own views (access.signals).
    actor: Any = None


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "audit_request_context", default=RequestContext()
)


def current() -> RequestContext:
    return _current.get()


@contextmanager
def acting(*, channel: str, request_id: str | None = None, ip_address: str | None = None, actor: Any = None):
    """Who acts within the block. Without a request id it keeps the one already current (a Celery
    task started from a request carries that request's id: audit.celery), else a fresh one."""
    token = _current.set(
        RequestContext(
            request_id=request_id or _current.get().request_id or uuid.uuid4().hex,
            ip_address=ip_address,
            channel=channel,
            actor=actor,
        )
    )
    try:
        yield
    finally:
        _current.reset(token)


def enter(*, channel: str, request_id: str) -> contextvars.Token:
    """As `acting`, for code that cannot wrap a block (Celery's task_prerun/task_postrun signals)."""
    return _current.set(RequestContext(request_id=request_id, channel=channel))


def leave(token: contextvars.Token) -> None:
    _current.reset(token)
