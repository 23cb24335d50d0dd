"""What happens to a holding without money moving: valuations, dilution, conversion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log, diff
from core.exceptions import Conflict, RuleViolation
from core.formatting import date_display, page_euro, page_multiple, page_percent

from ..constants import (
    LOAN_INSTRUMENTS,
    EntryKind,
    Instrument,
    TransactionKind,
    ValuationMethod,
)
from ..models import (
    Conversion,
    Dilution,
    Exit,
    JournalEntry,
    Position,
    Valuation,
)
from ..selectors import position_balances
from .ledger import PERCENT_PLACES, NumberInput, _executed, _lock_fund, money
from .positions import _locked_position, _percent, _position_snapshot, _require_open

# The most a valuation may be as a multiple of what was invested in the position: MOIC and the
# position's figures derive from it, and no stake the fund takes grows a thousandfold (the service's
# own assumption, docs/security.md).
MAX_VALUATION_MULTIPLE = Decimal("1000")

# A valuation more than this factor above, or below one over this factor of, the position's last
# valuation (or, before the first, of the invested cost) is implausible enough to need an explicit
# acknowledgement from the manager (issue 23). Not a rule of the letter: the service's own
# assumption, stated on the form and in docs/security.md.
IMPLAUSIBLE_VALUATION_FACTOR = Decimal("3")


@dataclass(frozen=True)
class ValuationJump:
    """How far a new fair value lies from what it is compared with."""

    reference: Decimal  # the last valuation's fair value, or the invested cost
    reference_date: date | None  # the last valuation's date; None when compared with the cost
    factor: Decimal  # new fair value / reference

    def message(self, fair_value: Decimal) -> str:
        values = {
            "new": page_euro(fair_value, cents=True),
            "reference": page_euro(self.reference, cents=True),
            "factor": page_multiple(self.factor),
            "limit": page_multiple(IMPLAUSIBLE_VALUATION_FACTOR, 0),
        }
        if self.reference_date is None:
            text = _("De reële waarde (%(new)s) is %(factor)s het geïnvesteerde bedrag (%(reference)s).")
        else:
            values["date"] = date_display(self.reference_date)
            text = _("De reële waarde (%(new)s) is %(factor)s de vorige waardering van %(date)s (%(reference)s).")
        return (
            (text % values)
            + " "
            + (
                _(
                    "Aanname van deze dienst: een waardering meer dan %(limit)s hoger of lager dan de vorige is niet "
                    "aannemelijk zonder uitdrukkelijke bevestiging. Controleer het bedrag en bevestig dat deze waardering "
                    "klopt."
                )
                % values
            )
        )


def valuation_jump(*, position: Position, fair_value: Decimal, invested: Decimal | None = None) -> ValuationJump | None:
    """The plausibility rule for a new valuation, in one place (web preview, web booking, API): the jump
    from the last valuation (by date; a zero one, a write-off, does not count) or, without one, from the
    invested cost, when it exceeds IMPLAUSIBLE_VALUATION_FACTOR either way; None when plausible or when
    there is nothing to compare with."""
    last = position.valuations.filter(fair_value__gt=0).order_by("-valued_on", "-id").first()
    if last is not None:
        reference, reference_date = last.fair_value, last.valued_on
    else:
        if invested is None:
            invested = position_balances(position_ids=[position.pk])[position.pk]["invested"]
        reference, reference_date = invested, None
    if reference <= 0:
        return None
    if reference / IMPLAUSIBLE_VALUATION_FACTOR <= fair_value <= reference * IMPLAUSIBLE_VALUATION_FACTOR:
        return None
    return ValuationJump(reference=reference, reference_date=reference_date, factor=fair_value / reference)


# ------------------------------------------------------------------------------------------------
# Valuations, dilution, conversion
# ------------------------------------------------------------------------------------------------
def first_investment_on(position: Position) -> date | None:
    """The booking date of the position's first disbursement that stands: when the SPV acquired the
    holding (a position is recorded before the money goes in, `position_create`, so its creation is no
    acquisition). A disbursement reversed, and its reversal, never put a holding there: counting them
    let a position whose every disbursement was reversed (its case back in investment preparation) be
    valued at any amount, which the fund overview then reported as unrealised value. None while no
    disbursement stands."""
    return (
        JournalEntry.objects.filter(
            position_id=position.pk, kind=EntryKind.DISBURSEMENT, reverses__isnull=True, reversed_by__isnull=True
        )
        .order_by("booked_on")
        .values_list("booked_on", flat=True)
        .first()
    )


def _check_valued_after_first_investment(position: Position, valued_on: date) -> None:
    """A fair value is of a holding the SPV has: a valuation dated before the first investment (or of a
    position nothing was invested in yet) is refused at `valued_on`. Otherwise it would be the
    position's latest value on every date after it, and the figures derived from it (unrealised
    result, MOIC, IRR over a terminal value dated before the money went in) would be meaningless."""
    first = first_investment_on(position)
    if first is None:
        raise RuleViolation(
            _("In deze positie is nog niet geïnvesteerd: een waardering volgt op de eerste uitbetaling."),
            field="valued_on",
        )
    if valued_on < first:
        raise RuleViolation(
            _("Een waardering kan niet liggen vóór de eerste investering in deze positie (%(date)s).")
            % {"date": date_display(first)},
            field="valued_on",
        )


@transaction.atomic
def valuation_record(
    *,
    user: User,
    position: Position,
    valued_on: date,
    fair_value: NumberInput,
    method: str,
    notes: str = "",
    confirm_implausible: bool = False,
) -> Valuation:
    """A fair value on a date. One far from the last (valuation_jump) is booked only with
    confirm_implausible, the manager's explicit acknowledgement."""
    require(user, "fund.book", case=position.case)
    fair_value = money(fair_value, field="fair_value", allow_zero=True)
    if method not in ValuationMethod.values:
        raise RuleViolation(_("Onbekende waarderingsmethode."), field="method")
    if valued_on > timezone.localdate():
        raise RuleViolation(_("Een waardering kan niet in de toekomst liggen."), field="valued_on")
    _lock_fund()  # valuations commit in id order: the overview's cache is keyed on the newest id
    position = _locked_position(position)
    _require_open(position)
    _check_valued_after_first_investment(position, valued_on)
    invested = position_balances(position_ids=[position.pk])[position.pk]["invested"]
    if invested > 0 and fair_value > invested * MAX_VALUATION_MULTIPLE:
        raise RuleViolation(
            _(
                "Een reële waarde van meer dan %(multiple)s maal het geïnvesteerde bedrag (%(invested)s) "
                "is niet aannemelijk; controleer het bedrag."
            )
            % {"multiple": MAX_VALUATION_MULTIPLE, "invested": page_euro(invested, cents=True)},
            field="fair_value",
        )
    jump = valuation_jump(position=position, fair_value=fair_value, invested=invested)
    if jump is not None and not confirm_implausible:
        raise RuleViolation(jump.message(fair_value), field="confirm_implausible", code="implausible_valuation")
    valuation = Valuation.objects.create(
        position=position, valued_on=valued_on, fair_value=fair_value, method=method, notes=notes, valued_by=user
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="position.valuation",
        obj=valuation,
        case_id=position.case_id,
        changes={
            "valued_on": valued_on,
            "fair_value": fair_value,
            "method": method,
            **({"confirmed_implausible": True} if jump is not None else {}),
        },
    )
    return valuation


def _latest_stake_change_on(position: Position) -> date | None:
    """The latest date on which the position's stake changed on record: a conversion, a dilution, a sale."""
    dates = [
        Conversion.objects.filter(position=position).order_by("-converted_on").values_list("converted_on", flat=True),
        Dilution.objects.filter(position=position).order_by("-issued_on").values_list("issued_on", flat=True),
        Exit.objects.filter(position=position).order_by("-exited_on").values_list("exited_on", flat=True),
    ]
    return max((on for on in (query.first() for query in dates) if on is not None), default=None)


@transaction.atomic
def dilution_record(
    *,
    user: User,
    position: Position,
    issued_on: date,
    shares_outstanding_before: int | None = None,
    new_shares_issued: int | None = None,
    ownership_after: NumberInput | None = None,
    notes: str = "",
) -> Dilution:
    """A new share issue without the SPV, entered as the shares issued or as the new stake (%): exactly
    one of them; the other follows from stake after = before × outstanding / (outstanding + new).

    The outstanding shares before the issue are given, or follow from the position's own share count
    (outstanding = shares × 100 / stake). Without either only the percentage path is possible; the
    share counts are then not known and stay empty."""
    require(user, "fund.book", case=position.case)
    position = _locked_position(position)
    _require_open(position)
    if position.ownership_percent is None:
        raise Conflict(_("Deze positie heeft (nog) geen aandelenbelang om te verwateren."), code="no_stake")
    # The stake recorded here is the position's stake from now on (Position.ownership_percent): an issue
    # dated in the future lowered today's stake on every page for an issue that has not happened.
    if issued_on > timezone.localdate():
        raise RuleViolation(_("Een uitgifte van nieuwe aandelen kan niet in de toekomst liggen."), field="issued_on")
    # The stake before the issue is today's stake: an issue dated before a change of the stake already on
    # record (a conversion, an earlier dilution, a sale) would put the stake after that change before it,
    # and the stake on a date (positions_stakes_on, the letters, the annual report) would no longer add up
    # (e.g. a dilution of a loan dated before it converted into shares).
    latest = _latest_stake_change_on(position)
    if latest is not None and issued_on < latest:
        raise RuleViolation(
            _(
                "Een uitgifte kan niet liggen vóór de laatste vastgelegde wijziging van het belang (%(date)s): "
                "het belang vóór de uitgifte is het huidige belang."
            )
            % {"date": date_display(latest)},
            field="issued_on",
        )
    if new_shares_issued is not None and ownership_after is not None:
        raise RuleViolation(
            _("Geef óf het aantal nieuw uitgegeven aandelen óf het nieuwe belang (%) op, niet allebei."),
            field="ownership_after",
        )
    if new_shares_issued is None and ownership_after is None:
        raise RuleViolation(
            _("Geef het aantal nieuw uitgegeven aandelen of het nieuwe belang (%) op."), field="new_shares_issued"
        )
    before = position.ownership_percent
    if shares_outstanding_before is not None:
        if shares_outstanding_before <= 0:
            raise RuleViolation(
                _("Geef het aantal uitstaande aandelen vóór de uitgifte op."), field="shares_outstanding_before"
            )
        if position.shares and position.shares > shares_outstanding_before:
            raise RuleViolation(
                _("Er stonden minder aandelen uit dan de positie zelf houdt."), field="shares_outstanding_before"
            )
        outstanding: int | None = shares_outstanding_before
    elif position.shares and before > 0:
        outstanding = int((Decimal(position.shares) * 100 / before).to_integral_value())
    else:
        outstanding = None
    if ownership_after is None:  # the share path
        if outstanding is None:
            raise RuleViolation(
                _(
                    "Deze positie heeft geen aantal aandelen: geef het aantal uitstaande aandelen vóór "
                    "de uitgifte op, of het nieuwe belang (%)."
                ),
                field="shares_outstanding_before",
            )
        if new_shares_issued is None or new_shares_issued <= 0:
            raise RuleViolation(_("Geef het aantal nieuw uitgegeven aandelen op."), field="new_shares_issued")
        after = (before * outstanding / (outstanding + new_shares_issued)).quantize(PERCENT_PLACES)
        if after <= 0 or after >= before:
            # Rounded to the stake's places the issue leaves no stake, or the same: a stake of 0 % is
            # no holding (the percentage path refuses it too), and an unchanged one no dilution.
            raise RuleViolation(
                _(
                    "Met %(new)s nieuwe aandelen op %(outstanding)s uitstaande wordt het belang %(after)s: het "
                    "nieuwe belang moet boven 0%% en onder het huidige belang (%(before)s) liggen. Controleer "
                    "het aantal."
                )
                % {
                    "new": f"{new_shares_issued:,}".replace(",", "."),
                    "outstanding": f"{outstanding:,}".replace(",", "."),
                    "after": page_percent(after),
                    "before": page_percent(before),
                },
                field="new_shares_issued",
            )
    else:  # the percentage path
        given = _percent(ownership_after, field="ownership_after")
        if given is None or given <= 0 or given >= before:
            raise RuleViolation(
                _("Het nieuwe belang ligt boven 0%% en onder het huidige belang (%(before)s).")
                % {"before": page_percent(before)},
                field="ownership_after",
            )
        after = given
        if outstanding is not None:
            new_shares_issued = int((outstanding * (before - after) / after).to_integral_value())
            if new_shares_issued <= 0:
                raise RuleViolation(
                    _(
                        "Bij dit aantal uitstaande aandelen verandert het belang zo weinig niet: er "
                        "is geen aandeel uitgegeven."
                    ),
                    field="ownership_after",
                )
    dilution = Dilution.objects.create(
        position=position,
        issued_on=issued_on,
        shares_outstanding_before=outstanding,
        new_shares_issued=new_shares_issued,
        ownership_before=before,
        ownership_after=after,
        notes=notes,
        recorded_by=user,
    )
    position.ownership_percent = after
    position.save(update_fields=["ownership_percent"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="position.dilution",
        obj=position,
        case_id=position.case_id,
        changes={"ownership_percent": {"before": before, "after": after}, "new_shares_issued": new_shares_issued},
    )
    return dilution


def _last_principal_change_on(position: Position) -> date | None:
    """The latest booking date of an entry that changed the loan's principal on record (its cost): a
    disbursement, a repayment, a sale, or the reversal of one."""
    return (
        JournalEntry.objects.filter(
            position_id=position.pk, kind__in=[EntryKind.DISBURSEMENT, EntryKind.REPAYMENT, EntryKind.SALE]
        )
        .order_by("-booked_on")
        .values_list("booked_on", flat=True)
        .first()
    )


@transaction.atomic
def conversion_record(
    *, user: User, position: Position, converted_on: date, shares: int, ownership_percent: NumberInput, notes: str = ""
) -> Conversion:
    """The convertible loan converts (or the warrants are exercised): the SPV now holds shares."""
    require(user, "fund.book", case=position.case)
    fund = _lock_fund()
    position = _locked_position(position)
    _require_open(position)
    if position.instrument not in LOAN_INSTRUMENTS:
        raise Conflict(_("Alleen een converteerbare lening wordt geconverteerd."), code="not_convertible")
    # Letter ("Invest-NL als beheerder"): "leningen met warrants, waarbij aandelen als beloning worden
    # toegekend": the warrants give shares besides the loan, which stays to be repaid. Recording that
    # as a conversion turned the whole loan into equity (its principal, interest and repayments off
    # the books) and told parliament the loan was "omgezet in aandelen". Refused until the exercise of
    # warrants is modelled as its own step (shares beside the loan).
    if position.instrument == Instrument.LOAN_WITH_WARRANTS:
        raise Conflict(
            _(
                "Een lening met warrants wordt niet geconverteerd: de warrants geven aandelen als beloning en "
                "de lening blijft staan. Het uitoefenen van warrants kan hier nog niet worden vastgelegd."
            ),
            code="warrants_not_conversion",
        )
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
    # Only a loan that was paid out converts: a conversion dated before the first disbursement put a
    # date in the record (and in the letter to parliament drafted for it, "Op 1 januari 1900 is de
    # lening ... omgezet in aandelen") on which the SPV held no loan at all.
    first = first_investment_on(position)
    if first is not None and converted_on < first:
        raise RuleViolation(
            _("Een conversie kan niet liggen vóór de eerste uitbetaling van de lening (%(date)s).")
            % {"date": date_display(first)},
            field="converted_on",
        )
    # The loan converts as it stands: the amount converted (the letter's "Het omgezette bedrag") is the
    # principal outstanding now, so the conversion cannot be dated before a booking that changed it (a
    # repayment, a later disbursement, their reversals): that put a repayment of a loan no longer there
    # after the conversion, and stated as converted on its date a principal the loan had only later.
    last_principal_change = _last_principal_change_on(position)
    if last_principal_change is not None and converted_on < last_principal_change:
        raise RuleViolation(
            _(
                "Een conversie kan niet liggen vóór de laatste boeking op de hoofdsom van de lening "
                "(%(date)s): omgezet wordt wat nu uitstaat."
            )
            % {"date": date_display(last_principal_change)},
            field="converted_on",
        )
    before = _position_snapshot(position)
    conversion = Conversion.objects.create(
        position=position,
        converted_on=converted_on,
        from_instrument=position.instrument,
        shares=shares,
        ownership_after=ownership,
        notes=notes,
        recorded_by=user,
    )
    position.instrument = Instrument.EQUITY
    position.shares = shares
    position.ownership_percent = ownership
    position.save(update_fields=["instrument", "shares", "ownership_percent"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="position.conversion",
        obj=position,
        case_id=position.case_id,
        changes=diff(before, _position_snapshot(position)),
    )
    _executed(
        kind=TransactionKind.CONVERSION,
        position=position,
        amount=balance["cost"],
        on=converted_on,
        user=user,
        source_key=f"conversion:{conversion.pk}",
    )
    return conversion
