"""PDF from HTML with WeasyPrint, in a child process that is replaced after a number of documents.

WeasyPrint (with pango, cairo and harfbuzz under it) leaves a web worker's heap larger after every
document it lays out: in the benchmark's soak, a worker serving only reads stayed at ~107 MB while
one that also rendered Kamerbrieven kept growing. Rendering in a child process keeps that growth
out of the worker, and the child is replaced after `RENDERS_PER_CHILD` documents, so it stays
bounded too. The child is started on first use in each process (spawn: it imports nothing of
Django), and it only receives HTML and returns bytes. If the child dies (killed, out of memory),
the document is rendered once more by a new one.

A daemonic process may not start children: a Celery worker's prefork pool runs every task in one,
which is how the compose file runs the worker. There the document is laid out in the process
itself, and the worker's own recycling (`--max-tasks-per-child` in docker-compose.yml) bounds the
growth instead."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

RENDERS_PER_CHILD = 100
TIMEOUT_SECONDS = 120

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_owner_pid: int | None = None


def html_to_pdf(html: str, *, fetch_resources: bool = True) -> bytes:
    """The PDF of this HTML. `fetch_resources=False`: a reference to anything outside the HTML
    (a stylesheet, an image, a URL) is refused instead of loaded."""
    if multiprocessing.current_process().daemon:  # a Celery prefork child: no children allowed
        return _render(html, fetch_resources)
    try:
        return _pool().submit(_render, html, fetch_resources).result(timeout=TIMEOUT_SECONDS)
    except BrokenProcessPool:
        _discard()
        return _pool().submit(_render, html, fetch_resources).result(timeout=TIMEOUT_SECONDS)


def _pool() -> ProcessPoolExecutor:
    global _executor, _owner_pid
    with _lock:
        if _executor is None or _owner_pid != os.getpid():  # none yet, or inherited through a fork
            _executor = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=RENDERS_PER_CHILD
            )
            _owner_pid = os.getpid()
        return _executor


def _discard() -> None:
    global _executor
    with _lock:
        if _executor is not None:
            _executor.shutdown(wait=False, cancel_futures=True)
        _executor = None


def _render(html: str, fetch_resources: bool) -> bytes:  # runs in the child
    from weasyprint import HTML

    # PDF/UA-1: a tagged PDF (headings, paragraphs, tables and lists in the structure tree, the
    # document's language and title from the HTML), readable by screen readers (issue 23).
    if fetch_resources:
        return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
    return HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf(pdf_variant=PDF_VARIANT)


PDF_VARIANT = "pdf/ua-1"


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"The document may not load external resources ({url[:80]}).")
