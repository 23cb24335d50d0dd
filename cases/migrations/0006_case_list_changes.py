"""PostgreSQL: a log of changes to what the case list counts, for `cases.api.listing`'s count cache.

Every statement that inserts, updates, deletes or truncates cases, team members or case categories
adds a row (n = 1) to `cases_case_list_change`, in its own transaction: the sum of `n` a statement
sees therefore grows with every committed change it can see, and two statements that see the same
sum see the same cases, teams and categories (see `cases/api/listing.py`). Inserts only: no writer
waits for another. Readers fold the rows into one (same sum) now and then.

Not a Django model on purpose: `manage.py flush` (and the test runner between transactional tests)
truncates every model's table, which would lower the sum; the case tables' TRUNCATE triggers raise
it instead. SQLite (the embedded default) has no such log; its list counts every time.
"""

from django.db import migrations

TABLES = ("cases_case", "cases_caseteammember", "cases_casecategory")

FORWARDS = [
    "CREATE TABLE cases_case_list_change (id bigserial PRIMARY KEY, n bigint NOT NULL)",
    """CREATE FUNCTION cases_case_list_changed() RETURNS trigger AS $$
        BEGIN INSERT INTO cases_case_list_change (n) VALUES (1); RETURN NULL; END; $$ LANGUAGE plpgsql""",
    *(f"""CREATE TRIGGER {table}_list_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
          FOR EACH STATEMENT EXECUTE FUNCTION cases_case_list_changed()""" for table in TABLES),
]

BACKWARDS = [
    *(f"DROP TRIGGER IF EXISTS {table}_list_changed ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS cases_case_list_changed()",
    "DROP TABLE IF EXISTS cases_case_list_change",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_case_search_text")]
    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS))]
