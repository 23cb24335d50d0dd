"""PostgreSQL: the number of cases each person sees in the case list, per classification and state,
kept by triggers in the same transaction as every write to cases and their teams
(`cases_case_list_count`, read by `cases.api.listing`).

What the list shows a person (`Case.objects.case_file_visible_to_member`) is the cases on whose team
they are in another role than department advisor, up to their clearance. The unfiltered list, and the
list filtered by state or classification, count those cases: here that count is a sum of a few rows
(`user_id`, `classification_rank` up to the clearance, `state`, `classification`), read in the page's
own statement, so it is exact in that statement's snapshot and costs the same at 100,000 cases as at
1,000.

Writers only insert rows (+n / -n): no writer waits for another on a shared counter row (a person on
every case would make it one), and no two writers can deadlock on counter rows. Readers fold a
person's rows into one per key now and then (`listing._fold_counts`). The triggers are statement-level
with transition tables, so a bulk insert (the benchmark's copies) adds a few grouped rows, not one per
case.

Exactness under concurrent writers: the team triggers read the case's state and classification after
locking the case rows (FOR SHARE, in id order), which waits for a concurrent transition or
reclassification of the same case to commit and then reads its new values; a case write that comes
second waits for the team write's lock and then, in its own trigger's fresh snapshot (READ COMMITTED),
sees the new team. A case's rows are counted by whichever of the two writes (case or membership) comes
second (a deferred foreign key lets either come first), never by both.

Not a Django model on purpose, as `cases_case_list_change` (migration 0006): `dumpdata`/`loaddata`
would copy the rows and the triggers add them again. `manage.py flush` truncates the case tables,
whose TRUNCATE triggers empty this table. A restore (`scripts/restore.sh`: pg_restore into an empty
database) loads this table's rows as they were dumped, in the same snapshot as the cases and teams, and
creates the triggers after the data: the counts arrive right, no operator step.
SQLite (the embedded default) has no such table; its list counts every time.
"""

from django.db import migrations

ADVISOR = "department_advisor"

FORWARDS = [
    """CREATE TABLE cases_case_list_count (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL,
        classification_rank smallint NOT NULL,
        classification varchar(32) NOT NULL,
        state varchar(32) NOT NULL,
        n bigint NOT NULL)""",
    """CREATE INDEX cases_case_list_count_by_user
        ON cases_case_list_count (user_id, classification_rank, state) INCLUDE (classification, n)""",
    # A change of membership (insert, delete, or a role/user/case changed): +1 / -1 per person and the
    # case's classification and state, read after locking the cases.
    f"""CREATE FUNCTION cases_case_list_count_team() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM 1 FROM cases_case WHERE id IN (SELECT case_id FROM new_rows) ORDER BY id FOR SHARE;
            INSERT INTO cases_case_list_count (user_id, classification_rank, classification, state, n)
            SELECT d.user_id, c.classification_rank, c.classification, c.state, COUNT(*)
            FROM new_rows d JOIN cases_case c ON c.id = d.case_id
            WHERE d.role <> '{ADVISOR}'
            GROUP BY 1, 2, 3, 4;
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM 1 FROM cases_case WHERE id IN (SELECT case_id FROM old_rows) ORDER BY id FOR SHARE;
            INSERT INTO cases_case_list_count (user_id, classification_rank, classification, state, n)
            SELECT d.user_id, c.classification_rank, c.classification, c.state, -COUNT(*)
            FROM old_rows d JOIN cases_case c ON c.id = d.case_id
            WHERE d.role <> '{ADVISOR}'
            GROUP BY 1, 2, 3, 4;
        ELSE
            PERFORM 1 FROM cases_case
            WHERE id IN (SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows) ORDER BY id FOR SHARE;
            INSERT INTO cases_case_list_count (user_id, classification_rank, classification, state, n)
            SELECT d.user_id, c.classification_rank, c.classification, c.state, SUM(d.n)
            FROM (
                SELECT case_id, user_id, 1 AS n FROM new_rows WHERE role <> '{ADVISOR}'
                UNION ALL
                SELECT case_id, user_id, -1 AS n FROM old_rows WHERE role <> '{ADVISOR}'
            ) d JOIN cases_case c ON c.id = d.case_id
            GROUP BY 1, 2, 3, 4 HAVING SUM(d.n) <> 0;
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    # A case inserted, deleted, or its state or classification changed: +1 / -1 per team member.
    f"""CREATE FUNCTION cases_case_list_count_case() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO cases_case_list_count (user_id, classification_rank, classification, state, n)
            SELECT m.user_id, d.classification_rank, d.classification, d.state, COUNT(*)
            FROM new_rows d JOIN cases_caseteammember m ON m.case_id = d.id AND m.role <> '{ADVISOR}'
            GROUP BY 1, 2, 3, 4;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO cases_case_list_count (user_id, classification_rank, classification, state, n)
            SELECT m.user_id, d.classification_rank, d.classification, d.state, -COUNT(*)
            FROM old_rows d JOIN cases_caseteammember m ON m.case_id = d.id AND m.role <> '{ADVISOR}'
            GROUP BY 1, 2, 3, 4;
        ELSE
            INSERT INTO cases_case_list_count (user_id, classification_rank, classification, state, n)
            SELECT m.user_id, d.classification_rank, d.classification, d.state, SUM(d.n)
            FROM (
                (SELECT id, classification_rank, classification, state, 1 AS n FROM new_rows
                 EXCEPT ALL SELECT id, classification_rank, classification, state, 1 FROM old_rows)
                UNION ALL
                (SELECT id, classification_rank, classification, state, -1 AS n FROM old_rows
                 EXCEPT ALL SELECT id, classification_rank, classification, state, -1 FROM new_rows)
            ) d JOIN cases_caseteammember m ON m.case_id = d.id AND m.role <> '{ADVISOR}'
            GROUP BY 1, 2, 3, 4 HAVING SUM(d.n) <> 0;
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION cases_case_list_count_cleared() RETURNS trigger AS $$
        BEGIN DELETE FROM cases_case_list_count; RETURN NULL; END; $$ LANGUAGE plpgsql""",
    *(
        f"""CREATE TRIGGER {table}_list_count_{op.lower()} AFTER {op} ON {table}
            REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"""
        for table, function in (
            ("cases_caseteammember", "cases_case_list_count_team"),
            ("cases_case", "cases_case_list_count_case"),
        )
        for op, refs in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ),
    *(
        f"""CREATE TRIGGER {table}_list_count_truncate AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION cases_case_list_count_cleared()"""
        for table in ("cases_caseteammember", "cases_case")
    ),
    # The counts of the cases already there. CREATE TRIGGER has locked both tables against writes
    # until this migration commits: no write falls between the triggers and this count.
    f"""INSERT INTO cases_case_list_count (user_id, classification_rank, classification, state, n)
        SELECT m.user_id, c.classification_rank, c.classification, c.state, COUNT(*)
        FROM cases_caseteammember m JOIN cases_case c ON c.id = m.case_id
        WHERE m.role <> '{ADVISOR}'
        GROUP BY 1, 2, 3, 4""",
]

BACKWARDS = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_list_count_{op} ON {table}"
        for table in ("cases_caseteammember", "cases_case")
        for op in ("insert", "update", "delete", "truncate")
    ),
    "DROP FUNCTION IF EXISTS cases_case_list_count_team()",
    "DROP FUNCTION IF EXISTS cases_case_list_count_case()",
    "DROP FUNCTION IF EXISTS cases_case_list_count_cleared()",
    "DROP TABLE IF EXISTS cases_case_list_count",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_case_search_trigram_index")]
    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False)]
