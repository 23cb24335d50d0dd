"""Which database this connection talks to, as one value that changes when the database is restored.

State derived from the database and kept outside it (the case list's kept counts in each web
worker, the fund overview's figures in the shared cache) is keyed on what the database says about
itself: the sum of a change log, the newest ledger ids. A restore from a backup turns those back to
what they were at the backup, and the changes made after it give the same values again for a
different content: kept state would answer for a database that no longer exists. So such state is
also keyed on the database's incarnation. On PostgreSQL: the database's OID (a restore goes into a
new, empty database: scripts/restore.sh, so a new OID) and the server's start time (a restore into
another cluster, or of a file-level backup, starts a server: a cluster with the same OID differs
there). A server restart changes it too, which costs one recount, nothing else. Elsewhere (SQLite,
the embedded demo): one value, as there is no restore procedure for it.

Read once per database connection: a restore needs every connection to the old database ended
(DROP DATABASE, another server), so a connection that answered once keeps answering for the same
incarnation. Or read in the statement that reads what it keys (`incarnation_sql`)."""

from __future__ import annotations

from django.db import connection

_EXPRESSION = (
    "(SELECT d.oid::text || '@' || extract(epoch FROM pg_postmaster_start_time())::text "
    "FROM pg_database d WHERE d.datname = current_database())"
)


def incarnation_sql(vendor: str) -> str:
    """The incarnation as an SQL expression, for a statement that reads it with what it keys."""
    return _EXPRESSION if vendor == "postgresql" else "'-'"


def database_incarnation() -> str:
    """The incarnation of the database behind this thread's connection (module docstring)."""
    if connection.vendor != "postgresql":
        return "-"
    connection.ensure_connection()
    raw = connection.connection
    kept = getattr(connection, "_bev_incarnation", None)
    if kept is None or kept[0] is not raw:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + _EXPRESSION)
            kept = (raw, cursor.fetchone()[0])
        setattr(connection, "_bev_incarnation", kept)  # noqa: B010 - a per-connection memo
    return kept[1]
