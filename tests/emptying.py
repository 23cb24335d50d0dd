"""How a transactional test leaves the database: only the tables it wrote are emptied.

Django's TransactionTestCase (pytest-django's `transactional_db`, `live_server`) ends every test with
`manage.py flush`: a TRUNCATE of every table, then the post_migrate signal, which writes the content
types and permissions back. That took about 0.5 s per test on PostgreSQL, most of it the post_migrate
round trips, for tests that write a handful of rows into a few tables.

On PostgreSQL `install()` replaces that step with one query that finds the tables holding a row and
one TRUNCATE of those. The content types and permissions are kept as the migrations made them
instead of being emptied and written back: their rows are the same either way (only their ids
moved), and ContentType's cache stays true. Every other table ends empty, as after `flush`
(tests/test_emptying.py). Other databases keep Django's flush."""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connections, transaction
from django.test import TransactionTestCase

# Written by post_migrate from the models, identical after every test: kept rather than emptied and
# written back.
KEPT = frozenset({"django_content_type", "auth_permission"})


def tables_with_rows(connection) -> list[str]:
    """The model tables that hold at least one row, in one query."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    if not tables:
        return []
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(query, tables)
        return [row[0] for row in cursor.fetchall()]


def empty_written_tables(db_name: str) -> None:
    connection = connections[db_name]
    written = [table for table in tables_with_rows(connection) if table not in KEPT]
    if written:
        # CASCADE: an empty table that references one of these is named by PostgreSQL, not by us.
        statements = connection.ops.sql_flush(no_style(), written, allow_cascade=True)
        with transaction.atomic(using=db_name):
            connection.ops.execute_sql_flush(statements)


def install() -> None:
    django_teardown = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        names = self._databases_names(include_mirrors=False)
        if (
            self.available_apps is not None
            or self.serialized_rollback
            or any(connections[name].vendor != "postgresql" for name in names)
        ):
            return django_teardown(self)
        for name in names:
            empty_written_tables(name)

    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]
