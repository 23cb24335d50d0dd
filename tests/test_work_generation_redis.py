"""The generation of "Mijn werk" (core.work_count) on Redis, as production keeps it: every audited
write moves it on after the commit, once per transaction, in one round trip (issue 25), and it still
follows the rule: one more each step, a fresh random one when there is none, a kept count counted
again after a step, nothing raised when Redis is down. Within the writing transaction a count kept
before a write is not read after it, and one kept in a transaction that was rolled back never."""

import uuid
from types import SimpleNamespace

import pytest
import redis
from django.db import transaction
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


def _steps(sent: list[str]) -> list[str]:
    """The commands with redis-py's reload of a forgotten script folded into the step it retries
    (EVALSHA, SCRIPT LOAD, EVALSHA: one step). Redis's scripts are server-wide: the other pytest
    worker's `test_a_step_still_works_after_redis_forgot_the_script` may flush them at any moment."""
    folded: list[str] = []
    for command in sent:
        if command == "SCRIPT LOAD" and folded and folded[-1] == "EVALSHA":
            folded.pop()
            continue
        folded.append(command)
    return folded


def test_a_step_moves_the_generation_on_by_one_in_one_round_trip(redis_cache, commands):
    first = work_count.current_generation()
    work_count._next_generation()  # the first on a server also loads the script (SCRIPT LOAD)
    commands.clear()
    work_count._next_generation()
    assert _steps(commands) == ["EVALSHA"]  # Django's incr: EXISTS, then INCRBY
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
    work_count.work_changed()  # in the test's transaction: its own token until the commit
    assert work_count.kept_work_count(person, lambda: 99) == 99


def test_a_step_with_redis_down_is_a_warning_not_an_error(settings, caplog):
    with override_settings(CACHES=_caches("redis://127.0.0.1:1/0", "bev-down")):
        work_count._next_generation()
    assert "Could not move the work generation on" in caplog.text


PERSON = SimpleNamespace(pk=2, username="beoordelaar", role="risk_assessor", clearance="geheim")


def _keep(number):
    work_count.keep_work_count(PERSON, number, generation=work_count.current_generation())


def test_in_a_transaction_a_count_kept_before_a_write_is_counted_again_after_it(
    redis_cache, commands, django_capture_on_commit_callbacks
):
    """Reads in the writing transaction see its uncommitted writes: the per-transaction token, not a
    Redis round trip per write (issue 25), keeps them from a count kept before the write."""
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _keep(3)
            assert work_count.kept_work_count(PERSON, lambda: 99) == 3
            commands.clear()
            work_count.work_changed()
            assert "EVALSHA" not in commands  # nothing sent until the commit
            assert work_count.kept_work_count(PERSON, lambda: 4) == 4  # counted again
            _keep(4)
            assert work_count.kept_work_count(PERSON, lambda: 99) == 4  # kept within the transaction
            work_count.work_changed()
            assert work_count.kept_work_count(PERSON, lambda: 5) == 5  # after the next write: again
            _keep(5)
    assert _steps(commands).count("EVALSHA") == 1  # one step for the transaction, after its commit
    assert work_count.kept_work_count(PERSON, lambda: 6) == 6  # what it kept is not read after the commit


def test_a_count_kept_in_a_transaction_that_was_rolled_back_is_not_read_again(redis_cache):
    _keep(3)
    with pytest.raises(RuntimeError), transaction.atomic():
        work_count.work_changed()
        _keep(99)  # counted from what is rolled back
        raise RuntimeError
    assert work_count.kept_work_count(PERSON, lambda: 3) == 3
    _keep(3)
    assert work_count.kept_work_count(PERSON, lambda: 7) == 3
