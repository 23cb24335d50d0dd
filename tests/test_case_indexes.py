"""The case row keeps only the indexes a query needs (issue 25, cases migration 0019): every state
change writes an entry in each of them (never a HOT update). No `varchar_pattern_ops` copies (no
LIKE or startswith query on reference, state or urgency), no index of state alone (two composites
lead with it), the trigram index on its own table (0020); the reference stays unique, and the list by state, the reference lookup and the
work inbox still read through an index."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.constants import State
from cases.models import Case
from cases.selectors import case_header
from cases.work import my_cases

from .factories import make_case
from .plans import add_rows_unlike, plan

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes and plans")


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case'")
        return dict(cursor.fetchall())


@postgres_only
def test_the_case_row_has_only_the_indexes_queries_use():
    indexes = _indexes()
    assert not [name for name, sql in indexes.items() if "pattern_ops" in sql], indexes
    assert not [sql for sql in indexes.values() if sql.endswith("(state)")], indexes
    assert indexes["case_reference_unique"].startswith("CREATE UNIQUE INDEX"), indexes
    assert indexes["case_by_urgency"].endswith("(urgency)"), indexes
    assert sorted(indexes) == [
        "case_by_closing_date",
        "case_by_received",
        "case_by_state_received",
        "case_by_urgency",
        "case_reference_unique",
        "case_state_count",
        "case_visibility_count",
        "cases_case_classification_rank_af4863f6",
        "cases_case_created_by_id_91d115ec",
        "cases_case_pkey",
    ], sorted(indexes)


def test_a_reference_stays_unique(case, officer):
    other = make_case(officer=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=other.pk).update(reference=case.reference)


def test_the_reference_lookup_finds_the_case(case, officer):
    assert case_header(user=officer, case_id=case.reference).pk == case.pk


@postgres_only
def test_the_reads_by_state_and_reference_use_an_index(case, officer):
    other_state = next(state for state in State.values if state != case.state)
    # Cases the reads do not ask for (another state, other references), so that the index that
    # serves each read is the planner's clear choice rather than a tie on a nearly empty table.
    add_rows_unlike(
        "cases_case",
        source_id=case.pk,
        count=2000,
        overrides={"state": f"'{other_state}'", "reference": "'PLAN-' || g"},
    )
    state_page = Case.objects.filter(state=case.state).order_by("-signal_received_at", "-id")[:25]
    sql, params = state_page.query.sql_with_params()
    assert "case_by_state_received" in plan(sql, params)
    with CaptureQueriesContext(connection) as captured:
        case_header(user=officer, case_id=case.reference)
        my_cases(user=officer)
    reads = [q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert len(reads) == 2, reads
    by_reference, inbox = (plan(sql) for sql in reads)
    assert "case_reference_unique" in by_reference, by_reference
    assert "Seq Scan on cases_case" not in inbox, inbox
