"""The timeline keeps only the indexes its reads need (issue 25, cases migration 0015): every read is
of one case ordered by `at`, answered from the (case, at) index, and still answers right; a case's
events still protect it (PROTECT finds them through that index)."""

import pytest
from django.db import connection
from django.db.models.deletion import Collector, ProtectedError
from django.test.utils import CaptureQueriesContext

from cases.guards import cabinet_decided_since_follow_on_request
from cases.models import TimelineEvent
from cases.selectors import case_timeline, case_timeline_rows
from cases.services import case_note_record

from .factories import make_case
from .plans import add_rows_unlike, plan

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes and plans")


@postgres_only
def test_no_index_of_case_or_at_alone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'cases_timelineevent'")
        columns = sorted(row[0].rsplit("(", 1)[1].rstrip(")") for row in cursor.fetchall())
    assert columns == ["actor_id", "case_id, at", "id"], columns


def test_the_timeline_answers_in_order(case, officer):
    before = [event.pk for event in case_timeline(case=case)]
    notes = [case_note_record(case=case, actor=officer, data={"note": str(n)}).pk for n in range(3)]
    assert [event.pk for event in case_timeline(case=case)] == before + notes
    assert [row["id"] for row in case_timeline_rows(case=case)] == before + notes
    assert TimelineEvent.objects.filter(case=case).count() == len(before) + 3


@postgres_only
def test_the_timeline_reads_use_the_case_index(case, officer):
    with CaptureQueriesContext(connection) as captured:
        list(case_timeline(case=case))
        case_timeline_rows(case=case)
        cabinet_decided_since_follow_on_request(case)
    reads = [q["sql"] for q in captured.captured_queries if '"cases_timelineevent"' in q["sql"]]
    assert len(reads) == 3, reads
    assert all("WHERE" in sql and '"cases_timelineevent"."case_id" = ' in sql for sql in reads), reads
    # Another case's events the reads do not ask for, so that the (case, at) index is the planner's
    # clear choice rather than a tie on a nearly empty table (on which it picked another index).
    other = make_case(officer=officer)
    add_rows_unlike(
        "cases_timelineevent",
        source_id=case.timeline.order_by("id").values_list("id", flat=True)[0],
        count=2000,
        overrides={"case_id": str(other.pk)},
    )
    # Each read is of one case in time order: the shape the (case, at) index serves, asked as that
    # shape alone (the reads' joins let the planner start from the actor's index instead).
    shape = plan("SELECT id FROM cases_timelineevent WHERE case_id = %s ORDER BY at, id", [case.pk])
    assert "cases_timel_case_id_e0e364_idx" in shape, shape
    for sql in reads:
        assert "cases_timel_case_id_e0e364_idx" in plan(sql), (sql, plan(sql))


def test_a_case_with_a_timeline_is_protected(case):
    """Cases are never deleted (`Case.delete` refuses); the foreign key's PROTECT, which Django's
    deletion collector checks with a lookup of the case's events, still finds them."""
    assert case.timeline.exists()
    with pytest.raises(ProtectedError) as refused:
        Collector(using="default").collect([case])
    assert any(isinstance(obj, TimelineEvent) for obj in refused.value.protected_objects)
