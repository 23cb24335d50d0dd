"""Database-level append-only protection, used by migrations of every audited table.

PostgreSQL: a row trigger raising on UPDATE and DELETE. (TRUNCATE is not row-level: the
application's database role must not own the table in production; the test runner relies on it to
reset tables between transactional tests.) The embedded SQLite demo relies on the model guards.
"""


def _pg_sql(table: str) -> list[str]:
    return [
        """CREATE OR REPLACE FUNCTION bev_refuse_change() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION USING MESSAGE = 'append-only table: ' || TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;""",
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION bev_refuse_change();""",
    ]


def make_append_only(table: str):
    """A RunPython operation that installs the triggers for `table` on the current database."""

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor != "postgresql":
            return
        for statement in _pg_sql(table):
            schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")

    return forwards, backwards


# The audit trail's own trigger: append-only like the others, except that the sealer may give an
# unsealed record its place in the chain (seq, prev_hash, hash) once, without changing its content.
_AUDIT_CONTENT = ("id", "timestamp", "actor_id", "actor_username", "action", "event", "object_type", "object_id",
                  "object_repr", "case_id", "request_id", "ip_address", "channel", "changes")


def _row(prefix: str) -> str:
    return "ROW(" + ", ".join(f"{prefix}.{c}" for c in _AUDIT_CONTENT) + ")"


AUDIT_SEAL_ONLY_SQL = [
    f"""CREATE OR REPLACE FUNCTION bev_audit_seal_only() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.seq IS NULL
             AND NEW.hash IS NOT NULL AND NEW.seq IS NOT NULL
             AND {_row('NEW')} IS NOT DISTINCT FROM {_row('OLD')} THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION USING MESSAGE = 'append-only table: ' || TG_TABLE_NAME;
        END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS audit_auditrecord_append_only ON audit_auditrecord;",
    """CREATE TRIGGER audit_auditrecord_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
        FOR EACH ROW EXECUTE FUNCTION bev_audit_seal_only();""",
]
