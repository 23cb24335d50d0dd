"""The sealer and the verifier read records through `audit.chain.stored_rows` (on PostgreSQL the
timestamp is spelled by the database and the ORM's per-row work is skipped). What they hash must be
exactly what `record_hash` makes of the record as the ORM reads it, for every kind of content."""

from datetime import datetime
from datetime import timezone as dt_timezone

import pytest
from django.db import transaction

from audit.chain import content_hash, record_hash, stored_rows
from audit.context import acting
from audit.models import AuditRecord
from audit.services import audit_chain_seal, audit_log, record_values
from audit.verify import verify_chain

pytestmark = pytest.mark.django_db

CONTENTS = [
    {"changes": {}},
    {"changes": {"b": {"before": "1,5", "after": None}, "a": [1, 2.5, True, "€ 100.000.000,00"]}},
    {"changes": "een tekst in plaats van een object"},
    {"changes": [3, 2, 1]},
    {"object_repr": 'Quote " en \\ backslash, tab\t, newline\n, emoji 🛡️, é'},
    {"changes": {"zeer": {"diep": {"genest": {"z": 1, "a": 2}}}}},
]


@pytest.mark.parametrize("ip", [None, "10.0.0.7", "2001:db8::1", "::ffff:10.0.0.7"])
@pytest.mark.parametrize("content", CONTENTS)
def test_stored_rows_hash_what_the_orm_reads(officer, content, ip):
    with transaction.atomic(), acting(channel="api", request_id="r-1", ip_address=ip):
        audit_log(
            actor=officer,
            action=AuditRecord.Action.UPDATE,
            event="test.change",
            object_type="test.thing",
            object_id="1",
            object_repr=content.get("object_repr", "ding"),
            changes=content.get("changes"),
        )
    record = AuditRecord.objects.order_by("-id").first()
    assert record.changes == content.get("changes", {})
    (row,) = stored_rows(AuditRecord.objects.filter(pk=record.pk))
    assert content_hash(row, "0" * 64) == record_hash(record_values(record), "0" * 64)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 29, 1, 0, 0, 0, tzinfo=dt_timezone.utc),  # the summer-time switch, no microseconds
        datetime(2026, 10, 25, 0, 59, 59, 999999, tzinfo=dt_timezone.utc),
        datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=dt_timezone.utc),
    ],
)
def test_every_timestamp_is_spelled_as_the_orm_reads_it(officer, moment):
    with transaction.atomic():
        record = audit_log(actor=officer, action=AuditRecord.Action.READ, event="test.read")
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER ALL")
        cursor.execute("UPDATE audit_auditrecord SET timestamp = %s WHERE id = %s", [moment, record.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER ALL")
    record = AuditRecord.objects.get(pk=record.pk)
    (row,) = stored_rows(AuditRecord.objects.filter(pk=record.pk))
    assert row[1] == moment.isoformat(timespec="microseconds")
    assert content_hash(row, "0" * 64) == record_hash(record_values(record), "0" * 64)
    assert audit_chain_seal() >= 1 and verify_chain().ok
