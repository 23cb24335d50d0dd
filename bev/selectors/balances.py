"""Balances from the ledger (sums over JournalLine), today's account balances from the running balances
kept beside it in the same transactions (`AccountBalance`, reconciled by `running_balance_mismatches`),
liquidity, and each position's cost, valuation and sales."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from core.precompiled import Precompiled

from ..constants import PORTFOLIO_KINDS, RETURN_KINDS, Account, EntryKind
from ..models import (
    AccountBalance,
    Exit,
    Fund,
    JournalLine,
    PositionBalance,
    PositionFlow,
    Valuation,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_MONEY_OUT = DecimalField(max_digits=17, decimal_places=2)
# A UNION's column holding money and percentages (a sale's share: six places): SQLite's converter rounds
# every row of a column to the places of its first part's type, so that type must fit both.
_NUMBER_OUT = DecimalField(max_digits=30, decimal_places=10)
# A position's running figures (`PositionBalance`), in `_PositionSums`' order.
_RUNNING_FIGURES = ("invested", "cost", "reserved", "returns", "realised")
# Cash flows of an investment, seen from the fund: money out (disbursement) and back (returns).
CASH_FLOW_KINDS = PORTFOLIO_KINDS
CASH_ACCOUNTS = [Account.CASH_AVAILABLE, Account.CASH_RESERVED]

logger = logging.getLogger(__name__)


def _sum(condition: Q) -> Coalesce:
    return Coalesce(Sum("amount", filter=condition), Value(ZERO), output_field=_MONEY_OUT)


def _q(value: Decimal | int | None) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


# ------------------------------------------------------------------------------------------------
# The fund
# ------------------------------------------------------------------------------------------------
def fund_get() -> Fund:
    fund = Fund.objects.filter(code="BEV").first()
    if fund is None:
        raise NotFound(_("Het fonds is nog niet ingericht."), code="fund_not_configured")
    return fund


def fund_maximum_size() -> Decimal | None:
    """The most the fund can ever hold to invest (its `liquid_cap`: "De maximale omvang van de
    voorziening bedraagt 150 miljoen euro in liquide middelen", letter); None while no fund is set up."""
    return Fund.objects.filter(code="BEV").values_list("liquid_cap", flat=True).first()


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


_RUNNING_BALANCES = Precompiled(
    lambda fund_id: AccountBalance.objects.filter(fund_id=fund_id).values_list("account", "balance", "returns"),
    "fund_id",
)


def ledger_totals_from_lines(*, fund: Fund | int, as_of: date | None = None) -> dict[str, Decimal]:
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
    """Accounts whose running balance differs from the sum of their ledger lines, then the positions'
    running figures that differ from theirs (`position_balance_mismatches`). Always empty; the check of
    `manage.py verify_ledger`, for tests and audits, like `unbalanced_entries`."""
    lines = JournalLine.objects.all() if fund is None else JournalLine.objects.filter(fund=fund)
    expected = {
        (row["fund_id"], row["account"]): (_q(row["balance"]), _q(row["returns"]))
        for row in lines.order_by()
        .values("fund_id", "account")
        .annotate(balance=_sum(Q()), returns=_sum(Q(kind__in=RETURN_KINDS)))
    }
    balances = AccountBalance.objects.all() if fund is None else AccountBalance.objects.filter(fund=fund)
    running = {
        (fund_id, account): (_q(balance), _q(returns))
        for fund_id, account, balance, returns in balances.values_list("fund_id", "account", "balance", "returns")
    }
    mismatches: list[dict] = []
    for key in sorted(set(expected) | set(running)):
        ledger, kept = expected.get(key, (ZERO, ZERO)), running.get(key, (ZERO, ZERO))
        if ledger != kept:
            mismatches.append(
                {
                    "fund_id": key[0],
                    "account": key[1],
                    "ledger": ledger[0],
                    "running": kept[0],
                    "ledger_returns": ledger[1],
                    "running_returns": kept[1],
                }
            )
    return mismatches + position_balance_mismatches(fund=fund)


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


def position_balances(
    *, fund: Fund | None = None, position_ids: Iterable[int] | None = None, as_of: date | None = None
) -> dict:
    """Per position: invested (gross), outstanding cost, reserved, returns, realised result.
    Today's from the positions' running figures (`PositionBalance`, one row per position); on an
    earlier date, one aggregate query over the lines grouped by position."""
    result: defaultdict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"invested": ZERO, "cost": ZERO, "reserved": ZERO, "returns": ZERO, "realised_result": ZERO}
    )
    if as_of is None:
        balances = PositionBalance.objects.all()
        if fund is not None:
            balances = balances.filter(fund=fund)
        if position_ids is not None:
            balances = balances.filter(position_id__in=list(position_ids))
        for position_id, sums in _running_sums(balances).items():
            result[position_id] = {
                "invested": sums.invested,
                "cost": sums.cost,
                "reserved": sums.reserved,
                "returns": sums.returns,
                "realised_result": -sums.realised,
            }
        return result
    lines = JournalLine.objects.filter(position__isnull=False)
    if fund is not None:
        lines = lines.filter(fund=fund)
    if position_ids is not None:
        lines = lines.filter(position_id__in=list(position_ids))
    lines = lines.filter(booked_on__lte=as_of)
    rows = lines.values("position_id").annotate(
        invested=_sum(Q(account=Account.INVESTMENTS, kind=EntryKind.DISBURSEMENT)),
        cost=_sum(Q(account=Account.INVESTMENTS)),
        reserved=_sum(Q(account=Account.CASH_RESERVED)),
        returns=_sum(Q(account=Account.CASH_AVAILABLE, kind__in=RETURN_KINDS)),
        realised=_sum(Q(account=Account.REALISED_RESULT)),
    )
    for row in rows:
        result[row["position_id"]] = {
            "invested": _q(row["invested"]),
            "cost": _q(row["cost"]),
            "reserved": _q(row["reserved"]),
            "returns": _q(row["returns"]),
            "realised_result": -_q(row["realised"]),
        }
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
    # `returns` by the kind that brought the cash in ({kind: amount}): dividend, interest, repayment, sale
    received: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))


def _position_sums(lines: QuerySet[JournalLine], as_of: date | None) -> dict[int, _PositionSums]:
    """Balances and cash flows of every position these lines are on, from one query grouped by
    position, date, account and kind (the balances and the flows are one read of the lines)."""
    if as_of is not None:
        lines = lines.filter(booked_on__lte=as_of)
    return _sums_of(_position_sum_rows(lines))


def _position_sum_rows(lines: QuerySet[JournalLine]) -> QuerySet:
    return (
        lines.filter(position__isnull=False)
        .order_by()
        .values_list("position_id", "booked_on", "account", "kind")
        .annotate(total=Sum("amount"))
    )


def _sums_of(rows: Iterable[tuple[int, date, str, str, Decimal | None]]) -> dict[int, _PositionSums]:
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
            s.received[kind] += amount
        if account in CASH_ACCOUNTS and kind in CASH_FLOW_KINDS:
            s.flows[booked_on] += amount
    return sums


def returns_split(received: Mapping[str, Decimal], *, realised_result: Decimal) -> dict[str, Decimal]:
    """What came back from the positions (`returns`: every euro received from them) by what it is.

    Income (`income`): dividend and interest, what the holdings earned. Money back
    (`principal_and_sale_proceeds`): loan principal repaid (`principal_repaid`), which returns money
    lent and earns nothing, and the proceeds of sales (`sale_proceeds`), which are the cost of the part
    sold (`sale_cost`) plus the realised result on it (`realised_result`, negative for a loss). So
    `returns` = `income` + `principal_and_sale_proceeds`; it is money received, not a return on the
    investment. Each net of reversals. `received`: the cash by the kind of the entry that brought it
    in (`_PositionSums.received`)."""
    dividend, interest, repaid, proceeds = (
        _q(received.get(kind.value, ZERO))
        for kind in (EntryKind.DIVIDEND, EntryKind.INTEREST, EntryKind.REPAYMENT, EntryKind.SALE)
    )
    return {
        "income": dividend + interest,
        "dividend": dividend,
        "interest": interest,
        "principal_and_sale_proceeds": repaid + proceeds,
        "principal_repaid": repaid,
        "sale_proceeds": proceeds,
        # only a sale books a realised result (bev.services.exits.exit_book: proceeds - cost)
        "sale_cost": proceeds - realised_result,
    }


def received_by_kind(position_ids: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    """Per position today, the cash its returns brought in by kind (`_PositionSums.received`): one
    query grouped by position and kind, for the positions whose figures come from their running
    figures, which keep the returns' total only."""
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    ids = list(position_ids)
    if not ids:
        return result
    for position_id, kind, total in (
        JournalLine.objects.filter(position_id__in=ids, account=Account.CASH_AVAILABLE, kind__in=RETURN_KINDS)
        .order_by()
        .values_list("position_id", "kind")
        .annotate(total=Sum("amount"))
    ):
        result[position_id][kind] = _q(total)
    return result


def _running_sums(balances: QuerySet[PositionBalance], *, flows: bool = False) -> dict[int, _PositionSums]:
    """`_position_sums` to date from the positions' running figures (and, with `flows`, their daily
    cash flows): what a position's lines add up to, read without summing them."""
    sums: dict[int, _PositionSums] = {}
    for position_id, invested, cost, reserved, returns, realised in balances.values_list(
        "position_id", *_RUNNING_FIGURES
    ):
        sums[position_id] = _PositionSums(_q(invested), _q(cost), _q(reserved), _q(returns), _q(realised))
    if flows and sums:
        for position_id, booked_on, amount in PositionFlow.objects.filter(position_id__in=list(sums)).values_list(
            "position_id", "booked_on", "amount"
        ):
            sums[position_id].flows[booked_on] += _q(amount)
    return sums


def position_balance_mismatches(*, fund: Fund | None = None) -> list[dict]:
    """Positions whose running figures (`PositionBalance`) or daily cash flows (`PositionFlow`) differ
    from the sums of their ledger lines: each mismatch with the position, the figure (or `flow` and
    its date), the ledger's sum and the running one. Always empty; part of `running_balance_mismatches`."""
    lines = JournalLine.objects.filter(position__isnull=False)
    balances, flows = PositionBalance.objects.all(), PositionFlow.objects.all()
    if fund is not None:
        lines, balances = lines.filter(fund=fund), balances.filter(fund=fund)
        flows = flows.filter(position__fund=fund)
    expected_sums = _position_sums(lines, None)
    running_sums = _running_sums(balances)
    mismatches = []
    zero = _PositionSums()
    for position_id in sorted(set(expected_sums) | set(running_sums)):
        ledger, kept = expected_sums.get(position_id, zero), running_sums.get(position_id, zero)
        for figure in _RUNNING_FIGURES:
            if getattr(ledger, figure) != getattr(kept, figure):
                mismatches.append(
                    {
                        "position_id": position_id,
                        "figure": figure,
                        "ledger": getattr(ledger, figure),
                        "running": getattr(kept, figure),
                    }
                )
    counted = dict(
        lines.filter(kind=EntryKind.DISBURSEMENT)
        .order_by()
        .values("position_id")
        .annotate(n=Count("id"))
        .values_list("position_id", "n")
    )
    kept_counts = dict(balances.values_list("position_id", "disbursement_lines"))
    for position_id in sorted(set(counted) | set(kept_counts)):
        if counted.get(position_id, 0) != kept_counts.get(position_id, 0):
            mismatches.append(
                {
                    "position_id": position_id,
                    "figure": "disbursement_lines",
                    "ledger": counted.get(position_id, 0),
                    "running": kept_counts.get(position_id, 0),
                }
            )
    kept_flows: dict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
    for position_id, booked_on, amount in flows.values_list("position_id", "booked_on", "amount"):
        kept_flows[(position_id, booked_on)] += _q(amount)
    ledger_flows = {
        (position_id, booked_on): amount
        for position_id, s in expected_sums.items()
        for booked_on, amount in s.flows.items()
    }
    for position_id, booked_on in sorted(set(ledger_flows) | set(kept_flows)):
        ledger_flow = ledger_flows.get((position_id, booked_on), ZERO)
        kept_flow = kept_flows.get((position_id, booked_on), ZERO)
        if ledger_flow != kept_flow:
            mismatches.append(
                {
                    "position_id": position_id,
                    "figure": f"flow {booked_on.isoformat()}",
                    "ledger": ledger_flow,
                    "running": kept_flow,
                }
            )
    return mismatches


@dataclass(frozen=True)
class LatestValuation:
    valued_on: date
    created_at: datetime
    fair_value: Decimal
    id: int

    @property
    def order(self) -> tuple[date, int]:
        return (self.valued_on, self.id)


def _valuations_and_sales(
    position_ids: Iterable[int] | None,
    as_of: date | None,
    *,
    fund: Fund | int | None = None,
) -> tuple[dict[int, LatestValuation], dict[int, list]]:
    """Per position its latest valuation and what changed the holding after it (`ValueChange`):
    one query, for the given positions or for every position of `fund`."""
    if fund is not None:
        valuations, exits = Valuation.objects.filter(position__fund=fund), Exit.objects.filter(position__fund=fund)
        lines = JournalLine.objects.filter(fund=fund)
    elif position_ids is None:
        raise TypeError("_valuations_and_sales: give the positions or the fund")  # as list(None) did
    else:
        ids = list(position_ids)
        valuations, exits = Valuation.objects.filter(position_id__in=ids), Exit.objects.filter(position_id__in=ids)
        lines = JournalLine.objects.filter(position_id__in=ids)
    if as_of is not None:
        valuations = valuations.filter(valued_on__lte=as_of)
        exits = exits.filter(exited_on__lte=as_of)
        lines = lines.filter(booked_on__lte=as_of)
    return _latest_valuations_and_sales(
        _valuation_and_sale_rows(valuations, exits, _cost_changes_since_valuation(lines, as_of))
    )


def _cost_changes_since_valuation(lines: QuerySet[JournalLine], as_of: date | None) -> QuerySet[JournalLine]:
    """The lines that changed a position's cost other than by a sale (disbursements, repayments of loan
    principal, and their reversals) dated on or after the position's latest valuation (on `as_of`):
    what `_value_after` adds to that valuation. A sale is counted as the share of the holding sold."""
    valuations = Valuation.objects.filter(position_id=OuterRef("position_id"))
    if as_of is not None:
        valuations = valuations.filter(valued_on__lte=as_of)
    latest_valued_on = valuations.order_by("-valued_on").values("valued_on")[:1]
    return (
        lines.filter(account=Account.INVESTMENTS, position__isnull=False)
        .exclude(kind=EntryKind.SALE)
        .filter(booked_on__gte=Subquery(latest_valued_on))
    )


def _valuation_and_sale_rows(
    valuations: QuerySet[Valuation], exits: QuerySet[Exit], cost_lines: QuerySet[JournalLine]
) -> QuerySet:
    return (
        valuations.order_by()
        # The fair value's column carries the sales' percentages too: typed wide enough for both (SQLite's
        # converter rounds every row of a UNION's column to its first part's places: 12.345678 % was 12.35).
        .annotate(number=Cast("fair_value", _NUMBER_OUT))
        .values_list("position_id", "valued_on", "created_at", "number", Value("valuation"), "id")
        .union(
            exits.order_by().values_list(
                "position_id", "exited_on", "created_at", "fraction_sold_percent", Value("sale"), "id"
            ),
            cost_lines.order_by().values_list(
                "position_id", "booked_on", "entry__created_at", "amount", Value("cost"), "id"
            ),
            all=True,
        )
    )


def _one_position_figure_rows(position_id: int) -> QuerySet:
    """One position's running figures, daily cash flows, valuations and sales in one statement (a
    position's detail reads them together): a row per thing, its kind first. The figures' row holds
    the five running figures; the others a date, when recorded (valuations, sales, cost changes) and a
    number (the flow's amount, the fair value, the percentage sold, the change of cost)."""
    # Typed NULLs: PostgreSQL types a UNION's column from its first parts, and two bare NULLs are text.
    no_date, no_time = Cast(Value(None), DateField()), Cast(Value(None), DateTimeField())
    no_id = Cast(Value(None), BigIntegerField())
    no_money, no_number = Value(None, output_field=_MONEY_OUT), Value(None, output_field=_NUMBER_OUT)
    no_figures = {f"no_{name}": no_money for name in _RUNNING_FIGURES}
    return (
        PositionBalance.objects.filter(position_id=position_id)
        .order_by()  # no ORDER BY in a part of a UNION (SQLite refuses it)
        .annotate(row_kind=Value("figures"), row_on=no_date, row_at=no_time, row_number=no_number, row_id=no_id)
        .values_list("row_kind", "row_on", "row_at", "row_number", "row_id", *_RUNNING_FIGURES)
        .union(
            PositionFlow.objects.filter(position_id=position_id)
            .order_by()
            .annotate(row_kind=Value("flow"), row_at=no_time, row_id=no_id, **no_figures)
            .values_list("row_kind", "booked_on", "row_at", "amount", "row_id", *no_figures),
            Valuation.objects.filter(position_id=position_id)
            .order_by()
            .annotate(row_kind=Value("valuation"), **no_figures)
            .values_list("row_kind", "valued_on", "created_at", "fair_value", "id", *no_figures),
            Exit.objects.filter(position_id=position_id)
            .order_by()
            .annotate(row_kind=Value("sale"), **no_figures)
            .values_list("row_kind", "exited_on", "created_at", "fraction_sold_percent", "id", *no_figures),
            _cost_changes_since_valuation(JournalLine.objects.filter(position_id=position_id), None)
            .order_by()
            .annotate(row_kind=Value("cost"), **no_figures)
            .values_list("row_kind", "booked_on", "entry__created_at", "amount", "id", *no_figures),
            # the cash each return brought in, by its kind (`_PositionSums.received`, `returns_split`)
            JournalLine.objects.filter(position_id=position_id, account=Account.CASH_AVAILABLE, kind__in=RETURN_KINDS)
            .order_by()
            .annotate(
                row_kind=Concat(Value(RECEIVED_ROW), "kind", output_field=CharField()),
                row_at=no_time,
                row_id=no_id,
                **no_figures,
            )
            .values_list("row_kind", "booked_on", "row_at", "amount", "row_id", *no_figures),
            all=True,
        )
    )


RECEIVED_ROW = "received:"


#: One position's figures, flows, valuations and sales: one statement compiled once (`core.precompiled`).
_ONE_POSITION_FIGURE_ROWS = Precompiled(_one_position_figure_rows, "position_id")


def _one_position_figures(
    position_id: int,
) -> tuple[dict[int, _PositionSums], dict[int, LatestValuation], dict[int, list]]:
    """What `_running_sums(..., flows=True)` and `_valuations_and_sales` give for one position today,
    from one statement."""
    sums = _PositionSums()
    found = False
    valuation_and_sale_rows = []
    for kind, on, at, number, row_id, invested, cost, reserved, returns, realised in _ONE_POSITION_FIGURE_ROWS(
        position_id=position_id
    ):
        if kind == "figures":
            found = True
            sums.invested, sums.cost, sums.reserved = _q(invested), _q(cost), _q(reserved)
            sums.returns, sums.realised = _q(returns), _q(realised)
        elif kind == "flow":
            sums.flows[on] += _q(number)
        elif kind.startswith(RECEIVED_ROW):
            sums.received[kind.removeprefix(RECEIVED_ROW)] += _q(number)
        else:
            valuation_and_sale_rows.append((position_id, on, at, number, kind, row_id))
    valuations, sales = _latest_valuations_and_sales(valuation_and_sale_rows)
    return ({position_id: sums} if found else {}), valuations, sales


def _latest_valuations_and_sales(
    rows: Iterable[tuple[int, date, datetime, Decimal, str, int]],
) -> tuple[dict[int, LatestValuation], dict[int, list]]:
    """Per position its latest valuation, by valuation date and then id (as `Valuation`'s ordering,
    the position page's list and `bev.services.holdings.valuation_jump` choose it), and what changed
    the holding (`ValueChange`: its sales and its cost changes other than sales) by date and then when
    recorded."""
    latest: dict[int, LatestValuation] = {}
    changes: dict[int, list[ValueChange]] = defaultdict(list)
    for position_id, on, created_at, number, what, row_id in sorted(rows, key=lambda r: (r[0], r[1], r[5])):
        if what == "valuation":
            if position_id not in latest or (on, row_id) > latest[position_id].order:
                latest[position_id] = LatestValuation(on, created_at, _q(number), row_id)
        else:
            changes[position_id].append(ValueChange(on, created_at, what, Decimal(number)))
    for position_changes in changes.values():
        position_changes.sort(key=lambda change: (change.on, change.recorded_at))
    return latest, changes


@dataclass(frozen=True)
class ValueChange:
    """Something that changed a holding after it was valued: a sale (`number`: the percentage of the
    holding sold) or a change of its cost other than by a sale (`number`: euros, money put in positive,
    capital returned or a disbursement reversed negative)."""

    on: date
    recorded_at: datetime
    kind: str  # "sale" | "cost"
    number: Decimal


def _value_after(valuation: LatestValuation, changes: Iterable[ValueChange]) -> Decimal:
    """The value of the holding after `valuation` and the changes recorded after it (by date, then when
    recorded): a valuation made before a partial sale valued the whole stake, so it counts for the part
    still held; money put in after the valuation counts at cost on top of it, capital returned after it
    (a loan repayment, a reversed disbursement) comes off it. The service's own convention, the letter
    states no valuation rule: a valuation that predates a follow-on investment cannot have valued it, and
    without this a follow-on read as a loss of its whole amount. Never below zero (the service's own
    convention too). The one rule for the value still held: position, overview, reports, IRR and the
    position page's chart (`value_steps`)."""
    return value_steps([valuation], changes)[-1][1]


def value_steps(valuations: Iterable[LatestValuation], changes: Iterable[ValueChange]) -> list[tuple[date, Decimal]]:
    """The value of a holding over time, a step at each valuation and at each change recorded after the
    first valuation (`_value_after`'s rule): each valuation sets the value, each later sale takes its
    share of it off, each later cost change adds to it. Empty without a valuation."""
    events = sorted(
        [((v.valued_on, v.created_at), v) for v in valuations] + [((c.on, c.recorded_at), c) for c in changes],
        key=lambda event: event[0],
    )
    steps: list[tuple[date, Decimal]] = []
    value: Decimal | None = None
    for (on, _recorded_at), event in events:
        if isinstance(event, LatestValuation):
            value = event.fair_value
        elif value is None:
            continue  # not yet valued: the steps begin at the first valuation
        elif event.kind == "sale":
            value = value * (100 - event.number) / 100
        else:
            value += event.number
        steps.append((on, max(value, ZERO).quantize(CENT)))
    return steps


def _unrealised(
    exited_on: date | None,
    cost: Decimal,
    valuation: LatestValuation | None,
    as_of: date | None,
    changes: list[ValueChange] | None = None,
) -> Decimal:
    """Fair value of what is still held: the latest valuation with what changed after it
    (`_value_after`), at cost while not yet valued; nothing once fully exited."""
    if exited_on is not None and (as_of is None or exited_on <= as_of):
        return ZERO
    if valuation is None:
        return cost
    return _value_after(valuation, changes or [])
