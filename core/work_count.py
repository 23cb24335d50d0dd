"""The menu's count of "Mijn werk", kept per person in the shared cache (issue 23: the count cost every
page the whole inbox, 6-18 queries).

The tasks follow from the lifecycle's rules (guards, four eyes, roles on the team), which live in one
place each; counting them in one aggregate query per source would state those rules a second time in
SQL. So the count is the inbox's own list, counted once and kept:

- under a **generation** every write that may change someone's tasks moves on (`work_changed`, called
  by `audit.services.audit_log` for every audited change: every state change is audited in its
  service's transaction). It moves after the commit (once per transaction: one Redis round trip),
  so a count another connection made meanwhile, from what was not yet committed, is not kept;
- within the writing transaction (whose reads see its own uncommitted writes) a count is kept under
  the generation and a token of that transaction, fresh after each of its writes, held by the
  transaction's pending step (`_GenerationStep`): a count kept before a write is not read after it,
  and one kept in a transaction that is rolled back (the step goes with it) is never read again.
  (Until issue 25 the generation also moved at once, a second round trip per write.);
- per person, keyed on their id, username, role and clearance: never another person's count, and
  counted again when their function or clearance changes;
- for `WORK_COUNT_SECONDS` at most, for the tasks that appear with time alone (a follow-up item a
  fortnight before its date, the evaluation's warning period) and writes made outside the services;
- the inbox page counts afresh (what it lists) and keeps that count.

Without the cache (Redis unreachable) every page counts afresh, as before."""

from __future__ import annotations

import logging
import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.commands.core import Script

logger = logging.getLogger(__name__)

WORK_COUNT_SECONDS = 60
GENERATION_KEY = "work:generation"


def work_changed() -> None:
    """Something that may change someone's tasks is being written: counts kept so far are stale."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: the write is committed already
        _next_generation()
        return
    step = _pending_step(connection)
    if step is None:
        step = _GenerationStep()
        transaction.on_commit(step)
    step.token = secrets.randbits(62)  # a count kept in this transaction before this write is not read after it


class _GenerationStep:
    """The generation's step after a transaction's commit, and the token that sets the counts kept
    in that transaction apart (see the module). Django drops it with the transaction or savepoint
    that registered it when that is rolled back."""

    token = 0

    def __call__(self) -> None:
        _next_generation()


def _pending_step(connection=None) -> _GenerationStep | None:
    """This connection's step waiting for the commit, if its transaction wrote work already."""
    connection = connection or transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    for _savepoints, func, _robust in reversed(connection.run_on_commit):
        if isinstance(func, _GenerationStep):
            return func
    return None


def _as_seen_here(generation):
    """The generation as this connection sees it: with its transaction's token while it has
    uncommitted writes (a count kept under it is read only in that transaction)."""
    step = _pending_step()
    return generation if step is None or generation is None else f"{generation}:{step.token}"


# On Redis the step is one round trip (issue 25: Django's `incr` asks EXISTS, then INCRBY, twice per
# audited write): the same rule in one script, run by its digest (EVALSHA; redis-py loads it again
# after a Redis restart).
_NEXT_GENERATION_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return 0
"""
_script: Script | None = None


def _next_generation() -> None:
    try:
        backend = caches[DEFAULT_CACHE_ALIAS]
        if isinstance(backend, RedisCache):
            global _script
            key = backend.make_and_validate_key(GENERATION_KEY)
            client = backend._cache.get_client(key, write=True)  # Django's own client, pool and options
            if _script is None:
                _script = client.register_script(_NEXT_GENERATION_SCRIPT)
            _script(keys=[key], args=[secrets.randbits(62)], client=client)
            return
        cache.incr(GENERATION_KEY)
    except ValueError:  # none yet (or evicted): a fresh random one, never one an older count was kept under
        cache.add(GENERATION_KEY, secrets.randbits(62), timeout=None)
    except Exception:  # the cache is down: counts kept there cannot be read either
        logger.warning("Could not move the work generation on", exc_info=True)


def _person_key(user) -> str:
    return f"work:count:{user.pk}:{user.username}:{getattr(user, 'role', '')}:{getattr(user, 'clearance', '')}"


def kept_work_count(user, count) -> int:
    """The number of tasks waiting on `user`: the kept one while nothing changed since it was
    counted, else `count()` (which lists them afresh and keeps their number: `keep_work_count`)."""
    key = _person_key(user)
    try:
        kept = cache.get_many([GENERATION_KEY, key])
    except Exception:
        logger.warning("Could not read the kept work count", exc_info=True)
        return count()
    mine = kept.get(key)
    if mine is not None and kept.get(GENERATION_KEY) is not None and mine[0] == _as_seen_here(kept[GENERATION_KEY]):
        return mine[1]
    return count()


def current_generation():
    """The generation now (None without a cache): read before the tasks are listed, to keep their count."""
    try:
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, secrets.randbits(62), timeout=None)
            generation = cache.get(GENERATION_KEY)
        return _as_seen_here(generation)
    except Exception:
        logger.warning("Could not read the work generation", exc_info=True)
        return None


def keep_work_count(user, number: int, *, generation) -> None:
    """Keep `number` as `user`'s count under the generation read before it was counted."""
    if generation is None:
        return
    try:
        cache.set(_person_key(user), (generation, number), timeout=WORK_COUNT_SECONDS)
    except Exception:
        logger.warning("Could not keep the work count", exc_info=True)
