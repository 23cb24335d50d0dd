"""Returns on a position and its exit (partial or full sale)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log, diff
from cases.guards import exit_is_authorised
from core.exceptions import Conflict, LimitExceeded, RuleViolation
from core.formatting import date_display, page_euro

from ..constants import (
    LOAN_INSTRUMENTS,
    Account,
    EntryKind,
    Instrument,
    TransactionKind,
)
from ..models import (
    Exit,
    JournalEntry,
    Position,
)
from ..selectors import position_balances
from .ledger import (
    CENT,
    EXIT_STATES,
    PERCENT_PLACES,
    NumberInput,
    _booking_date,
    _executed,
    _key,
    _lock_fund,
    _post,
    _replayed,
    _sweep_excess,
    money,
)
from .positions import _fresh_case, _locked_position, _percent, _position_snapshot, _require_open

# ------------------------------------------------------------------------------------------------
# Returns and exits
# ------------------------------------------------------------------------------------------------
RETURN_ACCOUNTS = {
    # dividend and interest are income; a repayment takes loan principal off the cost of the holding
    EntryKind.DIVIDEND: Account.INVESTMENT_INCOME,
    EntryKind.INTEREST: Account.INVESTMENT_INCOME,
    EntryKind.REPAYMENT: Account.INVESTMENTS,
}
# A dividend or interest above this multiple of what was invested in the position is outside the
# position's scale: booked only when the fund manager confirms the amount (`confirm_outside_scale`),
# so that a few zeros too many (EUR 196 billion on EUR 10 million; issue 22) are not booked and swept
# to the treasury unnoticed. Anything above `AMOUNT_CEILING` stays refused. The service's own
# assumption, not the letter's (docs/security.md).
RETURN_SCALE_MULTIPLE = Decimal("10")


@transaction.atomic
def return_book(
    *,
    user: User,
    position: Position,
    kind: str,
    amount: NumberInput,
    idempotency_key: str,
    booked_on: date | None = None,
    description: str = "",
    confirm_outside_scale: bool = False,
) -> JournalEntry:
    """A dividend, interest or repayment received on a position (sale proceeds: `exit_book`).
    Income above `RETURN_SCALE_MULTIPLE` times the invested amount needs `confirm_outside_scale`."""
    require(user, "fund.book", case=position.case)
    if kind not in RETURN_ACCOUNTS:
        raise RuleViolation(_("Soort ontvangst: dividend, rente of aflossing."), field="kind")
    kind = EntryKind(kind)
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    if replay := _replayed(fund, key, user=user, kind=kind, amount=amount, position=position):
        return replay
    booked_on = _booking_date(fund, booked_on)
    balance = position_balances(position_ids=[position.pk])[position.pk]
    if balance["invested"] <= 0:
        raise Conflict(_("In deze positie is nog niet geïnvesteerd."), code="not_invested")
    if kind == EntryKind.DIVIDEND and position.instrument == Instrument.CONVERTIBLE_LOAN:
        # A dividend is paid on shares; a convertible loan holds none until it converts (then the
        # position is equity: `conversion_record`), and pays interest ("in aandelen converteerbare
        # leningen", letter, "Invest-NL als beheerder"). Booked as dividend it counted as earnings of
        # shares the SPV did not hold. A loan with warrants is not refused: warrants exercised give
        # shares beside the loan, which cannot be recorded here yet, and a dividend on them is real.
        raise RuleViolation(
            _(
                "Een in aandelen converteerbare lening keert rente uit, geen dividend: de positie houdt geen "
                "aandelen zolang de lening niet is geconverteerd. Boek de betaling als rente, of leg eerst de "
                "conversie vast."
            ),
            field="kind",
            code="dividend_on_loan",
        )
    if kind == EntryKind.REPAYMENT:
        if position.instrument not in LOAN_INSTRUMENTS:
            raise RuleViolation(_("Alleen een lening wordt afgelost."), field="kind")
        if amount > balance["cost"]:
            raise LimitExceeded(
                _("De aflossing is hoger dan de uitstaande kostprijs (%(cost)s).")
                % {"cost": page_euro(balance["cost"], cents=True)},
                field="amount",
                code="position_cost",
            )
    outside_scale = kind != EntryKind.REPAYMENT and amount > balance["invested"] * RETURN_SCALE_MULTIPLE
    if outside_scale and not confirm_outside_scale:
        raise RuleViolation(
            _(
                "Dit bedrag is meer dan %(multiple)s maal wat in de positie is geïnvesteerd "
                "(%(invested)s): controleer het en bevestig het uitdrukkelijk als het klopt."
            )
            % {"multiple": RETURN_SCALE_MULTIPLE, "invested": page_euro(balance["invested"], cents=True)},
            field="amount",
            code="amount_outside_scale",
        )
    entry = _post(
        fund=fund,
        kind=kind,
        booked_on=booked_on,
        key=key,
        user=user,
        amount=amount,
        position=position,
        description=description or str(kind.label),
        lines=[(Account.CASH_AVAILABLE, amount), (RETURN_ACCOUNTS[kind], -amount)],
    )
    if outside_scale:
        audit_log(
            actor=user,
            action=AuditRecord.Action.BOOKING,
            event="ledger.confirm_outside_scale",
            obj=entry,
            case_id=entry.case_id,
            changes={"amount": amount, "invested": balance["invested"], "multiple": RETURN_SCALE_MULTIPLE},
        )
    _sweep_excess(fund=fund, user=user, booked_on=booked_on, cause=entry)
    return entry


def _check_sold_after_stake_change(position: Position, booked_on: date) -> None:
    """A sale sells the stake as it stands on record (its fraction of today's stake and shares), so it is
    not dated before the latest recorded change of that stake: a conversion of the loan into shares or a
    dilution, which are no ledger bookings, so the ledger's rule (never before its latest entry) did not
    order them. A sale dated before a conversion sold shares the SPV did not have yet, and the Kamerbrief
    about it stated the stake after the conversion as the stake after the sale. The mirror of the rule
    for a dilution (`holdings.dilution_record`); the service's own reading of the record's order."""
    from .holdings import _latest_stake_change_on

    latest = _latest_stake_change_on(position)
    if latest is not None and booked_on < latest:
        raise RuleViolation(
            _(
                "Een verkoop kan niet liggen vóór de laatste vastgelegde wijziging van het belang (%(date)s): "
                "verkocht wordt het huidige belang."
            )
            % {"date": date_display(latest)},
            field="exited_on",
        )


@transaction.atomic
def exit_book(
    *,
    user: User,
    position: Position,
    proceeds: NumberInput,
    fraction_sold_percent: NumberInput,
    idempotency_key: str,
    exited_on: date | None = None,
    description: str = "",
) -> Exit:
    """Sell (part of) the holding: proceeds in, the sold share of the cost off the books, the
    difference realised ("afstoten ... daarbij wordt gestreefd naar het behoud van waarde", letter).
    A full exit (100%) closes the position and releases what is still reserved for it.

    The exit gate: no sale, partial or full, without an approved risk review that concluded the
    risk is manageable or a confirmed kabinetsbesluit ordering the sale (`cases.guards.exit_is_authorised`).
    Dilution by a third party's round is no sale and is not gated (`dilution_record`)."""
    require(user, "fund.book", case=position.case)
    proceeds, key = money(proceeds, field="proceeds", allow_zero=True), _key(idempotency_key)
    fraction = _percent(fraction_sold_percent, field="fraction_sold_percent")
    if fraction is None or fraction <= 0:
        raise RuleViolation(
            _("Geef het verkochte deel van het belang op (meer dan 0%, ten hoogste 100%)."),
            field="fraction_sold_percent",
        )
    fund = _lock_fund()
    if replay := _replayed(fund, key, user=user, kind=EntryKind.SALE, amount=proceeds, position=position):
        exit_row = replay.exit
        exit_row.replayed = True
        return exit_row
    position = _locked_position(position)
    _require_open(position)
    case = _fresh_case(position.case)
    if case.state not in EXIT_STATES:
        raise Conflict(
            _("In de status '%(state)s' kan de positie niet worden afgebouwd.") % {"state": case.get_state_display()},
            code="invalid_state",
        )
    # Letter, "Werking": "Zodra de risico's voor de nationale veiligheid tot op een beheersbaar niveau
    # zijn gebracht, zal de overheid haar belang in de betreffende onderneming afbouwen"; "Invest-NL
    # als beheerder": "... als de risico's voor de nationale veiligheid tot een aanvaardbaar niveau
    # zijn afgenomen". The cabinet, which decides on the provision, may also order the sale.
    if not exit_is_authorised(case):
        raise Conflict(
            _(
                "Het belang kan niet worden verkocht: er is geen goedgekeurde risicoheroverweging die het "
                "risico beheersbaar acht, en geen bevestigd kabinetsbesluit tot verkoop."
            ),
            code="exit_not_authorised",
        )
    booked_on = _booking_date(fund, exited_on, field="exited_on")
    balance = position_balances(position_ids=[position.pk])[position.pk]
    if balance["invested"] <= 0:
        raise Conflict(_("In deze positie is nog niet geïnvesteerd."), code="not_invested")
    _check_sold_after_stake_change(position, booked_on)
    full = fraction == 100
    cost = balance["cost"] if full else (balance["cost"] * fraction / 100).quantize(CENT)
    result = proceeds - cost
    entry = _post(
        fund=fund,
        kind=EntryKind.SALE,
        booked_on=booked_on,
        key=key,
        user=user,
        amount=proceeds,
        position=position,
        description=description or (_("Volledige exit.") if full else _("Gedeeltelijke exit.")),
        lines=[(Account.CASH_AVAILABLE, proceeds), (Account.INVESTMENTS, -cost), (Account.REALISED_RESULT, -result)],
    )
    if full and balance["reserved"] > 0:
        # What was still reserved for it is released in an entry of its own: a release, not a return
        # (in the sale's entry it counted as proceeds in the returns, MOIC and IRR).
        release = balance["reserved"]
        _post(
            fund=fund,
            kind=EntryKind.RELEASE,
            booked_on=booked_on,
            key=f"release-after-sale:{entry.pk}",
            user=user,
            amount=release,
            position=position,
            description=_("Vrijval van de reservering bij de volledige exit."),
            lines=[(Account.CASH_AVAILABLE, release), (Account.CASH_RESERVED, -release)],
        )
    exit_row = Exit.objects.create(
        position=position,
        exited_on=booked_on,
        fraction_sold_percent=fraction,
        proceeds=proceeds,
        cost_derecognised=cost,
        realised_result=result,
        is_full=full,
        entry=entry,
        recorded_by=user,
    )
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
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="position.exit",
        obj=position,
        case_id=case.pk,
        changes={
            **diff(before, _position_snapshot(position)),
            "proceeds": proceeds,
            "cost": cost,
            "realised_result": result,
        },
    )
    _sweep_excess(fund=fund, user=user, booked_on=booked_on, cause=entry)
    _executed(
        kind=TransactionKind.FULL_EXIT if full else TransactionKind.PARTIAL_EXIT,
        position=position,
        amount=proceeds,
        on=booked_on,
        user=user,
        source_key=f"journal:{entry.pk}",
    )
    return exit_row
