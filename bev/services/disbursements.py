"""Disbursements: four eyes (proposed by one manager, approved by another; the approval books it)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.models import User
from access.notifications import notify_task
from access.permissions import require, require_four_eyes
from audit.models import AuditRecord
from audit.services import audit_log
from cases.constants import State
from cases.selectors import team_members_who_may
from core.exceptions import Conflict, RuleViolation
from core.inserts import update

from .. import events
from ..constants import (
    Account,
    DisbursementStatus,
    EntryKind,
    TransactionKind,
)
from ..models import (
    Disbursement,
    JournalEntry,
    Position,
)
from ..selectors import ZERO, position_balances
from .ledger import (
    _DISBURSEMENT_FOR_UPDATE,
    CENT,
    DISBURSEMENT_STATES,
    NumberInput,
    _booking_date_after,
    _check_available,
    _check_cabinet_decision,
    _executed,
    _figures,
    _key,
    _lock_fund,
    _not_in_future,
    _post,
    money,
)
from .positions import _lock_case, _locked_position, _require_open

if TYPE_CHECKING:
    from .ledger import LockedDisbursement


# ------------------------------------------------------------------------------------------------
# Disbursement: four eyes (proposed by one manager, approved by another; the approval books it)
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def disbursement_propose(
    *, user: User, position: Position, amount: NumberInput, idempotency_key: str, description: str = ""
) -> Disbursement:
    require(user, "fund.book", case=position.case)
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()  # also serialises retries of the same proposal
    existing = Disbursement.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.position_id != position.pk or existing.amount != amount or existing.proposed_by_id != user.pk:
            raise Conflict(
                _("Deze idempotentiesleutel is al gebruikt voor een ander voorstel."), code="idempotency_key_reused"
            )
        existing.replayed = True
        return existing
    position = _locked_position(position)
    _require_investable(position)
    own = position_balances(position_ids=[position.pk])[position.pk]["reserved"]
    # early warnings; both checked again when booked
    _check_cabinet_decision(case=position.case, instrument=position.instrument, increase=amount - min(own, amount))
    _check_available(_figures(fund), amount, own_reservation=own)
    disbursement = Disbursement.objects.create(
        position=position,
        amount=amount,
        idempotency_key=key,
        description=description or _("Investering."),
        proposed_by=user,
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="disbursement.propose",
        obj=disbursement,
        case_id=position.case_id,
        changes={"amount": amount, "position": position.pk},
    )
    # Four eyes: the case's other fund managers are told it waits for their approval.
    notify_task(
        recipients=team_members_who_may(case=position.case, action="fund.approve_disbursement", exclude=[user.pk]),
        kind=gettext_lazy("Vier ogen: uitbetaling goedkeuren"),
        reference=position.case.reference,
        path=reverse("bev:position", args=[position.pk]) + "#disbursements",
    )
    return disbursement


@transaction.atomic
def disbursement_approve(*, user: User, disbursement: Disbursement, booked_on: date | None = None) -> Disbursement:
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
    _lock_case(position.case_id)  # before the fund's, as a transition (the first one moves the case)
    fund = _lock_fund()
    disbursement = cast("LockedDisbursement", list(_DISBURSEMENT_FOR_UPDATE(disbursement_id=disbursement.pk))[0])
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
    from_reservation = min(own, amount)
    # Only what is not drawn from the position's own reservation adds to the case's committed total.
    _check_cabinet_decision(case=case, instrument=position.instrument, increase=amount - from_reservation)
    _check_available(_figures(fund), amount, own_reservation=own)
    # The first investment is the first that stands: after a first disbursement reversed in full (a
    # wrong amount), the one booked instead is the first investment, not a follow-on (its letter).
    first = earlier == 0 or not disbursement.own_invested
    entry = _post(
        fund=fund,
        kind=EntryKind.DISBURSEMENT,
        booked_on=booked_on,
        key=f"disbursement:{disbursement.pk}",
        user=proposer,
        approved_by=user,
        amount=amount,
        position=position,
        description=disbursement.description,
        lines=[
            (Account.INVESTMENTS, amount),
            (Account.CASH_RESERVED, -from_reservation),
            (Account.CASH_AVAILABLE, -(amount - from_reservation)),
        ],
    )
    disbursement.status = DisbursementStatus.BOOKED
    disbursement.decided_by = user
    disbursement.decided_at = timezone.now()
    disbursement.entry = entry
    update(disbursement, ("status", "decided_by", "decided_at", "entry"))  # one prepared UPDATE (core.inserts)
    audit_log(
        actor=user,
        action=AuditRecord.Action.APPROVE,
        event="disbursement.approve",
        obj=disbursement,
        case_id=case.pk,
        changes={"amount": amount, "entry": entry.pk},
    )
    if first and case.state == State.INVESTMENT_PREPARATION:
        from cases.services import case_transition

        case_transition(user=user, case=case, name="mark_invested")
    _executed(
        kind=TransactionKind.FIRST_INVESTMENT if first else TransactionKind.FOLLOW_ON_INVESTMENT,
        position=position,
        amount=amount,
        on=booked_on,
        user=user,
        source_key=f"journal:{entry.pk}",
    )
    return disbursement


def _approval_refused(disbursement: Disbursement, user: User) -> bool:
    """Raise if this disbursement cannot be approved by `user`; True for a retried approval (already
    booked by them). Every refusal is final (a decided disbursement, an exited position and a case
    past investing stay so), so it may be checked on a copy read before the lock."""
    if disbursement.status == DisbursementStatus.BOOKED:
        if disbursement.decided_by_id == user.pk:
            return True  # a retried approval
        raise Conflict(_("Deze uitbetaling is al goedgekeurd en geboekt."), code="already_booked")
    if disbursement.status == DisbursementStatus.REJECTED:
        raise Conflict(_("Deze uitbetaling is afgewezen."), code="rejected")
    # Four eyes by person: the proposer never approves, whatever role they hold now (issue 20).
    require_four_eyes(
        user,
        involved=[disbursement.proposed_by_id],
        message=_("Vier ogen: wie de uitbetaling voorstelde, kan haar niet zelf goedkeuren."),
    )
    position = disbursement.position
    _require_investable(position)
    return False


def _require_investable(position: Position) -> None:
    """Money goes into a position only while it is open and its case is being invested in."""
    _require_open(position)
    if position.case.state not in DISBURSEMENT_STATES:
        raise Conflict(
            _("In de status '%(state)s' wordt niet (meer) in deze casus geïnvesteerd.")
            % {"state": position.case.get_state_display()},
            code="invalid_state",
        )


@transaction.atomic
def disbursement_reject(*, user: User, disbursement: Disbursement, reason: str) -> Disbursement:
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
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="disbursement.reject",
        obj=disbursement,
        case_id=disbursement.position.case_id,
        changes={"reason": reason.strip()},
    )
    return disbursement


def case_back_on_reversal(sender: object, *, event: events.TransactionReversed, **kwargs: object) -> None:
    """Receiver of `bev.events.reversed_` (connected in BevConfig.ready()), inside the reversal's
    transaction: when the reversed entry was the case's last disbursement that stood, the case goes back
    to investment preparation (`undo_invested`), as its first disbursement moved it to invested. From
    invested, monitoring or exit (where, holding nothing, it could neither sell nor close: stuck; no
    sale stands, as a disbursement of a position sold from cannot be reversed). Not in a follow-on
    decision: the case waits on the cabinet, and after it resumes to monitoring a fund manager takes
    the step. The service's own reading of the lifecycle (cases.models.Case.undo_invested)."""
    from cases.guards import nothing_invested
    from cases.models import Case
    from cases.services import case_transition

    prefix, _sep, entry_id = event.source_key.partition(":")
    if prefix != "journal" or not entry_id.isdigit():
        return
    if not JournalEntry.objects.filter(pk=int(entry_id), kind=EntryKind.DISBURSEMENT).exists():
        return
    case = Case.objects.get(pk=event.case_id)
    if case.state not in (State.INVESTED, State.MONITORING, State.EXIT) or not nothing_invested(case):
        return
    user = User.objects.get(pk=event.user_id)
    case_transition(user=user, case=case, name="undo_invested", reason=event.reason)
