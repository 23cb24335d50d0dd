"""The trail is append-only and hash-chained: any alteration, removal or reordering is found by
`manage.py verify_audit`, which names the first bad record and exits non-zero. Records are chained
by the sealer after they commit; before that the database still refuses to change them."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.models import AuditRecord
from audit.services import audit_chain_seal, audit_log
from audit.verify import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(officer):
    """Ten records; returns their ids in order."""
    with transaction.atomic():
        for n in range(10):
            audit_log(
                actor=officer,
                action=AuditRecord.Action.UPDATE,
                event="test.change",
                object_type="test.thing",
                object_id=str(n),
                object_repr=f"ding {n}",
                changes={"amount": {"before": str(n), "after": str(n + 1)}},
            )
    assert audit_chain_seal() == 10
    return list(AuditRecord.objects.order_by("id").values_list("id", flat=True))


def tamper(sql: str, params=()):
    """Change the table behind the application's back (the trigger disabled on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER ALL")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER ALL")


def assert_broken_at(record_id: int):
    report = verify_chain()
    assert not report.ok and report.first_bad_id == record_id, report
    with pytest.raises(CommandError, match=rf"#{record_id}\b"):
        call_command("verify_audit")


def test_an_untouched_trail_verifies(trail, capsys):
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
    assert verify_chain().checked == len(trail)


@pytest.mark.parametrize(
    "column,value",
    [
        ("object_repr", "iets anders"),
        ("actor_username", "someone_else"),
        ("action", "read"),
        ("changes", '{"amount": {"before": "0", "after": "999"}}'),
        ("object_id", "42"),
        ("case_id", 7),
        ("ip_address", "10.9.9.9"),
        ("timestamp", "2020-01-01 00:00:00+00:00"),
    ],
)
def test_altering_a_record_names_it(trail, column, value):
    target = trail[4]
    if column == "changes" and connection.vendor == "postgresql":
        tamper(f"UPDATE audit_auditrecord SET {column} = %s::jsonb WHERE id = %s", [value, target])
    else:
        tamper(f"UPDATE audit_auditrecord SET {column} = %s WHERE id = %s", [value, target])
    assert_broken_at(target)


def test_recomputing_the_hash_of_an_altered_record_breaks_the_next_link(trail):
    from audit.chain import record_hash
    from audit.services import record_values

    target = trail[3]
    tamper("UPDATE audit_auditrecord SET object_repr = %s WHERE id = %s", ["vervalst", target])
    record = AuditRecord.objects.get(pk=target)
    forged = record_hash(record_values(record), record.prev_hash)
    tamper("UPDATE audit_auditrecord SET hash = %s WHERE id = %s", [forged, target])
    assert_broken_at(trail[4])


def test_deleting_a_record_names_its_successor(trail):
    tamper("DELETE FROM audit_auditrecord WHERE id = %s", [trail[5]])
    assert_broken_at(trail[6])


def test_deleting_the_first_record_is_found(trail):
    tamper("DELETE FROM audit_auditrecord WHERE id = %s", [trail[0]])
    assert_broken_at(trail[1])


def test_reordering_two_records_is_found(trail):
    a, b = trail[2], trail[6]
    seq_a, seq_b = (AuditRecord.objects.get(pk=pk).seq for pk in (a, b))
    tamper("UPDATE audit_auditrecord SET seq = -1 WHERE id = %s", [a])
    tamper("UPDATE audit_auditrecord SET seq = %s WHERE id = %s", [seq_a, b])
    tamper("UPDATE audit_auditrecord SET seq = %s WHERE id = %s", [seq_b, a])
    assert_broken_at(b)  # b now stands where a stood: its predecessor's hash does not match


def test_renumbering_two_records_is_found(trail):
    a, b = trail[2], trail[6]
    tamper("UPDATE audit_auditrecord SET id = -1 WHERE id = %s", [a])
    tamper("UPDATE audit_auditrecord SET id = %s WHERE id = %s", [a, b])
    tamper("UPDATE audit_auditrecord SET id = %s WHERE id = -1", [b])
    assert_broken_at(b)  # the id is part of the hash


def test_unsealing_and_resealing_an_altered_record_is_found(trail):
    """Someone with the trigger disabled clears a record's seal and alters it: the sealer puts it at
    the end of the chain, and the chain breaks where it was taken out."""
    target = trail[4]
    tamper(
        "UPDATE audit_auditrecord SET seq = NULL, prev_hash = '', hash = NULL, object_repr = 'vervalst' WHERE id = %s",
        [target],
    )
    audit_chain_seal()
    assert_broken_at(trail[5])


def test_inserting_a_forged_record_is_found(trail):
    import json

    last = AuditRecord.objects.get(pk=trail[-1])
    tamper(
        "INSERT INTO audit_auditrecord (id, timestamp, actor_username, action, event, object_type, object_id, "
        "object_repr, request_id, channel, changes, seq, prev_hash, hash) VALUES (%s, %s, 'x', 'read', '', '', '', '', "
        "'', '', %s, %s, %s, %s)",
        [trail[-1] + 1000, last.timestamp, json.dumps({}), last.seq + 1, last.hash, "f" * 64],
    )
    assert_broken_at(trail[-1] + 1000)


def test_a_correctly_hashed_record_slipped_in_before_the_first_is_found(trail):
    """A forger can hash a record of their own onto the genesis value (the hash has no key); put
    before the first record (seq 0) it must not go unseen: the first record no longer follows it."""
    import json

    from audit.chain import GENESIS, record_hash
    from audit.services import record_values

    first = AuditRecord.objects.get(pk=trail[0])
    forged_id = trail[-1] + 2000
    tamper(
        "INSERT INTO audit_auditrecord (id, timestamp, actor_username, action, event, object_type, object_id, "
        "object_repr, request_id, ip_address, channel, changes, seq, prev_hash, hash) VALUES (%s, %s, 'x', 'read', "
        "'', '', '', '', '', NULL, '', %s, 0, %s, %s)",
        [forged_id, first.timestamp, json.dumps({}), GENESIS, "0" * 64],
    )
    forged = record_hash(record_values(AuditRecord.objects.get(pk=forged_id)), GENESIS)
    tamper("UPDATE audit_auditrecord SET hash = %s WHERE id = %s", [forged, forged_id])
    assert_broken_at(trail[0])


def test_the_application_refuses_to_change_or_delete_records(trail):
    record = AuditRecord.objects.get(pk=trail[0])
    with pytest.raises(TypeError):
        record.object_repr = "x"
        record.save()
    with pytest.raises(TypeError):
        record.delete()
    with pytest.raises(TypeError):
        AuditRecord.objects.filter(pk=trail[0]).update(object_repr="x")
    with pytest.raises(TypeError):
        AuditRecord.objects.all().delete()
    assert verify_chain().ok


@pytest.mark.postgres
def test_the_database_refuses_update_and_delete(trail):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL")
    for sql in (
        "UPDATE audit_auditrecord SET object_repr = 'x' WHERE id = %s",
        "UPDATE audit_auditrecord SET hash = repeat('a', 64) WHERE id = %s",
        "UPDATE audit_auditrecord SET seq = seq + 1000 WHERE id = %s",
        "DELETE FROM audit_auditrecord WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [trail[0]])
    assert verify_chain().ok


@pytest.mark.postgres
def test_the_database_lets_the_sealer_only_seal_an_unsealed_record(officer):
    """Before its seal a record is as fixed as after: the one update allowed sets seq, prev_hash and
    hash of a record that has none, leaving its content as it is."""
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL")
    record = audit_log(actor=officer, action=AuditRecord.Action.UPDATE, event="test.change", object_id="1")
    for sql in (
        "UPDATE audit_auditrecord SET object_repr = 'x' WHERE id = %s",
        "UPDATE audit_auditrecord SET object_repr = 'x', seq = 1, hash = repeat('a', 64) WHERE id = %s",
        "UPDATE audit_auditrecord SET seq = 1 WHERE id = %s",
        "DELETE FROM audit_auditrecord WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [record.pk])
    assert audit_chain_seal() == 1
    assert verify_chain().ok and verify_chain().checked == 1


def test_verification_reports_records_not_sealed_yet(trail, officer):
    audit_log(actor=officer, action=AuditRecord.Action.READ, event="test.read", object_id="x")
    report = verify_chain()
    assert report.ok and report.checked == len(trail) and report.unsealed == 1
    call_command("verify_audit")  # seals first
    report = verify_chain()
    assert report.ok and report.checked == len(trail) + 1 and report.unsealed == 0


def test_the_hash_of_a_record_never_changes_between_releases():
    """A trail sealed today must verify after an upgrade: the canonical form is fixed (digests
    computed by the first release of audit.chain)."""
    from datetime import datetime, timezone

    from audit.chain import GENESIS, record_hash

    full = {
        "id": 7,
        "timestamp": datetime(2026, 3, 1, 9, 30, 0, 120, tzinfo=timezone.utc),
        "actor_id": 3,
        "actor_username": "jansen",
        "action": "update",
        "event": "case.update",
        "object_type": "cases.case",
        "object_id": "12",
        "object_repr": "BEV-2026-0012 Fotonica B.V. — overname",
        "case_id": 12,
        "request_id": "ab" * 16,
        "ip_address": "::ffff:10.0.0.1",
        "channel": "web",
        "changes": {"b": {"before": "€ 1", "after": None}, "a": [1, 2]},
    }
    bare = {
        "id": 8,
        "timestamp": datetime(2026, 3, 1, 9, 30, 0, tzinfo=timezone.utc),
        "actor_id": None,
        "actor_username": "system",
        "action": "read",
        "event": "",
        "object_type": "",
        "object_id": "",
        "object_repr": "",
        "case_id": None,
        "request_id": "",
        "ip_address": "192.168.1.20",
        "channel": "task",
        "changes": {},
    }
    assert record_hash(full, GENESIS) == "3389616254b0de0a3bb5cb941e5ca25337c6bcc09a55b01d1f74332c03ac19f3"
    assert record_hash(bare, GENESIS) == "d6241525cceb2e1d03c90a00dc92b9c16e0771c7fe7d9e57cd9c3087539f893d"


@pytest.mark.postgres
def test_the_seal_only_trigger_protects_exactly_the_hashed_columns(db):
    """The trigger that lets the sealer add seq/hash but nothing else compares the columns the chain
    hashes (audit.chain.HASHED_FIELDS): a column hashed but not protected, or the reverse, fails here."""
    import re

    from django.db import connection

    from audit.chain import HASHED_FIELDS

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL trigger")
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'bev_audit_seal_only'")
        source = cursor.fetchone()[0]
    protected = re.findall(r"NEW\.(\w+)", source.split("IS NOT DISTINCT FROM")[0].split("ROW(", 1)[1])
    assert tuple(protected) == HASHED_FIELDS


def _printed_head(capsys) -> str:
    out = capsys.readouterr().out
    return next(line.removeprefix("Head: ") for line in out.splitlines() if line.startswith("Head: "))


@pytest.mark.parametrize("cut", ["last_three", "all"])
def test_records_cut_off_at_the_end_are_found_with_the_head_kept_from_an_earlier_run(trail, capsys, cut):
    """The chain alone cannot show that its last records (or all of them) are gone: what is left is
    a valid chain. The head an earlier run printed, kept outside the database, shows it."""
    call_command("verify_audit")
    head = _printed_head(capsys)
    call_command("verify_audit", head=head)
    assert "still holds the earlier head" in capsys.readouterr().out

    removed = trail[-3:] if cut == "last_three" else trail
    tamper(f"DELETE FROM audit_auditrecord WHERE id IN ({', '.join(str(pk) for pk in removed)})")
    call_command("verify_audit")  # what is left is a valid chain
    with pytest.raises(CommandError, match="Audit chain CUT: the record at position .* is missing"):
        call_command("verify_audit", head=head)


def test_a_head_that_is_not_one_is_refused(trail):
    with pytest.raises(CommandError, match="SEQ:HASH"):
        call_command("verify_audit", head="12:abc")
