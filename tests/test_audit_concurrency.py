"""Many writers at once still form one unbroken chain (PostgreSQL: advisory lock + sequence)."""

import threading

import pytest
from django.db import connection, transaction

from access.models import User
from audit.models import AuditRecord
from audit.services import audit_log
from audit.verify import verify_chain

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
PER_THREAD = 25


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency of the chain is tested on PostgreSQL (set DATABASE_URL)")


def _run_in_threads(work):
    errors = []
    barrier = threading.Barrier(THREADS)

    def runner(n):
        from django.db import connections

        try:
            barrier.wait()
            work(n)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_concurrent_writers_form_one_chain():
    user = User.objects.create(username="writer", role="case_officer")

    def work(n):
        for i in range(PER_THREAD):
            with transaction.atomic():
                audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="test.concurrent",
                          object_type="test.thing", object_id=f"{n}-{i}")

    _run_in_threads(work)
    report = verify_chain()
    assert report.ok, report
    assert report.checked == AuditRecord.objects.count() == THREADS * PER_THREAD
    hashes = list(AuditRecord.objects.order_by("id").values_list("prev_hash", "hash"))
    assert all(prev == hashes[i - 1][1] for i, (prev, _h) in enumerate(hashes) if i)


def test_rolled_back_records_leave_no_hole_in_the_chain():
    user = User.objects.create(username="writer", role="case_officer")

    class Rollback(Exception):
        pass

    def work(n):
        for i in range(PER_THREAD):
            try:
                with transaction.atomic():
                    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="test.concurrent",
                              object_type="test.thing", object_id=f"{n}-{i}")
                    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="test.concurrent.second",
                              object_type="test.thing", object_id=f"{n}-{i}")
                    if i % 3 == 0:
                        raise Rollback  # the change failed: its records go with it
            except Rollback:
                pass

    _run_in_threads(work)
    report = verify_chain()
    assert report.ok, report
    kept = sum(1 for i in range(PER_THREAD) if i % 3) * 2 * THREADS
    assert report.checked == AuditRecord.objects.count() == kept
