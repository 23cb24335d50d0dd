"""Racing real database connections from threads, for the PostgreSQL concurrency tests."""

import threading
import time

import pytest
from django.db import connection, connections

POSTGRES_ONLY = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]


def race(functions):
    """Run each function in its own thread and connection, all released at once; return each
    one's result, or the exception it raised."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, fn):
        try:
            barrier.wait()
            results[index] = fn()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _waiting_on_a_lock() -> bool:
    """Whether another backend of this database waits on a lock (a row lock the first one holds)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def interleave(first, then, *, patience: float = 10.0):
    """Force the interleaving a race hopes for: run `first` in its own connection and transaction and,
    before it commits, run `then` in another; commit `first` only once `then` has finished or waits
    on a lock `first` holds (without a control `then` runs through on what was committed before;
    with it, `then` waits and sees what `first` committed). Return each one's result, or the
    exception it raised."""
    from django.db import transaction

    results: list = [None, None]
    held, done = threading.Event(), threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                results[0] = first()
                held.set()
                deadline = time.monotonic() + patience
                while not done.wait(0.05) and time.monotonic() < deadline:
                    if _waiting_on_a_lock():
                        break
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts
            results[0] = exc
        finally:
            held.set()
            connections.close_all()

    def run_then():
        try:
            held.wait(patience)
            results[1] = then()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts
            results[1] = exc
        finally:
            done.set()
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_then)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
