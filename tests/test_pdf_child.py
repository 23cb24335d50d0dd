"""`core.pdf`: PDFs are laid out in a child process (WeasyPrint's growth stays out of the web
worker), replaced after a number of documents, and a child that dies does not fail the request."""

import os
import signal

from core import pdf

HTML = "<html><body><h1>Kamerbrief</h1><p>Beschermingsvoorziening Economische Veiligheid</p></body></html>"


def _child_pids():
    return [p.pid for p in (pdf._executor._processes or {}).values()] if pdf._executor else []


def test_a_pdf_is_rendered_in_a_child_process():
    content = pdf.html_to_pdf(HTML)
    assert content.startswith(b"%PDF")
    children = _child_pids()
    assert children and os.getpid() not in children


def test_a_child_that_dies_is_replaced_and_the_document_still_rendered():
    pdf.html_to_pdf(HTML)
    for pid in _child_pids():
        os.kill(pid, signal.SIGKILL)
    assert pdf.html_to_pdf(HTML).startswith(b"%PDF")
    assert pdf.html_to_pdf(HTML, fetch_resources=False).startswith(b"%PDF")


def test_the_child_is_replaced_after_its_quota(monkeypatch):
    monkeypatch.setattr(pdf, "RENDERS_PER_CHILD", 2)
    pdf._discard()
    pdf.html_to_pdf(HTML)
    first = set(_child_pids())
    for _ in range(3):
        pdf.html_to_pdf(HTML)
    assert first and set(_child_pids()) != first
    pdf._discard()
