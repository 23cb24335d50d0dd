"""The fund overview is cached between requests, but never shows a state the ledger has left."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from bev import services
from bev.selectors import fund_overview

from .factories import charge_fee, fund_with_tranches

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_booking_is_seen_at_once_by_the_next_overview(manager, django_assert_max_num_queries):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    assert not connection.in_atomic_block
    first = fund_overview()
    assert first["received"] == Decimal("50000000")
    with django_assert_max_num_queries(5):  # served from the cache: only the version lookups
        assert fund_overview() == first
    services.tranche_receive(
        user=manager, amount=Decimal("50000000"), idempotency_key="second", received_on=date(2024, 6, 3)
    )
    assert fund_overview()["received"] == Decimal("100000000")
    charge_fee(user=manager, amount=Decimal("250000"), idempotency_key="fee-1")
    assert fund_overview()["fees"] == Decimal("250000")


def _redis_caches(location: str, prefix: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.mark.redis
def test_the_figures_are_shared_through_redis_and_still_never_stale(manager, settings, django_assert_max_num_queries):
    """With Redis (production), the figures computed by one web worker are read by every other: they
    live in Redis, not in the process, and a booking still shows at once."""
    if not settings.TEST_REDIS_URL:
        pytest.skip("REDIS_URL not set")
    import uuid

    import redis
    from django.test import override_settings

    prefix = f"bev-test-{uuid.uuid4().hex}"
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    with override_settings(CACHES=_redis_caches(settings.TEST_REDIS_URL, prefix)):
        first = fund_overview()
        server = redis.Redis.from_url(settings.TEST_REDIS_URL)
        try:
            stored = server.keys(f"{prefix}:*")
            assert stored, "the figures were not stored in Redis"
            with django_assert_max_num_queries(5):  # another worker: only the version lookups
                assert fund_overview() == first
            services.tranche_receive(
                user=manager, amount=Decimal("50000000"), idempotency_key="second", received_on=date(2024, 6, 3)
            )
            assert fund_overview()["received"] == Decimal("100000000")
        finally:
            for key in server.scan_iter(f"{prefix}:*"):
                server.delete(key)
            server.close()


def test_an_unreachable_cache_costs_time_not_the_answer(manager):
    """The cache holds derived figures only: with the cache server down, the overview is computed
    and correct, and bookings still show."""
    from django.test import override_settings

    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    expected = fund_overview()
    with override_settings(CACHES=_redis_caches("redis://127.0.0.1:1/0", "bev-down")):
        assert fund_overview() == expected
        services.tranche_receive(
            user=manager, amount=Decimal("50000000"), idempotency_key="second", received_on=date(2024, 6, 3)
        )
        assert fund_overview()["received"] == Decimal("100000000")


def _held_figures_key():
    from django.utils import timezone

    from bev.selectors import overview as selectors

    today = timezone.localdate()
    return selectors._cache_key(selectors._fund_state(today), today, None)


def test_a_miss_is_computed_once_the_other_workers_wait_for_its_figures(manager):
    """While one worker computes the figures of a miss, another that misses the same state waits for
    them instead of computing them too."""
    import threading

    from django.core.cache import cache
    from django.db import connections

    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    expected = fund_overview()
    key = _held_figures_key()
    figures = cache.get(key)
    cache.clear()
    assert cache.add(key + ":computing", 1)  # another worker is computing
    result = {}

    def other_worker():
        try:
            result["overview"] = fund_overview()
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    thread.join(0.3)
    assert thread.is_alive(), "the worker computed the figures itself instead of waiting"
    cache.set(key, {**figures, "invested": Decimal("123.45")})  # the computing worker's figures
    thread.join(10)
    assert result["overview"]["invested"] == Decimal("123.45")
    derived = {"invested", "moic"}  # the multiple is over what was invested
    assert {k: v for k, v in result["overview"].items() if k not in derived} == {
        k: v for k, v in expected.items() if k not in derived
    }


def test_a_worker_whose_figures_never_come_computes_them_itself(manager, monkeypatch):
    from django.core.cache import cache

    from bev.selectors import overview as selectors

    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    expected = fund_overview()
    key = _held_figures_key()
    cache.clear()
    assert cache.add(key + ":computing", 1)  # a worker that took the lock and died
    monkeypatch.setattr(selectors, "FIGURES_WAIT_SECONDS", 0.2)
    assert fund_overview() == expected
