"""Reads of the fund. Balances come from the ledger (sums over JournalLine); today's account balances
from the running balances kept beside it in the same transactions (`AccountBalance`, reconciled by
`running_balance_mismatches`).

Two functions are hooks the case lifecycle asks (cases.guards): `case_has_disbursement` and
`case_positions_all_exited`. `fund_overview` and `position_summary` are read by the
parliament-letter engineer.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from audit.models import AuditRecord
from audit.services import audit_log
from core.exceptions import NotFound
from core.precompiled import Precompiled

from .constants import PORTFOLIO_KINDS, RETURN_KINDS, Account, EntryKind, Instrument
from .metrics import irr, moic
from .models import (
    AccountBalance,
    AcquiredRight,
    Conversion,
    DecisionCondition,
    Disbursement,
    Exit,
    Fund,
    JournalEntry,
    JournalLine,
    ManagerPeriod,
    Position,
    Valuation,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_MONEY_OUT = DecimalField(max_digits=17, decimal_places=2)
# Cash flows of an investment, seen from the fund: money out (disbursement) and back (returns).
CASH_FLOW_KINDS = PORTFOLIO_KINDS
CASH_ACCOUNTS = [Account.CASH_AVAILABLE, Account.CASH_RESERVED]

logger = logging.getLogger(__name__)


def _sum(condition: Q):
    return Coalesce(Sum("amount", filter=condition), Value(ZERO), output_field=_MONEY_OUT)


def _q(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


# ------------------------------------------------------------------------------------------------
# The fund
# ------------------------------------------------------------------------------------------------
def fund_get() -> Fund:
    fund = Fund.objects.filter(code="BEV").first()
    if fund is None:
        raise NotFound("Het fonds is nog niet ingericht.", code="fund_not_configured")
    return fund


def ledger_totals(*, fund: Fund, as_of: date | None = None) -> dict[str, Decimal]:
    """Balance of every account (debit positive), plus the returns received.

    Today's balances are the running balances (`AccountBalance`, one small query; under the fund lock
    they are exact, since every booking holds it); on an earlier date, one aggregate over the
    ledger."""
    if as_of is not None:
        return ledger_totals_from_lines(fund=fund, as_of=as_of)
    totals = _zero_totals()
    for account, balance, returns in _RUNNING_BALANCES(fund_id=fund.pk if isinstance(fund, Fund) else fund):
        totals[account] = _q(balance)
        if account == Account.CASH_AVAILABLE:
            totals["returns"] = _q(returns)
    return totals


_RUNNING_BALANCES = Precompiled(lambda fund_id: AccountBalance.objects.filter(fund_id=fund_id).values_list(
    "account", "balance", "returns"), "fund_id")


def ledger_totals_from_lines(*, fund: Fund, as_of: date | None = None) -> dict[str, Decimal]:
    """The same figures summed from the ledger itself: one aggregate query over every line."""
    lines = JournalLine.objects.filter(fund=fund)
    if as_of is not None:
        lines = lines.filter(booked_on__lte=as_of)
    aggregates = {account: _sum(Q(account=account)) for account in Account.values}
    aggregates["returns"] = _sum(Q(account=Account.CASH_AVAILABLE, kind__in=RETURN_KINDS))
    return {key: _q(value) for key, value in lines.aggregate(**aggregates).items()}


def _zero_totals() -> dict[str, Decimal]:
    return {**{account: ZERO for account in Account.values}, "returns": ZERO}


def running_balance_mismatches(*, fund: Fund | None = None) -> list[dict]:
    """Accounts whose running balance differs from the sum of their ledger lines (always empty; a
    check for tests and audits, like `unbalanced_entries`)."""
    lines = JournalLine.objects.all() if fund is None else JournalLine.objects.filter(fund=fund)
    expected = {(row["fund_id"], row["account"]): (_q(row["balance"]), _q(row["returns"]))
                for row in lines.order_by().values("fund_id", "account").annotate(
                    balance=_sum(Q()), returns=_sum(Q(kind__in=RETURN_KINDS)))}
    balances = AccountBalance.objects.all() if fund is None else AccountBalance.objects.filter(fund=fund)
    running = {(fund_id, account): (_q(balance), _q(returns)) for fund_id, account, balance, returns
               in balances.values_list("fund_id", "account", "balance", "returns")}
    mismatches = []
    for key in sorted(set(expected) | set(running)):
        ledger, kept = expected.get(key, (ZERO, ZERO)), running.get(key, (ZERO, ZERO))
        if ledger != kept:
            mismatches.append({"fund_id": key[0], "account": key[1], "ledger": ledger[0], "running": kept[0],
                               "ledger_returns": ledger[1], "running_returns": kept[1]})
    return mismatches


def liquidity(totals: dict[str, Decimal]) -> dict[str, Decimal]:
    """The limit figures. "Liquid" is all cash (free and earmarked); "available" is liquid minus
    reserved: what a new reservation or disbursement may use."""
    reserved = totals[Account.CASH_RESERVED]
    available = totals[Account.CASH_AVAILABLE]
    return {
        "received": -totals[Account.MINISTRY_LOAN],
        "reserved": reserved,
        "available": available,
        "liquid": reserved + available,
        "deployed": totals[Account.INVESTMENTS],
        "swept_to_treasury": totals[Account.TREASURY],
        "fees": totals[Account.MANAGEMENT_FEE],
        "returns": totals["returns"],
        "realised_result": -totals[Account.REALISED_RESULT],
        "income": -totals[Account.INVESTMENT_INCOME],
    }


def position_balances(*, fund: Fund | None = None, position_ids=None, as_of: date | None = None) -> dict:
    """Per position: invested (gross), outstanding cost, reserved, returns, realised result.
    One aggregate query grouped by position."""
    lines = JournalLine.objects.filter(position__isnull=False)
    if fund is not None:
        lines = lines.filter(fund=fund)
    if position_ids is not None:
        lines = lines.filter(position_id__in=list(position_ids))
    if as_of is not None:
        lines = lines.filter(booked_on__lte=as_of)
    rows = lines.values("position_id").annotate(
        invested=_sum(Q(account=Account.INVESTMENTS, kind=EntryKind.DISBURSEMENT)),
        cost=_sum(Q(account=Account.INVESTMENTS)),
        reserved=_sum(Q(account=Account.CASH_RESERVED)),
        returns=_sum(Q(account=Account.CASH_AVAILABLE, kind__in=RETURN_KINDS)),
        realised=_sum(Q(account=Account.REALISED_RESULT)),
    )
    result = defaultdict(lambda: {"invested": ZERO, "cost": ZERO, "reserved": ZERO, "returns": ZERO,
                                  "realised_result": ZERO})
    for row in rows:
        result[row["position_id"]] = {"invested": _q(row["invested"]), "cost": _q(row["cost"]),
                                      "reserved": _q(row["reserved"]), "returns": _q(row["returns"]),
                                      "realised_result": -_q(row["realised"])}
    return result


@dataclass
class _PositionSums:
    """What a position's ledger lines add up to: the balances of `position_balances` and the dated
    cash flows seen from the fund ({date: amount}, money out negative)."""

    invested: Decimal = ZERO
    cost: Decimal = ZERO
    reserved: Decimal = ZERO
    returns: Decimal = ZERO
    realised: Decimal = ZERO
    flows: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))


def _position_sums(lines: QuerySet[JournalLine], as_of: date | None) -> dict[int, _PositionSums]:
    """Balances and cash flows of every position these lines are on, from one query grouped by
    position, date, account and kind (the balances and the flows are one read of the lines)."""
    if as_of is not None:
        lines = lines.filter(booked_on__lte=as_of)
    return _sums_of(_position_sum_rows(lines))


def _position_sum_rows(lines: QuerySet[JournalLine]) -> QuerySet:
    return (lines.filter(position__isnull=False).order_by()
            .values_list("position_id", "booked_on", "account", "kind").annotate(total=Sum("amount")))


#: One position's rows of `_position_sums` to date, compiled once per process (`core.precompiled`).
_ONE_POSITION_SUM_ROWS = Precompiled(
    lambda position_id: _position_sum_rows(JournalLine.objects.filter(position_id=position_id)), "position_id")


def _sums_of(rows) -> dict[int, _PositionSums]:
    sums: dict[int, _PositionSums] = defaultdict(_PositionSums)
    for position_id, booked_on, account, kind, total in rows:
        amount, s = _q(total), sums[position_id]
        if account == Account.INVESTMENTS:
            s.cost += amount
            if kind == EntryKind.DISBURSEMENT:
                s.invested += amount
        elif account == Account.CASH_RESERVED:
            s.reserved += amount
        elif account == Account.REALISED_RESULT:
            s.realised += amount
        if account == Account.CASH_AVAILABLE and kind in RETURN_KINDS:
            s.returns += amount
        if account in CASH_ACCOUNTS and kind in CASH_FLOW_KINDS:
            s.flows[booked_on] += amount
    return sums


@dataclass(frozen=True)
class LatestValuation:
    valued_on: date
    created_at: datetime
    fair_value: Decimal


def _valuations_and_sales(position_ids, as_of: date | None, *, fund: Fund | int | None = None,
                          ) -> tuple[dict[int, LatestValuation], dict[int, list]]:
    """Per position its latest valuation and its sales (date, recorded at, % sold): one query, for
    the given positions or for every position of `fund`."""
    if fund is not None:
        valuations, exits = Valuation.objects.filter(position__fund=fund), Exit.objects.filter(position__fund=fund)
    else:
        ids = list(position_ids)
        valuations, exits = Valuation.objects.filter(position_id__in=ids), Exit.objects.filter(position_id__in=ids)
    if as_of is not None:
        valuations = valuations.filter(valued_on__lte=as_of)
        exits = exits.filter(exited_on__lte=as_of)
    return _latest_valuations_and_sales(_valuation_and_sale_rows(valuations, exits))


def _valuation_and_sale_rows(valuations: QuerySet[Valuation], exits: QuerySet[Exit]) -> QuerySet:
    return valuations.order_by().values_list("position_id", "valued_on", "created_at", "fair_value",
                                             Value("valuation")).union(
        exits.order_by().values_list("position_id", "exited_on", "created_at", "fraction_sold_percent", Value("sale")),
        all=True)


#: One position's rows of `_valuations_and_sales` to date, compiled once per process (`core.precompiled`).
_ONE_POSITION_VALUATION_ROWS = Precompiled(lambda position_id: _valuation_and_sale_rows(
    Valuation.objects.filter(position_id=position_id), Exit.objects.filter(position_id=position_id)), "position_id")


def _latest_valuations_and_sales(rows) -> tuple[dict[int, LatestValuation], dict[int, list]]:
    latest: dict[int, LatestValuation] = {}
    sales: dict[int, list] = defaultdict(list)
    for position_id, on, created_at, number, what in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
        if what == "sale":
            sales[position_id].append((on, created_at, Decimal(number)))
        else:
            latest[position_id] = LatestValuation(on, created_at, _q(number))
    return latest, sales


def _unrealised(exited_on: date | None, cost: Decimal, valuation: LatestValuation | None, as_of: date | None,
                sales: list | None = None) -> Decimal:
    """Fair value of what is still held: the latest valuation, at cost while not yet valued;
    nothing once fully exited. A valuation made before a partial sale valued the whole stake, so
    it counts for the part still held."""
    if exited_on is not None and (as_of is None or exited_on <= as_of):
        return ZERO
    if valuation is None:
        return cost
    held = Decimal(1)
    for sold_on, recorded_at, fraction in sales or []:
        if (sold_on, recorded_at) > (valuation.valued_on, valuation.created_at):
            held *= (100 - fraction) / 100
    return (valuation.fair_value * held).quantize(CENT)


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
        fund, period, balance, entry, valuation, conversion = (
            q(model._meta.db_table) for model in (Fund, ManagerPeriod, AccountBalance, JournalEntry, Valuation,
                                                  Conversion))
        kinds = ", ".join(f"'{kind}'" for kind in PORTFOLIO_KINDS)  # constants, not input

        def running(account: str, column: str) -> str:
            assert account.replace("_", "").isalpha()
            return f"(SELECT b.{column} FROM {balance} b WHERE b.fund_id = f.id AND b.account = '{account}')"

        _FUND_STATE_SQL = " ".join([
            "SELECT f.id, f.committed_limit, f.liquid_cap, f.policy_owner,",
            f"(SELECT m.name FROM {period} m WHERE m.fund_id = f.id AND m.valid_from <= %s",
            " AND (m.valid_to IS NULL OR m.valid_to >= %s) ORDER BY m.valid_from DESC LIMIT 1),",
            f"(SELECT e.id FROM {entry} e ORDER BY e.id DESC LIMIT 1),",
            f"(SELECT e.id FROM {entry} e WHERE e.kind IN ({kinds}) ORDER BY e.id DESC LIMIT 1),",
            f"(SELECT v.id FROM {valuation} v ORDER BY v.id DESC LIMIT 1),",
            f"(SELECT c.id FROM {conversion} c ORDER BY c.id DESC LIMIT 1),",
            running(Account.CASH_AVAILABLE, "returns") + ",",
            ", ".join(running(account, "balance") for account in Account.values),
            f"FROM {fund} f WHERE f.code = %s",
        ])
    return _FUND_STATE_SQL


def _money(value) -> Decimal:
    return _q(Decimal(str(value)) if value is not None else None)


def _fund_state(on: date) -> _FundState:
    """The fund and, read in the same statement (one snapshot): its manager on `on`, the running
    balance of every account, and the newest ids the overview's cached figures depend on. The
    ledger, the valuations and the conversions are append-only and written under the fund lock, so
    their newest ids identify their state."""
    with connection.cursor() as cursor:
        cursor.execute(_fund_state_sql(), [on.isoformat(), on.isoformat(), "BEV"])
        row = cursor.fetchone()
    if row is None:
        raise NotFound("Het fonds is nog niet ingericht.", code="fund_not_configured")
    pk, committed_limit, liquid_cap, policy_owner, manager, *newest, returns = row[:10]
    totals = {account: _money(value) for account, value in zip(Account.values, row[10:])}
    totals["returns"] = _money(returns)
    return _FundState(pk=pk, committed_limit=_money(committed_limit), liquid_cap=_money(liquid_cap),
                      policy_owner=policy_owner, manager_name=manager or "", newest_entry=newest[0],
                      newest_portfolio_entry=newest[1], newest_valuation=newest[2], newest_conversion=newest[3],
                      totals=totals)


def _cache_key(state: _FundState, on: date, as_of: date | None) -> str:
    """Today's figures depend on the holdings' entries, the valuations and the conversions (the
    balances are read fresh every time); a past date's also on every other entry."""
    if as_of is None:
        parts = ("now", on.isoformat(), state.newest_portfolio_entry, state.newest_valuation, state.newest_conversion)
    else:
        parts = ("on", as_of.isoformat(), state.newest_entry, state.newest_valuation, state.newest_conversion)
    return f"bev:overview:{state.pk}:" + ":".join(str(part or 0) for part in parts)


@contextmanager
def _one_snapshot():
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


def _cache_safely(operation: str, failed, *args, **kwargs):
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
    """What the cached figures are computed from (three queries, four on a past date): the
    positions, their lines of the kinds that change the holdings (grouped), their valuations and
    sales, and on a past date the ledger's totals on that date."""
    return {
        "totals": ledger_totals_from_lines(fund=state.pk, as_of=as_of) if as_of is not None else None,
        "positions": list(Position.objects.filter(fund=state.pk).order_by().values_list("pk", "exited_on")),
        "sums": _position_sums(JournalLine.objects.filter(fund=state.pk, kind__in=PORTFOLIO_KINDS), as_of),
        "valuations": _valuations_and_sales(None, as_of, fund=state.pk),
    }


def _figures_from_rows(rows: dict, as_of: date | None, on: date) -> dict:
    sums, (valuations, sales) = rows["sums"], rows["valuations"]
    unrealised = invested = ZERO
    flows: dict = defaultdict(lambda: ZERO)
    for position_id, exited_on in rows["positions"]:
        s = sums.get(position_id) or _PositionSums()
        unrealised += _unrealised(exited_on, s.cost, valuations.get(position_id), as_of, sales.get(position_id))
        invested += s.invested
        for day, amount in s.flows.items():
            flows[day] += amount
    return {"totals": rows["totals"], "unrealised_value": unrealised, "invested": invested,
            "irr": irr(_with_terminal_value(flows, unrealised, on))}


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
        "returns": f["returns"],
        "realised_result": f["realised_result"],
        "unrealised_value": unrealised,
        "invested": invested,
        "moic": moic(invested=invested, returned=f["returns"], unrealised=unrealised),
        "irr": figures["irr"],
        "as_of": on,
        "manager": state.manager_name or "",
        "policy_owner": state.policy_owner,
    }


def _with_terminal_value(flows: dict, unrealised: Decimal, on: date) -> list[tuple[date, Decimal]]:
    dated = dict(flows)
    if unrealised:
        dated[on] = dated.get(on, ZERO) + unrealised
    return sorted(dated.items())


# ------------------------------------------------------------------------------------------------
# The ledger
# ------------------------------------------------------------------------------------------------
def _case_visible(viewer, case_field: str):
    """True when the viewer is on the case's team (need-to-know for an entry's free text)."""
    from cases.models import Case

    return Exists(Case.objects.visible_to(viewer).filter(pk=OuterRef(case_field)))


def ledger_entries(*, fund: Fund, kind: str | None = None, account: str | None = None,
                   position_id: int | None = None, date_from: date | None = None,
                   date_to: date | None = None, viewer=None) -> QuerySet[JournalEntry]:
    """The journal. With `viewer`, each entry says whether its case is visible to them
    (`case_visible`), so views can hide a case's text from people outside its team."""
    entries = JournalEntry.objects.filter(fund=fund)
    if viewer is not None:
        entries = entries.annotate(case_visible=_case_visible(viewer, "case_id"))
    if kind:
        entries = entries.filter(kind=kind)
    if account:
        entries = entries.filter(lines__account=account).distinct()
    if position_id:
        entries = entries.filter(position_id=position_id)
    if date_from:
        entries = entries.filter(booked_on__gte=date_from)
    if date_to:
        entries = entries.filter(booked_on__lte=date_to)
    return entries.select_related("created_by", "approved_by").prefetch_related("lines").order_by("booked_on", "id")


CASE_TEXT_HIDDEN = gettext_lazy("(casusgegevens afgeschermd)")


def _text_for(entry: JournalEntry, visible: bool) -> str:
    return entry.description if entry.case_id is None or visible else str(CASE_TEXT_HIDDEN)


def entry_description(entry: JournalEntry) -> str:
    return _text_for(entry, getattr(entry, "case_visible", True))


def unbalanced_entries(*, fund: Fund | None = None) -> list[int]:
    """Ids of entries whose lines do not sum to zero (always empty; a check for tests and audits).
    Sums are rounded to cents: SQLite adds decimals as floating point."""
    lines = JournalLine.objects.all() if fund is None else JournalLine.objects.filter(fund=fund)
    totals = lines.values("entry_id").annotate(total=Sum("amount")).values_list("entry_id", "total")
    return [entry_id for entry_id, total in totals if _q(total) != 0]


def account_history(*, fund: Fund, account: str, as_of: date | None = None, viewer=None) -> list[dict]:
    """Every line of one account with the running balance (debit positive). With `viewer`, the
    text of an entry about a case they may not see is left out."""
    lines = JournalLine.objects.filter(fund=fund, account=account).select_related("entry")
    if viewer is not None:
        lines = lines.annotate(case_visible=_case_visible(viewer, "entry__case_id"))
    if as_of is not None:
        lines = lines.filter(booked_on__lte=as_of)
    balance = ZERO
    history = []
    for line in lines.order_by("booked_on", "entry_id", "id"):
        balance += line.amount
        history.append({"entry_id": line.entry_id, "booked_on": line.booked_on, "kind": line.kind,
                        "description": _text_for(line.entry, getattr(line, "case_visible", True)),
                        "position_id": line.position_id,
                        "amount": line.amount, "balance": balance})
    return history


# ------------------------------------------------------------------------------------------------
# Positions: case data, reached only through cases the user may see
# ------------------------------------------------------------------------------------------------
def position_list(*, user, case_id: int | None = None) -> QuerySet[Position]:
    from cases.models import Case

    positions = Position.objects.filter(case__in=Case.objects.case_file_visible_to(user)).select_related("case")
    if case_id is not None:
        positions = positions.filter(case_id=case_id)
    return positions.order_by("id")


FOLLOW_UPS = {"rights": AcquiredRight, "conditions": DecisionCondition}


def position_get(*, user, position_id, audit_read: bool = True, follow_ups: bool = False) -> Position:
    """The position if its case is visible to this person, else NotFound. Reading is audited (one
    INSERT, committed before anything is shown).

    With `follow_ups`, its rights and conditions with their owners as lists (`follow_up_rights`,
    `follow_up_conditions`), each read (one query) only if the position's own query found any."""
    position = None
    if user is not None and user.is_authenticated and user.is_active:
        try:
            position_id = int(position_id)
        except (ValueError, TypeError):
            raise NotFound("Positie niet gevonden.") from None
        found = list(_POSITION_OF_MEMBER[follow_ups](user_id=user.pk, clearance_rank=user.clearance_rank,
                                                     position_id=position_id))
        position = found[0] if found else None
    if position is None:
        raise NotFound("Positie niet gevonden.")
    if follow_ups:
        prefetch_related_objects([position], *[
            Prefetch(name, model.objects.select_related("owner"), to_attr=f"follow_up_{name}")
            for name, model in FOLLOW_UPS.items() if getattr(position, f"has_{name}")])
        for name in FOLLOW_UPS:
            if not getattr(position, f"has_{name}"):
                setattr(position, f"follow_up_{name}", [])
    if audit_read:
        audit_log(actor=user, action=AuditRecord.Action.READ, event="position.read", obj=position,
                  case_id=position.case_id)
    return position


def _position_of_member(*, user_id, clearance_rank, position_id, follow_ups: bool) -> QuerySet[Position]:
    """`position_list(user)` narrowed to one position, for an active person given by id and rank."""
    from cases.models import Case

    positions = Position.objects.filter(case__in=Case.objects.case_file_visible_to_member(
        user_id=user_id, clearance_rank=clearance_rank)).select_related("case").filter(pk=position_id)
    if follow_ups:
        positions = positions.annotate(**{f"has_{name}": Exists(model.objects.filter(position=OuterRef("pk")))
                                          for name, model in FOLLOW_UPS.items()})
    return positions


#: The detail's lookup, compiled once per process (`core.precompiled`): its need-to-know subquery,
#: join and annotations cost the ORM ~1.5 ms to build, the database a tenth of that to run.
_POSITION_OF_MEMBER = {
    follow_ups: Precompiled(lambda follow_ups=follow_ups, **values: _position_of_member(follow_ups=follow_ups, **values),
                            "user_id", "clearance_rank", "position_id")
    for follow_ups in (False, True)}


def _disbursement_of_member(*, user_id, clearance_rank, disbursement_id) -> QuerySet[Disbursement]:
    """The disbursement if its position's case file is visible to an active person (by id and rank)."""
    from cases.models import Case

    return (Disbursement.objects.select_related("position__case", "proposed_by")
            .filter(pk=disbursement_id, position__case__in=Case.objects.case_file_visible_to_member(
                user_id=user_id, clearance_rank=clearance_rank)).order_by())


#: Every approval and rejection reads the disbursement first: compiled once (`core.precompiled`).
_DISBURSEMENT_OF_MEMBER = Precompiled(_disbursement_of_member, "user_id", "clearance_rank", "disbursement_id")


def disbursement_get(*, user, disbursement_id) -> Disbursement:
    """The disbursement if its case file is visible to this person, else NotFound."""
    found = []
    if user is not None and user.is_authenticated and user.is_active:
        try:
            disbursement_id = int(disbursement_id)
        except (ValueError, TypeError):
            raise NotFound("Uitbetaling niet gevonden.") from None
        found = list(_DISBURSEMENT_OF_MEMBER(user_id=user.pk, clearance_rank=user.clearance_rank,
                                             disbursement_id=disbursement_id))
    if not found:
        raise NotFound("Uitbetaling niet gevonden.")
    return found[0]


def position_metrics(position: Position, *, as_of: date | None = None) -> dict:
    """Invested, realised, unrealised, MOIC and IRR of one position from its dated cash flows."""
    return positions_metrics([position], as_of=as_of)[position.pk]


def positions_metrics(positions, *, as_of: date | None = None) -> dict[int, dict]:
    """Per position its metrics: two queries (its lines grouped, its valuations and sales)."""
    positions = list(positions)
    ids = [p.pk for p in positions]
    if len(ids) == 1 and as_of is None:  # a position's detail: the reads compiled once
        sums = _sums_of(_ONE_POSITION_SUM_ROWS(position_id=ids[0]))
        valuations, sales = _latest_valuations_and_sales(_ONE_POSITION_VALUATION_ROWS(position_id=ids[0]))
    else:
        sums = _position_sums(JournalLine.objects.filter(position_id__in=ids), as_of) if ids else {}
        valuations, sales = _valuations_and_sales(ids, as_of) if ids else ({}, {})
    on = as_of or timezone.localdate()
    result = {}
    for p in positions:
        s = sums.get(p.pk) or _PositionSums()
        valuation = valuations.get(p.pk)
        unrealised = _unrealised(p.exited_on, s.cost, valuation, as_of, sales.get(p.pk))
        result[p.pk] = {
            "invested": s.invested,
            "cost_outstanding": s.cost,
            "reserved": s.reserved,
            "returns": s.returns,
            "realised_result": -s.realised,
            "unrealised_value": unrealised,
            "unrealised_result": (unrealised - s.cost) if valuation is not None else ZERO,
            "latest_valuation_on": valuation.valued_on if valuation else None,
            "moic": moic(invested=s.invested, returned=s.returns, unrealised=unrealised),
            "irr": irr(_with_terminal_value(s.flows, unrealised, on)),
        }
    return result


def position_summary(position: Position) -> dict:
    """What a letter to parliament states about a position."""
    metrics = position_metrics(position)
    return {
        "position_id": position.pk,
        "case_id": position.case_id,
        "instrument": position.instrument,
        "instrument_label": str(Instrument(position.instrument).label),
        "amount_invested": metrics["invested"],
        "cost_outstanding": metrics["cost_outstanding"],
        "shares": position.shares,
        "ownership_percent": position.ownership_percent,
        "terms": {
            "principal": position.principal,
            "interest_rate_percent": position.interest_rate_percent,
            "maturity_date": position.maturity_date,
            "conversion_terms": position.conversion_terms,
            "warrant_terms": position.warrant_terms,
        },
        "is_exited": position.is_exited,
        "exited_on": position.exited_on,
    }


# ------------------------------------------------------------------------------------------------
# Hooks for the case lifecycle (cases.guards)
# ------------------------------------------------------------------------------------------------
def case_has_disbursement(case_id: int) -> bool:
    """A disbursement into one of the case's positions was booked."""
    return JournalEntry.objects.filter(case_id=case_id, kind=EntryKind.DISBURSEMENT, reverses__isnull=True).exists()


def case_positions_all_exited(case_id: int) -> bool:
    """The case has at least one position and every one of them is fully exited."""
    positions = Position.objects.filter(case_id=case_id)
    return positions.exists() and not positions.filter(exited_on__isnull=True).exists()

