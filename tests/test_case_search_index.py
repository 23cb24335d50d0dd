"""The case list's search finds its cases through a trigram index (migration cases/0013, on
`cases_casesearch` since 0020) instead of reading every case: on PostgreSQL the plan of the search's
filter uses `case_search_trigram`."""

import pytest
from django.db import connection

from cases.models import Case
from cases.selectors import case_search

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")


def test_the_search_reads_the_trigram_index():
    cases = case_search(Case.objects.all(), terms=["Fotonica"])
    sql, params = cases.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        # The test database is nearly empty: reading the table, or walking another index and filtering,
        # would win; tell the planner they do not (a bitmap scan needs an index that takes the LIKE).
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_search_trigram" in plan, plan
