"""Corrections: a reversing entry, never an edit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.models import User
from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log
from core.exceptions import Conflict, LimitExceeded

from .. import events
from ..constants import (
    REVERSAL_APPROVAL,
    REVERSIBLE_KINDS,
    Account,
    EntryKind,
    ProposalStatus,
)
from ..models import (
    Fund,
    JournalEntry,
    ReversalProposal,
)
from ..selectors import ZERO, ledger_totals, position_balances
from .four_eyes import FourEyes, proposal_approved, proposal_decidable, proposal_reject, reason_required
from .ledger import _booking_date, _key, _lock_fund, _not_in_future, _post, _replayed, _sweep_excess
from .positions import _lock_case


# ------------------------------------------------------------------------------------------------
# Corrections: a reversing entry, never an edit
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def entry_reverse(
    *, user: User, entry: JournalEntry, reason: str, idempotency_key: str, booked_on: date | None = None
) -> JournalEntry:
    """Correct a mistake by booking the entry's mirror image. The limits hold afterwards too. An entry
    booked under four eyes is reversed only through a proposal a second person approves
    (`reversal_propose`, REVERSAL_APPROVAL)."""
    require(user, "fund.book")
    if entry.position is not None:
        require(user, "fund.book", case=entry.position.case)
    key = _key(idempotency_key)
    reason = reason_required(reason)
    fund = _lock_case_then_fund(entry)
    if replay := _replayed(fund, key, user=user, kind=entry.kind, amount=entry.amount, position=entry.position):
        if replay.reverses_id != entry.pk:
            raise Conflict(
                _("Deze idempotentiesleutel is al gebruikt voor een andere boeking."), code="idempotency_key_reused"
            )
        return replay
    if entry.kind in REVERSAL_APPROVAL:
        raise Conflict(
            _(
                "Deze boeking is met vier ogen gedaan; haar tegenboeking ook: stel de tegenboeking voor "
                "(POST /api/fund/reversals/), een tweede persoon keurt haar goed."
            ),
            code="reversal_needs_four_eyes",
        )
    _require_reversible(entry)
    return _book_reversal(fund=fund, entry=entry, reason=reason, key=key, user=user, booked_on=booked_on)


def _lock_case_then_fund(entry: JournalEntry) -> Fund:
    """The locks a reversal books under, in the order every booking on a case takes them: the case's
    row first (`positions._lock_case`), then the fund's. A reversal may move its case (the last
    disbursement reversed: `undo_invested`, bev.apps), and a disbursement approved on the same case at
    the same moment takes the case and then the fund; in the other order the two deadlocked
    (tests/test_reversal_lock_order.py)."""
    if entry.position is not None:
        _lock_case(entry.position.case_id)
    return _lock_fund()


def _require_reversible(entry: JournalEntry) -> None:
    if entry.reverses_id is not None or entry.kind not in REVERSIBLE_KINDS:
        raise Conflict(_("Deze boeking kan niet worden tegengeboekt."), code="not_reversible")
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("Deze boeking is al tegengeboekt."), code="already_reversed")


def _book_reversal(
    *,
    fund: Fund,
    entry: JournalEntry,
    reason: str,
    key: str,
    user: User,
    booked_on: date | None,
    approved_by: User | None = None,
) -> JournalEntry:
    """The mirror entry, under the fund lock; the apps above hear that the transaction was undone.

    An inflow that took the liquid assets above the maximum made a sweep to the treasury
    (`_sweep_excess`, keyed on its cause): the money swept was never the fund's when the inflow is
    undone, so its sweep is undone with it, first (the treasury's account is debited back). Before,
    reversing a mistyped dividend of € 90 mln left € 16.75 mln of the fund's own capital "swept"."""
    booked_on = _booking_date(fund, booked_on)
    swept = _sweep_made_by(entry)
    if swept is not None:
        _post(
            fund=fund,
            kind=EntryKind.SWEEP,
            booked_on=booked_on,
            key=f"{key}:sweep",
            user=user,
            approved_by=approved_by,
            amount=swept.amount,
            reverses=swept,
            description=_("Tegenboeking van #%(id)s: de instroom die haar veroorzaakte (#%(cause)s) is tegengeboekt.")
            % {"id": swept.pk, "cause": entry.pk},
            lines=[(line.account, -line.amount) for line in swept.lines.all()],
        )
    mirror = [(line.account, -line.amount) for line in entry.lines.all()]
    _check_reversal_keeps_limits(fund, entry, mirror)
    reversal = _post(
        fund=fund,
        kind=entry.kind,
        booked_on=booked_on,
        key=key,
        user=user,
        approved_by=approved_by,
        amount=entry.amount,
        position=entry.position,
        reverses=entry,
        description=_("Tegenboeking van #%(id)s: %(reason)s") % {"id": entry.pk, "reason": reason},
        lines=mirror,
    )
    _sweep_excess(fund=fund, user=user, booked_on=booked_on, cause=reversal)
    if entry.position is not None:
        events.transaction_reversed(
            events.TransactionReversed(
                case_id=entry.position.case_id,
                source_key=f"journal:{entry.pk}",
                reversal_entry_id=reversal.pk,
                reversed_on=booked_on,
                reason=reason,
                user_id=(approved_by or user).pk,
            )
        )
    return reversal


def _sweep_made_by(entry: JournalEntry) -> JournalEntry | None:
    """The sweep to the treasury the inflow `entry` made, not undone yet (`_book_reversal` undoes it first)."""
    return JournalEntry.objects.filter(
        kind=EntryKind.SWEEP, idempotency_key=f"sweep:{entry.pk}", reversed_by__isnull=True
    ).first()


def _require_reversal_bookable(fund: Fund, entry: JournalEntry, booked_on: date | None) -> None:
    """What `_book_reversal` would refuse on the record as it stands now, without booking: the date
    (not before the fund's latest booking) and the limits after the mirror entry, with the undoing of
    the sweep the entry made counted first, as `_book_reversal` books it first. Call under the fund lock."""
    if booked_on is not None:
        _booking_date(fund, booked_on)
    swept = _sweep_made_by(entry)
    undo_sweep = [(line.account, -line.amount) for line in swept.lines.all()] if swept is not None else []
    mirror = [(line.account, -line.amount) for line in entry.lines.all()]
    _check_reversal_keeps_limits(fund, entry, mirror, booked_before=undo_sweep)


# A reversal of a four-eyes booking: proposed by one, booked on another's approval ------------------
@transaction.atomic
def reversal_propose(
    *, user: User, entry: JournalEntry, reason: str, idempotency_key: str, booked_on: date | None = None
) -> ReversalProposal:
    """Propose the reversal of an entry booked under four eyes (REVERSAL_APPROVAL); nothing is booked
    until a second person approves it."""
    require(user, "fund.book")
    if entry.position is not None:
        require(user, "fund.book", case=entry.position.case)
    key = _key(idempotency_key)
    reason = reason_required(reason)
    _not_in_future(booked_on)
    fund = _lock_fund()  # serialises retries and proposals for the same entry
    existing = ReversalProposal.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.entry_id != entry.pk or existing.proposed_by_id != user.pk:
            raise Conflict(
                _("Deze idempotentiesleutel is al gebruikt voor een ander voorstel."), code="idempotency_key_reused"
            )
        existing.replayed = True
        return existing
    if entry.kind not in REVERSAL_APPROVAL:
        raise Conflict(
            _("Deze boeking is niet met vier ogen gedaan: boek de tegenboeking zelf."), code="reversal_not_four_eyes"
        )
    _require_reversible(entry)
    if ReversalProposal.objects.filter(entry=entry, status=ProposalStatus.PROPOSED).exists():
        raise Conflict(_("Voor deze boeking ligt al een voorstel tot tegenboeking."), code="reversal_pending")
    # What the approval would refuse on the record as it stands now (the date, a limit: 409 with the
    # approval's own code) is refused to the proposer at once; `reversal_approve` checks it again, as
    # the record may change before a second person decides.
    _require_reversal_bookable(fund, entry, booked_on)
    proposal = ReversalProposal.objects.create(
        entry=entry, reason=reason, booked_on=booked_on, idempotency_key=key, proposed_by=user
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="reversal.propose",
        obj=proposal,
        case_id=entry.case_id,
        changes={"entry": entry.pk, "amount": entry.amount, "reason": reason},
    )
    return proposal


REVERSAL = FourEyes(
    event="reversal",
    already_decided=gettext_lazy("Over dit voorstel tot tegenboeking is al besloten."),
    own_proposal=gettext_lazy("Vier ogen: wie de tegenboeking voorstelt, keurt haar niet zelf goed."),
    booking_field="reversal",
    related=("entry",),
)


def _require_decider(proposal: ReversalProposal, user: User) -> None:
    """Who decides a proposed reversal: who holds the permission that approved the booking (on its case)."""
    entry = proposal.entry
    require(user, REVERSAL_APPROVAL[entry.kind], case=entry.position.case if entry.position else None)


@transaction.atomic
def reversal_approve(*, user: User, proposal: ReversalProposal, booked_on: date | None = None) -> ReversalProposal:
    """A second person approves: the reversing entry is booked (in the proposer's name, approved by
    this person), within the limits."""
    _not_in_future(booked_on)
    fund = _lock_case_then_fund(proposal.entry)
    _require_decider(proposal, user)
    proposal = proposal_decidable(proposal, user=user, kind=REVERSAL)
    entry = proposal.entry
    _require_reversible(entry)
    reversal = _book_reversal(
        fund=fund,
        entry=entry,
        reason=proposal.reason,
        key=f"reversal:{proposal.pk}",
        user=proposal.proposed_by,
        booked_on=booked_on or proposal.booked_on,
        approved_by=user,
    )
    return proposal_approved(
        proposal,
        user=user,
        kind=REVERSAL,
        booking=reversal,
        case_id=entry.case_id,
        changes={"entry": entry.pk, "reversal": reversal.pk, "booked_on": reversal.booked_on},
    )


@transaction.atomic
def reversal_reject(*, user: User, proposal: ReversalProposal, reason: str) -> ReversalProposal:
    reason = reason_required(reason)
    _require_decider(proposal, user)
    return proposal_reject(proposal, user=user, kind=REVERSAL, reason=reason, case_id=proposal.entry.case_id)


def _check_reversal_keeps_limits(
    fund: Fund,
    entry: JournalEntry,
    mirror: list[tuple[str, Decimal]],
    *,
    booked_before: list[tuple[str, Decimal]] | None = None,
) -> None:
    """The limits after the mirror entry; `booked_before`: lines not booked yet that the reversal
    books before it (the undoing of a sweep, when a proposal is checked without booking)."""
    totals = ledger_totals(fund=fund)
    for account, amount in [*(booked_before or []), *mirror]:
        totals[account] += amount
    if totals[Account.CASH_AVAILABLE] < 0:
        raise LimitExceeded(
            _("Tegenboeken zou de beschikbare liquiditeit negatief maken."), field="amount", code="available_liquidity"
        )
    if totals[Account.MINISTRY_LOAN] > 0:
        raise LimitExceeded(
            _("Tegenboeken zou meer terugdraaien dan er is ontvangen."),
            field="amount",
            code="reversal_exceeds_received",
        )
    if totals[Account.MINISTRY_LOAN] + totals[Account.EZK_LOAN_REPAID] > 0:  # bev.services.loan
        raise LimitExceeded(
            _("Tegenboeken zou de uitstaande hoofdsom van de lening negatief maken."),
            field="amount",
            code="loan_principal_outstanding",
        )
    if totals[Account.EZK_INTEREST_PAYABLE] > 0:
        raise LimitExceeded(
            _("Tegenboeken zou meer rente betaald maken dan er is opgebouwd."),
            field="amount",
            code="loan_interest_payable",
        )
    if entry.position_id:
        balance = position_balances(position_ids=[entry.position_id])[entry.position_id]
        changes = dict(mirror)
        if balance["reserved"] + changes.get(Account.CASH_RESERVED, ZERO) < 0:
            raise LimitExceeded(
                _("Tegenboeken zou de reservering van de positie negatief maken."),
                field="amount",
                code="position_reservation",
            )
        if balance["cost"] + changes.get(Account.INVESTMENTS, ZERO) < 0:
            raise LimitExceeded(
                _("Tegenboeken zou de kostprijs van de positie negatief maken."), field="amount", code="position_cost"
            )
