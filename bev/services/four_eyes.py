"""Deciding a four-eyes proposal of the fund (bev.models.FourEyesProposal): a management fee (`fees`),
the reversal of a four-eyes booking (`corrections`), a repayment of principal or a payment of
interest to EZK (`loan`).

Each kind's service checks its own permission and its own rules (limits, booking date) and books
through `ledger._post` under the fund lock; what they share is here, once: the proposal's row locked
and still proposed (409 `already_decided`: deciding twice books once), never decided by the person
who proposed it (403 `four_eyes`, by person: `access.permissions.require_four_eyes`), and the decision
recorded (who, when, the booking or the reason) and audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require_four_eyes
from access.roles import Role
from audit.models import AuditRecord
from audit.services import audit_log
from core.exceptions import Conflict, PermissionDenied, RuleViolation

from ..constants import ProposalStatus
from ..models import FourEyesProposal, JournalEntry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

P = TypeVar("P", bound=FourEyesProposal)


@dataclass(frozen=True)
class FourEyes:
    """A kind of four-eyes proposal as its decision speaks of it: the audit events (`<event>.approve`,
    `<event>.reject`), the field that keeps the booking its approval made, what its row is read with,
    and the two refusals in its own words (lazy: said in the language of whoever decides)."""

    event: str
    already_decided: StrOrPromise
    own_proposal: StrOrPromise
    booking_field: str = "entry"
    related: tuple[str, ...] = ()
    # Four eyes across the two organisations (a management fee: Invest-NL proposes, EZK decides):
    # nobody whose organisational role is the fund manager's decides either.
    across_organisations: bool = False


def reason_required(reason: str) -> str:
    """A rejection says why (400 at `reason`); the reason, stripped."""
    if not (reason or "").strip():
        raise RuleViolation(_("Een reden is verplicht."), field="reason")
    return reason.strip()


def proposal_decidable(proposal: P, *, user: User, kind: FourEyes) -> P:
    """The proposal, its row locked, if this person may decide it now: still proposed, and never by
    the person who proposed it (four eyes by person, whatever role they hold now)."""
    rows = type(proposal)._default_manager.select_for_update(no_key=True)
    if kind.related:
        rows = rows.select_related(*kind.related)
    proposal = rows.get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise Conflict(str(kind.already_decided), code="already_decided")
    if kind.across_organisations and user.role == Role.FUND_MANAGER:
        raise PermissionDenied(str(kind.own_proposal), code="four_eyes")
    require_four_eyes(user, involved=[proposal.proposed_by_id], message=str(kind.own_proposal))
    return proposal


def proposal_approved(
    proposal: P, *, user: User, kind: FourEyes, booking: JournalEntry, changes: dict, case_id: int | None = None
) -> P:
    """Record the approval of a proposal `proposal_decidable` gave, once its service booked it
    (`booking`): who decided and when, the booking, and the audit record `<event>.approve`."""
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.APPROVED, user, timezone.now()
    setattr(proposal, kind.booking_field, booking)
    proposal.save(update_fields=["status", "decided_by", "decided_at", kind.booking_field])
    audit_log(
        actor=user,
        action=AuditRecord.Action.APPROVE,
        event=f"{kind.event}.approve",
        obj=proposal,
        case_id=case_id,
        changes=changes,
    )
    return proposal


def proposal_reject(proposal: P, *, user: User, kind: FourEyes, reason: str, case_id: int | None = None) -> P:
    """A second person rejects the proposal, with a reason; nothing is booked. The caller checked who
    may decide this kind (its permission); audited as `<event>.reject`."""
    reason = reason_required(reason)
    proposal = proposal_decidable(proposal, user=user, kind=kind)
    proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.REJECTED, user, timezone.now()
    proposal.rejection_reason = reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event=f"{kind.event}.reject",
        obj=proposal,
        case_id=case_id,
        changes={"reason": reason},
    )
    return proposal
