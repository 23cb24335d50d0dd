"""A refused page is one warning line in the log, without a traceback, once. Found by trying the
product: each 403 (a person opening /audit/ or /fund/fees/ their role does not allow) wrote the
PermissionDenied's traceback, twice under `make run`, so the log of a day's refusals hid its errors.
The settings' LOGGING as it is (audit.logging.RefusalWithoutTracebackFilter)."""

import logging

import pytest

from .factories import web_session

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_logged_once_without_a_traceback(client, officer, caplog):
    web_session(client, officer)
    with caplog.at_level(logging.INFO):
        response = client.get("/audit/")
    assert response.status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request" and "/audit/" in r.getMessage()]
    assert len(refused) == 1, [r.getMessage() for r in refused]
    assert refused[0].levelno == logging.WARNING and refused[0].exc_info is None and not refused[0].exc_text


def test_django_writes_through_the_roots_handler_only():
    """Django's own console handler (under DEBUG) wrote each warning a second time beside the root's."""
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate
