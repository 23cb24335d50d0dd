"""A long chain is verified by several processes at once, each taking a range of seq; the report is
the one walking the chain in one process gives (the same first bad record, the same count before it),
wherever the damage falls: inside a range, at a range's first record, at the very first record.
The workers are real processes reading committed rows, hence transactional tests on PostgreSQL."""

import json
import logging

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from audit.chain import GENESIS, record_hash
from audit.models import AuditRecord
from audit.services import audit_chain_seal, audit_log, record_values
from audit.verify import _cut, verify_chain

from .test_audit_tamper import tamper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 3  # six ranges of seq over the 30 records below


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("parallel verification runs on PostgreSQL")


@pytest.fixture
def trail(officer):
    with transaction.atomic():
        for n in range(30):
            audit_log(
                actor=officer,
                action=AuditRecord.Action.UPDATE,
                event="test.change",
                object_type="test.thing",
                object_id=str(n),
                object_repr=f"ding {n}",
                changes={"n": {"before": n, "after": n + 1}},
            )
    assert audit_chain_seal() == 30
    return list(AuditRecord.objects.order_by("seq").values_list("id", flat=True))


def range_starts(trail):
    """Index in `trail` of each range's first record, as verify_chain cuts the chain."""
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    return [next(i for i, seq in enumerate(seqs) if seq > lo) for lo, _ in _cut(seqs[0] - 1, seqs[-1], WORKERS * 2)]


def both():
    parallel, serial = verify_chain(workers=WORKERS), verify_chain(workers=1)
    assert parallel.workers == WORKERS and serial.workers == 1
    fields = ("ok", "checked", "first_bad_id", "problem", "last_seq", "last_hash")
    assert [getattr(parallel, f) for f in fields] == [getattr(serial, f) for f in fields]
    # the last record verified good is the one before the first bad one (or the chain's last)
    good = AuditRecord.objects.filter(seq__isnull=False).order_by("seq")
    if serial.first_bad_id is not None:
        bad_seq = AuditRecord.objects.get(pk=serial.first_bad_id).seq
        good = good.filter(seq__lt=bad_seq)
    last = good.last()
    if serial.checked:
        assert (serial.last_seq, serial.last_hash) == (last.seq, last.hash)
    return parallel


def test_ranges_cover_the_chain_once_and_the_last_is_open():
    assert _cut(0, 30, 6) == [(0, 5), (5, 10), (10, 15), (15, 20), (20, 25), (25, None)]
    assert _cut(9, 11, 6) == [(9, 10), (10, None)]


def test_an_intact_chain_verifies_in_parallel_and_counts_every_record(trail):
    report = both()
    assert report.ok and report.checked == 30


def test_an_altered_record_in_a_later_range_is_named(trail):
    target = trail[range_starts(trail)[3] + 1]
    tamper("UPDATE audit_auditrecord SET object_repr = 'vervalst' WHERE id = %s", [target])
    report = both()
    assert not report.ok and report.first_bad_id == target and "altered" in report.problem
    assert report.checked == trail.index(target)


def test_an_altered_first_record_of_a_range_is_named(trail):
    target = trail[range_starts(trail)[2]]
    tamper("UPDATE audit_auditrecord SET object_repr = 'vervalst' WHERE id = %s", [target])
    report = both()
    assert not report.ok and report.first_bad_id == target and "altered" in report.problem


def test_a_removed_last_record_of_a_range_breaks_the_join_with_the_next(trail):
    start = range_starts(trail)[4]
    tamper("DELETE FROM audit_auditrecord WHERE id = %s", [trail[start - 1]])
    report = both()
    assert not report.ok and report.first_bad_id == trail[start] and "removed" in report.problem
    assert report.checked == start - 1


def test_an_altered_record_whose_hash_was_recomputed_breaks_the_next_range(trail):
    """The forger rehashes the last record of a range: its own range verifies, the next does not follow it."""
    start = range_starts(trail)[2]
    target = trail[start - 1]
    tamper("UPDATE audit_auditrecord SET object_repr = 'vervalst' WHERE id = %s", [target])
    record = AuditRecord.objects.get(pk=target)
    tamper(
        "UPDATE audit_auditrecord SET hash = %s WHERE id = %s",
        [record_hash(record_values(record), record.prev_hash), target],
    )
    report = both()
    assert not report.ok and report.first_bad_id == trail[start]


def test_records_swapped_between_ranges_are_found_at_the_first(trail):
    starts = range_starts(trail)
    a, b = trail[starts[1] + 1], trail[starts[4] + 1]
    seq_a, seq_b = (AuditRecord.objects.get(pk=pk).seq for pk in (a, b))
    tamper("UPDATE audit_auditrecord SET seq = -1 WHERE id = %s", [a])
    tamper("UPDATE audit_auditrecord SET seq = %s WHERE id = %s", [seq_a, b])
    tamper("UPDATE audit_auditrecord SET seq = %s WHERE id = %s", [seq_b, a])
    report = both()
    assert not report.ok and report.first_bad_id == b


def test_a_forged_record_before_the_first_is_found(trail):
    first = AuditRecord.objects.get(pk=trail[0])
    forged_id = trail[-1] + 1000
    tamper(
        "INSERT INTO audit_auditrecord (id, timestamp, actor_username, action, event, object_type, object_id, "
        "object_repr, request_id, channel, changes, seq, prev_hash, hash) VALUES (%s, %s, 'x', 'read', '', '', '', "
        "'', '', '', %s, %s, %s, %s)",
        [forged_id, first.timestamp, json.dumps({}), first.seq - 1, GENESIS, "0" * 64],
    )
    forged = record_hash(record_values(AuditRecord.objects.get(pk=forged_id)), GENESIS)
    tamper("UPDATE audit_auditrecord SET hash = %s WHERE id = %s", [forged, forged_id])
    report = both()
    assert not report.ok and report.first_bad_id == trail[0] and report.checked == 1


def test_the_command_uses_the_workers_once_the_chain_is_long_enough(trail, settings, capsys, caplog):
    settings.AUDIT_VERIFY_PARALLEL_FROM = 31
    assert verify_chain().workers == 1
    settings.AUDIT_VERIFY_PARALLEL_FROM = 30
    settings.AUDIT_VERIFY_WORKERS = 2
    assert verify_chain().workers == 2
    with caplog.at_level(logging.WARNING, logger="audit.verify"):
        call_command("verify_audit")
    assert "intact: 30 records" in capsys.readouterr().out and not caplog.records


def test_workers_that_cannot_start_leave_the_verification_to_this_process(trail, monkeypatch, caplog):
    """A worker whose set-up fails (here: a settings module that does not exist) breaks the pool;
    the chain is then walked here, with the same findings, and the failure is logged."""
    target = trail[20]
    tamper("UPDATE audit_auditrecord SET object_repr = 'vervalst' WHERE id = %s", [target])
    monkeypatch.setattr("audit.verify._worker_setup", lambda: ("config.settings.does_not_exist", {}))
    with caplog.at_level(logging.ERROR, logger="audit.verify"):
        report = verify_chain(workers=2)
    assert report.workers == 1 and not report.ok and report.first_bad_id == target and report.checked == 20
    assert "failed; verifying it in one process" in caplog.text
