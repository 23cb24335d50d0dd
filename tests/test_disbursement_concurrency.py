"""Many managers booking at once on PostgreSQL never break the limits: the fund row is locked by
every booking, so the checks and the booking happen as one step. Real connections, real threads."""

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum

from bev import services
from bev.models import Disbursement, JournalEntry, JournalLine
from bev.selectors import fund_overview, unbalanced_entries
from cases.models import Case
from core.exceptions import LimitExceeded, RuleViolation
from tests.factories import case_to_investment_preparation, fund_with_tranches

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]

M = Decimal("1000000.00")
WORKERS = 30


def race(jobs):
    """Run every job in its own thread and database connection, all released at once."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            job()
            outcomes[index] = "booked"
        except (RuleViolation, LimitExceeded) as refused:  # a malformed amount (400) or a limit (409)
            outcomes[index] = f"refused:{refused.field}"
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            outcomes[index] = f"error:{error!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def assert_ledger_balanced():
    assert unbalanced_entries() == []
    assert JournalLine.objects.aggregate(total=Sum("amount"))["total"].quantize(Decimal("0.01")) == 0


@pytest.fixture
def ready_case(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    return case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)


def test_parallel_approvals_never_book_more_than_the_available_liquidity(manager, manager2, ready_case):
    position = services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=30)
    proposals = [
        services.disbursement_propose(user=manager, position=position, amount=M, idempotency_key=f"p{i}")
        for i in range(WORKERS)
    ]
    outcomes = race([lambda p=p: services.disbursement_approve(user=manager2, disbursement=p) for p in proposals])
    assert sorted(set(outcomes)) == ["booked", "refused:amount"], outcomes
    assert outcomes.count("booked") == 10
    overview = fund_overview()
    assert (overview["deployed"], overview["available"], overview["liquid"]) == (10 * M, 0, 0)
    assert Disbursement.objects.filter(status="booked").count() == 10
    case = Case.objects.get(pk=ready_case.pk)
    assert case.state == "invested"
    assert case.timeline.filter(transition="mark_invested").count() == 1
    assert_ledger_balanced()


def test_parallel_reservations_and_disbursements_of_random_sizes(manager, manager2, ready_case):
    positions = [
        services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=5)
        for _ in range(3)
    ]
    rng = random.Random(2023)
    jobs = []
    for i in range(WORKERS):
        amount = Decimal(rng.randint(10_000, 1_500_000_00)) / 100
        position = positions[i % 3]
        if i % 2:
            proposal = services.disbursement_propose(
                user=manager, position=position, amount=amount, idempotency_key=f"d{i}"
            )
            jobs.append(lambda p=proposal: services.disbursement_approve(user=manager2, disbursement=p))
        else:
            jobs.append(
                lambda p=position, a=amount, k=f"r{i}": services.reservation_book(
                    user=manager2, position=p, amount=a, idempotency_key=k
                )
            )
    outcomes = race(jobs)
    assert all(o in ("booked", "refused:amount") for o in outcomes), outcomes
    assert "refused:amount" in outcomes  # the race did hit the limit
    overview = fund_overview()
    assert overview["available"] >= 0
    assert overview["deployed"] + overview["reserved"] + overview["available"] == 10 * M
    assert_ledger_balanced()


def test_parallel_tranches_and_returns_keep_both_caps(manager, manager2, ready_case):
    position = services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=30)
    proposal = services.disbursement_propose(user=manager, position=position, amount=M, idempotency_key="p")
    services.disbursement_approve(user=manager2, disbursement=proposal)
    jobs = [
        lambda i=i: services.tranche_receive(user=manager, amount=10 * M, idempotency_key=f"t{i}") for i in range(12)
    ]
    jobs += [
        lambda i=i: services.return_book(
            user=manager2, position=position, kind="dividend", amount=10 * M, idempotency_key=f"div{i}"
        )
        for i in range(12)
    ]
    outcomes = race(jobs)
    assert all(o in ("booked", "refused:amount") for o in outcomes), outcomes
    assert outcomes[:12].count("booked") == 9  # 10m received before, 9 x 10m fit under the €100m
    overview = fund_overview()
    assert overview["received"] == 100 * M
    assert overview["liquid"] == 150 * M  # 99m + 120m dividends - 69m swept
    assert overview["swept_to_treasury"] == 69 * M
    for entry in JournalEntry.objects.filter(kind="sweep"):
        assert entry.idempotency_key.startswith("sweep:")
    assert_ledger_balanced()


def test_a_request_retried_in_parallel_books_once(manager, manager2, ready_case):
    position = services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=30)
    jobs = [lambda: services.tranche_receive(user=manager, amount=5 * M, idempotency_key="same-tranche")] * 10
    jobs += [
        lambda: services.disbursement_propose(
            user=manager, position=position, amount=M, idempotency_key="same-proposal"
        )
    ] * 10
    outcomes = race(jobs)
    assert outcomes == ["booked"] * 20, outcomes
    assert JournalEntry.objects.filter(kind="tranche").count() == 2  # the factory's and this one
    assert Disbursement.objects.count() == 1
    assert fund_overview()["received"] == 15 * M
