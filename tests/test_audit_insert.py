"""`audit_log` writes its record with one prepared INSERT: what is stored is what the ORM's save
stores, the record comes back with its id, and the sealer chains it like any other."""

from datetime import date
from decimal import Decimal

import pytest

from audit.context import acting
from audit.models import AuditRecord
from audit.services import audit_chain_seal, audit_log
from audit.verify import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = [f.attname for f in AuditRecord._meta.concrete_fields if f.attname not in ("id", "seq", "prev_hash", "hash")]


def test_the_stored_record_equals_one_saved_by_the_orm(officer):
    changes = {
        "amount": {"before": Decimal("1.50"), "after": Decimal("2000000.00")},
        "on": date(2026, 12, 2),
        "nested": [{"ü": "€"}],
    }
    with acting(request_id="req-1", ip_address="2001:db8::1", channel="api"):
        record = audit_log(
            actor=officer,
            action=AuditRecord.Action.UPDATE,
            event="case.update",
            object_type="cases.case",
            object_id="12",
            object_repr="BEV-2026-0012",
            case_id=12,
            changes=changes,
        )
    assert record.pk is not None and not record._state.adding
    stored = AuditRecord.objects.get(pk=record.pk)
    orm = AuditRecord(**{name: getattr(record, name) for name in COLUMNS})
    orm.save(force_insert=True)
    orm = AuditRecord.objects.get(pk=orm.pk)
    assert [getattr(stored, name) for name in COLUMNS] == [getattr(orm, name) for name in COLUMNS]
    assert stored.changes["amount"] == {"before": "1.50", "after": "2000000.00"}
    assert (stored.ip_address, stored.channel, stored.actor_id) == ("2001:db8::1", "api", officer.pk)
    assert (stored.seq, stored.hash) == (None, None)


def test_a_system_record_has_no_actor_and_is_chained_by_the_sealer():
    record = audit_log(actor=None, action=AuditRecord.Action.CREATE, event="fund.sweep")
    assert AuditRecord.objects.get(pk=record.pk).actor_username == "system"
    assert audit_chain_seal() >= 1
    assert AuditRecord.objects.get(pk=record.pk).hash
    assert verify_chain().ok


def test_a_misspelt_field_is_refused_and_nothing_is_written(officer):
    """The fields are one TypedDict (audit.log.AuditFields): a name it does not have is a TypeError,
    as it was with keyword-only parameters, not a record without it."""
    with pytest.raises(TypeError, match="evnt"):
        audit_log(actor=officer, action=AuditRecord.Action.UPDATE, evnt="case.update")  # type: ignore[call-arg]
    assert not AuditRecord.objects.exists()
