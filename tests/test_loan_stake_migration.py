"""bev/0013: loans stored with a stake before the rule "a loan holds no stake" (tests/
test_loan_holds_no_stake.py) have it cleared, each clearing audited, and the database refuses a stake
on a loan from then on, whatever the path (the admin, a script)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditRecord
from bev.models import Position
from bev.services import position_create

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def positions(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    shares = position_create(user=manager, case=ready, instrument="equity", ownership_percent=Decimal("20"))
    loan = invest_in_case(ready, proposer=manager, approver=manager2, amount=5 * M, instrument="loan_with_warrants")
    return loan, shares


@pytest.mark.skipif(connection.vendor != "postgresql", reason="drops and adds a constraint in PostgreSQL")
def test_a_loan_stored_with_a_stake_has_it_cleared_and_audited(positions):
    loan, shares = positions
    with connection.cursor() as cursor:  # the set-up's deferred foreign-key checks, before the DDL
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    MigrationExecutor(connection).migrate([("bev", "0012_loan_repayment_proposal")])
    with connection.cursor() as cursor:  # what a loan stored before the rule holds
        cursor.execute(
            f"UPDATE {Position._meta.db_table} SET ownership_percent = 3, shares = 30000 WHERE id = %s", [loan.pk]
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    loan.refresh_from_db()
    shares.refresh_from_db()
    assert (loan.ownership_percent, loan.shares) == (None, None)
    assert shares.ownership_percent == Decimal("20")  # equity keeps its stake
    record = AuditRecord.objects.get(event="position.loan_stake_cleared")
    assert (record.object_id, record.case_id) == (str(loan.pk), loan.case_id)
    assert Decimal(record.changes["ownership_percent"][0]) == 3
    assert record.changes["shares"] == [30000, None]


def test_the_database_refuses_a_stake_on_a_loan(positions):
    loan, _shares = positions
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=loan.pk).update(ownership_percent=Decimal("3"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=loan.pk).update(shares=1)
