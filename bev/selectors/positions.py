"""Positions and disbursements: case data, reached only through cases the person may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Exists,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import User
from audit.log import audit_log
from audit.models import AuditRecord
from core.exceptions import NotFound
from core.precompiled import Precompiled

from ..constants import LOAN_INSTRUMENTS, Account, EntryKind, Instrument
from ..metrics import holding_irr, moic
from ..models import (
    AcquiredRight,
    Conversion,
    DecisionCondition,
    Dilution,
    Disbursement,
    Exit,
    JournalLine,
    Position,
    PositionBalance,
    Valuation,
)
from .balances import (
    ZERO,
    LatestValuation,
    _latest_valuations_and_sales,
    _one_position_figures,
    _position_sums,
    _PositionSums,
    _running_sums,
    _unrealised,
    _valuations_and_sales,
    received_by_kind,
    returns_split,
    value_steps,
)


# ------------------------------------------------------------------------------------------------
# Positions: case data, reached only through cases the user may see
# ------------------------------------------------------------------------------------------------
def position_list(*, user: User | AnonymousUser, case_id: int | None = None) -> QuerySet[Position]:
    from cases.models import Case

    positions = Position.objects.filter(case__in=Case.objects.case_file_visible_to(user)).select_related("case")
    if case_id is not None:
        positions = positions.filter(case_id=case_id)
    return _with_conversion(positions).order_by("id")


def _with_conversion(positions: QuerySet[Position]) -> QuerySet[Position]:
    """The positions with the date and former instrument of their conversion (`conversion_date`,
    `conversion_from`: None while not converted), read in the same statement (`position_loan_state`)."""
    latest = Conversion.objects.filter(position=OuterRef("pk")).order_by("-converted_on", "-id")
    return positions.annotate(
        conversion_date=Subquery(latest.values("converted_on")[:1]),
        conversion_from=Subquery(latest.values("from_instrument")[:1]),
    )


def position_loan_state(position: Position) -> dict:
    """Whether the position's loan terms (principal, interest rate, maturity) describe what it is now.

    A convertible loan that converted is shares from its conversion on (`bev.services.conversion_record`
    makes the instrument equity and keeps the loan's terms on the position as they were): its
    principal, rate and maturity are then history, the loan no longer stands, and a page or the API
    says so (`converted_on`, `converted_from`) instead of showing them as an outstanding loan's.
    `loan_terms_current`: the position is a loan now (convertible, or with warrants)."""
    annotated = position.__dict__  # the lookups annotate the conversion (`_with_conversion`)
    if "conversion_date" in annotated:
        converted_on, converted_from = annotated["conversion_date"], annotated["conversion_from"]
    else:
        row = (
            Conversion.objects.filter(position_id=position.pk)
            .order_by("-converted_on", "-id")
            .values_list("converted_on", "from_instrument")
            .first()
        )
        converted_on, converted_from = row if row is not None else (None, None)
    return {
        "converted_on": converted_on,
        "converted_from": converted_from or None,
        "converted_from_label": str(Instrument(converted_from).label) if converted_from else None,
        "loan_terms_current": position.instrument in LOAN_INSTRUMENTS,
    }


FOLLOW_UPS: dict[str, type[AcquiredRight] | type[DecisionCondition]] = {
    "rights": AcquiredRight,
    "conditions": DecisionCondition,
}


def position_get(
    *, user: User | AnonymousUser | None, position_id: int | str, audit_read: bool = True, follow_ups: bool = False
) -> Position:
    """The position if its case is visible to this person, else NotFound. Reading is audited (one
    INSERT, committed before anything is shown).

    With `follow_ups`, its rights and conditions with their owners as lists (`follow_up_rights`,
    `follow_up_conditions`), each read (one query) only if the position's own query found any."""
    position = None
    if user is not None and user.is_authenticated and user.is_active:
        try:
            position_id = int(position_id)
        except (ValueError, TypeError):
            raise NotFound(_("Positie niet gevonden.")) from None
        found = list(
            _POSITION_OF_MEMBER[follow_ups](
                user_id=user.pk, clearance_rank=user.clearance_rank, position_id=position_id
            )
        )
        position = found[0] if found else None
    if position is None:
        raise NotFound(_("Positie niet gevonden."))
    if follow_ups:
        prefetch_related_objects(
            [position],
            *[
                Prefetch(name, model.objects.select_related("owner"), to_attr=f"follow_up_{name}")
                for name, model in FOLLOW_UPS.items()
                if getattr(position, f"has_{name}")
            ],
        )
        for name in FOLLOW_UPS:
            if not getattr(position, f"has_{name}"):
                setattr(position, f"follow_up_{name}", [])
    if audit_read:
        audit_log(
            actor=user, action=AuditRecord.Action.READ, event="position.read", obj=position, case_id=position.case_id
        )
    return position


def _position_of_member(*, user_id: int, clearance_rank: int, position_id: int, follow_ups: bool) -> QuerySet[Position]:
    """`position_list(user)` narrowed to one position, for an active person given by id and rank."""
    from cases.models import Case

    positions = (
        Position.objects.filter(
            case__in=Case.objects.case_file_visible_to_member(user_id=user_id, clearance_rank=clearance_rank)
        )
        .select_related("case")
        .filter(pk=position_id)
    )
    positions = _with_conversion(positions)
    if follow_ups:
        positions = positions.annotate(
            **{
                f"has_{name}": Exists(model.objects.filter(position=OuterRef("pk")))
                for name, model in FOLLOW_UPS.items()
            }
        )
    return positions


#: The detail's lookup, compiled once per process (`core.precompiled`): its need-to-know subquery,
#: join and annotations cost the ORM ~1.5 ms to build, the database a tenth of that to run.
_POSITION_OF_MEMBER = {
    follow_ups: Precompiled(
        lambda follow_ups=follow_ups, **values: _position_of_member(follow_ups=follow_ups, **values),
        "user_id",
        "clearance_rank",
        "position_id",
    )
    for follow_ups in (False, True)
}


def _disbursement_of_member(*, user_id: int, clearance_rank: int, disbursement_id: int) -> QuerySet[Disbursement]:
    """The disbursement if its position's case file is visible to an active person (by id and rank)."""
    from cases.models import Case

    return (
        Disbursement.objects.select_related("position__case", "proposed_by")
        .filter(
            pk=disbursement_id,
            position__case__in=Case.objects.case_file_visible_to_member(user_id=user_id, clearance_rank=clearance_rank),
        )
        .order_by()
    )


#: Every approval and rejection reads the disbursement first: compiled once (`core.precompiled`).
_DISBURSEMENT_OF_MEMBER = Precompiled(_disbursement_of_member, "user_id", "clearance_rank", "disbursement_id")


def disbursement_get(*, user: User | AnonymousUser | None, disbursement_id: int | str) -> Disbursement:
    """The disbursement if its case file is visible to this person, else NotFound."""
    found = []
    if user is not None and user.is_authenticated and user.is_active:
        try:
            disbursement_id = int(disbursement_id)
        except (ValueError, TypeError):
            raise NotFound(_("Uitbetaling niet gevonden.")) from None
        found = list(
            _DISBURSEMENT_OF_MEMBER(
                user_id=user.pk, clearance_rank=user.clearance_rank, disbursement_id=disbursement_id
            )
        )
    if not found:
        raise NotFound(_("Uitbetaling niet gevonden."))
    return found[0]


def position_metrics(position: Position, *, as_of: date | None = None) -> dict:
    """Invested, realised, unrealised, MOIC and IRR of one position from its dated cash flows."""
    return positions_metrics([position], as_of=as_of)[position.pk]


def positions_metrics(positions: Iterable[Position], *, as_of: date | None = None) -> dict[int, dict]:
    """Per position its metrics: today's from its running figures and daily flows (`PositionBalance`,
    `PositionFlow`), on an earlier date from its lines grouped; and its valuations and sales."""
    positions = list(positions)
    ids = [p.pk for p in positions]
    if len(ids) == 1 and as_of is None:  # a position's detail: the reads compiled once
        sums, valuations, sales = _one_position_figures(ids[0])
    elif as_of is None:  # today's: the running figures, not the lines
        sums = _running_sums(PositionBalance.objects.filter(position_id__in=ids), flows=True) if ids else {}
        for position_id, received in received_by_kind(list(sums)).items():
            if position_id in sums:
                sums[position_id].received.update(received)
        valuations, sales = _valuations_and_sales(ids, as_of) if ids else ({}, {})
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
            # every euro received from the position; `returns_split` says what it is (income or money back)
            "returns": s.returns,
            **returns_split(s.received, realised_result=-s.realised),
            "realised_result": -s.realised,
            "unrealised_value": unrealised,
            "unrealised_result": (unrealised - s.cost) if valuation is not None else ZERO,
            "latest_valuation_on": valuation.valued_on if valuation else None,
            "moic": moic(invested=s.invested, returned=s.returns, unrealised=unrealised),
            "irr": holding_irr(s.flows, unrealised=unrealised, on=on),
        }
    return result


def position_value_history(position: Position) -> list[tuple[date, Decimal]]:
    """The value of the holding over time (`value_steps`): a step at each valuation and at each sale or
    cost change after the first one, by the rule of the value its metrics state, so that the last step
    is its `unrealised_value` (the position page's chart and its headline agree). Empty while not
    valued; zero from a full exit on."""
    valuations = list(Valuation.objects.filter(position_id=position.pk).order_by("valued_on", "id"))
    rows = [(position.pk, v.valued_on, v.created_at, v.fair_value, "valuation", v.pk) for v in valuations]
    rows += [
        (position.pk, on, at, fraction, "sale", row_id)
        for on, at, fraction, row_id in Exit.objects.filter(position_id=position.pk).values_list(
            "exited_on", "created_at", "fraction_sold_percent", "id"
        )
    ]
    rows += [
        (position.pk, on, at, amount, "cost", row_id)
        for on, at, amount, row_id in JournalLine.objects.filter(position_id=position.pk, account=Account.INVESTMENTS)
        .exclude(kind=EntryKind.SALE)
        .values_list("booked_on", "entry__created_at", "amount", "id")
    ]
    _latest, changes = _latest_valuations_and_sales(rows)
    return value_steps(
        [LatestValuation(v.valued_on, v.created_at, v.fair_value, v.pk) for v in valuations],
        changes.get(position.pk, []),
    )


PERCENT_PLACES = Decimal("0.000001")  # as a stake is stored (bev.models.PERCENT)


def positions_stakes_on(positions: Iterable[Position], on: date) -> dict[int, Decimal | None]:
    """Per position its stake (%) as the record has it at the end of `on`, from today's stake and
    what changed it after `on`, walked back: a dilution gives the stake before it, a partial sale
    divides by the part kept (exact to the sixth place the sale rounded to). Where that walk meets
    what it cannot undo (a full exit, a conversion: the stake before neither is recorded), the stake
    is taken forward from the last one recorded on or before `on` (a dilution's or conversion's stake
    after it, less the partial sales since); None when neither is on record. A follow-on investment
    records no stake, so it changes none here (see `position_stake_recorded_on`)."""
    positions = list(positions)
    ids = [p.pk for p in positions]
    events: dict[int, list[tuple]] = {pk: [] for pk in ids}
    for pk, on_, at, before, after in Dilution.objects.filter(position_id__in=ids).values_list(
        "position_id", "issued_on", "created_at", "ownership_before", "ownership_after"
    ):
        events[pk].append((on_, at, "dilution", before, after))
    for pk, on_, at, after in Conversion.objects.filter(position_id__in=ids).values_list(
        "position_id", "converted_on", "created_at", "ownership_after"
    ):
        events[pk].append((on_, at, "conversion", None, after))
    for pk, on_, at, fraction, full in Exit.objects.filter(position_id__in=ids).values_list(
        "position_id", "exited_on", "created_at", "fraction_sold_percent", "is_full"
    ):
        events[pk].append((on_, at, "full_exit" if full else "sale", fraction, None))
    return {
        p.pk: _stake_on(p.ownership_percent, sorted(events[p.pk], key=lambda e: (e[0], e[1])), on) for p in positions
    }


def _stake_on(current: Decimal | None, events: list[tuple], on: date) -> Decimal | None:
    stake = current
    for _on, _at, kind, number, after in reversed([e for e in events if e[0] > on]):
        if kind == "dilution":
            stake = number  # the stake before the issue
        elif kind == "sale" and stake is not None and number < 100:
            stake = stake * 100 / (100 - number)
        else:  # a full exit or a conversion: the stake before it is not recorded
            stake = None
    if stake is None:
        for _on, _at, kind, number, after in [e for e in events if e[0] <= on]:
            if kind in ("dilution", "conversion"):
                stake = after
            elif kind == "sale" and stake is not None:
                stake = stake * (100 - number) / 100
            elif kind == "full_exit" and stake is not None:
                stake = Decimal(0)
    return stake.quantize(PERCENT_PLACES) if stake is not None else None


def position_stake_recorded_on(position: Position, *, on: date | None = None) -> date | None:
    """The latest date on which a stake of the position was recorded after it was set up: a dilution's
    issue date or a conversion's date (the stake after it is entered there); with `on`, the latest up
    to and including that date. None when only the stake entered with the position is on record. A
    follow-on investment records no stake (a disbursement takes only an amount), so a letter about one
    states a stake only when one was recorded on or after its date (parliament.composition)."""
    dilutions = Dilution.objects.filter(position=position)
    conversions = Conversion.objects.filter(position=position)
    if on is not None:
        dilutions, conversions = dilutions.filter(issued_on__lte=on), conversions.filter(converted_on__lte=on)
    dates = [
        dilutions.aggregate(on=Max("issued_on"))["on"],
        conversions.aggregate(on=Max("converted_on"))["on"],
    ]
    return max((on for on in dates if on is not None), default=None)


def sale_of_source(source_key: str) -> dict[str, Decimal] | None:
    """The sale a letter's transaction is (its outbox key `journal:<entry id>`, as `exit_book` sends it):
    its proceeds, the cost of the part sold and the realised result (proceeds - cost), as the Exit row
    records them; None for any other transaction."""
    prefix, _sep, entry_id = source_key.partition(":")
    if prefix != "journal" or not entry_id.isdigit():
        return None
    names = ("proceeds", "cost_derecognised", "realised_result")
    sale = Exit.objects.filter(entry_id=int(entry_id)).values_list(*names).first()
    return dict(zip(names, sale, strict=True)) if sale is not None else None


def position_principal_repaid(position_id: int, *, on: date) -> Decimal:
    """The loan principal repaid on the position up to and including `on`, net of reversals (the cash
    the repayments brought in, as `returns_split`'s `principal_repaid`): what a letter about the loan's
    exit says came back before it."""
    total = (
        JournalLine.objects.filter(
            position_id=position_id, kind=EntryKind.REPAYMENT, account=Account.CASH_AVAILABLE, booked_on__lte=on
        )
        .order_by()
        .aggregate(total=Sum("amount"))["total"]
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


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
