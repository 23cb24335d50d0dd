"""Many writers at once, and sealers running beside them, still form one unbroken chain; and no
audited request waits for another one's transaction (PostgreSQL: plain inserts, one sealer lock)."""

import threading

import pytest
from django.db import connection, transaction

from access.models import User
from audit.models import AuditRecord
from audit.services import audit_chain_seal, audit_log
from audit.verify import verify_chain

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
PER_THREAD = 25


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency of the chain is tested on PostgreSQL (set DATABASE_URL)")


def _run_in_threads(work, threads=THREADS):
    errors = []
    barrier = threading.Barrier(threads)

    def runner(n):
        from django.db import connections

        try:
            barrier.wait()
            work(n)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=runner, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not errors, errors


def _assert_one_chain(expected: int):
    report = verify_chain()
    assert report.ok, report
    assert report.unsealed == 0
    assert report.checked == AuditRecord.objects.count() == expected
    links = list(AuditRecord.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert [seq for seq, _p, _h in links] == list(range(1, expected + 1))
    assert all(prev == links[i - 1][2] for i, (_s, prev, _h) in enumerate(links) if i)


def test_concurrent_writers_and_sealers_form_one_chain():
    """Two of the threads seal while six write: every committed record ends up in the chain once."""
    user = User.objects.create(username="writer", role="case_officer")
    writers = THREADS - 2

    def work(n):
        if n >= writers:
            for _ in range(PER_THREAD):
                audit_chain_seal(batch_size=7)
            return
        for i in range(PER_THREAD):
            with transaction.atomic():
                audit_log(
                    actor=user,
                    action=AuditRecord.Action.UPDATE,
                    event="test.concurrent",
                    object_type="test.thing",
                    object_id=f"{n}-{i}",
                )

    _run_in_threads(work)
    audit_chain_seal()
    _assert_one_chain(writers * PER_THREAD)


def test_rolled_back_records_leave_no_hole_in_the_chain():
    user = User.objects.create(username="writer", role="case_officer")

    class Rollback(Exception):
        pass

    def work(n):
        for i in range(PER_THREAD):
            try:
                with transaction.atomic():
                    audit_log(
                        actor=user,
                        action=AuditRecord.Action.UPDATE,
                        event="test.concurrent",
                        object_type="test.thing",
                        object_id=f"{n}-{i}",
                    )
                    audit_log(
                        actor=user,
                        action=AuditRecord.Action.UPDATE,
                        event="test.concurrent.second",
                        object_type="test.thing",
                        object_id=f"{n}-{i}",
                    )
                    if i % 3 == 0:
                        raise Rollback  # the change failed: its records go with it
            except Rollback:
                pass
            if i % 5 == 0:
                audit_chain_seal()

    _run_in_threads(work)
    audit_chain_seal()
    _assert_one_chain(sum(1 for i in range(PER_THREAD) if i % 3) * 2 * THREADS)


def test_an_audited_request_does_not_wait_for_another_ones_transaction():
    """One transaction has written its audit record and is still open (a long booking); another
    person's audited read commits meanwhile, and a seal chains it without waiting. The open
    record is sealed after it commits, behind the one that committed first."""
    user = User.objects.create(username="writer", role="case_officer")
    recorded, release = threading.Event(), threading.Event()
    outcome = {}

    def long_transaction():
        from django.db import connections

        try:
            with transaction.atomic():
                outcome["slow"] = audit_log(actor=user, action=AuditRecord.Action.BOOKING, event="test.slow").pk
                recorded.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    slow = threading.Thread(target=long_transaction)
    slow.start()
    try:
        assert recorded.wait(timeout=30)

        def quick_read():
            from django.db import connections

            try:
                with transaction.atomic():
                    outcome["quick"] = audit_log(actor=user, action=AuditRecord.Action.READ, event="test.quick").pk
                outcome["sealed_meanwhile"] = audit_chain_seal()
            finally:
                connections.close_all()

        quick = threading.Thread(target=quick_read)
        quick.start()
        quick.join(timeout=10)
        assert not quick.is_alive(), "an audited write waited for another transaction"
        assert outcome["sealed_meanwhile"] == 1
    finally:
        release.set()
        slow.join(timeout=30)
    assert outcome["slow"] < outcome["quick"]  # the slow one took its id first...
    assert audit_chain_seal() == 1
    seqs = dict(AuditRecord.objects.values_list("pk", "seq"))
    assert seqs[outcome["quick"]] < seqs[outcome["slow"]]  # ...and is chained after the one that committed first
    _assert_one_chain(2)
