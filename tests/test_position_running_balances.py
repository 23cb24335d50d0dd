"""Each position's running figures (`PositionBalance`) and daily cash flows (`PositionFlow`) always
equal the sums of its ledger lines: after every kind of booking on a position (reversals and exits
included), when filled by the migration or rebuilt after a bulk load, and under concurrent approvals,
where the limits read from them still hold. `manage.py verify_ledger` reports any difference."""

import importlib
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit.models import AuditRecord
from bev import services
from bev.models import Disbursement, JournalEntry, Position, PositionBalance, PositionFlow
from bev.selectors import position_balances, positions_metrics, running_balance_mismatches
from bev.selectors.balances import position_balance_mismatches
from bev.services.ledger import running_balances_rebuild
from core.exceptions import Conflict, LimitExceeded, PermissionDenied
from tests.concurrency import race
from tests.factories import case_to_investment_preparation, fund_with_tranches, order_sale, reverse_four_eyes

M = Decimal("1000000.00")


def assert_reconciled():
    """The running figures are the lines' sums, and every read of them gives what the lines give."""
    assert position_balance_mismatches() == []
    assert running_balance_mismatches() == []
    positions = list(Position.objects.all())
    today = timezone.localdate()
    from_lines = position_balances(as_of=today)  # summed from the lines
    assert {p.pk: position_balances()[p.pk] for p in positions} == {p.pk: from_lines[p.pk] for p in positions}
    for p in positions:
        assert positions_metrics([p]) == positions_metrics([p], as_of=today)  # the detail's read
    assert positions_metrics(positions) == positions_metrics(positions, as_of=today)  # many at once


def _disburse(position, amount, key, manager, manager2, **kwargs):
    proposal = services.disbursement_propose(user=manager, position=position, amount=amount, idempotency_key=key)
    return services.disbursement_approve(user=manager2, disbursement=proposal, **kwargs)


@pytest.mark.django_db
def test_every_booking_on_a_position_keeps_its_running_figures_equal_to_its_lines(
    stake_and_loan, manager, manager2, secretariat, secretariat2
):
    stake, loan = stake_and_loan
    assert_reconciled()
    services.reservation_book(user=manager, position=stake, amount=2 * M, idempotency_key="res")
    services.reservation_release(user=manager, position=stake, amount=M / 2, idempotency_key="rel")
    assert_reconciled()
    first = _disburse(stake, 5 * M, "d1", manager, manager2)  # 1.5m from its reservation
    _disburse(loan, 3 * M, "d2", manager, manager2)
    assert_reconciled()
    assert PositionBalance.objects.get(position=stake).disbursement_lines == 3
    reverse_four_eyes(first.entry, proposer=manager, approver=manager2, reason="Verkeerd bedrag.")
    assert_reconciled()
    assert position_balances()[stake.pk]["invested"] == 0
    _disburse(stake, 4 * M, "d3", manager, manager2)
    for kind, amount in (("dividend", M / 10), ("interest", M / 20), ("repayment", M)):
        services.return_book(
            user=manager, position=stake if kind == "dividend" else loan, kind=kind, amount=amount, idempotency_key=kind
        )
        assert_reconciled()
    services.reservation_book(user=manager, position=stake, amount=M, idempotency_key="res2")
    order_sale(stake.case, recorder=secretariat, confirmer=secretariat2)
    # A valuation, then a sale of a fraction with decimals: the detail's one read of figures, flows,
    # valuations and sales values what is still held as the reads of the lines and the many do.
    services.valuation_record(
        user=manager, position=stake, valued_on=timezone.localdate(), fair_value=9 * M, method="dcf"
    )
    services.exit_book(user=manager, position=stake, proceeds=M, fraction_sold_percent="12.3456", idempotency_key="x12")
    assert_reconciled()
    assert positions_metrics([stake])[stake.pk]["unrealised_value"] == Decimal("7888896.00")  # 9m × 87.6544 %
    services.exit_book(user=manager, position=stake, proceeds=2 * M, fraction_sold_percent=40, idempotency_key="x40")
    assert_reconciled()
    services.exit_book(user=manager, position=stake, proceeds=5 * M, fraction_sold_percent=100, idempotency_key="x")
    assert_reconciled()
    figures = position_balances()[stake.pk]
    assert (figures["cost"], figures["reserved"]) == (0, 0) and figures["realised_result"] != 0


@pytest.mark.django_db
def test_a_refused_booking_leaves_the_running_figures_as_they_were(stake_and_loan, manager, manager2):
    stake, _ = stake_and_loan
    _disburse(stake, M, "d", manager, manager2)
    before = list(PositionBalance.objects.values_list("position_id", "cost", "reserved", "disbursement_lines"))
    flows = list(PositionFlow.objects.values_list("position_id", "booked_on", "amount"))
    with pytest.raises(LimitExceeded):
        services.reservation_book(user=manager, position=stake, amount=40 * M, idempotency_key="too-much")
    proposal = services.disbursement_propose(user=manager, position=stake, amount=M, idempotency_key="d2")
    with pytest.raises(PermissionDenied):  # four eyes: the proposer may not approve
        services.disbursement_approve(user=manager, disbursement=proposal)
    assert list(PositionBalance.objects.values_list("position_id", "cost", "reserved", "disbursement_lines")) == before
    assert list(PositionFlow.objects.values_list("position_id", "booked_on", "amount")) == flows
    assert_reconciled()


def _corrupt(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_verify_ledger_reports_a_corrupted_running_figure_and_flow(stake_and_loan, manager, manager2):
    stake, _ = stake_and_loan
    _disburse(stake, M, "d", manager, manager2)
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert "equals the ledger" in out.getvalue()
    _corrupt("UPDATE bev_positionbalance SET reserved = reserved + 1 WHERE position_id = %s", [stake.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=out)
    assert f"MISMATCH: position {stake.pk} reserved: ledger 0.00, running 1.00" in out.getvalue()
    record = AuditRecord.objects.get(event="ledger.verification_failed")  # one, by the system, from the command
    assert (record.actor_id, record.channel, record.changes["found_by"]) == (None, "command", "verify_ledger")
    assert record.changes["mismatches"] == [
        {"position_id": str(stake.pk), "figure": "reserved", "ledger": "0.00", "running": "1.00"}
    ]
    _corrupt("UPDATE bev_positionbalance SET reserved = reserved - 1 WHERE position_id = %s", [stake.pk])
    call_command("verify_ledger", stdout=StringIO())
    _corrupt("UPDATE bev_positionflow SET amount = amount + 5 WHERE position_id = %s", [stake.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=out)
    assert f"MISMATCH: position {stake.pk} flow " in out.getvalue()
    _corrupt("DELETE FROM bev_positionflow WHERE position_id = %s", [stake.pk])
    _corrupt("UPDATE bev_positionbalance SET disbursement_lines = 0 WHERE position_id = %s", [stake.pk])
    assert {m["figure"].split()[0] for m in running_balance_mismatches()} == {"flow", "disbursement_lines"}


def _figures():
    return (
        sorted(
            PositionBalance.objects.values_list("position_id", "invested", "cost", "reserved", "disbursement_lines")
        ),
        sorted(PositionFlow.objects.values_list("position_id", "booked_on", "amount")),
    )


@pytest.mark.django_db
def test_the_migration_and_the_rebuild_fill_the_running_figures_from_the_ledger(stake_and_loan, manager, manager2):
    stake, loan = stake_and_loan
    services.reservation_book(user=manager, position=loan, amount=M, idempotency_key="res")
    _disburse(stake, M, "d", manager, manager2)
    services.return_book(user=manager, position=stake, kind="dividend", amount=M / 10, idempotency_key="div")
    expected = _figures()
    assert expected[0] and expected[1]
    PositionFlow.objects.all().delete()  # as before the migration
    PositionBalance.objects.all().delete()
    assert position_balance_mismatches() != []
    migration = importlib.import_module("bev.migrations.0010_position_balances")
    migration.position_balances_from_ledger(apps, None)
    assert_reconciled()
    assert _figures() == expected
    # lines loaded in bulk (as the benchmarks' COPY does) without their running balances
    _corrupt("UPDATE bev_positionbalance SET cost = 0, reserved = 7", [])
    _corrupt("UPDATE bev_accountbalance SET balance = 0", [])
    assert running_balance_mismatches() != []
    running_balances_rebuild()
    assert_reconciled()
    assert _figures() == expected


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
def test_concurrent_approvals_keep_the_reservation_and_the_decision_limits(
    case, manager, manager2, secretariat, secretariat2, seed
):
    """The position's reservation and the case's committed total are read from the running figures
    under the fund lock: approvals racing on the same reservation draw it once, and racing approvals
    on two positions of one case never commit more than the cabinet decision allows. Were the figures
    read before the lock (or the lock taken after them), several approvals would see the same
    reservation or the same room under the decision and all be booked."""
    fund_with_tranches(user=manager, amounts=(40 * M,))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, max_amount=12 * M)
    stake = services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=30)
    other = services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=10)
    # 6m reserved on the stake, 34m available: from the reservation, each approval of 3m takes nothing
    # more under the decision; beyond it, each takes 3m of the 6m left under it
    services.reservation_book(user=manager, position=stake, amount=6 * M, idempotency_key="res")
    proposals = [
        services.disbursement_propose(
            user=manager, position=(stake, other)[(i + seed) % 2], amount=3 * M, idempotency_key=f"p{i}"
        )
        for i in range(8)
    ]
    outcomes = race([lambda p=p: services.disbursement_approve(user=manager2, disbursement=p) for p in proposals])
    assert [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, (Conflict, LimitExceeded))] == []
    booked = Disbursement.objects.filter(status="booked")
    assert booked.count() == 4, outcomes  # 12m under the decision: 6m reserved + 6m more
    assert sum(d.amount for d in booked) == 12 * M
    figures = position_balances()
    assert figures[stake.pk]["reserved"] >= 0
    committed = sum(figures[p.pk]["reserved"] + figures[p.pk]["invested"] for p in (stake, other))
    assert committed == 12 * M
    assert JournalEntry.objects.filter(kind="disbursement").count() == 4
    assert_reconciled()
