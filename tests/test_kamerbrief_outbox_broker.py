"""A broker that is down when the fund transaction commits delays the letters but never loses
them; with the broker back, the periodic outbox run (through a real worker) makes the drafts."""

import logging
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import transaction

from access.roles import Role
from bev.events import transaction_executed
from config.celery_app import app
from parliament import tasks
from parliament.models import LetterDraft, LetterRequest

from .factories import add_liaisons, transaction_event
from .processes import DEAD_BROKER, celery_broker

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def live_redis():
    if not settings.TEST_REDIS_URL:
        pytest.skip("REDIS_URL not set: this test needs a real broker")


@pytest.fixture(autouse=True)
def configuration(live_redis):
    """Transactional tests flush the tables, the migration's configuration rows with them."""
    from parliament.models import LetterReference, Minister, MinistryProfile
    from parliament.seed_data import seed_configuration

    seed_configuration(MinistryProfile, Minister, LetterReference)


@contextmanager
def worker():
    from celery._state import _set_task_join_will_block
    from celery.contrib.testing.worker import start_worker

    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        # The in-process worker marks this process as a worker ("never call result.get() within a
        # task"); later tests in the same process call .get() on eager results.
        _set_task_join_will_block(False)


@pytest.fixture
def letter_case(case, officer, make_user):
    return add_liaisons(case, by=officer, liaisons=[make_user("kamer", Role.PARLIAMENTARY_LIAISON)])


def test_a_broker_outage_at_commit_loses_nothing(letter_case, manager, caplog):
    event = transaction_event(letter_case, user=manager)
    with celery_broker(DEAD_BROKER), caplog.at_level(logging.WARNING, logger="parliament.services"):
        with transaction.atomic():
            transaction_executed(event)  # the fund transaction commits; .delay() fails in on_commit
    assert "Could not enqueue make_letter_drafts" in caplog.text

    request = LetterRequest.objects.get(source_key=event.source_key)
    assert request.status == LetterRequest.Status.PENDING
    assert not LetterDraft.objects.exists()

    with celery_broker(settings.TEST_REDIS_URL):
        app.control.purge()
        with worker():
            made = tasks.process_outbox.apply_async(ignore_result=False).get(timeout=30)
    assert made == 2
    request.refresh_from_db()
    assert request.status == LetterRequest.Status.DONE
    assert LetterDraft.objects.filter(request=request).count() == 2


def test_with_the_broker_up_the_worker_makes_the_drafts_after_commit(letter_case, manager):
    event = transaction_event(letter_case, user=manager)
    with celery_broker(settings.TEST_REDIS_URL):
        app.control.purge()
        with transaction.atomic():
            transaction_executed(event)
        assert not LetterDraft.objects.exists()  # queued, not yet worked
        with worker():
            tasks.process_outbox.apply_async(ignore_result=False).get(
                timeout=30
            )  # runs after the queued task (one solo worker)
    assert LetterDraft.objects.filter(request__source_key=event.source_key).count() == 2


def forget_result_backend() -> None:
    """Celery keeps the result backend it built (per app, or per thread); build it again from the setting."""
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


def test_the_hand_off_does_not_wait_for_a_result_backend_that_is_down(letter_case, manager, caplog):
    """No caller reads a task's result (CELERY_TASK_IGNORE_RESULT): with the result store unreachable
    the drafting is still queued at once. Asking for results made each hand-off subscribe to the
    result backend first, which with Redis down retried for ~19 s inside the request, then failed."""
    import redis

    event = transaction_event(letter_case, user=manager)
    with celery_broker(settings.TEST_REDIS_URL):
        app.control.purge()
        saved, app.conf.result_backend = app.conf.result_backend, DEAD_BROKER
        forget_result_backend()
        try:
            with caplog.at_level(logging.WARNING, logger="parliament.services"), transaction.atomic():
                transaction_executed(event)
        finally:
            app.conf.result_backend = saved
            forget_result_backend()
        queued = redis.Redis.from_url(settings.TEST_REDIS_URL).llen("celery")
        app.control.purge()
    assert "Could not enqueue" not in caplog.text
    assert queued == 1
