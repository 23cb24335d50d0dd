"""PostgreSQL: the number of cases each person sees in the case list per strategic category
(`cases_case_list_category_count`, read by `cases.api.listing` for `?category=`), kept by triggers in
the same transaction as every write to cases, their teams and their categories, as 0014 keeps the
counts per state: the list by category took its count from every matching visible case after each
change (issue 25: ~3.5 ms at 10,000 cases, growing with the cases).

A person sees a case in the list by category when they are on its team in another role than department
advisor, the case's classification is within their clearance and the case has the category: rows per
person, classification rank and category (+n / -n). A (member, category, case) triple is counted by
whichever of the three writes comes last in a transaction's order (the deferred foreign keys let the
case, its team and its categories come in any order), never twice: each trigger joins the rows of the
other two tables as they are.

Exactness under concurrent writers: as in 0014 a case write (an UPDATE locks the row) and a membership
write (FOR SHARE on the case) wait for each other. A category write takes FOR NO KEY UPDATE on its
cases, which waits for a membership write's FOR SHARE and a case write's lock (and they for it), so
the second of any two such writes on one case reads the first's rows in its own trigger's fresh
snapshot (READ COMMITTED). Not a Django model, for the reasons 0014 gives; TRUNCATE of any of the
three tables empties it; a restore loads its rows as dumped.
"""

from django.db import migrations

ADVISOR = "department_advisor"
TABLE = "cases_case_list_category_count"
COLUMNS = "user_id, classification_rank, category, n"

FORWARDS = [
    "LOCK TABLE cases_case, cases_caseteammember, cases_casecategory IN SHARE MODE",
    f"""CREATE TABLE {TABLE} (
        id bigserial PRIMARY KEY,
        user_id bigint NOT NULL,
        classification_rank smallint NOT NULL,
        category varchar(40) NOT NULL,
        n bigint NOT NULL)""",
    f"CREATE INDEX {TABLE}_by_user ON {TABLE} (user_id, category, classification_rank) INCLUDE (n)",
    # A change of membership: +1 / -1 per person, the case's rank and each of its categories.
    f"""CREATE FUNCTION {TABLE}_team() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM 1 FROM cases_case WHERE id IN (SELECT case_id FROM new_rows) ORDER BY id FOR SHARE;
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM 1 FROM cases_case WHERE id IN (SELECT case_id FROM old_rows) ORDER BY id FOR SHARE;
        ELSE
            PERFORM 1 FROM cases_case
            WHERE id IN (SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows) ORDER BY id FOR SHARE;
        END IF;
        IF TG_OP = 'INSERT' THEN
            INSERT INTO {TABLE} ({COLUMNS})
            SELECT d.user_id, c.classification_rank, k.category, COUNT(*)
            FROM new_rows d JOIN cases_case c ON c.id = d.case_id JOIN cases_casecategory k ON k.case_id = d.case_id
            WHERE d.role <> '{ADVISOR}' GROUP BY 1, 2, 3;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO {TABLE} ({COLUMNS})
            SELECT d.user_id, c.classification_rank, k.category, -COUNT(*)
            FROM old_rows d JOIN cases_case c ON c.id = d.case_id JOIN cases_casecategory k ON k.case_id = d.case_id
            WHERE d.role <> '{ADVISOR}' GROUP BY 1, 2, 3;
        ELSE
            INSERT INTO {TABLE} ({COLUMNS})
            SELECT d.user_id, c.classification_rank, k.category, SUM(d.n)
            FROM (
                SELECT case_id, user_id, 1 AS n FROM new_rows WHERE role <> '{ADVISOR}'
                UNION ALL
                SELECT case_id, user_id, -1 AS n FROM old_rows WHERE role <> '{ADVISOR}'
            ) d JOIN cases_case c ON c.id = d.case_id JOIN cases_casecategory k ON k.case_id = d.case_id
            GROUP BY 1, 2, 3 HAVING SUM(d.n) <> 0;
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    # A change of categories: +1 / -1 per team member and the case's rank.
    f"""CREATE FUNCTION {TABLE}_category() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM 1 FROM cases_case WHERE id IN (SELECT case_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
            INSERT INTO {TABLE} ({COLUMNS})
            SELECT m.user_id, c.classification_rank, d.category, COUNT(*)
            FROM new_rows d JOIN cases_case c ON c.id = d.case_id
            JOIN cases_caseteammember m ON m.case_id = d.case_id AND m.role <> '{ADVISOR}'
            GROUP BY 1, 2, 3;
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM 1 FROM cases_case WHERE id IN (SELECT case_id FROM old_rows) ORDER BY id FOR NO KEY UPDATE;
            INSERT INTO {TABLE} ({COLUMNS})
            SELECT m.user_id, c.classification_rank, d.category, -COUNT(*)
            FROM old_rows d JOIN cases_case c ON c.id = d.case_id
            JOIN cases_caseteammember m ON m.case_id = d.case_id AND m.role <> '{ADVISOR}'
            GROUP BY 1, 2, 3;
        ELSE
            PERFORM 1 FROM cases_case
            WHERE id IN (SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows) ORDER BY id FOR NO KEY UPDATE;
            INSERT INTO {TABLE} ({COLUMNS})
            SELECT m.user_id, c.classification_rank, d.category, SUM(d.n)
            FROM (
                SELECT case_id, category, 1 AS n FROM new_rows
                UNION ALL
                SELECT case_id, category, -1 AS n FROM old_rows
            ) d JOIN cases_case c ON c.id = d.case_id
            JOIN cases_caseteammember m ON m.case_id = d.case_id AND m.role <> '{ADVISOR}'
            GROUP BY 1, 2, 3 HAVING SUM(d.n) <> 0;
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    # A case inserted, deleted or its classification rank changed: +1 / -1 per member and category.
    f"""CREATE FUNCTION {TABLE}_case() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO {TABLE} ({COLUMNS})
            SELECT m.user_id, d.classification_rank, k.category, COUNT(*)
            FROM new_rows d JOIN cases_caseteammember m ON m.case_id = d.id AND m.role <> '{ADVISOR}'
            JOIN cases_casecategory k ON k.case_id = d.id
            GROUP BY 1, 2, 3;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO {TABLE} ({COLUMNS})
            SELECT m.user_id, d.classification_rank, k.category, -COUNT(*)
            FROM old_rows d JOIN cases_caseteammember m ON m.case_id = d.id AND m.role <> '{ADVISOR}'
            JOIN cases_casecategory k ON k.case_id = d.id
            GROUP BY 1, 2, 3;
        ELSE
            INSERT INTO {TABLE} ({COLUMNS})
            SELECT m.user_id, d.classification_rank, k.category, SUM(d.n)
            FROM (
                (SELECT id, classification_rank, 1 AS n FROM new_rows
                 EXCEPT ALL SELECT id, classification_rank, 1 FROM old_rows)
                UNION ALL
                (SELECT id, classification_rank, -1 AS n FROM old_rows
                 EXCEPT ALL SELECT id, classification_rank, -1 FROM new_rows)
            ) d JOIN cases_caseteammember m ON m.case_id = d.id AND m.role <> '{ADVISOR}'
            JOIN cases_casecategory k ON k.case_id = d.id
            GROUP BY 1, 2, 3 HAVING SUM(d.n) <> 0;
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    f"""CREATE FUNCTION {TABLE}_cleared() RETURNS trigger AS $$
        BEGIN DELETE FROM {TABLE}; RETURN NULL; END; $$ LANGUAGE plpgsql""",
    *(
        f"""CREATE TRIGGER {table}_category_count_{op.lower()} AFTER {op} ON {table}
            REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"""
        for table, function in (
            ("cases_caseteammember", f"{TABLE}_team"),
            ("cases_casecategory", f"{TABLE}_category"),
            ("cases_case", f"{TABLE}_case"),
        )
        for op, refs in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ),
    *(
        f"""CREATE TRIGGER {table}_category_count_truncate AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_cleared()"""
        for table in ("cases_caseteammember", "cases_casecategory", "cases_case")
    ),
    f"""INSERT INTO {TABLE} ({COLUMNS})
        SELECT m.user_id, c.classification_rank, k.category, COUNT(*)
        FROM cases_caseteammember m JOIN cases_case c ON c.id = m.case_id
        JOIN cases_casecategory k ON k.case_id = m.case_id
        WHERE m.role <> '{ADVISOR}'
        GROUP BY 1, 2, 3""",
]

BACKWARDS = [
    *(
        f"DROP TRIGGER IF EXISTS {table}_category_count_{op} ON {table}"
        for table in ("cases_caseteammember", "cases_casecategory", "cases_case")
        for op in ("insert", "update", "delete", "truncate")
    ),
    *(f"DROP FUNCTION IF EXISTS {TABLE}_{kind}()" for kind in ("team", "category", "case", "cleared")),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_case_by_state_received")]
    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False)]
