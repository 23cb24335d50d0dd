from django.db import migrations

REFUSE_CHANGE = """CREATE OR REPLACE FUNCTION bev_refuse_change() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION USING MESSAGE = 'append-only table: ' || TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;"""


def append_only(table):
    """RunPython functions installing (PostgreSQL only) a trigger that refuses UPDATE and DELETE on
    `table`. Frozen here, as migrations are: this SQL never changes with the code."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(REFUSE_CHANGE)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            schema_editor.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                                  "FOR EACH ROW EXECUTE FUNCTION bev_refuse_change();")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")

    return forwards, backwards


forwards, backwards = append_only("audit_auditrecord")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
