"""The fund overview: the balances read fresh, the figures over the holdings cached per state."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from core.incarnation import incarnation_sql

from ..constants import PORTFOLIO_KINDS, Account
from ..metrics import holding_irr, moic
from ..models import (
    AccountBalance,
    Conversion,
    FeeBudget,
    FeeCharge,
    Fund,
    JournalEntry,
    JournalLine,
    ManagerPeriod,
    Position,
    Valuation,
)
from .balances import (
    ZERO,
    _position_sums,
    _PositionSums,
    _q,
    _unrealised,
    _valuations_and_sales,
    ledger_totals_from_lines,
    liquidity,
    returns_split,
)
from .loan import loan_figures

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------------------------------------
# The fund overview
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _FundState:
    """The fund row, its manager on a date, today's running balances and the newest ids of what the
    overview's cached figures depend on, all from one statement."""

    pk: int
    committed_limit: Decimal
    liquid_cap: Decimal
    policy_owner: str
    manager_name: str
    newest_entry: int | None
    newest_portfolio_entry: int | None
    newest_valuation: int | None
    newest_conversion: int | None
    totals: dict[str, Decimal]
    fee_budget: Decimal | None = None
    fee_booked: Decimal = Decimal("0.00")
    incarnation: str = "-"  # the database's (core.incarnation): ids start again after a restore


_FUND_STATE_SQL: str | None = None


def _fund_state_sql() -> str:
    """Built once per process (compiling the equivalent ORM query with its fourteen subqueries
    would cost more than running it). Every subquery is one index step: the fund's manager period,
    each account's running balance, and the newest id of the entries, of the entries that change
    the holdings (the partial index `bev_entry_portfolio_id`), of the valuations and of the
    conversions."""
    global _FUND_STATE_SQL
    if _FUND_STATE_SQL is None:
        q = connection.ops.quote_name
        fund, period, balance, entry, valuation, conversion, budget, line = (
            q(model._meta.db_table)
            for model in (
                Fund,
                ManagerPeriod,
                AccountBalance,
                JournalEntry,
                Valuation,
                Conversion,
                FeeBudget,
                JournalLine,
            )
        )
        kinds = ", ".join(f"'{kind}'" for kind in PORTFOLIO_KINDS)  # constants, not input

        def running(account: str, column: str) -> str:
            assert account.replace("_", "").isalpha()
            return f"(SELECT b.{column} FROM {balance} b WHERE b.fund_id = f.id AND b.account = '{account}')"

        _FUND_STATE_SQL = " ".join(
            [
                "SELECT f.id, f.committed_limit, f.liquid_cap, f.policy_owner,",
                f"(SELECT m.name FROM {period} m WHERE m.fund_id = f.id AND m.valid_from <= %s",
                " AND (m.valid_to IS NULL OR m.valid_to >= %s) ORDER BY m.valid_from DESC LIMIT 1),",
                f"(SELECT e.id FROM {entry} e ORDER BY e.id DESC LIMIT 1),",
                f"(SELECT e.id FROM {entry} e WHERE e.kind IN ({kinds}) ORDER BY e.id DESC LIMIT 1),",
                f"(SELECT v.id FROM {valuation} v ORDER BY v.id DESC LIMIT 1),",
                f"(SELECT c.id FROM {conversion} c ORDER BY c.id DESC LIMIT 1),",
                running(Account.CASH_AVAILABLE, "returns") + ",",
                ", ".join(running(account, "balance") for account in Account.values) + ",",
                # the year's management-fee budget and the fees booked in the year up to the date
                # (bev_line_account_date: one range of the fee account's lines)
                f"(SELECT fb.amount FROM {budget} fb WHERE fb.fund_id = f.id AND fb.year = %s),",
                f"(SELECT SUM(l.amount) FROM {line} l WHERE l.fund_id = f.id AND l.account = '{Account.MANAGEMENT_FEE}'",
                " AND l.booked_on >= %s AND l.booked_on <= %s),",
                incarnation_sql(connection.vendor),  # what the cached figures are keyed on, with the ids
                f"FROM {fund} f WHERE f.code = %s",
            ]
        )
    return _FUND_STATE_SQL


def _money(value: Decimal | int | str | None) -> Decimal:
    return _q(Decimal(str(value)) if value is not None else None)


def _fund_state(on: date) -> _FundState:
    """The fund and, read in the same statement (one snapshot): its manager on `on`, the running
    balance of every account, and the newest ids the overview's cached figures depend on. The
    ledger, the valuations and the conversions are append-only and written under the fund lock, so
    their newest ids identify their state."""
    with connection.cursor() as cursor:
        cursor.execute(
            _fund_state_sql(),
            [on.isoformat(), on.isoformat(), on.year, date(on.year, 1, 1).isoformat(), on.isoformat(), "BEV"],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("Het fonds is nog niet ingericht."), code="fund_not_configured")
    row, incarnation = row[:-1], row[-1]
    pk, committed_limit, liquid_cap, policy_owner, manager, *newest, returns = row[:10]
    balances, (fee_budget, fee_booked) = row[10:-2], row[-2:]
    totals = {account: _money(value) for account, value in zip(Account.values, balances)}
    totals["returns"] = _money(returns)
    return _FundState(
        pk=pk,
        committed_limit=_money(committed_limit),
        liquid_cap=_money(liquid_cap),
        policy_owner=policy_owner,
        manager_name=manager or "",
        newest_entry=newest[0],
        newest_portfolio_entry=newest[1],
        newest_valuation=newest[2],
        newest_conversion=newest[3],
        totals=totals,
        fee_budget=_money(fee_budget) if fee_budget is not None else None,
        fee_booked=_money(fee_booked),
        incarnation=incarnation,
    )


def _cache_key(state: _FundState, on: date, as_of: date | None) -> str:
    """Today's figures depend on the holdings' entries, the valuations and the conversions (the
    balances are read fresh every time); a past date's also on every other entry. The ids start
    again where a backup left them once it is restored: the database's incarnation tells the figures
    of the restored database from those cached before the restore (core.incarnation)."""
    parts: tuple[str | int | None, ...]
    if as_of is None:
        parts = ("now", on.isoformat(), state.newest_portfolio_entry, state.newest_valuation, state.newest_conversion)
    else:
        # A date not yet passed measures the IRR today (bev.metrics.holding_irr): today is part of its key.
        measured = min(as_of, timezone.localdate()).isoformat()
        parts = ("on", as_of.isoformat(), measured, state.newest_entry, state.newest_valuation, state.newest_conversion)
    # "2": the figures hold what the returns brought in by kind (figures cached before lack it)
    return f"bev:overview:2:{state.incarnation}:{state.pk}:" + ":".join(str(part or 0) for part in parts)


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """A read-only transaction in which every query sees the same committed state (PostgreSQL's
    REPEATABLE READ; SQLite serialises anyway), so that figures cached under a state's ids are
    exactly that state's."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def fund_overview(*, as_of: date | None = None) -> dict:
    """The fund's position on `as_of` (default today): every figure from the ledger.

    Today's balances are the running balances, read with the fund row, its manager and the ids
    below in one query. The figures over the holdings (unrealised value, invested, IRR over every
    cash flow) are costly, so outside a transaction they are cached under the newest ids of the
    entries that change the holdings, of the valuations and of the conversions, and computed in one
    snapshot on a miss; inside one (a booking, a preview that is rolled back) they are always
    computed from what that transaction sees."""
    on = as_of or timezone.localdate()
    if connection.in_atomic_block:
        state = _fund_state(on)
        return _overview(state, _figures(state, as_of, on), on)
    state = _fund_state(on)
    key = _cache_key(state, on, as_of)
    figures = _cache_safely("get", None, key)
    if figures is None:
        state, figures = _figures_once(key, state, on, as_of)
    return _overview(state, figures, on)


#: How long a worker that missed waits for the figures another one is computing (a miss costs
#: 0.2-0.3 s at the benchmark's size) before it computes them itself.
FIGURES_WAIT_SECONDS = 3.0


def _figures_once(key: str, state: _FundState, on: date, as_of: date | None) -> tuple[_FundState, dict]:
    """The figures of a miss, computed by one worker at a time: whoever misses first takes a lock in
    the cache (`add`, atomic in Redis) and computes them in one snapshot; the others wait for them
    under the same key, the same state, and compute them themselves only if they do not come in
    time (the computing worker died, the cache went away). Without it every worker computed the
    same figures at once after each booking, and the clients queued behind all of them."""
    lock = key + ":computing"
    # A cache that cannot be reached lets every worker compute (the figures are derived).
    locked = _cache_safely("add", True, lock, 1, timeout=int(FIGURES_WAIT_SECONDS * 4))
    if not locked:
        deadline = time.monotonic() + FIGURES_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.02)
            figures = _cache_safely("get", None, key)
            if figures is not None:
                return state, figures
    try:
        with _one_snapshot():
            state = _fund_state(on)
            rows = _figure_rows(state, as_of)
        figures = _figures_from_rows(rows, as_of, on)
        _cache_safely("set", None, _cache_key(state, on, as_of), figures, timeout=3600)
    finally:
        if locked:  # a worker that waited in vain leaves the computing worker's lock alone
            _cache_safely("delete", None, lock)
    return state, figures


def _cache_safely(operation: str, failed: Any, *args: Any, **kwargs: Any) -> Any:
    """`cache.<operation>(...)`, or `failed` when the cache cannot be reached: it holds derived
    figures only, so a cache that is down costs time, never an answer."""
    try:
        return getattr(cache, operation)(*args, **kwargs)
    except Exception:  # the cache backend's own errors (redis.ConnectionError, TimeoutError, ...)
        logger.warning("fund overview: cache unreachable (%s)", operation, exc_info=True)
        return failed


def _figures(state: _FundState, as_of: date | None, on: date) -> dict:
    return _figures_from_rows(_figure_rows(state, as_of), as_of, on)


def _figure_rows(state: _FundState, as_of: date | None) -> dict:
    """What the cached figures are computed from (three queries, four or five on a date): the
    positions, their lines of the kinds that change the holdings (grouped), their valuations and
    sales, and on a date before the ledger's latest entry the ledger's totals on that date."""
    return {
        "totals": ledger_totals_from_lines(fund=state.pk, as_of=as_of) if _booked_after(state.pk, as_of) else None,
        "positions": list(Position.objects.filter(fund=state.pk).order_by().values_list("pk", "exited_on")),
        "sums": _position_sums(JournalLine.objects.filter(fund=state.pk, kind__in=PORTFOLIO_KINDS), as_of),
        "valuations": _valuations_and_sales(None, as_of, fund=state.pk),
    }


def _booked_after(fund_id: int, as_of: date | None) -> bool:
    """Whether the ledger holds an entry dated after `as_of` (one index lookup). Without one, the
    totals on `as_of` are the running balances read with the fund (`_fund_state`, read before this),
    so an overview on the latest booking date, as every Kamerbrief drafted after a transaction
    asks, does not sum every line of the ledger (0.6 s at 500,000 entries). Entries are never dated
    before the fund's latest (`bev.services.ledger._booking_date`)."""
    return as_of is not None and JournalEntry.objects.filter(fund_id=fund_id, booked_on__gt=as_of).exists()


def _figures_from_rows(rows: dict, as_of: date | None, on: date) -> dict:
    sums, (valuations, sales) = rows["sums"], rows["valuations"]
    unrealised = invested = ZERO
    flows: dict = defaultdict(lambda: ZERO)
    received: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for position_id, exited_on in rows["positions"]:
        s = sums.get(position_id) or _PositionSums()
        unrealised += _unrealised(exited_on, s.cost, valuations.get(position_id), as_of, sales.get(position_id))
        invested += s.invested
        for day, amount in s.flows.items():
            flows[day] += amount
        for kind, amount in s.received.items():
            received[kind] += amount
    return {
        "totals": rows["totals"],
        "unrealised_value": unrealised,
        "invested": invested,
        "irr": holding_irr(flows, unrealised=unrealised, on=on),
        "received": dict(received),  # what the returns brought in, by kind (`returns_split`)
    }


def _overview(state: _FundState, figures: dict, on: date) -> dict:
    totals = figures["totals"] if figures["totals"] is not None else state.totals
    f = liquidity(totals)
    unrealised, invested = figures["unrealised_value"], figures["invested"]
    return {
        "committed_limit": state.committed_limit,
        "liquid_cap": state.liquid_cap,
        "received": f["received"],
        "deployed": f["deployed"],
        "reserved": f["reserved"],
        "available": f["available"],
        "liquid": f["liquid"],
        "liquid_headroom": state.liquid_cap - f["liquid"],
        "undrawn_commitment": state.committed_limit - f["received"],
        "swept_to_treasury": f["swept_to_treasury"],
        "fees": f["fees"],
        # the year's management fee (read fresh with the state, never cached): budget, booked, left
        "fee_year": on.year,
        "fee_budget": state.fee_budget or ZERO,
        "fee_booked": state.fee_booked,
        "fee_left": (state.fee_budget or ZERO) - state.fee_booked,
        # every euro received from the positions: income AND money back (loan principal repaid, sale
        # proceeds); not a return on the investment. What it is: `returns_split` (README, glossary).
        "returns": f["returns"],
        **returns_split(figures["received"], realised_result=f["realised_result"]),
        "realised_result": f["realised_result"],
        "unrealised_value": unrealised,
        "invested": invested,
        "moic": moic(invested=invested, returned=f["returns"], unrealised=unrealised),
        "irr": figures["irr"],
        "as_of": on,
        "manager": state.manager_name or "",
        "policy_owner": state.policy_owner,
        # EZK's loan (bev.selectors.loan): principal outstanding, interest accrued and paid, repaid
        **loan_figures(totals),
    }


def fee_list() -> QuerySet[FeeCharge]:
    """Every management fee, newest proposal first (the fees page reads it a page at a time)."""
    return FeeCharge.objects.select_related("proposed_by", "decided_by").order_by("-proposed_at", "-id")


def fee_year(*, year: int, as_of: date | None = None) -> dict:
    """The management fee of one calendar year: the budget an administrator set, what is booked in
    the year (the management-fee account's lines dated in it, reversals included) and what is left;
    one query. No budget set: the budget is zero, so nothing can be booked (ledger._check_fee_budget)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if as_of is not None:
        end = min(end, as_of)
    booked = (
        JournalLine.objects.filter(
            fund_id=OuterRef("pk"), account=Account.MANAGEMENT_FEE, booked_on__gte=start, booked_on__lte=end
        )
        .order_by()
        .values("fund_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    budget = FeeBudget.objects.filter(fund_id=OuterRef("pk"), year=year).values("amount")[:1]
    row = (
        Fund.objects.filter(code="BEV")
        .annotate(budget=Subquery(budget), booked=Subquery(booked))
        .values("budget", "booked")
        .first()
    )
    if row is None:
        raise NotFound(_("Het fonds is nog niet ingericht."), code="fund_not_configured")
    amount = row["budget"] if row["budget"] is not None else ZERO
    booked_total = row["booked"] or ZERO
    return {
        "year": year,
        "budget": amount,
        "budget_set": row["budget"] is not None,
        "booked": booked_total,
        "left": amount - booked_total,
    }
