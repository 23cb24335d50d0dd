"""The case's searchable text moves its trigram index to a 1:1 table of its own (issue 25):
`cases_casesearch` (case_id, search_text), written by triggers when a case is inserted and when its
searchable text (reference, title, target, acquirer, KvK number) changes, never on a state change.
A state change is never a HOT update: on the case row the GIN index took every trigram of the unchanged
text again (~1.6 KB of WAL per transition). `Case.search_text` (the generated column) stays the source;
the list's search reads the new table (`cases.selectors.case_search`). SQLite (the embedded default)
gets the same triggers, without the trigram index.
"""

import django.db.models.deletion
from django.db import migrations, models

SEARCHED = "reference, title, target_name, acquirer_name, target_kvk_number"

POSTGRESQL = [
    """CREATE FUNCTION cases_case_search_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO cases_casesearch (case_id, search_text) VALUES (NEW.id, NEW.search_text)
        ON CONFLICT (case_id) DO UPDATE SET search_text = EXCLUDED.search_text;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER cases_case_search_insert AFTER INSERT ON cases_case "
    "FOR EACH ROW EXECUTE FUNCTION cases_case_search_write()",
    f"CREATE TRIGGER cases_case_search_update AFTER UPDATE OF {SEARCHED} ON cases_case "
    "FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) "
    "EXECUTE FUNCTION cases_case_search_write()",
    # Cases are never deleted (Case.delete refuses); a delete behind the application's back takes the
    # search row with it (the foreign key is checked at commit).
    """CREATE FUNCTION cases_case_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM cases_casesearch WHERE case_id = OLD.id;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER cases_case_search_delete AFTER DELETE ON cases_case "
    "FOR EACH ROW EXECUTE FUNCTION cases_case_search_delete()",
    "INSERT INTO cases_casesearch (case_id, search_text) SELECT id, search_text FROM cases_case "
    "ON CONFLICT (case_id) DO NOTHING",
    "DROP INDEX IF EXISTS case_search_trigram",
    "CREATE INDEX case_search_trigram ON cases_casesearch USING gin (search_text gin_trgm_ops)",
]
POSTGRESQL_BACKWARDS = [
    "DROP TRIGGER IF EXISTS cases_case_search_update ON cases_case",
    "DROP TRIGGER IF EXISTS cases_case_search_insert ON cases_case",
    "DROP TRIGGER IF EXISTS cases_case_search_delete ON cases_case",
    "DROP FUNCTION IF EXISTS cases_case_search_write()",
    "DROP FUNCTION IF EXISTS cases_case_search_delete()",
    "DROP INDEX IF EXISTS case_search_trigram",
    "CREATE INDEX case_search_trigram ON cases_case USING gin (search_text gin_trgm_ops)",
]
SQLITE = [
    "CREATE TRIGGER cases_case_search_insert AFTER INSERT ON cases_case BEGIN "
    "INSERT OR REPLACE INTO cases_casesearch (case_id, search_text) VALUES (NEW.id, NEW.search_text); END",
    f"CREATE TRIGGER cases_case_search_update AFTER UPDATE OF {SEARCHED} ON cases_case "
    "WHEN OLD.search_text IS NOT NEW.search_text BEGIN "
    "INSERT OR REPLACE INTO cases_casesearch (case_id, search_text) VALUES (NEW.id, NEW.search_text); END",
    "CREATE TRIGGER cases_case_search_delete AFTER DELETE ON cases_case BEGIN "
    "DELETE FROM cases_casesearch WHERE case_id = OLD.id; END",
    "INSERT OR IGNORE INTO cases_casesearch (case_id, search_text) SELECT id, search_text FROM cases_case",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS cases_case_search_delete",
    "DROP TRIGGER IF EXISTS cases_case_search_update",
    "DROP TRIGGER IF EXISTS cases_case_search_insert",
]


def _run(postgresql, sqlite):
    def run(apps, schema_editor):
        statements = {"postgresql": postgresql, "sqlite": sqlite}.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0019_case_indexes_without_pattern_copies'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseSearch',
            fields=[
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search', serialize=False, to='cases.case')),
                ('search_text', models.TextField()),
            ],
        ),
        migrations.RunPython(
            _run(POSTGRESQL, SQLITE), _run(POSTGRESQL_BACKWARDS, SQLITE_BACKWARDS), elidable=False
        ),
    ]
