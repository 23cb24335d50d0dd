"""PostgreSQL: a trigram index on the case's `search_text`, so the case list's search finds its
cases through the index instead of reading every case.

`?search=` looks for a term anywhere in the text (`search_text LIKE '%TERM%'`,
`cases.selectors.case_search`): no B-tree helps, so the page and its count read every case, at
about a microsecond per case (25 ms at 20,000 cases, whatever the term finds). pg_trgm's GIN index
answers such a LIKE from the term's trigrams (a term of three characters or more; shorter terms
are read as before). pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+):
the database's owner may create it. SQLite (the embedded default) keeps its scan.
"""

from django.db import migrations

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_search_trigram ON cases_case USING gin (search_text gin_trgm_ops)",
]
BACKWARDS = ["DROP INDEX IF EXISTS case_search_trigram"]  # the extension may serve others: kept


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_case_list_change_random_step")]

    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False)]
