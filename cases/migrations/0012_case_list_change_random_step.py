"""PostgreSQL: each change to what the case list counts raises the change log's sum by a random step
(1 to 2^31 - 1) instead of by 1.

The sum is the generation a kept count belongs to (`cases/api/listing.py`). With steps of 1, a
database restored from a backup and then changed counted the same generations again, for other
changes, so the web workers' kept counts of the lost history answered until they were restarted.
With random steps the restored database's next generations are, but for a chance of about one in two
billion, none that a worker has seen: no operator step after a restore. The sum still grows with
every committed change, and at 2^31 per change a folded row (bigint) holds billions of changes.
"""

from django.db import migrations

RANDOM_STEP = """CREATE OR REPLACE FUNCTION cases_case_list_changed() RETURNS trigger AS $$
    BEGIN INSERT INTO cases_case_list_change (n) VALUES (1 + floor(random() * 2147483646)::bigint);
    RETURN NULL; END; $$ LANGUAGE plpgsql"""
STEP_OF_ONE = """CREATE OR REPLACE FUNCTION cases_case_list_changed() RETURNS trigger AS $$
    BEGIN INSERT INTO cases_case_list_change (n) VALUES (1); RETURN NULL; END; $$ LANGUAGE plpgsql"""


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_fund_manager_label")]

    operations = [migrations.RunPython(_run(RANDOM_STEP), _run(STEP_OF_ONE), elidable=False)]
