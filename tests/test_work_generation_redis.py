"""The generation of "Mijn werk" (core.work_count) on Redis, as production keeps it: every audited
write moves it on (twice: at once and after the commit), so each step is one round trip (issue 25),
and it still follows the rule: one more each step, a fresh random one when there is none, a kept
count counted again after a step, nothing raised when Redis is down."""

import uuid
from types import SimpleNamespace

import pytest
import redis
from django.test import override_settings

from core import work_count

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def _caches(location: str, prefix: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_cache(settings):
    if not settings.TEST_REDIS_URL:
        pytest.skip("REDIS_URL not set")
    prefix = f"bev-test-{uuid.uuid4().hex}"
    with override_settings(CACHES=_caches(settings.TEST_REDIS_URL, prefix)):
        from django.core.cache import cache

        yield cache
        server = redis.Redis.from_url(settings.TEST_REDIS_URL)
        for key in server.keys(f"{prefix}:*"):
            server.delete(key)


@pytest.fixture
def commands(monkeypatch):
    """The commands the service sends to Redis (the real server answers them)."""
    sent: list[str] = []
    original = redis.Redis.execute_command

    def counted(self, *args, **options):
        sent.append(str(args[0]).upper())
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    return sent


def test_a_step_moves_the_generation_on_by_one_in_one_round_trip(redis_cache, commands):
    first = work_count.current_generation()
    work_count._next_generation()  # the first on a server also loads the script (SCRIPT LOAD)
    commands.clear()
    work_count._next_generation()
    assert commands == ["EVALSHA"]  # Django's incr: EXISTS, then INCRBY
    assert work_count.current_generation() == first + 2


def test_without_a_generation_a_step_starts_a_fresh_random_one(redis_cache):
    redis_cache.delete(work_count.GENERATION_KEY)
    work_count._next_generation()
    fresh = redis_cache.get(work_count.GENERATION_KEY)
    assert isinstance(fresh, int) and fresh > 1  # random (62 bits), never restarting a sequence at 1
    work_count._next_generation()
    assert redis_cache.get(work_count.GENERATION_KEY) == fresh + 1


def test_a_step_still_works_after_redis_forgot_the_script(redis_cache, settings):
    first = work_count.current_generation()
    work_count._next_generation()
    redis.Redis.from_url(settings.TEST_REDIS_URL).script_flush()  # as after a Redis restart
    work_count._next_generation()
    assert work_count.current_generation() == first + 2


def test_a_kept_count_is_counted_again_after_a_step(redis_cache):
    person = SimpleNamespace(pk=1, username="ambtenaar", role="case_officer", clearance="vertrouwelijk")
    work_count.keep_work_count(person, 3, generation=work_count.current_generation())
    assert work_count.kept_work_count(person, lambda: 99) == 3
    work_count.work_changed()  # outside a transaction: at once and "after the commit" at once too
    assert work_count.kept_work_count(person, lambda: 99) == 99


def test_a_step_with_redis_down_is_a_warning_not_an_error(settings, caplog):
    with override_settings(CACHES=_caches("redis://127.0.0.1:1/0", "bev-down")):
        work_count._next_generation()
    assert "Could not move the work generation on" in caplog.text
