"""Reads of the fund. Balances come from the ledger (sums over JournalLine); today's account balances
from the running balances kept beside it in the same transactions (`AccountBalance`, reconciled by
`running_balance_mismatches`).

Two functions are hooks the case lifecycle asks (cases.guards): `case_has_disbursement` and
`case_positions_all_exited`. `fund_overview` and `position_summary` are read by the
parliament-letter engineer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, DecimalField, Exists, Max, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from audit.models import AuditRecord
from audit.services import audit_log
from core.exceptions import NotFound

from .constants import Account, EntryKind, Instrument, RETURN_KINDS
from .metrics import irr, moic
from .models import (AccountBalance, Conversion, Disbursement, Exit, Fund, JournalEntry, JournalLine, ManagerPeriod,
                     Position, Valuation)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_MONEY_OUT = DecimalField(max_digits=17, decimal_places=2)
# Cash flows of an investment, seen from the fund: money out (disbursement) and back (returns).
CASH_FLOW_KINDS = [EntryKind.DISBURSEMENT, *RETURN_KINDS]
CASH_ACCOUNTS = [Account.CASH_AVAILABLE, Account.CASH_RESERVED]


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


def manager_on(*, fund: Fund, on: date) -> ManagerPeriod | None:
    return (fund.manager_periods.filter(valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).order_by("-valid_from").first())


def ledger_totals(*, fund: Fund, as_of: date | None = None) -> dict[str, Decimal]:
    """Balance of every account (debit positive), plus the returns received.

    Today's balances are the running balances (`AccountBalance`, one small query; under the fund lock
    they are exact, since every booking holds it); on an earlier date, one aggregate over the
    ledger."""
    if as_of is not None:
        return ledger_totals_from_lines(fund=fund, as_of=as_of)
    totals = _zero_totals()
    for account, balance, returns in AccountBalance.objects.filter(fund=fund).values_list("account", "balance",
                                                                                          "returns"):
        totals[account] = _q(balance)
        if account == Account.CASH_AVAILABLE:
            totals["returns"] = _q(returns)
    return totals


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
    running = {(fund_id, account): (_q(balance), _q(returns))
               for fund_id, account, balance, returns in balances.values_list("fund_id", "account", "balance", "returns")}
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


@dataclass(frozen=True)
class LatestValuation:
    valued_on: date
    created_at: datetime
    fair_value: Decimal


def _valuations_and_sales(position_ids, as_of: date | None) -> tuple[dict[int, LatestValuation], dict[int, list]]:
    """Per position its latest valuation and its sales (date, recorded at, % sold): one query."""
    ids = list(position_ids)
    valuations = Valuation.objects.filter(position_id__in=ids).order_by()
    exits = Exit.objects.filter(position_id__in=ids).order_by()
    if as_of is not None:
        valuations = valuations.filter(valued_on__lte=as_of)
        exits = exits.filter(exited_on__lte=as_of)
    rows = valuations.values_list("position_id", "valued_on", "created_at", "fair_value", Value("valuation")).union(
        exits.values_list("position_id", "exited_on", "created_at", "fraction_sold_percent", Value("sale")),
        all=True)
    latest: dict[int, LatestValuation] = {}
    sales: dict[int, list] = defaultdict(list)
    for position_id, on, created_at, number, what in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
        if what == "sale":
            sales[position_id].append((on, created_at, Decimal(number)))
        else:
            latest[position_id] = LatestValuation(on, created_at, _q(number))
    return latest, sales


def _unrealised(position: Position, balance: dict, valuation: LatestValuation | None, as_of: date | None,
                sales: list | None = None) -> Decimal:
    """Fair value of what is still held: the latest valuation, at cost while not yet valued;
    nothing once fully exited. A valuation made before a partial sale valued the whole stake, so
    it counts for the part still held."""
    if position.exited_on is not None and (as_of is None or position.exited_on <= as_of):
        return ZERO
    if valuation is None:
        return balance["cost"]
    held = Decimal(1)
    for sold_on, recorded_at, fraction in sales or []:
        if (sold_on, recorded_at) > (valuation.valued_on, valuation.created_at):
            held *= (100 - fraction) / 100
    return (valuation.fair_value * held).quantize(CENT)


def _cash_flows(*, position_ids=None, fund: Fund | None = None, as_of: date | None = None) -> dict:
    """Dated cash flows seen from the fund, per position: {position_id: {date: amount}}."""
    lines = JournalLine.objects.filter(account__in=CASH_ACCOUNTS, kind__in=CASH_FLOW_KINDS, position__isnull=False)
    if fund is not None:
        lines = lines.filter(fund=fund)
    if position_ids is not None:
        lines = lines.filter(position_id__in=list(position_ids))
    if as_of is not None:
        lines = lines.filter(booked_on__lte=as_of)
    flows: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in lines.values("position_id", "booked_on").annotate(total=_sum(Q())):
        flows[row["position_id"]][row["booked_on"]] += _q(row["total"])
    return flows


def _overview_version(fund: Fund) -> tuple:
    """What the overview depends on. The ledger and valuations are append-only, so the newest ids
    (and the manager periods) identify its state exactly."""
    return (
        JournalEntry.objects.filter(fund=fund).aggregate(m=Max("id"))["m"],
        Valuation.objects.aggregate(m=Max("id"))["m"],
        Conversion.objects.aggregate(m=Max("id"))["m"],
        tuple(ManagerPeriod.objects.filter(fund=fund).aggregate(m=Max("id"), n=Count("id"), t=Count("valid_to")).values()),
    )


def fund_overview(*, as_of: date | None = None) -> dict:
    """The fund's position on `as_of` (default today): every figure from the ledger.

    Whole-fund figures (IRR over every cash flow) are costly, so outside a transaction the result is
    cached under the ledger's state; inside one (a booking, a preview that is rolled back) it is
    always computed from what that transaction sees."""
    fund = fund_get()
    on = as_of or timezone.localdate()
    if connection.in_atomic_block:
        return _fund_overview(fund, as_of, on)
    key = f"bev:overview:{fund.pk}:{on.isoformat()}:{as_of is None}:{_overview_version(fund)!r}"
    overview = cache.get(key)
    if overview is None:
        overview = _fund_overview(fund, as_of, on)
        cache.set(key, overview, timeout=3600)
    return dict(overview)


def _fund_overview(fund: Fund, as_of: date | None, on: date) -> dict:
    figures = liquidity(ledger_totals(fund=fund, as_of=as_of))
    positions = list(Position.objects.filter(fund=fund))
    ids = [p.pk for p in positions]
    balances = position_balances(fund=fund, position_ids=ids, as_of=as_of)
    valuations, sales = _valuations_and_sales(ids, as_of)
    unrealised = sum((_unrealised(p, balances[p.pk], valuations.get(p.pk), as_of, sales.get(p.pk))
                      for p in positions), ZERO)
    invested = sum((balances[p.pk]["invested"] for p in positions), ZERO)
    flows: dict = defaultdict(lambda: ZERO)
    for per_position in _cash_flows(fund=fund, position_ids=ids, as_of=as_of).values():
        for day, amount in per_position.items():
            flows[day] += amount
    manager = manager_on(fund=fund, on=on)
    return {
        "committed_limit": fund.committed_limit,
        "liquid_cap": fund.liquid_cap,
        "received": figures["received"],
        "deployed": figures["deployed"],
        "reserved": figures["reserved"],
        "available": figures["available"],
        "liquid": figures["liquid"],
        "liquid_headroom": fund.liquid_cap - figures["liquid"],
        "undrawn_commitment": fund.committed_limit - figures["received"],
        "swept_to_treasury": figures["swept_to_treasury"],
        "fees": figures["fees"],
        "returns": figures["returns"],
        "realised_result": figures["realised_result"],
        "unrealised_value": unrealised,
        "invested": invested,
        "moic": moic(invested=invested, returned=figures["returns"], unrealised=unrealised),
        "irr": irr(_with_terminal_value(flows, unrealised, on)),
        "as_of": on,
        "manager": manager.name if manager else "",
        "policy_owner": fund.policy_owner,
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


def position_get(*, user, position_id, audit_read: bool = True) -> Position:
    """The position if its case is visible to this person, else NotFound. Reading is audited."""
    try:
        position = position_list(user=user).get(pk=position_id)
    except (Position.DoesNotExist, ValueError, TypeError):
        raise NotFound("Positie niet gevonden.") from None
    if audit_read:
        with transaction.atomic():
            audit_log(actor=user, action=AuditRecord.Action.READ, event="position.read", obj=position,
                      case_id=position.case_id)
    return position


def disbursement_get(*, user, disbursement_id) -> Disbursement:
    try:
        return Disbursement.objects.select_related("position__case").get(
            pk=disbursement_id, position__in=position_list(user=user))
    except (Disbursement.DoesNotExist, ValueError, TypeError):
        raise NotFound("Uitbetaling niet gevonden.") from None


def position_metrics(position: Position, *, as_of: date | None = None) -> dict:
    """Invested, realised, unrealised, MOIC and IRR of one position from its dated cash flows."""
    return positions_metrics([position], as_of=as_of)[position.pk]


def positions_metrics(positions, *, as_of: date | None = None) -> dict[int, dict]:
    positions = list(positions)
    ids = [p.pk for p in positions]
    balances = position_balances(position_ids=ids, as_of=as_of)
    valuations, sales = _valuations_and_sales(ids, as_of)
    flows = _cash_flows(position_ids=ids, as_of=as_of)
    on = as_of or timezone.localdate()
    result = {}
    for p in positions:
        balance = balances[p.pk]
        valuation = valuations.get(p.pk)
        unrealised = _unrealised(p, balance, valuation, as_of, sales.get(p.pk))
        result[p.pk] = {
            "invested": balance["invested"],
            "cost_outstanding": balance["cost"],
            "reserved": balance["reserved"],
            "returns": balance["returns"],
            "realised_result": balance["realised_result"],
            "unrealised_value": unrealised,
            "unrealised_result": (unrealised - balance["cost"]) if valuation is not None else ZERO,
            "latest_valuation_on": valuation.valued_on if valuation else None,
            "moic": moic(invested=balance["invested"], returned=balance["returns"], unrealised=unrealised),
            "irr": irr(_with_terminal_value(flows.get(p.pk, {}), unrealised, on)),
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

