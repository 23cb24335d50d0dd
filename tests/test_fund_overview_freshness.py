"""The cached fund overview is never stale: after every kind of change to the fund (each booking,
a valuation, a conversion, a dilution, an exit, a manager change, a reversal, a sweep) the next
overview equals one computed from the database, and a cached overview is one query.

The overview outside a transaction is what a request gets (cached); inside `transaction.atomic()`
it is always computed from the database, which is what these tests compare it with."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from access.roles import Role
from bev import services
from bev.models import FeeCharge, JournalEntry
from bev.selectors import fund_overview
from tests.factories import (
    case_to_investment_preparation,
    charge_fee,
    fee_approver,
    fund_with_tranches,
    order_sale,
    reverse_four_eyes,
)

pytestmark = pytest.mark.django_db(transaction=True)

M = Decimal("1000000.00")


def computed(**kwargs) -> dict:
    """The overview computed from the database (inside a transaction the cache is not used)."""
    with transaction.atomic():
        return fund_overview(**kwargs)


@pytest.fixture
def fund(case, manager, manager2, secretariat, secretariat2, make_user):
    """50m received; an equity stake and a convertible loan, both invested a year ago, the stake
    valued, a dividend received, a fee charged and a reservation standing."""
    today = timezone.localdate()
    fund_with_tranches(user=manager, amounts=(50 * M,))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    stake = services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=30, shares=3000)
    loan = services.position_create(
        user=manager,
        case=ready,
        instrument="convertible_loan",
        principal=2 * M,
        interest_rate_percent=Decimal("4"),
        conversion_terms="Bij de volgende ronde.",
    )
    for position, amount in ((stake, 5 * M), (loan, 2 * M)):
        proposal = services.disbursement_propose(
            user=manager, position=position, amount=amount, idempotency_key=f"setup-{position.pk}"
        )
        services.disbursement_approve(user=manager2, disbursement=proposal, booked_on=today - timedelta(days=365))
    services.valuation_record(
        user=manager, position=stake, valued_on=today - timedelta(days=30), fair_value=6 * M, method="multiples"
    )
    services.return_book(
        user=manager,
        position=stake,
        kind="dividend",
        amount=M / 10,
        idempotency_key="setup-div",
        booked_on=today - timedelta(days=100),
    )
    charge_fee(user=manager, amount=M / 4, idempotency_key="setup-fee", booked_on=today - timedelta(days=60))
    services.reservation_book(
        user=manager, position=stake, amount=M, idempotency_key="setup-res", booked_on=today - timedelta(days=50)
    )
    stake.refresh_from_db()
    loan.refresh_from_db()
    return {
        "stake": stake,
        "loan": loan,
        "manager": manager,
        "manager2": manager2,
        "admin": make_user("admin", Role.ADMINISTRATOR),
        "secretariat": (secretariat, secretariat2),
    }


def _sell(f, *, proceeds, fraction, key):
    """A sale, after the cabinet ordered it (the exit gate, tests/test_exit_gate.py; an order to sell
    stops new money, so the other changes come without it)."""
    recorder, confirmer = f["secretariat"]
    order_sale(f["stake"].case, recorder=recorder, confirmer=confirmer)
    services.exit_book(
        user=f["manager"], position=f["stake"], proceeds=proceeds, fraction_sold_percent=fraction, idempotency_key=key
    )


def _disburse(f):
    proposal = services.disbursement_propose(user=f["manager"], position=f["stake"], amount=M, idempotency_key="more")
    services.disbursement_approve(user=f["manager2"], disbursement=proposal)


def _fee_reversed(f):
    fee = FeeCharge.objects.get(idempotency_key="setup-fee").entry
    reverse_four_eyes(fee, proposer=f["manager"], approver=fee_approver(), reason="Dubbel geboekt.")


def _reservation_reversed(f):
    entry = JournalEntry.objects.get(idempotency_key="setup-res")
    services.entry_reverse(user=f["manager"], entry=entry, reason="Vervallen.", idempotency_key="res-rev")


def _disbursement_reversed(f):
    entry = JournalEntry.objects.get(idempotency_key=f"disbursement:{f['stake'].disbursements.first().pk}")
    reverse_four_eyes(entry, proposer=f["manager"], approver=f["manager2"], reason="Onjuist bedrag.")


CHANGES = {
    # name: (change, the figures it must change; none for changes the figures do not depend on)
    "tranche": (
        lambda f: services.tranche_receive(user=f["manager"], amount=10 * M, idempotency_key="t2"),
        ["received", "available"],
    ),
    "fee": (lambda f: charge_fee(user=f["manager"], amount=M / 4, idempotency_key="fee"), ["fees", "available"]),
    "reservation": (
        lambda f: services.reservation_book(user=f["manager"], position=f["stake"], amount=M, idempotency_key="res"),
        ["reserved", "available"],
    ),
    "release": (
        lambda f: services.reservation_release(
            user=f["manager"], position=f["stake"], amount=M / 2, idempotency_key="rel"
        ),
        ["reserved", "available"],
    ),
    # money put in after the valuation counts at cost on top of it (bev.selectors.balances._value_after):
    # the value still held grows with it, and the rate does not change (out and back on the same day)
    "disbursement": (_disburse, ["deployed", "invested", "unrealised_value", "moic"]),
    "dividend": (
        lambda f: services.return_book(
            user=f["manager"], position=f["stake"], kind="dividend", amount=M / 2, idempotency_key="div"
        ),
        ["returns", "moic", "irr"],
    ),
    "interest": (
        lambda f: services.return_book(
            user=f["manager"], position=f["loan"], kind="interest", amount=M / 20, idempotency_key="int"
        ),
        ["returns", "irr"],
    ),
    "repayment": (
        lambda f: services.return_book(
            user=f["manager"], position=f["loan"], kind="repayment", amount=M / 2, idempotency_key="rep"
        ),
        ["deployed", "unrealised_value", "returns"],
    ),
    "valuation": (
        lambda f: services.valuation_record(
            user=f["manager"], position=f["stake"], valued_on=timezone.localdate(), fair_value=8 * M, method="dcf"
        ),
        ["unrealised_value", "moic", "irr"],
    ),
    "partial exit": (
        lambda f: _sell(f, proceeds=3 * M, fraction=40, key="exit-40"),
        ["realised_result", "unrealised_value", "deployed"],
    ),
    "full exit": (
        lambda f: _sell(f, proceeds=7 * M, fraction=100, key="exit-100"),
        ["realised_result", "unrealised_value", "reserved"],
    ),
    "conversion": (
        lambda f: services.conversion_record(
            user=f["manager"], position=f["loan"], converted_on=timezone.localdate(), shares=1000, ownership_percent=12
        ),
        [],
    ),
    "dilution": (
        lambda f: services.dilution_record(
            user=f["manager"],
            position=f["stake"],
            issued_on=timezone.localdate(),
            shares_outstanding_before=10000,
            new_shares_issued=2500,
        ),
        [],
    ),
    "manager change": (
        lambda f: services.manager_change(
            user=f["admin"], name="Nationale Investeringsinstelling", valid_from=timezone.localdate()
        ),
        ["manager"],
    ),
    "reversal of a fee": (_fee_reversed, ["fees", "available"]),
    "reversal of a reservation": (_reservation_reversed, ["reserved", "available"]),
    "reversal of a disbursement": (_disbursement_reversed, ["deployed", "invested", "available"]),
    "sweep above the cap": (
        lambda f: services.return_book(
            user=f["manager"],
            position=f["stake"],
            kind="dividend",
            amount=120 * M,
            idempotency_key="big",
            confirm_outside_scale=True,
        ),
        ["swept_to_treasury", "returns", "liquid"],
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_the_next_overview_shows_each_kind_of_change(fund, name):
    change, changed = CHANGES[name]
    before = fund_overview()
    assert fund_overview() == before == computed()  # cached now
    change(fund)
    after = fund_overview()
    assert after == computed(), name
    assert [key for key in changed if after[key] == before[key]] == [], f"{name} should change {changed}"
    if not changed:  # the change is recorded, but no figure of the overview depends on it
        assert after == before


@pytest.mark.parametrize("name", ["valuation", "reservation", "disbursement", "manager change"])
def test_an_overview_on_a_date_shows_changes_dated_up_to_it(fund, name):
    today = timezone.localdate()
    before = fund_overview(as_of=today)
    assert fund_overview(as_of=today) == before == computed(as_of=today)
    CHANGES[name][0](fund)
    assert fund_overview(as_of=today) == computed(as_of=today) != before


def test_a_back_dated_valuation_changes_an_earlier_overview(fund):
    earlier = timezone.localdate() - timedelta(days=10)
    before = fund_overview(as_of=earlier)
    services.valuation_record(
        user=fund["manager"],
        position=fund["stake"],
        valued_on=earlier - timedelta(days=1),
        fair_value=9 * M,
        method="dcf",
    )
    after = fund_overview(as_of=earlier)
    assert after == computed(as_of=earlier)
    assert after["unrealised_value"] - before["unrealised_value"] == 3 * M  # the stake at 9m instead of 6m


def test_a_cached_overview_is_one_query(fund, api, manager, django_assert_max_num_queries):
    fund_overview()
    with django_assert_max_num_queries(1):
        fund_overview()
    client = api(manager)
    assert client.get("/api/fund/").status_code == 200
    with django_assert_max_num_queries(1):
        response = client.get("/api/fund/")
    assert response.json()["received"] == "50000000.00"


def test_a_cold_overview_is_one_snapshot_of_a_few_queries_whatever_the_ledger_size(fund):
    from django.core.cache import cache

    def cold() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            fund_overview()
        return len(ctx.captured_queries)

    small = cold()
    for i in range(5):
        services.reservation_book(user=fund["manager"], position=fund["stake"], amount=M / 100, idempotency_key=f"r{i}")
        services.return_book(
            user=fund["manager"],
            position=fund["loan"],
            kind="interest",
            amount=M / 100,
            booked_on=timezone.localdate(),
            idempotency_key=f"i{i}",
        )
    assert cold() == small <= 8  # the state, then in one transaction: state, positions, lines, valuations


def test_bookings_that_leave_the_holdings_alone_keep_the_holdings_figures_cached(fund, monkeypatch):
    """A reservation, release, fee or tranche changes the balances (read fresh every time) but not
    the figures over the holdings, which are not computed again."""
    from bev.selectors import overview as selectors

    fund_overview()
    calls = []
    real = selectors._figure_rows
    monkeypatch.setattr(selectors, "_figure_rows", lambda *a, **k: calls.append(a) or real(*a, **k))
    services.reservation_book(user=fund["manager"], position=fund["stake"], amount=M, idempotency_key="res")
    services.reservation_release(user=fund["manager"], position=fund["stake"], amount=M / 2, idempotency_key="rel")
    charge_fee(user=fund["manager"], amount=M / 4, idempotency_key="fee")
    cached = fund_overview()
    assert calls == []
    assert cached == computed()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_valuations_are_recorded_under_the_fund_lock(fund):
    """The overview's cache is keyed on the newest valuation id: valuations must commit in id order,
    so each takes the fund lock before it gets its id."""
    with CaptureQueriesContext(connection) as ctx:
        services.valuation_record(
            user=fund["manager"], position=fund["stake"], valued_on=date.today(), fair_value=5 * M, method="cost"
        )  # near the last (6 M): no acknowledgement
    sql = [q["sql"] for q in ctx.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "bev_fund" in q and "FOR NO KEY UPDATE" in q)
    insert = next(i for i, q in enumerate(sql) if q.startswith('INSERT INTO "bev_valuation"'))
    assert lock < insert


@pytest.mark.parametrize("days_back", [0, 1])  # the latest booking date, the day before it
def test_an_overview_on_the_latest_booking_date_takes_the_running_balances(fund, monkeypatch, days_back):
    """On a date with no entry after it (a Kamerbrief's, drafted after the transaction) the totals are
    the running balances, not a sum over every ledger line; on an earlier date they are summed from the
    lines. Either way the figures are those summed from the lines (`_booked_after` forced)."""
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from bev.models import JournalEntry
    from bev.selectors import overview

    on = JournalEntry.objects.aggregate(latest=Max("booked_on"))["latest"] - timedelta(days=days_back)
    with CaptureQueriesContext(connection) as queries:
        got = computed(as_of=on)
    summed = [q["sql"] for q in queries if "FILTER (WHERE" in q["sql"] and "ministry_loan" in q["sql"]]
    assert len(summed) == days_back, summed
    with monkeypatch.context() as patched:
        patched.setattr(overview, "_booked_after", lambda fund_id, as_of: as_of is not None)
        assert computed(as_of=on) == got
