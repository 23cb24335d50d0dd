"""What the apps above `core` contribute to the shared pages (core.registry): the items of the
main menu and the sources of "Mijn werk". Each app registers in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .registry import Registry


@dataclass(frozen=True)
class NavItem:
    order: int  # position in the menu, left to right
    key: str  # the page's `nav` value that marks the item as current
    url_name: str
    label: str
    allowed: Callable[[object], bool]  # may this person open it (their organisational role)


nav_items = Registry("core.nav_items")
# Labels of codes that the apps above write into shared records (a timeline event's data): key "outcome"
# (assessments), "instrument" (bev), ... -> {code: label}. Records keep the code; pages show the label.
code_labels = Registry("core.code_labels")


def code_label(kind: str, code) -> str:
    """The label of `code` among the codes of `kind`, else the code itself (an unknown code shows as is)."""
    labels = dict(code_labels.items()).get(kind, {})
    if code in labels:
        return str(labels[code])
    return "" if code is None else str(code)


# Callables `work_items(*, user) -> list[dict]`: what waits on this person.
work_sources = Registry("core.work_sources")

_work_round: ContextVar[dict | None] = ContextVar("core.work_round", default=None)


@contextmanager
def work_round() -> Iterator[dict]:
    """While the sources gather one person's work: what several of them read (the person's open
    cases, `cases.work.my_cases`) is read once and shared through this memo."""
    token = _work_round.set({})
    try:
        yield _work_round.get() or {}
    finally:
        _work_round.reset(token)


def work_round_memo() -> dict | None:
    """The memo of the work round under way, or None outside one (read afresh)."""
    return _work_round.get()


# Callables `collect() -> Iterable[prometheus_client.Metric]`: figures read from the database when
# Prometheus scrapes /metrics (core.metrics), so every web worker answers the same.
metric_sources = Registry("core.metric_sources")
