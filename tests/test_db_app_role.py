"""The application's database role (docs/security.md, "The audit trail"): with the grants of
`manage.py grant_app_role` (what compose's `migrate` service runs after the migrations), the service
works, and the role cannot empty the audit trail, switch off its trigger, or drop it.

PostgreSQL only. The role is made and granted inside the test's transaction, so it is rolled back
with it and no other test (or run) sees it."""

import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from psycopg import errors

from audit.log import audit_chain_seal
from audit.models import AuditRecord
from audit.verify import verify_chain
from cases.models import State
from cases.services import case_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_role():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    role = f"bev_app_test_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("the test database's user may not create roles")
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    return role


def as_role(role: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")


def refused(statement: str) -> bool:
    """True when PostgreSQL refuses `statement` for lack of privilege (inside a savepoint)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except Exception as exc:  # noqa: BLE001 - the cause says which refusal it was
        return isinstance(exc.__cause__, errors.InsufficientPrivilege)
    return False


def test_the_app_role_runs_the_service_but_cannot_empty_or_unhook_the_audit_trail(app_role, case, officer):
    call_command("grant_app_role", app_role, stdout=open("/dev/null", "w"))
    as_role(app_role)

    # The service's everyday work: a transition (the case, its timeline, its audit record, the list's
    # counts kept by triggers), sealing the chain and verifying it.
    case = case_transition(user=officer, case=case, name="start_intake")
    assert case.state == State.INTAKE
    audit_chain_seal()
    assert verify_chain(workers=1).ok
    assert AuditRecord.objects.filter(event="case.start_intake").exists()

    # What would undo the audit trail without a row trigger seeing it.
    assert refused("TRUNCATE audit_auditrecord")
    assert refused("TRUNCATE audit_auditrecord CASCADE")
    assert refused("ALTER TABLE audit_auditrecord DISABLE TRIGGER ALL")
    assert refused("DROP TABLE audit_auditrecord CASCADE")
    assert refused("TRUNCATE cases_case CASCADE")
    assert AuditRecord.objects.filter(event="case.start_intake").exists()


def test_the_grant_is_refused_for_a_role_with_the_owners_rights(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        cursor.execute(f"GRANT {connection.ops.quote_name(owner)} TO {app_role}")
    with pytest.raises(CommandError, match="owns tables"):
        call_command("grant_app_role", app_role)


def test_the_grant_is_refused_for_an_unknown_role():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with pytest.raises(CommandError, match="No role"):
        call_command("grant_app_role", "no_such_role_" + secrets.token_hex(4))
