"""`core.inserts`: rows written by one prepared INSERT equal the ORM's, get their ids in order, and a
conflict on the given unique column writes nothing; a prepared UPDATE writes what save(update_fields)
writes and nothing else."""

from datetime import date
from decimal import Decimal

import pytest

from core.inserts import insert, insert_many, update
from parliament.models import LetterRequest

pytestmark = [pytest.mark.fastpaths, pytest.mark.django_db]


def _request(case, user, key, amount="12500000.00"):
    return LetterRequest(
        source_key=key,
        kind="first_investment",
        case_id=case.pk,
        position_id=None,
        amount=Decimal(amount),
        executed_on=date(2026, 12, 1),
        requested_by_id=user.pk,
    )


def test_a_row_equals_the_orms_and_a_conflict_writes_nothing(case, manager):
    mine = _request(case, manager, "journal:1")
    assert insert(mine, conflict_target=("source_key",)) and mine.pk and not mine._state.adding
    orm = _request(case, manager, "journal:2")
    orm.save(force_insert=True)
    columns = [
        f.attname for f in LetterRequest._meta.concrete_fields if f.attname not in ("id", "source_key", "created_at")
    ]
    stored, saved = LetterRequest.objects.get(pk=mine.pk), LetterRequest.objects.get(pk=orm.pk)
    assert [getattr(stored, c) for c in columns] == [getattr(saved, c) for c in columns]
    assert stored.created_at is not None  # auto_now_add through the field's own pre_save
    again = _request(case, manager, "journal:1", amount="1.00")
    assert insert(again, conflict_target=("source_key",)) is False and again.pk is None
    assert LetterRequest.objects.get(source_key="journal:1").amount == Decimal("12500000.00")


def test_several_rows_get_their_ids_in_order(case, manager):
    rows = [_request(case, manager, f"journal:{n}") for n in range(3)]
    assert insert_many(rows) == 3
    assert [LetterRequest.objects.get(pk=row.pk).source_key for row in rows] == ["journal:0", "journal:1", "journal:2"]
    with pytest.raises(ValueError):
        insert_many([_request(case, manager, "a"), _request(case, manager, "b")], conflict_target=("source_key",))


def test_an_update_writes_the_given_fields_as_save_does(case, manager):
    from django.utils import timezone

    mine, orm = _request(case, manager, "journal:7"), _request(case, manager, "journal:8")
    insert(mine), insert(orm)
    for row in (mine, orm):
        row.status, row.attempts, row.processed_at = "done", 3, timezone.now()
        row.amount = Decimal("1.00")  # changed in memory, not among the fields written
    assert update(mine, ("status", "attempts", "processed_at")) == 1
    orm.save(update_fields=["status", "attempts", "processed_at"])
    stored, saved = LetterRequest.objects.get(pk=mine.pk), LetterRequest.objects.get(pk=orm.pk)
    assert (stored.status, stored.attempts, stored.processed_at) == ("done", 3, mine.processed_at)
    assert (saved.status, saved.attempts) == (stored.status, stored.attempts)
    assert stored.amount == saved.amount == Decimal("12500000.00")
    LetterRequest.objects.filter(pk=mine.pk).delete()
    assert update(mine, ("status",)) == 0
