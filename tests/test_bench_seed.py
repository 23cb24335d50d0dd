"""`make bench` seeds its data set through the services (scripts/bench_seed.py, scripts/bench_domain.py):
cases to every lifecycle state, the cabinet's decisions, assessments, positions with disbursements and
valuations, exits and letters. A new rule in a service can refuse what the seed does, and the benchmark
then stops in its seeding, long after it was started (it did: a valuation dated before the first
disbursement, refused since be8c693). Here the seed runs as make bench runs it, one case per state at a
tiny size, so such a rule fails the suite instead. Nothing is timed (benchmarks are measurements,
never timed assertions)."""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import bench_domain  # noqa: E402
import bench_seed  # noqa: E402

from audit.context import acting  # noqa: E402
from bev.models import JournalEntry, Position, Valuation  # noqa: E402
from bev.selectors.balances import position_balance_mismatches, running_balance_mismatches  # noqa: E402
from bev.selectors.ledger import unbalanced_entries  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_benchmark_seed_takes_a_case_to_every_state_through_the_services():
    users = bench_seed.ensure_users()
    rng = random.Random(1925)
    stats = bench_seed.SeedStats()
    with acting(channel="command"):
        bench_domain.prepare(users=users)
        reached = {
            target: bench_seed.seed_case(n=n, target=target, users=users, rng=rng, stats=stats).state
            for n, target in enumerate(bench_seed.PATHS, start=1)
        }
        fund = bench_domain.seed(users=users, scale=0.0001, rng=rng, budget_s=0.2)

    assert reached == {target: target for target in bench_seed.PATHS}
    # The fund's cases were built through its services: positions, their valuations, the ledger.
    assert Position.objects.filter(case__state__in=bench_seed.FUND_STATES).exists()
    assert Valuation.objects.exists()
    assert fund["ledger_entries"] == JournalEntry.objects.count() >= 500
    # What the seed booked and bulk-loaded leaves the books whole: every entry balanced, the running
    # figures the ledger keeps equal to its lines.
    assert unbalanced_entries() == []
    assert running_balance_mismatches() == [] and position_balance_mismatches() == []
