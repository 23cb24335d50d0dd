"""Give the application's database role what the service needs, and nothing that lets it undo the
audit trail (docs/security.md, "The audit trail").

The migrations run as the role that owns the tables; the web, the worker and beat connect as another
role (docker-compose.yml: `bev` and `bev_app`). That role may read and write rows, so the service works,
but, not owning the tables and holding no TRUNCATE, it cannot empty the audit trail (`TRUNCATE` does not
fire the append-only trigger's row checks), nor disable that trigger, nor drop or alter a table.

Run by the owner after every `migrate` (compose's `migrate` service does): new tables get the same
grants. Idempotent."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant the application's database role (given) read and write on the service's tables, "
        "and no TRUNCATE, so it cannot empty the audit trail. Run as the tables' owner after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the web, worker and beat connect as, e.g. bev_app")
        parser.add_argument("--schema", default="public")

    def handle(self, *args, role: str, schema: str, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: there is no separate application role to grant.")
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"No role {role!r}: create it first (README, 'Deploying').")
            if any(found):
                raise CommandError(f"{role!r} is a superuser or bypasses row security: it could empty the audit trail.")
            # The owner itself, or a role that belongs to the owner's, has the owner's rights.
            cursor.execute(
                """SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = %s AND pg_has_role(%s, c.relowner, 'MEMBER')""",
                [schema, role],
            )
            if cursor.fetchone()[0]:
                raise CommandError(f"{role!r} owns tables in {schema!r}: it could disable the audit trail's trigger.")
            quoted_role = connection.ops.quote_name(role)
            quoted_schema = connection.ops.quote_name(schema)
            database = connection.ops.quote_name(connection.settings_dict["NAME"])
            for statement in (
                f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {quoted_role}",
                f"GRANT USAGE ON SCHEMA {quoted_schema} TO {quoted_role}",
                f"REVOKE CREATE ON SCHEMA {quoted_schema} FROM {quoted_role}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quoted_schema} TO {quoted_role}",
                # Whatever else a role may hold on a table: emptying it, triggers, references.
                f"REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA {quoted_schema} FROM {quoted_role}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted_schema} TO {quoted_role}",
            ):
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(f"{role} may read and write the rows of {schema}; it may not truncate, alter or drop.")
        )
