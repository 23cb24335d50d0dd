"""Services of the fund: every movement of money, each in one transaction.

Every booking service starts by locking the fund row (`_lock_fund`, select_for_update): bookings
against the fund are serialised, so the limits below hold however many managers book at once.
Limits are checked against the balances read *after* the lock, and a refusal raises before
anything is written (the transaction rolls back). The balances are the running balances that
`_post` adds every entry to in the entry's own transaction (`AccountBalance`; the ledger remains the
truth they are reconciled with), so a booking does not sum the whole ledger under the lock. Reads
and checks that the lock does not protect come before it (see `disbursement_approve`).

The limits, each in one place:
- `_check_committed_limit`: tranches received never exceed the committed capital (€100m).
- `_check_available`: a reservation or disbursement never exceeds the available liquidity.
- `_sweep_excess`: after every inflow, liquid assets above the cap (€150m) go to the treasury.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log, diff
from cases.constants import State
from core.exceptions import Conflict, NotFound, PermissionDenied, RuleViolation
from core.inserts import insert, insert_many, update
from core.precompiled import Precompiled

from . import events
from .constants import (
    LOAN_INSTRUMENTS,
    PORTFOLIO_KINDS,
    REFUSED_INSTRUMENT_REASON,
    REFUSED_INSTRUMENTS,
    RETURN_KINDS,
    REVERSIBLE_KINDS,
    Account,
    DisbursementStatus,
    EntryKind,
    FollowUpStatus,
    Instrument,
    RightKind,
    TransactionKind,
    ValuationMethod,
)
from .models import (
    AccountBalance,
    AcquiredRight,
    Conversion,
    DecisionCondition,
    Dilution,
    Disbursement,
    Exit,
    Fund,
    JournalEntry,
    JournalLine,
    ManagerPeriod,
    PlannedTranche,
    Position,
    Valuation,
)
from .selectors import ZERO, fund_get, ledger_totals, liquidity, position_balances

CENT = Decimal("0.01")
# The most a single booking may be (docs/security.md): ten times the fund's committed capital of
# EUR 100 million and well above its EUR 150 million liquidity cap, so an exit at a multiple of the
# fund's largest stake still fits, while a typo of a few zeros (a EUR 196 billion dividend on a EUR 10
# million position, which was booked and swept to the treasury) is refused.
AMOUNT_CEILING = Decimal("1000000000.00")
# The most a valuation may be as a multiple of what was invested in the position: MOIC and the
# position's figures derive from it, and no stake the fund takes grows a thousandfold.
MAX_VALUATION_MULTIPLE = Decimal("1000")
PERCENT_PLACES = Decimal("0.000001")

# Case states in which money may go into a position (first investment, then follow-ons).
DISBURSEMENT_STATES = [State.INVESTMENT_PREPARATION, State.INVESTED, State.MONITORING]
# Case states in which a position is sold down (partial or full exit).
EXIT_STATES = [State.INVESTED, State.MONITORING, State.EXIT]


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------
def money(value, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """EUR with cents: a positive Decimal with at most two decimals, else a field error."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise RuleViolation(_("Geef een bedrag in euro's op."), field=field) from None
    if not amount.is_finite():
        raise RuleViolation(_("Geef een bedrag in euro's op."), field=field)
    if amount != amount.quantize(CENT):
        raise RuleViolation(_("Een bedrag heeft ten hoogste twee decimalen (centen)."), field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise RuleViolation(_("Het bedrag moet groter zijn dan nul."), field=field)
    if amount > AMOUNT_CEILING:
        raise RuleViolation(_("Het bedrag is hoger dan het plafond van %(ceiling)s per boeking; controleer het "
                              "bedrag.") % {"ceiling": eur(AMOUNT_CEILING)}, field=field)
    return amount.quantize(CENT)


def eur(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"€ {int(whole):,}".replace(",", ".") + f",{cents}"


def _lock_fund() -> Fund:
    """Serialise every booking against the fund (the limits are checked under this lock): one query."""
    found = list(_FUND_FOR_UPDATE())
    if not found:
        raise NotFound("Het fonds is nog niet ingericht.", code="fund_not_configured")
    return found[0]


# The statements every booking runs under the fund lock, compiled once (`core.precompiled`): the lock
# is held while Django builds each query, so their building is the bookings' serial part.
_FUND_FOR_UPDATE = Precompiled(lambda: Fund.objects.select_for_update(no_key=True).filter(code="BEV").order_by("pk")[:1])
_LATEST_BOOKING_DATE = Precompiled(lambda fund_id: JournalEntry.objects.filter(fund_id=fund_id)
                                   .order_by("-booked_on").values_list("booked_on", flat=True)[:1], "fund_id")


def _disbursement_for_update(disbursement_id: int):
    """The disbursement (its row locked) with its position and case, and, read in the same statement:
    the fund's latest booking date, the position's reservation and how many disbursement lines it
    has (none: this is its first investment; every disbursement entry, a reversal too, has lines on
    its position). Only under the fund lock: every writer of the ledger holds it, so the
    statement's snapshot, taken after the lock was granted, is the ledger as this booking finds it."""
    own_lines = JournalLine.objects.filter(position_id=OuterRef("position_id")).order_by().values("position_id")
    return Disbursement.objects.select_for_update(no_key=True, of=("self",)).select_related("position__case").filter(
        pk=disbursement_id).annotate(
        fund_latest_booking=Subquery(JournalEntry.objects.filter(fund_id=OuterRef("position__fund_id"))
                                     .order_by("-booked_on").values("booked_on")[:1]),
        own_reserved=Subquery(own_lines.annotate(total=Sum("amount", filter=Q(account=Account.CASH_RESERVED)))
                              .values("total")),
        own_disbursement_lines=Subquery(own_lines.annotate(n=Count("id", filter=Q(kind=EntryKind.DISBURSEMENT)))
                                        .values("n")))


_DISBURSEMENT_FOR_UPDATE = Precompiled(_disbursement_for_update, "disbursement_id")


def _booking_date(fund: Fund, booked_on: date | None, *, field: str = "booked_on") -> date:
    """Entries are dated no later than today and never before the fund's latest entry, so the
    balance on every date is one the limits allowed (no back-dated breach of a limit)."""
    return _booking_date_after(next(iter(_LATEST_BOOKING_DATE(fund_id=fund.pk)), None), booked_on, field=field)


def _booking_date_after(last: date | None, booked_on: date | None, *, field: str = "booked_on") -> date:
    """`_booking_date` given the fund's latest booking date, read under the fund lock."""
    booked_on = _not_in_future(booked_on, field=field) or timezone.localdate()
    if last is not None and booked_on < last:
        raise RuleViolation(_("De boekdatum ligt vóór de laatste boeking (%(last)s); boek op of na die datum.")
                            % {"last": last.isoformat()}, field=field)
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


def _replayed(fund: Fund, key: str, *, kind: str, amount: Decimal, position: Position | None) -> JournalEntry | None:
    """A retried request gets the entry it booked the first time; a different request with the same
    key is refused."""
    entry = JournalEntry.objects.filter(fund=fund, idempotency_key=key).first()
    if entry is None:
        return None
    if entry.kind != kind or entry.amount != amount or entry.position_id != (position.pk if position else None):
        raise Conflict(_("Deze idempotentiesleutel is al gebruikt voor een andere boeking."),
                       code="idempotency_key_reused")
    entry.replayed = True
    return entry


def _post(*, fund: Fund, kind: str, booked_on: date, description: str, key: str, user, amount: Decimal,
          lines: list[tuple[str, Decimal]], position: Position | None = None, reverses: JournalEntry | None = None,
          approved_by=None) -> JournalEntry:
    """Write one balanced entry and its lines (the only place that writes the ledger), and add the
    lines to the running balances in the same transaction."""
    lines = [(account, value.quantize(CENT)) for account, value in lines if value]
    if sum((value for _, value in lines), ZERO) != 0:
        raise ValueError(f"Unbalanced entry: {lines}")  # a programming error, never user input
    if kind not in PORTFOLIO_KINDS and any(account == Account.INVESTMENTS for account, _ in lines):
        # the overview's cached figures over the holdings are keyed on PORTFOLIO_KINDS entries only
        raise ValueError(f"A {kind} entry may not touch the investments account")  # a programming error
    entry = JournalEntry(fund=fund, kind=kind, booked_on=booked_on, description=description.strip(),
                         idempotency_key=key, position=position, case_id=position.case_id if position else None,
                         reverses=reverses, created_by=user, approved_by=approved_by, amount=amount)
    # Append-only rows, each a prepared INSERT (`core.inserts`): the ORM's InsertQuery compiled for
    # every booking was a large part of the time the fund lock is held.
    insert(entry)
    insert_many([JournalLine(entry=entry, fund=fund, account=account, position=position, kind=kind,
                             booked_on=booked_on, amount=value) for account, value in lines])
    _add_to_running_balances(fund, kind, lines)
    audit_log(actor=user, action=AuditRecord.Action.BOOKING, event=f"ledger.{kind}", obj=entry,
              case_id=entry.case_id,
              changes={"kind": kind, "booked_on": booked_on, "amount": amount, "reverses": reverses.pk if reverses else None,
                       "lines": [{"account": a, "amount": v} for a, v in lines]})
    entry.replayed = False
    return entry


def _add_to_running_balances(fund: Fund, kind: str, lines: list[tuple[str, Decimal]]) -> None:
    """One statement: each account's running balance (and its part booked by returns) goes up by the
    entry's line on it, the row made on the account's first line. An increment, so that it holds
    even without the fund lock."""
    table = AccountBalance._meta.db_table
    is_return = kind in RETURN_KINDS
    params = []
    for account, value in lines:
        params += [fund.pk, account, value, value if is_return else ZERO]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (fund_id, account, balance, returns) VALUES "
            + ", ".join(["(%s, %s, %s, %s)"] * len(lines))
            + f" ON CONFLICT (fund_id, account) DO UPDATE SET balance = {table}.balance + excluded.balance,"
            f" returns = {table}.returns + excluded.returns", params)


def _figures(fund: Fund) -> dict[str, Decimal]:
    return liquidity(ledger_totals(fund=fund))


# ------------------------------------------------------------------------------------------------
# The limits (letter, "Financiële omvang Beschermingsvoorziening Economische Veiligheid")
# ------------------------------------------------------------------------------------------------
def _check_committed_limit(fund: Fund, figures: dict, amount: Decimal) -> None:
    """"De totale omvang van de beschermingsvoorziening bedraagt 100 miljoen euro", received as a
    subordinated loan in tranches: tranches received never exceed the committed capital."""
    room = fund.committed_limit - figures["received"]
    if amount > room:
        raise RuleViolation(
            _("Deze tranche overschrijdt het toegezegde kapitaal van %(limit)s: nog te ontvangen is %(room)s.")
            % {"limit": eur(fund.committed_limit), "room": eur(room)}, field="amount")


def _check_available(figures: dict, amount: Decimal, *, own_reservation: Decimal = ZERO) -> None:
    """A reservation or disbursement never exceeds the available liquidity (liquid minus reserved);
    a disbursement may also draw on its own position's reservation."""
    room = figures["available"] + own_reservation
    if amount > room:
        raise RuleViolation(
            _("Onvoldoende beschikbare liquiditeit: beschikbaar is %(room)s (liquide middelen minus reserveringen), "
              "gevraagd %(amount)s. Er is niets geboekt.") % {"room": eur(room), "amount": eur(amount)},
            field="amount")


def _sweep_excess(*, fund: Fund, user, booked_on: date, cause: JournalEntry | None) -> JournalEntry | None:
    """"De maximale omvang van de voorziening bedraagt 150 miljoen euro in liquide middelen. Voor
    zover de liquide middelen dit maximum overschrijden, vloeien ze terug naar de staatskas."
    Called after every inflow, in the same transaction: no committed state shows more."""
    figures = _figures(fund)
    excess = figures["liquid"] - fund.liquid_cap
    if excess <= 0:
        return None
    key = f"sweep:{cause.pk}" if cause else f"sweep:{booked_on.isoformat()}:{timezone.now().timestamp()}"
    return _post(fund=fund, kind=EntryKind.SWEEP, booked_on=booked_on, key=key, user=user, amount=excess,
                 description=_("Afdracht aan de staatskas: liquide middelen boven het maximum van %(cap)s.")
                 % {"cap": eur(fund.liquid_cap)},
                 lines=[(Account.TREASURY, excess), (Account.CASH_AVAILABLE, -excess)])


# ------------------------------------------------------------------------------------------------
# The fund and its manager
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def fund_establish(*, user=None, name: str, policy_owner: str, manager_name: str, manager_from: date,
                   committed_limit: Decimal = Decimal("100000000.00"), liquid_cap: Decimal = Decimal("150000000.00"),
                   planned_tranches: dict[int, Decimal] | None = None) -> Fund:
    """Set up the SPV with its limits, its tranche schedule and its first manager (idempotent)."""
    if user is not None:
        require(user, "fund.configure")
    fund, created = Fund.objects.get_or_create(code="BEV", defaults={
        "name": name, "policy_owner": policy_owner, "committed_limit": committed_limit, "liquid_cap": liquid_cap})
    if not created:
        return fund
    for year, amount in (planned_tranches or {2023: Decimal("50000000.00"), 2024: Decimal("50000000.00")}).items():
        PlannedTranche.objects.create(fund=fund, year=year, amount=amount)
    ManagerPeriod.objects.create(fund=fund, name=manager_name, valid_from=manager_from)
    audit_log(actor=user, action=AuditRecord.Action.CREATE, event="fund.establish", obj=fund,
              changes=diff({}, {"name": name, "policy_owner": policy_owner, "committed_limit": committed_limit,
                                "liquid_cap": liquid_cap, "manager": manager_name, "manager_from": manager_from}))
    return fund


@transaction.atomic
def manager_change(*, user, name: str, valid_from: date, notes: str = "") -> ManagerPeriod:
    """A new manager takes over from `valid_from` (e.g. the integrated investment institution,
    aimed for 1 January 2028 in the 2025 letter); the current period ends the day before."""
    require(user, "fund.configure")
    fund = _lock_fund()
    if not (name or "").strip():
        raise RuleViolation(_("De naam van de beheerder is verplicht."), field="name")
    current = fund.manager_periods.filter(valid_to__isnull=True).order_by("-valid_from").first()
    if current is not None:
        if valid_from <= current.valid_from:
            raise RuleViolation(_("Een nieuwe beheerder begint na de huidige (%(since)s).")
                                % {"since": current.valid_from.isoformat()}, field="valid_from")
        current.valid_to = valid_from - timedelta(days=1)
        current.save(update_fields=["valid_to"])
    period = ManagerPeriod.objects.create(fund=fund, name=name.strip(), valid_from=valid_from, notes=notes)
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="fund.manager_change", obj=period,
              changes={"manager": {"before": current.name if current else None, "after": period.name},
                       "valid_from": valid_from})
    return period


# ------------------------------------------------------------------------------------------------
# Fund-wide movements
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def tranche_receive(*, user, amount, idempotency_key: str, received_on: date | None = None,
                    description: str = "") -> JournalEntry:
    """A tranche of the ministry's subordinated loan is received."""
    require(user, "fund.book")
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    if replay := _replayed(fund, key, kind=EntryKind.TRANCHE, amount=amount, position=None):
        return replay
    booked_on = _booking_date(fund, received_on, field="received_on")
    _check_committed_limit(fund, _figures(fund), amount)
    entry = _post(fund=fund, kind=EntryKind.TRANCHE, booked_on=booked_on, key=key, user=user, amount=amount,
                  description=description or _("Tranche achtergestelde lening %(owner)s.") % {"owner": fund.policy_owner},
                  lines=[(Account.CASH_AVAILABLE, amount), (Account.MINISTRY_LOAN, -amount)])
    _sweep_excess(fund=fund, user=user, booked_on=booked_on, cause=entry)
    return entry


@transaction.atomic
def fee_charge(*, user, amount, idempotency_key: str, booked_on: date | None = None,
               description: str = "") -> JournalEntry:
    """The management fee: "Invest-NL [zal] een gepaste beheersvergoeding ontvangen. Deze vergoeding
    komt ten laste van het fondsbudget" (letter)."""
    require(user, "fund.book")
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    if replay := _replayed(fund, key, kind=EntryKind.FEE, amount=amount, position=None):
        return replay
    booked_on = _booking_date(fund, booked_on)
    _check_available(_figures(fund), amount)
    return _post(fund=fund, kind=EntryKind.FEE, booked_on=booked_on, key=key, user=user, amount=amount,
                 description=description or _("Beheersvergoeding."),
                 lines=[(Account.MANAGEMENT_FEE, amount), (Account.CASH_AVAILABLE, -amount)])


@transaction.atomic
def fund_sweep(*, user, booked_on: date | None = None) -> JournalEntry | None:
    """Sweep any liquid assets above the cap now (normally done automatically after each inflow)."""
    require(user, "fund.book")
    fund = _lock_fund()
    figures = _figures(fund)
    if figures["liquid"] <= fund.liquid_cap:
        return None
    return _sweep_excess(fund=fund, user=user, booked_on=_booking_date(fund, booked_on), cause=None)


# ------------------------------------------------------------------------------------------------
# Positions
# ------------------------------------------------------------------------------------------------
def _instrument(value: str) -> str:
    if value in REFUSED_INSTRUMENTS:
        raise RuleViolation(REFUSED_INSTRUMENT_REASON % {"instrument": REFUSED_INSTRUMENTS[value]}, field="instrument",
                            code="instrument_not_allowed")
    if value not in Instrument.values:
        raise RuleViolation(_("Onbekend instrument. Toegestaan zijn: %(allowed)s.")
                            % {"allowed": ", ".join(str(label) for label in Instrument.labels)}, field="instrument")
    return value


def _percent(value, *, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleViolation(_("Geef een percentage op."), field=field) from None
    if not percent.is_finite() or percent < 0 or percent > 100:
        raise RuleViolation(_("Een percentage ligt tussen 0 en 100."), field=field)
    return percent.quantize(PERCENT_PLACES)


def _fresh_case(case):
    from cases.models import Case

    return Case.objects.get(pk=case.pk)


@transaction.atomic
def position_create(*, user, case, instrument: str, shares: int | None = None, ownership_percent=None,
                    principal=None, interest_rate_percent=None, maturity_date: date | None = None,
                    conversion_terms: str = "", warrant_terms: str = "", notes: str = "") -> Position:
    """Record the holding the SPV will take in the case's target company (before the money goes in)."""
    require(user, "fund.book", case=case)
    instrument = _instrument(instrument)
    case = _fresh_case(case)
    if case.state != State.INVESTMENT_PREPARATION:
        raise Conflict(_("Een positie wordt vastgelegd wanneer de investering wordt voorbereid."),
                       code="invalid_state")
    decision = case.confirmed_cabinet_decision()
    if decision is None or not decision.deploy:
        raise Conflict(_("Er is geen bevestigd kabinetsbesluit tot inzet van de voorziening."),
                       code="no_cabinet_decision")
    ownership = _percent(ownership_percent, field="ownership_percent")
    principal = money(principal, field="principal") if principal not in (None, "") else None
    if instrument in LOAN_INSTRUMENTS and principal is None:
        raise RuleViolation(_("Een lening heeft een hoofdsom."), field="principal")
    if instrument == Instrument.CONVERTIBLE_LOAN and not conversion_terms.strip():
        raise RuleViolation(_("Leg de conversievoorwaarden vast."), field="conversion_terms")
    if instrument == Instrument.LOAN_WITH_WARRANTS and not warrant_terms.strip():
        raise RuleViolation(_("Leg de warrantvoorwaarden vast."), field="warrant_terms")
    if instrument == Instrument.EQUITY and ownership is None:
        raise RuleViolation(_("Leg het belang (%) vast."), field="ownership_percent")
    position = Position(fund=fund_get(), case=case, instrument=instrument, shares=shares,
                        ownership_percent=ownership, principal=principal,
                        interest_rate_percent=interest_rate_percent, maturity_date=maturity_date,
                        conversion_terms=conversion_terms, warrant_terms=warrant_terms, notes=notes,
                        created_by=user)
    position.full_clean()
    position.save()
    audit_log(actor=user, action=AuditRecord.Action.CREATE, event="position.create", obj=position,
              case_id=case.pk, changes=diff({}, _position_snapshot(position)))
    return position


def _position_snapshot(position: Position) -> dict:
    return {name: getattr(position, name) for name in (
        "instrument", "shares", "ownership_percent", "principal", "interest_rate_percent", "maturity_date",
        "conversion_terms", "warrant_terms", "exited_on")}


def _locked_position(position: Position) -> Position:
    return Position.objects.select_for_update(no_key=True, of=("self",)).select_related("case").get(pk=position.pk)


def _require_open(position: Position) -> None:
    if position.is_exited:
        raise Conflict(_("Deze positie is volledig afgebouwd."), code="position_exited")


@transaction.atomic
def reservation_book(*, user, position: Position, amount, idempotency_key: str, booked_on: date | None = None,
                     description: str = "") -> JournalEntry:
    """Earmark liquidity for an investment being prepared."""
    require(user, "fund.book", case=position.case)
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    if replay := _replayed(fund, key, kind=EntryKind.RESERVATION, amount=amount, position=position):
        return replay
    position = _locked_position(position)
    _require_open(position)
    booked_on = _booking_date(fund, booked_on)
    _check_available(_figures(fund), amount)
    return _post(fund=fund, kind=EntryKind.RESERVATION, booked_on=booked_on, key=key, user=user, amount=amount,
                 position=position, description=description or _("Reservering voor de voorbereide investering."),
                 lines=[(Account.CASH_RESERVED, amount), (Account.CASH_AVAILABLE, -amount)])


@transaction.atomic
def reservation_release(*, user, position: Position, amount, idempotency_key: str, booked_on: date | None = None,
                        description: str = "") -> JournalEntry:
    """Release (part of) a position's reservation back to the available liquidity."""
    require(user, "fund.book", case=position.case)
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    if replay := _replayed(fund, key, kind=EntryKind.RELEASE, amount=amount, position=position):
        return replay
    booked_on = _booking_date(fund, booked_on)
    reserved = position_balances(position_ids=[position.pk])[position.pk]["reserved"]
    if amount > reserved:
        raise RuleViolation(_("Er is voor deze positie maar %(reserved)s gereserveerd.") % {"reserved": eur(reserved)},
                            field="amount")
    return _post(fund=fund, kind=EntryKind.RELEASE, booked_on=booked_on, key=key, user=user, amount=amount,
                 position=position, description=description or _("Vrijval van de reservering."),
                 lines=[(Account.CASH_AVAILABLE, amount), (Account.CASH_RESERVED, -amount)])


# ------------------------------------------------------------------------------------------------
# Disbursement: four eyes (proposed by one manager, approved by another; the approval books it)
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def disbursement_propose(*, user, position: Position, amount, idempotency_key: str,
                         description: str = "") -> Disbursement:
    require(user, "fund.book", case=position.case)
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()  # also serialises retries of the same proposal
    existing = Disbursement.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.position_id != position.pk or existing.amount != amount:
            raise Conflict(_("Deze idempotentiesleutel is al gebruikt voor een ander voorstel."),
                           code="idempotency_key_reused")
        existing.replayed = True
        return existing
    position = _locked_position(position)
    _require_open(position)
    if position.case.state not in DISBURSEMENT_STATES:
        raise Conflict(_("In de status '%(state)s' wordt niet (meer) in deze casus geïnvesteerd.")
                       % {"state": position.case.get_state_display()}, code="invalid_state")
    own = position_balances(position_ids=[position.pk])[position.pk]["reserved"]
    _check_available(_figures(fund), amount, own_reservation=own)  # early warning; checked again when booked
    disbursement = Disbursement.objects.create(position=position, amount=amount, idempotency_key=key,
                                               description=description or _("Investering."), proposed_by=user)
    audit_log(actor=user, action=AuditRecord.Action.CREATE, event="disbursement.propose", obj=disbursement,
              case_id=position.case_id, changes={"amount": amount, "position": position.pk})
    return disbursement


@transaction.atomic
def disbursement_approve(*, user, disbursement: Disbursement, booked_on: date | None = None) -> Disbursement:
    """The second manager approves: the disbursement is booked within the limits, the case moves to
    invested on the position's first disbursement, and parliament is to be informed.

    What the fund lock does not protect is read and checked before it is taken (the permission, the
    four eyes, the proposer, a date in the future), and a disbursement that cannot be approved is
    refused without waiting for the lock. Under the lock, in one query: the disbursement (its row
    locked against a concurrent rejection) with its position and case read again and checked again,
    the latest booking date, the position's reservation and earlier disbursements; in one more the
    fund's balances; then the entry, its audit records and the follow-ups."""
    position = disbursement.position
    require(user, "fund.approve_disbursement", case=position.case)
    if _approval_refused(disbursement, user):  # early: booked, rejected, own proposal, closed position or case
        return disbursement
    proposer = disbursement.proposed_by  # never changes; the booking is in the proposer's name
    _not_in_future(booked_on)
    fund = _lock_fund()
    disbursement = list(_DISBURSEMENT_FOR_UPDATE(disbursement_id=disbursement.pk))[0]
    disbursement.proposed_by = proposer  # the row's proposer, already read (the response shows them)
    if _approval_refused(disbursement, user):  # again, now that nobody else can book or decide
        return disbursement
    position = disbursement.position
    case = position.case
    if position.fund_id != fund.pk:  # the reads above are of the position's fund
        raise ValueError("The position is not in the fund")  # a programming error: there is one fund
    booked_on = _booking_date_after(disbursement.fund_latest_booking, booked_on)
    amount = disbursement.amount
    own, earlier = (disbursement.own_reserved or ZERO).quantize(CENT), disbursement.own_disbursement_lines or 0
    _check_available(_figures(fund), amount, own_reservation=own)
    from_reservation = min(own, amount)
    first = earlier == 0
    entry = _post(fund=fund, kind=EntryKind.DISBURSEMENT, booked_on=booked_on, key=f"disbursement:{disbursement.pk}",
                  user=proposer, approved_by=user, amount=amount, position=position,
                  description=disbursement.description,
                  lines=[(Account.INVESTMENTS, amount), (Account.CASH_RESERVED, -from_reservation),
                         (Account.CASH_AVAILABLE, -(amount - from_reservation))])
    disbursement.status = DisbursementStatus.BOOKED
    disbursement.decided_by = user
    disbursement.decided_at = timezone.now()
    disbursement.entry = entry
    update(disbursement, ("status", "decided_by", "decided_at", "entry"))  # one prepared UPDATE (core.inserts)
    audit_log(actor=user, action=AuditRecord.Action.APPROVE, event="disbursement.approve", obj=disbursement,
              case_id=case.pk, changes={"amount": amount, "entry": entry.pk})
    if first and case.state == State.INVESTMENT_PREPARATION:
        from cases.services import case_transition

        case_transition(user=user, case=case, name="mark_invested")
    _executed(kind=TransactionKind.FIRST_INVESTMENT if first else TransactionKind.FOLLOW_ON_INVESTMENT,
              position=position, amount=amount, on=booked_on, user=user, source_key=f"journal:{entry.pk}")
    return disbursement


def _approval_refused(disbursement: Disbursement, user) -> bool:
    """Raise if this disbursement cannot be approved by `user`; True for a retried approval (already
    booked by them). Every refusal is final (a decided disbursement, an exited position and a case
    past investing stay so), so it may be checked on a copy read before the lock."""
    if disbursement.status == DisbursementStatus.BOOKED:
        if disbursement.decided_by_id == user.pk:
            return True  # a retried approval
        raise Conflict(_("Deze uitbetaling is al goedgekeurd en geboekt."), code="already_booked")
    if disbursement.status == DisbursementStatus.REJECTED:
        raise Conflict(_("Deze uitbetaling is afgewezen."), code="rejected")
    if disbursement.proposed_by_id == user.pk:
        raise PermissionDenied(_("Vier ogen: wie de uitbetaling voorstelde, kan haar niet zelf goedkeuren."),
                               code="four_eyes")
    position = disbursement.position
    _require_open(position)
    if position.case.state not in DISBURSEMENT_STATES:
        raise Conflict(_("In de status '%(state)s' wordt niet (meer) in deze casus geïnvesteerd.")
                       % {"state": position.case.get_state_display()}, code="invalid_state")
    return False


@transaction.atomic
def disbursement_reject(*, user, disbursement: Disbursement, reason: str) -> Disbursement:
    require(user, "fund.approve_disbursement", case=disbursement.position.case)
    if not (reason or "").strip():
        raise RuleViolation(_("Een reden is verplicht."), field="reason")
    disbursement = Disbursement.objects.select_for_update(no_key=True).get(pk=disbursement.pk)
    if disbursement.status != DisbursementStatus.PROPOSED:
        raise Conflict(_("Over deze uitbetaling is al besloten."), code="already_decided")
    disbursement.status = DisbursementStatus.REJECTED
    disbursement.decided_by = user
    disbursement.decided_at = timezone.now()
    disbursement.rejection_reason = reason.strip()
    disbursement.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="disbursement.reject", obj=disbursement,
              case_id=disbursement.position.case_id, changes={"reason": reason.strip()})
    return disbursement


def _executed(*, kind: str, position: Position, amount: Decimal, on: date, user, source_key: str) -> None:
    """Tell the parliament side (inside this transaction) that a fund transaction was executed."""
    events.transaction_executed(events.TransactionExecuted(
        kind=str(kind), case_id=position.case_id, position_id=position.pk, amount=amount, executed_on=on,
        user_id=user.pk, source_key=source_key, actor=user))


# ------------------------------------------------------------------------------------------------
# Returns and exits
# ------------------------------------------------------------------------------------------------
RETURN_ACCOUNTS = {
    # dividend and interest are income; a repayment takes loan principal off the cost of the holding
    EntryKind.DIVIDEND: Account.INVESTMENT_INCOME,
    EntryKind.INTEREST: Account.INVESTMENT_INCOME,
    EntryKind.REPAYMENT: Account.INVESTMENTS,
}


@transaction.atomic
def return_book(*, user, position: Position, kind: str, amount, idempotency_key: str,
                booked_on: date | None = None, description: str = "") -> JournalEntry:
    """A dividend, interest or repayment received on a position (sale proceeds: `exit_book`)."""
    require(user, "fund.book", case=position.case)
    if kind not in RETURN_ACCOUNTS:
        raise RuleViolation(_("Soort opbrengst: dividend, rente of aflossing."), field="kind")
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    if replay := _replayed(fund, key, kind=kind, amount=amount, position=position):
        return replay
    booked_on = _booking_date(fund, booked_on)
    balance = position_balances(position_ids=[position.pk])[position.pk]
    if balance["invested"] <= 0:
        raise Conflict(_("In deze positie is nog niet geïnvesteerd."), code="not_invested")
    if kind == EntryKind.REPAYMENT:
        if position.instrument not in LOAN_INSTRUMENTS:
            raise RuleViolation(_("Alleen een lening wordt afgelost."), field="kind")
        if amount > balance["cost"]:
            raise RuleViolation(_("De aflossing is hoger dan de uitstaande kostprijs (%(cost)s).")
                                % {"cost": eur(balance["cost"])}, field="amount")
    entry = _post(fund=fund, kind=kind, booked_on=booked_on, key=key, user=user, amount=amount, position=position,
                  description=description or EntryKind(kind).label,
                  lines=[(Account.CASH_AVAILABLE, amount), (RETURN_ACCOUNTS[kind], -amount)])
    _sweep_excess(fund=fund, user=user, booked_on=booked_on, cause=entry)
    return entry


@transaction.atomic
def exit_book(*, user, position: Position, proceeds, fraction_sold_percent, idempotency_key: str,
              exited_on: date | None = None, description: str = "") -> Exit:
    """Sell (part of) the holding: proceeds in, the sold share of the cost off the books, the
    difference realised ("afstoten ... daarbij wordt gestreefd naar het behoud van waarde", letter).
    A full exit (100%) closes the position and releases what is still reserved for it."""
    require(user, "fund.book", case=position.case)
    proceeds, key = money(proceeds, field="proceeds", allow_zero=True), _key(idempotency_key)
    fraction = _percent(fraction_sold_percent, field="fraction_sold_percent")
    if fraction is None or fraction <= 0:
        raise RuleViolation(_("Geef het verkochte deel van het belang op (meer dan 0%, ten hoogste 100%)."),
                            field="fraction_sold_percent")
    fund = _lock_fund()
    if replay := _replayed(fund, key, kind=EntryKind.SALE, amount=proceeds, position=position):
        exit_row = replay.exit
        exit_row.replayed = True
        return exit_row
    position = _locked_position(position)
    _require_open(position)
    case = _fresh_case(position.case)
    if case.state not in EXIT_STATES:
        raise Conflict(_("In de status '%(state)s' kan de positie niet worden afgebouwd.")
                       % {"state": case.get_state_display()}, code="invalid_state")
    booked_on = _booking_date(fund, exited_on, field="exited_on")
    balance = position_balances(position_ids=[position.pk])[position.pk]
    if balance["invested"] <= 0:
        raise Conflict(_("In deze positie is nog niet geïnvesteerd."), code="not_invested")
    full = fraction == 100
    cost = balance["cost"] if full else (balance["cost"] * fraction / 100).quantize(CENT)
    result = proceeds - cost
    entry = _post(fund=fund, kind=EntryKind.SALE, booked_on=booked_on, key=key, user=user, amount=proceeds,
                  position=position, description=description or (_("Volledige exit.") if full else _("Gedeeltelijke exit.")),
                  lines=[(Account.CASH_AVAILABLE, proceeds), (Account.INVESTMENTS, -cost),
                         (Account.REALISED_RESULT, -result)])
    if full and balance["reserved"] > 0:
        # What was still reserved for it is released in an entry of its own: a release, not a return
        # (in the sale's entry it counted as proceeds in the returns, MOIC and IRR).
        release = balance["reserved"]
        _post(fund=fund, kind=EntryKind.RELEASE, booked_on=booked_on, key=f"release-after-sale:{entry.pk}", user=user,
              amount=release, position=position, description=_("Vrijval van de reservering bij de volledige exit."),
              lines=[(Account.CASH_AVAILABLE, release), (Account.CASH_RESERVED, -release)])
    exit_row = Exit.objects.create(position=position, exited_on=booked_on, fraction_sold_percent=fraction,
                                   proceeds=proceeds, cost_derecognised=cost, realised_result=result, is_full=full,
                                   entry=entry, recorded_by=user)
    before = _position_snapshot(position)
    if full:
        position.exited_on = booked_on
        position.ownership_percent = Decimal("0") if position.ownership_percent is not None else None
        position.shares = 0 if position.shares is not None else None
    else:
        remaining = (100 - fraction) / 100
        if position.ownership_percent is not None:
            position.ownership_percent = (position.ownership_percent * remaining).quantize(PERCENT_PLACES)
        if position.shares is not None:
            position.shares = int((Decimal(position.shares) * remaining).to_integral_value())
    position.save(update_fields=["exited_on", "ownership_percent", "shares"])
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="position.exit", obj=position, case_id=case.pk,
              changes={**diff(before, _position_snapshot(position)), "proceeds": proceeds, "cost": cost,
                       "realised_result": result})
    _sweep_excess(fund=fund, user=user, booked_on=booked_on, cause=entry)
    _executed(kind=TransactionKind.FULL_EXIT if full else TransactionKind.PARTIAL_EXIT, position=position,
              amount=proceeds, on=booked_on, user=user, source_key=f"journal:{entry.pk}")
    return exit_row


# ------------------------------------------------------------------------------------------------
# Corrections: a reversing entry, never an edit
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def entry_reverse(*, user, entry: JournalEntry, reason: str, idempotency_key: str,
                  booked_on: date | None = None) -> JournalEntry:
    """Correct a mistake by booking the entry's mirror image. The limits hold afterwards too."""
    require(user, "fund.book")
    if entry.position_id:
        require(user, "fund.book", case=entry.position.case)
    key = _key(idempotency_key)
    if not (reason or "").strip():
        raise RuleViolation(_("Een reden is verplicht."), field="reason")
    fund = _lock_fund()
    if replay := _replayed(fund, key, kind=entry.kind, amount=entry.amount, position=entry.position):
        if replay.reverses_id != entry.pk:
            raise Conflict(_("Deze idempotentiesleutel is al gebruikt voor een andere boeking."),
                           code="idempotency_key_reused")
        return replay
    if entry.reverses_id is not None or entry.kind not in REVERSIBLE_KINDS:
        raise Conflict(_("Deze boeking kan niet worden tegengeboekt."), code="not_reversible")
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("Deze boeking is al tegengeboekt."), code="already_reversed")
    booked_on = _booking_date(fund, booked_on)
    mirror = [(line.account, -line.amount) for line in entry.lines.all()]
    _check_reversal_keeps_limits(fund, entry, mirror)
    reversal = _post(fund=fund, kind=entry.kind, booked_on=booked_on, key=key, user=user, amount=entry.amount,
                     position=entry.position, reverses=entry,
                     description=_("Tegenboeking van #%(id)s: %(reason)s") % {"id": entry.pk, "reason": reason.strip()},
                     lines=mirror)
    _sweep_excess(fund=fund, user=user, booked_on=booked_on, cause=reversal)
    return reversal


def _check_reversal_keeps_limits(fund: Fund, entry: JournalEntry, mirror: list[tuple[str, Decimal]]) -> None:
    totals = ledger_totals(fund=fund)
    for account, amount in mirror:
        totals[account] += amount
    if totals[Account.CASH_AVAILABLE] < 0:
        raise RuleViolation(_("Tegenboeken zou de beschikbare liquiditeit negatief maken."), field="amount")
    if totals[Account.MINISTRY_LOAN] > 0:
        raise RuleViolation(_("Tegenboeken zou meer terugdraaien dan er is ontvangen."), field="amount")
    if entry.position_id:
        balance = position_balances(position_ids=[entry.position_id])[entry.position_id]
        changes = dict(mirror)
        if balance["reserved"] + changes.get(Account.CASH_RESERVED, ZERO) < 0:
            raise RuleViolation(_("Tegenboeken zou de reservering van de positie negatief maken."), field="amount")
        if balance["cost"] + changes.get(Account.INVESTMENTS, ZERO) < 0:
            raise RuleViolation(_("Tegenboeken zou de kostprijs van de positie negatief maken."), field="amount")


# ------------------------------------------------------------------------------------------------
# Valuations, dilution, conversion
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def valuation_record(*, user, position: Position, valued_on: date, fair_value, method: str,
                     notes: str = "") -> Valuation:
    require(user, "fund.book", case=position.case)
    fair_value = money(fair_value, field="fair_value", allow_zero=True)
    if method not in ValuationMethod.values:
        raise RuleViolation(_("Onbekende waarderingsmethode."), field="method")
    if valued_on > timezone.localdate():
        raise RuleViolation(_("Een waardering kan niet in de toekomst liggen."), field="valued_on")
    _lock_fund()  # valuations commit in id order: the overview's cache is keyed on the newest id
    position = _locked_position(position)
    _require_open(position)
    invested = position_balances(position_ids=[position.pk])[position.pk]["invested"]
    if invested > 0 and fair_value > invested * MAX_VALUATION_MULTIPLE:
        raise RuleViolation(_("Een reële waarde van meer dan %(multiple)s maal het geïnvesteerde bedrag (%(invested)s) "
                              "is niet aannemelijk; controleer het bedrag.")
                            % {"multiple": MAX_VALUATION_MULTIPLE, "invested": eur(invested)}, field="fair_value")
    valuation = Valuation.objects.create(position=position, valued_on=valued_on, fair_value=fair_value, method=method,
                                         notes=notes, valued_by=user)
    audit_log(actor=user, action=AuditRecord.Action.CREATE, event="position.valuation", obj=valuation,
              case_id=position.case_id, changes={"valued_on": valued_on, "fair_value": fair_value, "method": method})
    return valuation


@transaction.atomic
def dilution_record(*, user, position: Position, issued_on: date, shares_outstanding_before: int,
                    new_shares_issued: int, notes: str = "") -> Dilution:
    """A new share issue without the SPV: its stake becomes before × outstanding / (outstanding + new)."""
    require(user, "fund.book", case=position.case)
    position = _locked_position(position)
    _require_open(position)
    if position.ownership_percent is None:
        raise Conflict(_("Deze positie heeft (nog) geen aandelenbelang om te verwateren."), code="no_stake")
    if shares_outstanding_before <= 0:
        raise RuleViolation(_("Geef het aantal uitstaande aandelen vóór de uitgifte op."),
                            field="shares_outstanding_before")
    if position.shares and position.shares > shares_outstanding_before:
        raise RuleViolation(_("Er stonden minder aandelen uit dan de positie zelf houdt."),
                            field="shares_outstanding_before")
    if new_shares_issued <= 0:
        raise RuleViolation(_("Geef het aantal nieuw uitgegeven aandelen op."), field="new_shares_issued")
    before = position.ownership_percent
    after = (before * shares_outstanding_before / (shares_outstanding_before + new_shares_issued)).quantize(
        PERCENT_PLACES)
    dilution = Dilution.objects.create(position=position, issued_on=issued_on,
                                       shares_outstanding_before=shares_outstanding_before,
                                       new_shares_issued=new_shares_issued, ownership_before=before,
                                       ownership_after=after, notes=notes, recorded_by=user)
    position.ownership_percent = after
    position.save(update_fields=["ownership_percent"])
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="position.dilution", obj=position,
              case_id=position.case_id, changes={"ownership_percent": {"before": before, "after": after}})
    return dilution


@transaction.atomic
def conversion_record(*, user, position: Position, converted_on: date, shares: int, ownership_percent,
                      notes: str = "") -> Conversion:
    """The convertible loan converts (or the warrants are exercised): the SPV now holds shares."""
    require(user, "fund.book", case=position.case)
    fund = _lock_fund()
    position = _locked_position(position)
    _require_open(position)
    if position.instrument not in LOAN_INSTRUMENTS:
        raise Conflict(_("Alleen een converteerbare lening of lening met warrants wordt geconverteerd."),
                       code="not_convertible")
    if shares is None or shares <= 0:
        raise RuleViolation(_("Geef het aantal verkregen aandelen op."), field="shares")
    ownership = _percent(ownership_percent, field="ownership_percent")
    if ownership is None:
        raise RuleViolation(_("Geef het belang (%) na conversie op."), field="ownership_percent")
    if converted_on > timezone.localdate():
        raise RuleViolation(_("Een conversie kan niet in de toekomst liggen."), field="converted_on")
    balance = position_balances(fund=fund, position_ids=[position.pk])[position.pk]
    if balance["invested"] <= 0:
        raise Conflict(_("In deze positie is nog niet geïnvesteerd."), code="not_invested")
    before = _position_snapshot(position)
    conversion = Conversion.objects.create(position=position, converted_on=converted_on,
                                           from_instrument=position.instrument, shares=shares,
                                           ownership_after=ownership, notes=notes, recorded_by=user)
    position.instrument = Instrument.EQUITY
    position.shares = shares
    position.ownership_percent = ownership
    position.save(update_fields=["instrument", "shares", "ownership_percent"])
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="position.conversion", obj=position,
              case_id=position.case_id, changes=diff(before, _position_snapshot(position)))
    _executed(kind=TransactionKind.CONVERSION, position=position, amount=balance["cost"], on=converted_on, user=user,
              source_key=f"conversion:{conversion.pk}")
    return conversion


# ------------------------------------------------------------------------------------------------
# Rights acquired and the cabinet decision's conditions (followed during monitoring)
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _FollowUp:
    model: type
    event: str


_FOLLOW_UPS = {"right": _FollowUp(AcquiredRight, "position.right"),
               "condition": _FollowUp(DecisionCondition, "position.condition")}


@transaction.atomic
def follow_up_add(*, user, position: Position, what: str, description: str, owner, due_date: date | None = None,
                  kind: str | None = None):
    """Add an acquired right (`what="right"`, with its kind) or a condition of the cabinet decision."""
    require(user, "fund.book", case=position.case)
    spec = _FOLLOW_UPS[what]
    if not (description or "").strip():
        raise RuleViolation(_("Een omschrijving is verplicht."), field="description")
    from access.permissions import role_on_case

    if owner is None or role_on_case(owner, position.case) is None:
        raise RuleViolation(_("De eigenaar moet in het casusteam staan."), field="owner")
    values = {"position": position, "description": description.strip(), "owner": owner, "due_date": due_date}
    if what == "right":
        if kind not in RightKind.values:
            raise RuleViolation(_("Onbekende soort recht."), field="kind")
        values["kind"] = kind
    item = spec.model.objects.create(**values)
    audit_log(actor=user, action=AuditRecord.Action.CREATE, event=f"{spec.event}.add", obj=item,
              case_id=position.case_id, changes=diff({}, {"description": item.description, "owner": owner.username,
                                                          "due_date": due_date, "kind": kind}))
    return item


@transaction.atomic
def follow_up_set_status(*, user, item, status: str, note: str = ""):
    position = item.position
    require(user, "fund.book", case=position.case)
    if status not in FollowUpStatus.values:
        raise RuleViolation(_("Onbekende status."), field="status")
    item = type(item).objects.select_for_update(no_key=True).get(pk=item.pk)
    before = item.status
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    event = "position.right" if isinstance(item, AcquiredRight) else "position.condition"
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event=f"{event}.status", obj=item,
              case_id=position.case_id, changes={"status": {"before": before, "after": status}, "note": note})
    return item

