"""The audit trail keeps only the indexes a query or a rule needs (issue 25, audit migration 0006), and
with them the chain and every filter still answer right: seq and hash unique among the sealed
records (partial unique indexes an unsealed record never enters), the chain's reads and the
unsealed count answered from an index, the case's and the person's trail, the letters' authors, and
a person with records still not deletable."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.test.utils import CaptureQueriesContext

from audit import metrics
from audit.models import AuditRecord
from audit.services import audit_chain_seal, audit_log
from audit.verify import verify_chain

from .plans import plan

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes and plans")


def _record(actor, n: int, *, case_id=None, object_type="test.thing", event="test.change"):
    with transaction.atomic():
        audit_log(
            actor=actor,
            action=AuditRecord.Action.UPDATE,
            event=event,
            object_type=object_type,
            object_id=str(n),
            object_repr=f"ding {n}",
            case_id=case_id,
            changes={"n": n},
        )


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_auditrecord'")
        return dict(cursor.fetchall())


def _tamper(sql: str, params=()):
    """Write behind the application's back (the append-only trigger disabled; inside the caller's
    transaction, whose rollback enables it again)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER ALL")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER ALL")


@postgres_only
def test_no_index_nothing_queries():
    """No `varchar_pattern_ops` copy of hash, no index of actor alone (the (actor, -id) one serves),
    seq and hash unique only where set."""
    indexes = _indexes()
    assert not [name for name, sql in indexes.items() if "pattern_ops" in sql], indexes
    assert not [sql for sql in indexes.values() if sql.endswith("(actor_id)")], indexes
    assert indexes["audit_seq_unique"].endswith("(seq) WHERE (seq IS NOT NULL)")
    assert indexes["audit_hash_unique"].endswith("(hash) WHERE (hash IS NOT NULL)")
    assert len(indexes) == 7, indexes


@postgres_only
@pytest.mark.parametrize("column", ["seq", "hash"])
def test_a_sealed_seq_or_hash_stays_unique(officer, column):
    for n in range(3):
        _record(officer, n)
    assert audit_chain_seal() == 3
    first, second = AuditRecord.objects.order_by("id").values_list("id", flat=True)[:2]
    with pytest.raises(IntegrityError), transaction.atomic():
        _tamper(
            f"UPDATE audit_auditrecord SET {column} = (SELECT {column} FROM audit_auditrecord WHERE id = %s) WHERE id = %s",
            [first, second],
        )


def test_the_chain_verifies_with_unsealed_records_after_it(officer):
    for n in range(5):
        _record(officer, n)
    assert audit_chain_seal() == 5
    for n in range(5, 8):
        _record(officer, n)  # written, not yet sealed: seq and hash NULL, several at once
    report = verify_chain()
    assert report.ok and report.checked == 5 and report.unsealed == 3, report
    gauge = next(family for family in metrics.collect() if family.name == "bev_audit_unsealed_records")
    assert gauge.samples[0].value == 3
    assert audit_chain_seal() == 3
    report = verify_chain()
    assert report.ok and report.checked == 8 and report.unsealed == 0, report
    assert list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 9))


@postgres_only
def test_the_chain_and_the_unsealed_count_read_an_index(officer):
    """Every read of the trail that the verification, the sealer and the metrics send finds an index
    (with sequential scans made all but impossible): the walk, bounds and head by seq, the sealer's
    work list and the unsealed counts (verification and metrics) by `hash IS NULL`."""
    for n in range(3):
        _record(officer, n)
    with CaptureQueriesContext(connection) as captured:
        audit_chain_seal()
        _record(officer, 3)
        verify_chain(workers=1)
        list(metrics.collect())
    reads = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and '"audit_auditrecord"' in query["sql"]
    ]
    assert len(reads) >= 5, reads
    with connection.cursor() as cursor:
        # Statistics of what the tests wrote, so the planner compares the indexes by their real
        # selectivity rather than an empty table's guess (it picked another index once).
        cursor.execute("ANALYZE audit_auditrecord")
    for sql in reads:
        read_plan = plan(sql)
        assert "Seq Scan on audit_auditrecord" not in read_plan, (sql, read_plan)


def test_the_trail_filters_answer_as_before(officer, officer2, case):
    before = set(AuditRecord.objects.filter(case_id=case.pk).values_list("id", flat=True))
    _record(officer, 1, case_id=case.pk)
    _record(officer2, 2, case_id=case.pk)
    _record(officer2, 3, object_type="parliament.letterdraft", event="letter.submit")
    audit_chain_seal()
    # The case's trail (case_id), the person's (actor_username), by action, newest first.
    ids = [r.pk for r in AuditRecord.objects.filter(case_id=case.pk).order_by("-id")]
    assert set(ids) - before == {
        r.pk for r in AuditRecord.objects.filter(object_id__in=["1", "2"], object_type="test.thing")
    }
    by_person = AuditRecord.objects.filter(actor_username=officer2.username, object_type__in=["test.thing"])
    assert [r.object_id for r in by_person.order_by("-id")] == ["2"]
    authors = AuditRecord.objects.filter(
        event="letter.submit", object_type="parliament.letterdraft", object_id__in=["3"]
    ).values_list("object_id", "actor_id")
    assert list(authors) == [("3", officer2.pk)]


def test_a_person_with_records_is_not_deleted(officer):
    """The actor's PROTECT (no database constraint on this table) finds their records through the
    (actor, -id) index now that actor has no index of its own."""
    _record(officer, 1)
    with pytest.raises(ProtectedError):
        officer.delete()
