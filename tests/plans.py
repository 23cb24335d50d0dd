"""Asking PostgreSQL's planner which index a read uses, in a way that does not depend on luck.

On the few rows a test writes, every index costs about the same to the planner: which one it picks
is a tie broken by guessed statistics, and a test that names the index fails now and then (it did,
in clean-clone CI runs). So the table is first given rows the read does *not* ask for, copied from
one of its own rows inside the test's transaction (rolled back with it), and analysed: the index
that serves the read is then the clearly cheapest plan, and without that index the plan changes.
"""

from django.db import connection, transaction


def add_rows_unlike(table: str, *, source_id: int, count: int, overrides: dict[str, str]) -> None:
    """Insert `count` copies of row `source_id` of `table` with the SQL expressions in `overrides`
    (`g` is the copy's number, 1..count) in place of their columns, then ANALYZE the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        )
        columns = [row[0] for row in cursor.fetchall() if row[0] != "id"]
        unknown = set(overrides) - set(columns)
        assert not unknown, unknown
        values = ", ".join(overrides.get(column, f'"{column}"') for column in columns)
        names = ", ".join(f'"{column}"' for column in columns)
        cursor.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {values} FROM "{table}", generate_series(1, %s) AS g WHERE id = %s',
            [count, source_id],
        )
        cursor.execute(f'ANALYZE "{table}"')


def plan(sql: str, params=()) -> str:
    """The plan of `sql`, with sequential scans made all but impossible."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
