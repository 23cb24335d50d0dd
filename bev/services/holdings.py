"""What happens to a holding without money moving: valuations, dilution, conversion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log, diff
from core.exceptions import Conflict, RuleViolation
from core.formatting import euro

from ..constants import (
    LOAN_INSTRUMENTS,
    Instrument,
    TransactionKind,
    ValuationMethod,
)
from ..models import (
    Conversion,
    Dilution,
    Position,
    Valuation,
)
from ..selectors import position_balances
from .ledger import PERCENT_PLACES, _executed, _lock_fund, money
from .positions import _locked_position, _percent, _position_snapshot, _require_open

# The most a valuation may be as a multiple of what was invested in the position: MOIC and the
# position's figures derive from it, and no stake the fund takes grows a thousandfold (the service's
# own assumption, docs/security.md).
MAX_VALUATION_MULTIPLE = Decimal("1000")


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
                            % {"multiple": MAX_VALUATION_MULTIPLE, "invested": euro(invested, cents=True)},
                            field="fair_value")
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
