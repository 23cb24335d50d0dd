"""The ledger: the only writer of journal entries, their lines and the running balances.

Every booking service starts by locking the fund row (`_lock_fund`, select_for_update): bookings
against the fund are serialised, so the limits below hold however many managers book at once.
Limits are checked against the balances read *after* the lock, and a refusal raises before
anything is written (the transaction rolls back). The balances are the running balances that
`_post` adds every entry to in the entry's own transaction (`AccountBalance`, and per position
`PositionBalance` and `PositionFlow`; the ledger remains the truth they are reconciled with, see
`manage.py verify_ledger`), so a booking sums no ledger lines under the lock. Reads
and checks that the lock does not protect come before it (see `disbursement_approve`).

The limits, each in one place:
- `_check_committed_limit`: tranches received never exceed the committed capital (€100m).
- `_check_available`: a reservation or disbursement never exceeds the available liquidity.
- `_check_fee_budget`: the management fees booked in a year stay within the year's fee budget.
- `_check_cabinet_decision`: the money in a case stays within what the kabinetsbesluit allowed.
- `_check_approved_proposals`: ... and within the amounts of the approved investment proposals.
- `_sweep_excess`: after every inflow, liquid assets above the cap (€150m) go to the treasury.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import User
from audit.models import AuditRecord
from audit.services import audit_log
from cases.constants import State
from cases.models import CabinetDecision, Case
from core.exceptions import Conflict, LimitExceeded, NotFound, RuleViolation
from core.formatting import date_display, page_euro
from core.inserts import insert, insert_many
from core.precompiled import Precompiled

from .. import events
from ..constants import (
    PORTFOLIO_KINDS,
    RETURN_KINDS,
    Account,
    EntryKind,
    Instrument,
    ProposalStatus,
)
from ..models import (
    AccountBalance,
    Disbursement,
    Fund,
    InvestmentProposal,
    JournalEntry,
    JournalLine,
    Position,
    PositionBalance,
    PositionFlow,
)
from ..selectors import (
    CASH_ACCOUNTS,
    ZERO,
    fund_get,
    ledger_totals,
    liquidity,
    running_balance_mismatches,
    unbalanced_entries,
)

CENT = Decimal("0.01")
# The most a single booking may be (docs/security.md): ten times the fund's committed capital of
# EUR 100 million and well above its EUR 150 million liquidity cap, so an exit at a multiple of the
# fund's largest stake still fits, while a typo of a few zeros (a EUR 196 billion dividend on a EUR 10
# million position, which was booked and swept to the treasury) is refused. The service's own
# assumption, not the letter's.
AMOUNT_CEILING = Decimal("1000000000.00")
PERCENT_PLACES = Decimal("0.000001")
# An amount or percentage as a service takes it: what the API, a form or a command hands over (a
# Decimal, an int, the text of a number). `money` and the services' `_percent` check it and refuse
# anything else with a field error.
NumberInput = Decimal | int | str

# Case states in which money may go into a position (first investment, then follow-ons).
DISBURSEMENT_STATES = [State.INVESTMENT_PREPARATION, State.INVESTED, State.MONITORING]
# Case states in which a position is recorded (before the money goes in).
POSITION_STATES = [State.INVESTMENT_PREPARATION]
# Case states in which a position is sold down (partial or full exit).
EXIT_STATES = [State.INVESTED, State.MONITORING, State.EXIT]


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------
def money(value: object, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """EUR with cents: a positive Decimal with at most two decimals, else a field error."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise RuleViolation(_("Geef een bedrag in euro's op."), field=field) from None
    if not amount.is_finite():
        raise RuleViolation(_("Geef een bedrag in euro's op."), field=field)
    if amount != amount.quantize(CENT):
        raise RuleViolation(_("Een bedrag heeft ten hoogste twee decimalen (centen)."), field=field)
    if amount < 0 and allow_zero:  # a sale's proceeds may be nil (a stake sold for nothing)
        raise RuleViolation(_("Het bedrag mag niet negatief zijn."), field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise RuleViolation(_("Het bedrag moet groter zijn dan nul."), field=field)
    if amount > AMOUNT_CEILING:
        raise RuleViolation(
            _("Het bedrag is hoger dan het plafond van %(ceiling)s per boeking; controleer het bedrag.")
            % {"ceiling": page_euro(AMOUNT_CEILING, cents=True)},
            field=field,
        )
    return amount.quantize(CENT)


def _lock_fund() -> Fund:
    """Serialise every booking against the fund (the limits are checked under this lock): one query."""
    found = list(_FUND_FOR_UPDATE())
    if not found:
        raise NotFound(_("Het fonds is nog niet ingericht."), code="fund_not_configured")
    return found[0]


# The statements every booking runs under the fund lock, compiled once (`core.precompiled`): the lock
# is held while Django builds each query, so their building is the bookings' serial part.
_FUND_FOR_UPDATE = Precompiled(
    lambda: Fund.objects.select_for_update(no_key=True).filter(code="BEV").order_by("pk")[:1]
)
_LATEST_BOOKING_DATE = Precompiled(
    lambda fund_id: (
        JournalEntry.objects.filter(fund_id=fund_id).order_by("-booked_on").values_list("booked_on", flat=True)[:1]
    ),
    "fund_id",
)


if TYPE_CHECKING:

    class LockedDisbursement(Disbursement):
        """For the type checker only: the disbursement as `_disbursement_for_update` reads it."""

        fund_latest_booking: date | None
        own_reserved: Decimal | None
        own_disbursement_lines: int | None
        own_invested: Decimal | None

    class GoverningDecision(CabinetDecision):
        """For the type checker only: the decision as `_governing_decision` reads it."""

        committed: Decimal
        proposal_approved: bool
        proposals_approved_total: Decimal
        sale_ordered_since: str | None


def _disbursement_for_update(disbursement_id: int) -> QuerySet[Disbursement]:
    """The disbursement (its row locked) with its position and case, and, read in the same statement:
    the fund's latest booking date, the position's reservation, how many disbursement lines it has
    (every disbursement entry, a reversal too, has lines on its position) and what stands invested
    (disbursements less their reversals: none, and this is its first investment), from its running figures (`PositionBalance`), not summed from its lines. Only under the fund lock: every writer of the ledger holds it, so the
    statement's snapshot, taken after the lock was granted, is the ledger as this booking finds it."""
    own = PositionBalance.objects.filter(position_id=OuterRef("position_id"))
    return (
        Disbursement.objects.select_for_update(no_key=True, of=("self",))
        .select_related("position__case")
        .filter(pk=disbursement_id)
        .annotate(
            fund_latest_booking=Subquery(
                JournalEntry.objects.filter(fund_id=OuterRef("position__fund_id"))
                .order_by("-booked_on")
                .values("booked_on")[:1]
            ),
            own_reserved=Subquery(own.values("reserved")[:1]),
            own_disbursement_lines=Subquery(own.values("disbursement_lines")[:1]),
            own_invested=Subquery(own.values("invested")[:1]),
        )
    )


_DISBURSEMENT_FOR_UPDATE = Precompiled(_disbursement_for_update, "disbursement_id")


def _booking_date(fund: Fund, booked_on: date | None, *, field: str = "booked_on") -> date:
    """Entries are dated no later than today and never before the fund's latest entry, so the
    balance on every date is one the limits allowed (no back-dated breach of a limit)."""
    return _booking_date_after(next(iter(_LATEST_BOOKING_DATE(fund_id=fund.pk)), None), booked_on, field=field)


def _booking_date_after(last: date | None, booked_on: date | None, *, field: str = "booked_on") -> date:
    """`_booking_date` given the fund's latest booking date, read under the fund lock."""
    booked_on = _not_in_future(booked_on, field=field) or timezone.localdate()
    if last is not None and booked_on < last:
        raise RuleViolation(
            _("De boekdatum ligt vóór de laatste boeking (%(last)s); boek op of na die datum.")
            % {"last": date_display(last)},
            field=field,
        )
    return booked_on


def _not_in_future(booked_on: date | None, *, field: str = "booked_on") -> date | None:
    if booked_on is not None and booked_on > timezone.localdate():
        raise RuleViolation(_("Een boeking kan niet in de toekomst worden gedateerd."), field=field)
    return booked_on


def _key(value: str | None, *, field: str = "idempotency_key") -> str:
    value = (value or "").strip()
    if not value or len(value) > 100:
        raise RuleViolation(_("Een idempotentiesleutel (1 tot 100 tekens) is verplicht."), field=field)
    return value


def _replayed(
    fund: Fund, key: str, *, user: User, kind: str, amount: Decimal, position: Position | None
) -> JournalEntry | None:
    """A retried request gets the entry it booked the first time; a different request with the same
    key is refused, and so is the same key from another person (a key names one person's request:
    the service's own rule; before, a second manager got the first one's booking back as theirs)."""
    entry = JournalEntry.objects.filter(fund=fund, idempotency_key=key).first()
    if entry is None:
        return None
    if (
        entry.created_by_id != user.pk
        or entry.kind != kind
        or entry.amount != amount
        or entry.position_id != (position.pk if position else None)
    ):
        raise Conflict(
            _("Deze idempotentiesleutel is al gebruikt voor een andere boeking."), code="idempotency_key_reused"
        )
    entry.replayed = True
    return entry


def _post(
    *,
    fund: Fund,
    kind: str,
    booked_on: date,
    description: str,
    key: str,
    user: User,
    amount: Decimal,
    lines: list[tuple[str, Decimal]],
    position: Position | None = None,
    reverses: JournalEntry | None = None,
    approved_by: User | None = None,
) -> JournalEntry:
    """Write one balanced entry and its lines (the only place that writes the ledger), and add the
    lines to the running balances in the same transaction."""
    lines = [(account, value.quantize(CENT)) for account, value in lines if value]
    if sum((value for _, value in lines), ZERO) != 0:
        raise ValueError(f"Unbalanced entry: {lines}")  # a programming error, never user input
    if kind not in PORTFOLIO_KINDS and any(account == Account.INVESTMENTS for account, _ in lines):
        # the overview's cached figures over the holdings are keyed on PORTFOLIO_KINDS entries only
        raise ValueError(f"A {kind} entry may not touch the investments account")  # a programming error
    entry = JournalEntry(
        fund=fund,
        kind=kind,
        booked_on=booked_on,
        description=description.strip(),
        idempotency_key=key,
        position=position,
        case_id=position.case_id if position else None,
        reverses=reverses,
        created_by=user,
        approved_by=approved_by,
        amount=amount,
    )
    # Append-only rows, each a prepared INSERT (`core.inserts`): the ORM's InsertQuery compiled for
    # every booking was a large part of the time the fund lock is held.
    insert(entry)
    insert_many(
        [
            JournalLine(
                entry=entry, fund=fund, account=account, position=position, kind=kind, booked_on=booked_on, amount=value
            )
            for account, value in lines
        ]
    )
    _add_to_running_balances(fund, kind, lines)
    if position is not None:
        _add_to_position_balance(fund, position, kind, booked_on, lines)
    audit_log(
        actor=user,
        action=AuditRecord.Action.BOOKING,
        event=f"ledger.{kind}",
        obj=entry,
        case_id=entry.case_id,
        changes={
            "kind": kind,
            "booked_on": booked_on,
            "amount": amount,
            "reverses": reverses.pk if reverses else None,
            "lines": [{"account": a, "amount": v} for a, v in lines],
        },
    )
    entry.replayed = False
    return entry


def _add_to_running_balances(fund: Fund, kind: str, lines: list[tuple[str, Decimal]]) -> None:
    """One statement: each account's running balance (and its part booked by returns) goes up by the
    entry's line on it, the row made on the account's first line. An increment, so that it holds
    even without the fund lock."""
    if not lines:
        # an entry whose every line is zero (the full exit, for nothing, of a loan repaid in full) moves
        # no balance; an INSERT of no rows was a syntax error and the booking a server error
        return
    table = AccountBalance._meta.db_table
    is_return = kind in RETURN_KINDS
    params: list[Any] = []
    for account, value in lines:
        params += [fund.pk, account, value, value if is_return else ZERO]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (fund_id, account, balance, returns) VALUES "
            + ", ".join(["(%s, %s, %s, %s)"] * len(lines))
            + f" ON CONFLICT (fund_id, account) DO UPDATE SET balance = {table}.balance + excluded.balance,"
            f" returns = {table}.returns + excluded.returns",
            params,
        )


def _add_to_position_balance(
    fund: Fund, position: Position, kind: str, booked_on: date, lines: list[tuple[str, Decimal]]
) -> None:
    """The entry's lines added to its position's running figures (`PositionBalance`) and, for a cash
    flow, to the position's flow of the day (`PositionFlow`): increments, one statement each, the rows
    made by the position's first line (and its first flow on a day)."""
    by_account: dict[str, Decimal] = {}
    for account, value in lines:  # an entry may have more than one line on an account
        by_account[account] = by_account.get(account, ZERO) + value
    investments = by_account.get(Account.INVESTMENTS, ZERO)
    figures: list[Decimal | int] = [
        investments if kind == EntryKind.DISBURSEMENT else ZERO,  # invested
        investments,  # cost
        by_account.get(Account.CASH_RESERVED, ZERO),  # reserved
        by_account.get(Account.CASH_AVAILABLE, ZERO) if kind in RETURN_KINDS else ZERO,  # returns
        by_account.get(Account.REALISED_RESULT, ZERO),  # realised
        len(lines) if kind == EntryKind.DISBURSEMENT else 0,  # disbursement_lines
    ]
    with connection.cursor() as cursor:
        cursor.execute(_POSITION_BALANCE_ADD, [position.pk, fund.pk, *figures])
        if kind in PORTFOLIO_KINDS:
            flow = sum((value for account, value in lines if account in CASH_ACCOUNTS), ZERO)
            cursor.execute(_POSITION_FLOW_ADD, [position.pk, booked_on, flow])


_FIGURES = ("invested", "cost", "reserved", "returns", "realised", "disbursement_lines")
_POSITION_BALANCE_ADD = (
    f"INSERT INTO {PositionBalance._meta.db_table} (position_id, fund_id, {', '.join(_FIGURES)})"
    f" VALUES (%s, %s, {', '.join(['%s'] * len(_FIGURES))}) ON CONFLICT (position_id) DO UPDATE SET "
    + ", ".join(f"{name} = {PositionBalance._meta.db_table}.{name} + excluded.{name}" for name in _FIGURES)
)
_POSITION_FLOW_ADD = (
    f"INSERT INTO {PositionFlow._meta.db_table} (position_id, booked_on, amount) VALUES (%s, %s, %s)"
    f" ON CONFLICT (position_id, booked_on) DO UPDATE SET amount = {PositionFlow._meta.db_table}.amount + excluded.amount"
)


def running_balances_rebuild() -> None:
    """Set every running balance (the accounts' and the positions', their daily flows) to the sums of
    the ledger's lines, in one transaction under the fund lock. Not for normal operation (`_post`
    keeps them): for a ledger loaded in bulk (the benchmarks' COPY of reservation/release pairs)."""
    from django.db import transaction

    with transaction.atomic():
        fund = _lock_fund()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AccountBalance._meta.db_table} WHERE fund_id = %s", [fund.pk])
            cursor.execute(
                f"DELETE FROM {PositionFlow._meta.db_table} WHERE position_id IN"
                f" (SELECT id FROM {Position._meta.db_table} WHERE fund_id = %s)",
                [fund.pk],
            )
            cursor.execute(f"DELETE FROM {PositionBalance._meta.db_table} WHERE fund_id = %s", [fund.pk])
            returns = ", ".join(["%s"] * len(RETURN_KINDS))
            portfolio = ", ".join(["%s"] * len(PORTFOLIO_KINDS))
            cursor.execute(
                f"INSERT INTO {AccountBalance._meta.db_table} (fund_id, account, balance, returns)"
                " SELECT fund_id, account, SUM(amount),"
                f" COALESCE(SUM(CASE WHEN kind IN ({returns}) THEN amount END), 0)"
                f" FROM {JournalLine._meta.db_table} WHERE fund_id = %s GROUP BY fund_id, account",
                [*RETURN_KINDS, fund.pk],
            )
            cursor.execute(
                f"INSERT INTO {PositionBalance._meta.db_table} (position_id, fund_id, {', '.join(_FIGURES)})"
                " SELECT position_id, fund_id,"
                " COALESCE(SUM(CASE WHEN account = %s AND kind = %s THEN amount END), 0),"
                " COALESCE(SUM(CASE WHEN account = %s THEN amount END), 0),"
                " COALESCE(SUM(CASE WHEN account = %s THEN amount END), 0),"
                f" COALESCE(SUM(CASE WHEN account = %s AND kind IN ({returns}) THEN amount END), 0),"
                " COALESCE(SUM(CASE WHEN account = %s THEN amount END), 0),"
                " COUNT(CASE WHEN kind = %s THEN 1 END)"
                f" FROM {JournalLine._meta.db_table} WHERE fund_id = %s AND position_id IS NOT NULL"
                " GROUP BY position_id, fund_id",
                [
                    Account.INVESTMENTS,
                    EntryKind.DISBURSEMENT,
                    Account.INVESTMENTS,
                    Account.CASH_RESERVED,
                    Account.CASH_AVAILABLE,
                    *RETURN_KINDS,
                    Account.REALISED_RESULT,
                    EntryKind.DISBURSEMENT,
                    fund.pk,
                ],
            )
            cursor.execute(
                f"INSERT INTO {PositionFlow._meta.db_table} (position_id, booked_on, amount)"
                f" SELECT position_id, booked_on, SUM(amount) FROM {JournalLine._meta.db_table}"
                f" WHERE fund_id = %s AND position_id IS NOT NULL AND account IN (%s, %s) AND kind IN ({portfolio})"
                " GROUP BY position_id, booked_on",
                [fund.pk, *CASH_ACCOUNTS, *PORTFOLIO_KINDS],
            )


def ledger_verify(*, found_by: str) -> tuple[list[int], list[dict]]:
    """Check the ledger (`manage.py verify_ledger`): every entry balances, and the running balances
    kept beside it equal the sums of its lines. What differs is recorded in the audit trail
    (`ledger.verification_failed`, by the system, in its own transaction); returns the unbalanced
    entries' ids and the running balances that differ (`running_balance_mismatches`)."""
    fund = fund_get()
    unbalanced = unbalanced_entries(fund=fund)
    mismatches = running_balance_mismatches(fund=fund)
    if unbalanced or mismatches:
        with transaction.atomic():
            audit_log(
                actor=None,
                action=AuditRecord.Action.OTHER,
                event="ledger.verification_failed",
                obj=fund,
                changes={
                    "unbalanced_entries": unbalanced,
                    "mismatches": [{k: str(v) for k, v in m.items()} for m in mismatches],
                    "found_by": found_by,
                },
            )
    return unbalanced, mismatches


def _figures(fund: Fund) -> dict[str, Decimal]:
    return liquidity(ledger_totals(fund=fund))


# ------------------------------------------------------------------------------------------------
# The limits (letter, "Financiële omvang Beschermingsvoorziening Economische Veiligheid")
# ------------------------------------------------------------------------------------------------
def _check_committed_limit(fund: Fund, figures: dict, amount: Decimal) -> None:
    """ "De totale omvang van de beschermingsvoorziening bedraagt 100 miljoen euro", received as a
    subordinated loan in tranches: tranches received never exceed the committed capital."""
    room = fund.committed_limit - figures["received"]
    if amount > room:
        raise LimitExceeded(
            _("Deze tranche overschrijdt het toegezegde kapitaal van %(limit)s: nog te ontvangen is %(room)s.")
            % {"limit": page_euro(fund.committed_limit, cents=True), "room": page_euro(room, cents=True)},
            field="amount",
            code="committed_limit",
        )


def _check_available(figures: dict, amount: Decimal, *, own_reservation: Decimal = ZERO) -> None:
    """A reservation or disbursement never exceeds the available liquidity (liquid minus reserved);
    a disbursement may also draw on its own position's reservation."""
    room = figures["available"] + own_reservation
    if amount > room:
        if own_reservation:
            # The figure named is what this booking may use: the fund's free liquidity and the position's
            # own reservation (found by trying the product: the message called it "liquid minus reserved").
            message = _(
                "Onvoldoende beschikbare liquiditeit: beschikbaar is %(room)s (de vrije liquide middelen, "
                "%(free)s, plus de reservering van deze positie, %(own)s), gevraagd %(amount)s. Er is niets geboekt."
            ) % {
                "room": page_euro(room, cents=True),
                "free": page_euro(figures["available"], cents=True),
                "own": page_euro(own_reservation, cents=True),
                "amount": page_euro(amount, cents=True),
            }
        else:
            message = _(
                "Onvoldoende beschikbare liquiditeit: beschikbaar is %(room)s (liquide middelen minus reserveringen), "
                "gevraagd %(amount)s. Er is niets geboekt."
            ) % {"room": page_euro(room, cents=True), "amount": page_euro(amount, cents=True)}
        raise LimitExceeded(message, field="amount", code="available_liquidity")


def _check_fee_budget(fund: Fund, *, year: int, amount: Decimal) -> None:
    """ "Invest-NL [zal] een gepaste beheersvergoeding ontvangen. Deze vergoeding komt ten laste van
    het fondsbudget" (letter, "Financiële omvang"): the fees booked in a calendar year never exceed
    the year's budget (bev.models.FeeBudget; none set: nothing may be booked). Under the fund lock."""
    from ..selectors import fee_year

    figures = fee_year(year=year)
    if amount > figures["left"]:
        raise Conflict(
            _(
                "Deze beheersvergoeding (%(amount)s) gaat boven het budget beheersvergoeding %(year)s "
                "van %(budget)s: geboekt is %(booked)s, over is %(left)s. Er is niets geboekt."
            )
            % {
                "amount": page_euro(amount, cents=True),
                "year": year,
                "budget": page_euro(figures["budget"], cents=True),
                "booked": page_euro(figures["booked"], cents=True),
                "left": page_euro(max(figures["left"], ZERO), cents=True),
            },
            code="fee_budget_exceeded",
            extra={
                "year": year,
                "budget": str(figures["budget"]),
                "booked": str(figures["booked"]),
                "left": str(max(figures["left"], ZERO)),
            },
        )


def _governing_decision(case_id: int) -> GoverningDecision | None:
    """The case's governing decision to deploy (its latest confirmed one, `Case.governing_deploy_decision`)
    with, in the same statement, what is committed in the case under the ledger (reserved plus
    disbursed, less releases and reversals: the case's reserved balance plus its disbursement lines on
    the investments account, from its positions' running figures; exits do not give room back),
    whether Invest-NL's investment proposal under it was approved, and the sum of the amounts of the
    case's approved proposals (under this decision and the earlier ones). Only under the fund lock: every
    writer of the ledger holds it. Compiled once (`core.precompiled`): it is built under the lock."""
    found = list(_GOVERNING_DECISION(case_id=case_id))
    return cast("GoverningDecision | None", found[0] if found else None)


def _governing_decision_query(case_id: int) -> QuerySet[CabinetDecision]:
    committed = (
        PositionBalance.objects.filter(position__case_id=OuterRef("case_id"))
        .order_by()
        .values("position__case_id")
        .annotate(total=Sum(F("reserved") + F("invested")))
        .values("total")
    )
    approved = InvestmentProposal.objects.filter(decision_id=OuterRef("pk"), status=ProposalStatus.APPROVED)
    approved_total = (
        InvestmentProposal.objects.filter(case_id=OuterRef("case_id"), status=ProposalStatus.APPROVED)
        .order_by()
        .values("case_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    # A confirmed order to sell the stake after this decision (its reference; the latest first).
    sale_order = CabinetDecision.objects.filter(
        Q(confirmed_at__gt=OuterRef("confirmed_at")) | Q(confirmed_at=OuterRef("confirmed_at"), pk__gt=OuterRef("pk")),
        case_id=OuterRef("case_id"),
        orders_sale=True,
        confirmed_at__isnull=False,
    ).order_by("-confirmed_at", "-id")
    return (
        CabinetDecision.objects.filter(case_id=case_id, deploy=True, confirmed_at__isnull=False)
        .annotate(
            sale_ordered_since=Subquery(sale_order.values("reference")[:1]),
            committed=Coalesce(
                Subquery(committed), Value(ZERO), output_field=DecimalField(max_digits=17, decimal_places=2)
            ),
            proposal_approved=Exists(approved),
            proposals_approved_total=Coalesce(
                Subquery(approved_total), Value(ZERO), output_field=DecimalField(max_digits=17, decimal_places=2)
            ),
        )
        .order_by("-confirmed_at", "-id")[:1]
    )


_GOVERNING_DECISION = Precompiled(_governing_decision_query, "case_id")


def _check_cabinet_decision(*, case: Case, instrument: str, increase: Decimal) -> None:
    """The kabinetsbesluit binds the money: "Als een casus voorkomt die aan de voorwaarden uit het
    eerdergenoemde afwegingskader voldoet, draag ik zorg dat het kabinetsbesluit om te investeren
    door Invest-NL effectief ten uitvoer wordt gebracht. Invest-NL is daarbij verantwoordelijk voor
    het uitwerken van een voorstel voor de meest optimale investeringsmogelijkheid" (letter,
    "Invest-NL als beheerder").

    Every reservation and disbursement, under the fund lock: there is a confirmed decision to deploy
    (the latest governs), no confirmed order to sell the stake came after it, it has not lapsed, it allows the position's instrument, Invest-NL's
    investment proposal under it was approved by EZK, and the case's committed total (reserved +
    disbursed, less releases) plus `increase` stays within the decided maximum. Anything beyond
    needs a new decision (the follow-on route in the lifecycle). Refusals are 409 and name the
    decision and what is left under it. Then, on the same figures, the approved investment
    proposals' amount (`_check_approved_proposals`)."""
    decision = _governing_decision(case.pk)
    if decision is None:
        raise Conflict(
            _("Er is geen bevestigd kabinetsbesluit tot inzet van de voorziening in deze casus."),
            code="no_cabinet_decision",
        )
    if decision.sale_ordered_since is not None:
        # The cabinet ordered the stake sold (the exit gate's second ground, cases.guards.exit_is_authorised;
        # letter, "Werking": the State "zal ... haar belang ... afbouwen"): no new money goes in under the
        # decision to deploy before it. The service's own control (docs/security.md); a later decision to
        # deploy (a follow-on) governs again.
        raise Conflict(
            _(
                "Het kabinet heeft na kabinetsbesluit %(ref)s besloten tot verkoop van het belang (%(order)s): "
                "er wordt niets meer gereserveerd of uitbetaald. Daarvoor is een nieuw kabinetsbesluit tot "
                "inzet nodig. Er is niets geboekt."
            )
            % {"ref": decision.reference, "order": decision.sale_ordered_since},
            code="cabinet_ordered_sale",
            extra={"decision": decision.reference, "sale_order": decision.sale_ordered_since},
        )
    left = (decision.max_amount or ZERO) - decision.committed
    extra = {
        "decision": decision.reference,
        "max_amount": str(decision.max_amount),
        "committed": str(decision.committed),
        "left": str(max(left, ZERO)),
    }
    if decision.lapses_on is not None and timezone.localdate() > decision.lapses_on:
        raise Conflict(
            _(
                "Kabinetsbesluit %(ref)s is vervallen na %(date)s: onder dit besluit wordt niets meer "
                "gereserveerd of uitbetaald (over was %(left)s). Daarvoor is een nieuw kabinetsbesluit nodig."
            )
            % {
                "ref": decision.reference,
                "date": decision.lapses_on.isoformat(),
                "left": page_euro(max(left, ZERO), cents=True),
            },
            code="cabinet_decision_lapsed",
            extra=extra,
        )
    if instrument not in decision.instruments:
        raise Conflict(
            _(
                "Kabinetsbesluit %(ref)s staat het instrument „%(instrument)s” niet toe (wel: %(allowed)s); "
                "onder het besluit is nog %(left)s over."
            )
            % {
                "ref": decision.reference,
                "instrument": _instrument_label(instrument),
                "allowed": ", ".join(_instrument_label(code) for code in decision.instruments),
                "left": page_euro(max(left, ZERO), cents=True),
            },
            code="cabinet_decision_instrument",
            extra=extra,
        )
    if not decision.proposal_approved:
        raise Conflict(
            _(
                "Er is geen door EZK goedgekeurd investeringsvoorstel van de beheerder onder "
                "kabinetsbesluit %(ref)s: er kan nog niets worden gereserveerd of uitbetaald."
            )
            % {"ref": decision.reference},
            code="no_approved_proposal",
            extra=extra,
        )
    if increase > left:
        raise Conflict(
            _(
                "Kabinetsbesluit %(ref)s staat in deze casus ten hoogste %(max)s toe; gereserveerd en "
                "uitbetaald is %(committed)s, over is %(left)s, gevraagd %(amount)s. Voor meer is een "
                "nieuw kabinetsbesluit nodig (vervolginvestering). Er is niets geboekt."
            )
            % {
                "ref": decision.reference,
                "max": page_euro(decision.max_amount, cents=True),
                "committed": page_euro(decision.committed, cents=True),
                "left": page_euro(max(left, ZERO), cents=True),
                "amount": page_euro(increase, cents=True),
            },
            code="cabinet_decision_limit",
            extra=extra,
        )
    _check_approved_proposals(decision, increase)


def _instrument_label(code: str) -> str:
    """An instrument as people read it (Aandelen), a code the service does not know as itself."""
    return str(Instrument(code).label) if code in Instrument.values else code


def _check_approved_proposals(decision: GoverningDecision, increase: Decimal) -> None:
    """What is reserved and disbursed in a case stays within the amounts EZK approved in Invest-NL's
    investment proposals for it. The letter: "Invest-NL is daarbij verantwoordelijk voor het
    uitwerken van een voorstel voor de meest optimale investeringsmogelijkheid" ("Invest-NL als
    beheerder"), and the cabinet decides. The letter does not say in so many words that the approved
    amount caps the money: that cap is the service's own control (docs/security.md), so that money
    never goes beyond what was proposed and approved (below the cabinet's maximum, which may be higher).

    A proposal binds its case (`InvestmentProposal.case`, one approved per decision): a follow-on
    decision's proposal adds its amount (tests/test_follow_on_decision.py: €10m, then €5m more under a
    €15m maximum). Measured as the cabinet maximum is (`_governing_decision`: reserved plus disbursed,
    less releases and reversals), read under the fund lock, which every writer of the ledger holds;
    approving a proposal only raises the cap and a decided proposal never changes, so the check holds
    under concurrency as the cabinet's does. Called by `_check_cabinet_decision` only."""
    approved = decision.proposals_approved_total
    left = approved - decision.committed
    if increase > left:
        raise LimitExceeded(
            _(
                "De goedgekeurde investeringsvoorstellen in deze casus komen samen op %(approved)s; "
                "gereserveerd en uitbetaald is %(committed)s, over is %(left)s, gevraagd %(amount)s. "
                "Voor meer is een nieuw, door EZK goedgekeurd investeringsvoorstel nodig. Er is niets geboekt."
            )
            % {
                "approved": page_euro(approved, cents=True),
                "committed": page_euro(decision.committed, cents=True),
                "left": page_euro(max(left, ZERO), cents=True),
                "amount": page_euro(increase, cents=True),
            },
            field="amount",
            code="investment_proposal_limit",
            extra={
                "decision": decision.reference,
                "approved": str(approved),
                "committed": str(decision.committed),
                "left": str(max(left, ZERO)),
            },
        )


def _sweep_excess(*, fund: Fund, user: User, booked_on: date, cause: JournalEntry | None) -> JournalEntry | None:
    """ "De maximale omvang van de voorziening bedraagt 150 miljoen euro in liquide middelen. Voor
    zover de liquide middelen dit maximum overschrijden, vloeien ze terug naar de staatskas."
    Called after every inflow, in the same transaction: no committed state shows more."""
    figures = _figures(fund)
    excess = figures["liquid"] - fund.liquid_cap
    if excess <= 0:
        return None
    key = f"sweep:{cause.pk}" if cause else f"sweep:{booked_on.isoformat()}:{timezone.now().timestamp()}"
    return _post(
        fund=fund,
        kind=EntryKind.SWEEP,
        booked_on=booked_on,
        key=key,
        user=user,
        amount=excess,
        description=_("Afdracht aan de staatskas: liquide middelen boven het maximum van %(cap)s.")
        % {"cap": page_euro(fund.liquid_cap, cents=True)},
        lines=[(Account.TREASURY, excess), (Account.CASH_AVAILABLE, -excess)],
    )


def _executed(*, kind: str, position: Position, amount: Decimal, on: date, user: User, source_key: str) -> None:
    """Tell the parliament side (inside this transaction) that a fund transaction was executed."""
    events.transaction_executed(
        events.TransactionExecuted(
            kind=str(kind),
            case_id=position.case_id,
            position_id=position.pk,
            amount=amount,
            executed_on=on,
            user_id=user.pk,
            source_key=source_key,
            actor=user,
        )
    )
