"""The running account balances (`AccountBalance`) always equal the sums of the ledger's lines:
after every kind of booking, after a refused one, under concurrent bookings on PostgreSQL, and when
filled from an existing ledger by the migration."""

import importlib
import random
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from bev import services
from bev.models import AccountBalance, JournalEntry
from bev.selectors import fund_get, ledger_totals, ledger_totals_from_lines, running_balance_mismatches
from core.exceptions import LimitExceeded, RuleViolation
from tests.concurrency import race
from tests.factories import (
    charge_fee,
    fee_approver,
    fee_year_prepared,
    order_sale,
    reverse_four_eyes,
)

M = Decimal("1000000.00")


def assert_reconciled():
    assert running_balance_mismatches() == []
    fund = fund_get()
    assert ledger_totals(fund=fund) == ledger_totals_from_lines(fund=fund)


@pytest.mark.django_db
def test_every_kind_of_booking_keeps_the_running_balances_equal_to_the_ledger(
    stake_and_loan, manager, manager2, secretariat, secretariat2
):
    stake, loan = stake_and_loan
    assert_reconciled()
    services.reservation_book(user=manager, position=stake, amount=2 * M, idempotency_key="res")
    assert_reconciled()
    services.reservation_release(user=manager, position=stake, amount=M / 2, idempotency_key="rel")
    assert_reconciled()
    for position, amount, key in ((stake, 5 * M, "d1"), (loan, 3 * M, "d2")):  # from the reservation and not
        proposal = services.disbursement_propose(user=manager, position=position, amount=amount, idempotency_key=key)
        services.disbursement_approve(user=manager2, disbursement=proposal)
        assert_reconciled()
    for kind, amount in (("dividend", M / 10), ("interest", M / 20), ("repayment", M)):
        services.return_book(
            user=manager, position=stake if kind == "dividend" else loan, kind=kind, amount=amount, idempotency_key=kind
        )
        assert_reconciled()
    fee = charge_fee(user=manager, amount=M / 4, idempotency_key="fee")
    reverse_four_eyes(fee, proposer=manager, approver=fee_approver(), reason="Dubbel.")
    assert_reconciled()
    services.reservation_book(user=manager, position=stake, amount=M, idempotency_key="res2")
    order_sale(stake.case, recorder=secretariat, confirmer=secretariat2)  # the exit gate (tests/test_exit_gate.py)
    services.exit_book(user=manager, position=stake, proceeds=2 * M, fraction_sold_percent=40, idempotency_key="x40")
    assert_reconciled()
    services.exit_book(
        user=manager, position=stake, proceeds=4 * M, fraction_sold_percent=100, idempotency_key="x100"
    )  # also releases the stake's reservation
    assert_reconciled()
    services.tranche_receive(user=manager, amount=60 * M, idempotency_key="t2")
    services.return_book(
        user=manager, position=loan, kind="interest", amount=110 * M, idempotency_key="big", confirm_outside_scale=True
    )  # far above the position's scale: confirmed
    assert JournalEntry.objects.filter(kind="sweep").exists()
    assert_reconciled()
    assert ledger_totals(fund=fund_get())["cash_reserved"] == 0


@pytest.mark.django_db
def test_a_refused_or_replayed_booking_leaves_the_running_balances_as_they_were(stake_and_loan, manager):
    stake, _ = stake_and_loan
    before = list(AccountBalance.objects.order_by("account").values_list("account", "balance", "returns"))
    with pytest.raises(LimitExceeded):
        services.reservation_book(user=manager, position=stake, amount=41 * M, idempotency_key="too-much")
    with pytest.raises(LimitExceeded):
        services.tranche_receive(user=manager, amount=61 * M, idempotency_key="too-much-2")
    assert list(AccountBalance.objects.order_by("account").values_list("account", "balance", "returns")) == before
    services.reservation_book(user=manager, position=stake, amount=M, idempotency_key="once")
    services.reservation_book(user=manager, position=stake, amount=M, idempotency_key="once")  # a retry
    assert ledger_totals(fund=fund_get())["cash_reserved"] == M
    assert_reconciled()


@pytest.mark.django_db
def test_a_line_of_another_kind_on_the_investments_account_is_refused(stake_and_loan, manager):
    """The overview's cached figures over the holdings are keyed on the entries of PORTFOLIO_KINDS
    only; an entry of another kind may not change them."""
    from bev.services.ledger import _post

    with pytest.raises(ValueError):
        _post(
            fund=fund_get(),
            kind="fee",
            booked_on=date.today(),
            description="x",
            key="bad",
            user=manager,
            amount=M,
            lines=[("investments", M), ("cash_available", -M)],
        )


@pytest.mark.django_db
def test_the_migration_fills_the_running_balances_from_an_existing_ledger(stake_and_loan, manager, manager2):
    stake, _ = stake_and_loan
    proposal = services.disbursement_propose(user=manager, position=stake, amount=M, idempotency_key="d")
    services.disbursement_approve(user=manager2, disbursement=proposal)
    services.return_book(user=manager, position=stake, kind="dividend", amount=M / 10, idempotency_key="div")
    expected = ledger_totals(fund=fund_get())
    AccountBalance.objects.all().delete()  # as before the migration
    assert running_balance_mismatches() != []
    migration = importlib.import_module("bev.migrations.0004_account_balances")
    migration.balances_from_ledger(apps, None)
    assert_reconciled()
    assert ledger_totals(fund=fund_get()) == expected


@pytest.mark.django_db
def test_a_missing_running_balance_is_reported(stake_and_loan):
    AccountBalance.objects.filter(account="cash_available").delete()
    assert [m["account"] for m in running_balance_mismatches()] == ["cash_available"]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
def test_concurrent_bookings_keep_the_running_balances_equal_to_the_ledger(stake_and_loan, manager, manager2, seed):
    stake, loan = stake_and_loan
    for position, key in ((stake, "first-s"), (loan, "first-l")):
        proposal = services.disbursement_propose(user=manager, position=position, amount=M, idempotency_key=key)
        services.disbursement_approve(user=manager2, disbursement=proposal)
    rng = random.Random(seed)
    jobs = []
    for i in range(24):
        position = (stake, loan)[i % 2]
        amount = Decimal(rng.randint(100_000, 4_000_000_00)) / 100
        kind = i % 4
        if kind == 0:
            jobs.append(
                lambda p=position, a=amount, k=f"r{i}": services.reservation_book(
                    user=manager2, position=p, amount=a, idempotency_key=k
                )
            )
        elif kind == 1:
            proposal = services.disbursement_propose(
                user=manager, position=position, amount=amount, idempotency_key=f"d{i}"
            )
            jobs.append(lambda p=proposal: services.disbursement_approve(user=manager2, disbursement=p))
        elif kind == 2:
            jobs.append(
                lambda p=position, a=amount, k=f"v{i}": services.return_book(
                    user=manager, position=p, kind="dividend", amount=a, idempotency_key=k
                )
            )
        else:
            jobs.append(lambda a=amount, k=f"f{i}": charge_fee(user=manager, amount=a, idempotency_key=k))
    # before the threads: a budget above anything the draw books (the most it may be), and the approver
    fee_year_prepared(timezone.localdate().year, budget=Decimal("100000000.00"))
    outcomes = race(jobs)
    assert [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, (RuleViolation, LimitExceeded))] == []
    assert_reconciled()
    totals = ledger_totals(fund=fund_get())
    assert totals["cash_available"] >= 0
    assert -totals["ministry_loan"] <= fund_get().committed_limit
