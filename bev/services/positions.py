"""Positions in a case's company, and the reservations of money for them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log, diff
from cases.constants import State
from cases.models import CabinetDecision, Case
from core.exceptions import Conflict, LimitExceeded, RuleViolation
from core.formatting import page_euro
from core.precompiled import Precompiled

from ..constants import (
    LOAN_INSTRUMENTS,
    REFUSED_INSTRUMENT_REASON,
    REFUSED_INSTRUMENTS,
    Account,
    EntryKind,
    Instrument,
)
from ..models import (
    JournalEntry,
    Position,
)
from ..selectors import fund_get, position_balances
from .ledger import (
    DISBURSEMENT_STATES,
    PERCENT_PLACES,
    POSITION_STATES,
    NumberInput,
    _booking_date,
    _check_available,
    _check_cabinet_decision,
    _figures,
    _instrument_label,
    _key,
    _lock_fund,
    _post,
    _replayed,
    money,
)


# ------------------------------------------------------------------------------------------------
# Positions
# ------------------------------------------------------------------------------------------------
def _instrument(value: str) -> str:
    if value in REFUSED_INSTRUMENTS:
        raise RuleViolation(
            REFUSED_INSTRUMENT_REASON % {"instrument": REFUSED_INSTRUMENTS[value]},
            field="instrument",
            code="instrument_not_allowed",
        )
    if value not in Instrument.values:
        raise RuleViolation(
            _("Onbekend instrument. Toegestaan zijn: %(allowed)s.")
            % {"allowed": ", ".join(str(label) for label in Instrument.labels)},
            field="instrument",
        )
    return value


def _percent(value: NumberInput | None, *, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleViolation(_("Geef een percentage op."), field=field) from None
    if not percent.is_finite() or percent < 0 or percent > 100:
        raise RuleViolation(_("Een percentage ligt tussen 0 en 100."), field=field)
    return percent.quantize(PERCENT_PLACES)


def require_instrument_allowed(decision: CabinetDecision, *, instrument: str) -> None:
    """The kabinetsbesluit allows the instrument (409 `cabinet_decision_instrument` at `instrument`, the
    instruments named as people read them): for a position when it is recorded, not only at its first
    reservation (found by trying the product: an equity position under a decision for a convertible
    loan was recorded, and every booking on it was refused afterwards), and for a proposal."""
    if instrument not in decision.instruments:
        raise Conflict(
            _("Kabinetsbesluit %(ref)s staat het instrument „%(instrument)s” niet toe (wel: %(allowed)s).")
            % {
                "ref": decision.reference,
                "instrument": _instrument_label(instrument),
                "allowed": ", ".join(_instrument_label(code) for code in decision.instruments),
            },
            code="cabinet_decision_instrument",
            field="instrument",
        )


def _check_position_terms(
    *, instrument: str, ownership: Decimal | None, shares: int | None, principal: Decimal | None
) -> None:
    """A stake, a number of shares or a principal, where given, is more than nothing."""
    if ownership is not None and ownership <= 0:
        raise RuleViolation(_("Een belang is groter dan 0%."), field="ownership_percent")
    if shares is not None and shares <= 0:
        raise RuleViolation(_("Het aantal aandelen is groter dan 0."), field="shares")
    if principal is not None and principal <= 0:
        raise RuleViolation(_("Een hoofdsom is groter dan nul."), field="principal")


def _fresh_case(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


@transaction.atomic
def position_create(
    *,
    user: User,
    case: Case,
    instrument: str,
    shares: int | None = None,
    ownership_percent: NumberInput | None = None,
    principal: NumberInput | None = None,
    interest_rate_percent: NumberInput | None = None,
    maturity_date: date | None = None,
    conversion_terms: str = "",
    warrant_terms: str = "",
    notes: str = "",
) -> Position:
    """Record the holding the SPV will take in the case's target company (before the money goes in)."""
    require(user, "fund.book", case=case)
    instrument = _instrument(instrument)
    case = _fresh_case(case)
    if case.state not in POSITION_STATES:
        raise Conflict(_("Een positie wordt vastgelegd wanneer de investering wordt voorbereid."), code="invalid_state")
    decision = case.confirmed_cabinet_decision()
    if decision is None or not decision.deploy:
        raise Conflict(
            _("Er is geen bevestigd kabinetsbesluit tot inzet van de voorziening."), code="no_cabinet_decision"
        )
    require_instrument_allowed(decision, instrument=instrument)
    ownership = _percent(ownership_percent, field="ownership_percent")
    principal = money(principal, field="principal") if principal not in (None, "") else None
    _check_position_terms(instrument=instrument, ownership=ownership, shares=shares, principal=principal)
    if instrument in LOAN_INSTRUMENTS and maturity_date is not None and maturity_date <= timezone.localdate():
        # The service's own rule: a loan that has already matured is no position to pay money into
        # (found by trying the product: a loan maturing in 2020 was recorded and EUR 1,000 disbursed).
        raise RuleViolation(_("De looptijd van een nieuwe lening eindigt na vandaag."), field="maturity_date")
    if principal is not None and decision.max_amount is not None and principal > decision.max_amount:
        raise Conflict(
            _("De hoofdsom (%(amount)s) gaat boven het maximum van kabinetsbesluit %(ref)s (%(max)s).")
            % {
                "amount": page_euro(principal, cents=True),
                "ref": decision.reference,
                "max": page_euro(decision.max_amount, cents=True),
            },
            code="cabinet_decision_limit",
            field="principal",
        )
    if instrument in LOAN_INSTRUMENTS and principal is None:
        raise RuleViolation(_("Een lening heeft een hoofdsom."), field="principal")
    if instrument == Instrument.CONVERTIBLE_LOAN and not conversion_terms.strip():
        raise RuleViolation(_("Leg de conversievoorwaarden vast."), field="conversion_terms")
    if instrument == Instrument.LOAN_WITH_WARRANTS and not warrant_terms.strip():
        raise RuleViolation(_("Leg de warrantvoorwaarden vast."), field="warrant_terms")
    if instrument == Instrument.EQUITY and ownership is None:
        raise RuleViolation(_("Leg het belang (%) vast."), field="ownership_percent")
    if instrument in LOAN_INSTRUMENTS:
        # "in aandelen converteerbare leningen of leningen met warrants, waarbij aandelen als beloning
        # worden toegekend" (letter): a loan holds no shares until it converts (conversion_record sets
        # the stake then). A stake entered with the loan was shown as the State's stake on the fund
        # page and told parliament "Het belang van de Staat ... bedraagt na deze transactie 3%" after
        # a loan with warrants in which the State held no share.
        for stake_field, stake in (("ownership_percent", ownership), ("shares", shares)):
            if stake is not None:
                raise RuleViolation(
                    _(
                        "Een lening geeft (nog) geen aandelen of belang in de onderneming: die worden vastgelegd "
                        "wanneer de lening in aandelen wordt omgezet."
                    ),
                    field=stake_field,
                )
    if instrument not in LOAN_INSTRUMENTS:
        for field, value in (
            ("principal", principal),
            ("interest_rate_percent", interest_rate_percent),
            ("maturity_date", maturity_date),
        ):
            if value not in (None, ""):
                raise RuleViolation(_("Alleen een lening heeft een hoofdsom, rente en looptijd."), field=field)
    position = Position(
        fund=fund_get(),
        case=case,
        instrument=instrument,
        shares=shares,
        ownership_percent=ownership,
        principal=principal,
        interest_rate_percent=interest_rate_percent,
        maturity_date=maturity_date,
        conversion_terms=conversion_terms,
        warrant_terms=warrant_terms,
        notes=notes,
        created_by=user,
    )
    position.full_clean()
    position.save()
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="position.create",
        obj=position,
        case_id=case.pk,
        changes=diff({}, _position_snapshot(position)),
    )
    return position


def _position_snapshot(position: Position) -> dict:
    return {
        name: getattr(position, name)
        for name in (
            "instrument",
            "shares",
            "ownership_percent",
            "principal",
            "interest_rate_percent",
            "maturity_date",
            "conversion_terms",
            "warrant_terms",
            "exited_on",
        )
    }


def _lock_case(case_id: int) -> str:
    """Lock the case's row before the fund's, and return its state as it is now. A transition locks
    the case first (its UPDATE) and then, ending the case, the fund (`reservations_release_on_case_end`);
    a booking that depends on the case's state, or moves it (the first disbursement's `mark_invested`),
    takes the two in the same order, so neither waits for the other in a cycle."""
    return str(Case.objects.select_for_update(no_key=True).filter(pk=case_id).values_list("state", flat=True).get())


def _locked_position(position: Position) -> Position:
    return Position.objects.select_for_update(no_key=True, of=("self",)).select_related("case").get(pk=position.pk)


def _require_open(position: Position) -> None:
    if position.is_exited:
        raise Conflict(_("Deze positie is volledig afgebouwd."), code="position_exited")


@transaction.atomic
def reservation_book(
    *,
    user: User,
    position: Position,
    amount: NumberInput,
    idempotency_key: str,
    booked_on: date | None = None,
    description: str = "",
) -> JournalEntry:
    """Earmark liquidity for an investment being prepared."""
    require(user, "fund.book", case=position.case)
    amount, key = money(amount), _key(idempotency_key)
    # The case's row is locked before the fund's, in the order of a transition (its UPDATE, then the
    # fund lock of `reservations_release_on_case_end`): a reservation racing the withdrawal or end
    # of the case is either booked first, and released by the end, or sees the end and is refused.
    # Without it a reservation committed after the end's release would leave money earmarked for an
    # ended case (tests/test_reservation_races.py).
    case_state = _lock_case(position.case_id)
    fund = _lock_fund()
    if replay := _replayed(fund, key, user=user, kind=EntryKind.RESERVATION, amount=amount, position=position):
        return replay
    position = _locked_position(position)
    _require_open(position)
    # Money is earmarked only while the case is being invested in, as for a disbursement: a case
    # withdrawn (or sent back to the cabinet) after the kabinetsbesluit keeps that decision on record,
    # but "het kabinetsbesluit om te investeren ... effectief ten uitvoer" (letter, "Invest-NL als
    # beheerder") no longer applies to it. What was reserved before can still be released.
    if case_state not in DISBURSEMENT_STATES:
        raise Conflict(
            _("In de status '%(state)s' wordt in deze casus niets (meer) gereserveerd.")
            % {"state": State(case_state).label},
            code="invalid_state",
        )
    booked_on = _booking_date(fund, booked_on)
    _check_cabinet_decision(case=position.case, instrument=position.instrument, increase=amount)
    _check_available(_figures(fund), amount)
    return _post(
        fund=fund,
        kind=EntryKind.RESERVATION,
        booked_on=booked_on,
        key=key,
        user=user,
        amount=amount,
        position=position,
        description=description or _("Reservering voor de voorbereide investering."),
        lines=[(Account.CASH_RESERVED, amount), (Account.CASH_AVAILABLE, -amount)],
    )


@transaction.atomic
def reservation_release(
    *,
    user: User,
    position: Position,
    amount: NumberInput,
    idempotency_key: str,
    booked_on: date | None = None,
    description: str = "",
) -> JournalEntry:
    """Release (part of) a position's reservation back to the available liquidity."""
    require(user, "fund.book", case=position.case)
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    if replay := _replayed(fund, key, user=user, kind=EntryKind.RELEASE, amount=amount, position=position):
        return replay
    booked_on = _booking_date(fund, booked_on)
    reserved = position_balances(position_ids=[position.pk])[position.pk]["reserved"]
    if amount > reserved:
        raise LimitExceeded(
            _("Er is voor deze positie maar %(reserved)s gereserveerd.")
            % {"reserved": page_euro(reserved, cents=True)},
            field="amount",
            code="position_reservation",
        )
    return _post(
        fund=fund,
        kind=EntryKind.RELEASE,
        booked_on=booked_on,
        key=key,
        user=user,
        amount=amount,
        position=position,
        description=description or _("Vrijval van de reservering."),
        lines=[(Account.CASH_AVAILABLE, amount), (Account.CASH_RESERVED, -amount)],
    )


def _case_position_ids(*, case_id: int) -> QuerySet[Position, int]:
    return Position.objects.filter(case_id=case_id).values_list("pk", flat=True)


# Every step that ends a case asks this first (most cases end without a position): compiled once.
_CASE_POSITION_IDS = Precompiled(_case_position_ids, "case_id")


def reservations_release_on_case_end(*, case: Case, user: User, reason: str = "") -> list[JournalEntry]:
    """Release what is still reserved for a case that ended (closed, withdrawn, not admissible, not
    deployed): the investment it was earmarked for will not be made, so the money goes back to the
    available liquidity (letter, "Invest-NL als beheerder": reservations serve "het kabinetsbesluit
    om te investeren ... effectief ten uitvoer"; the fund is "revolverend"). One release entry per
    position, through the ledger (`_post`, audited as `ledger.release`), with the case's end and its
    reason as the description. Runs inside the case's transition (`cases.hooks.case_ended`), whose
    permission it rides on: the case officer who withdraws a case does not book in the fund, the
    release is the transition's consequence. Nothing reserved: no query under the fund lock."""
    position_ids = list(_CASE_POSITION_IDS(case_id=case.pk))
    if not position_ids or not any(b["reserved"] > 0 for b in position_balances(position_ids=position_ids).values()):
        return []
    fund = _lock_fund()
    reserved = {
        pk: b["reserved"] for pk, b in position_balances(position_ids=position_ids).items() if b["reserved"] > 0
    }
    booked_on = _booking_date(fund, None)
    description = _("Vrijval van de reservering: de casus is beëindigd (%(state)s).") % {
        "state": case.get_state_display()
    }
    if reason.strip():
        description += " " + _("Reden: %(reason)s") % {"reason": reason.strip()}
    entries = []
    for position in Position.objects.filter(pk__in=reserved).order_by("pk"):
        amount = reserved[position.pk]
        entries.append(
            _post(
                fund=fund,
                kind=EntryKind.RELEASE,
                booked_on=booked_on,
                key=f"case-end:{case.pk}:{case.version}:{position.pk}",
                user=user,
                amount=amount,
                position=position,
                description=description,
                lines=[(Account.CASH_AVAILABLE, amount), (Account.CASH_RESERVED, -amount)],
            )
        )
    return entries
