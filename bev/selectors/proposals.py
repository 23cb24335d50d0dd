"""Reads of Invest-NL's investment proposals: case data, reached only through cases the person may
see (404 otherwise)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access.models import User
from core.exceptions import NotFound

from ..constants import EntryKind, ProposalStatus
from ..models import InvestmentProposal, ReversalProposal


def investment_proposal_list(*, user: User | AnonymousUser, case_id: int | None = None) -> QuerySet[InvestmentProposal]:
    from cases.models import Case

    proposals = InvestmentProposal.objects.filter(case__in=Case.objects.case_file_visible_to(user)).select_related(
        "case", "decision", "proposed_by", "decided_by"
    )
    if case_id is not None:
        proposals = proposals.filter(case_id=case_id)
    return proposals.order_by("-proposed_at", "-id")


def investment_proposal_get(*, user: User | AnonymousUser, proposal_id: int | str) -> InvestmentProposal:
    try:
        proposal_id = int(proposal_id)
    except (TypeError, ValueError):
        raise NotFound(_("Investeringsvoorstel niet gevonden.")) from None
    found = investment_proposal_list(user=user).filter(pk=proposal_id).first()
    if found is None:
        raise NotFound(_("Investeringsvoorstel niet gevonden."))
    return found


def approved_proposal_amount(*, case_id: int) -> Decimal | None:
    """The amount of the case's investment proposal approved last (what its position is to receive
    under the governing decision); None without one."""
    return (
        InvestmentProposal.objects.filter(case_id=case_id, status=ProposalStatus.APPROVED)
        .order_by("-decided_at", "-id")
        .values_list("amount", flat=True)
        .first()
    )


def reversal_proposal_list(*, user: User | AnonymousUser) -> QuerySet[ReversalProposal]:
    """Proposed reversals of four-eyes bookings: a case's for those who see the fund and the case file
    (need-to-know), the fund's own (a repayment to EZK) for those who see the fund, a management fee's
    also for those who see the fees."""
    from django.db.models import Q

    from access.permissions import can
    from cases.models import Case

    shown = Q(pk__in=[])
    if can(user, "fee.view"):  # management fees (their approvers are EZK's, who do not see the fund)
        shown |= Q(entry__case_id__isnull=True, entry__kind=EntryKind.FEE)
    if can(user, "fund.view"):  # the fund's own bookings (a repayment to EZK) and the cases' they see
        shown |= Q(entry__case_id__isnull=True)
        shown |= Q(entry__case_id__in=Case.objects.case_file_visible_to(user).values("pk"))
    return (
        ReversalProposal.objects.filter(shown)
        .select_related("entry", "proposed_by", "decided_by")
        .order_by("-proposed_at", "-id")
    )


# How long a rejected proposal to reverse a booking stays on the ledger page, and at most how many.
REJECTED_REVERSALS_DAYS = 30
REJECTED_REVERSALS_SHOWN = 20


def reversal_proposals_rejected_recently(*, user: User | AnonymousUser) -> list[ReversalProposal]:
    """The proposals to reverse a booking rejected in the last REJECTED_REVERSALS_DAYS days that this
    person sees (need-to-know, as `reversal_proposal_list`), newest decision first: so the proposer
    (and whoever sees the open ones) reads who rejected it and why. One query."""
    since = timezone.now() - timedelta(days=REJECTED_REVERSALS_DAYS)
    return list(
        reversal_proposal_list(user=user)
        .filter(status=ProposalStatus.REJECTED, decided_at__gte=since)
        .order_by("-decided_at", "-id")[:REJECTED_REVERSALS_SHOWN]
    )


def reversal_proposal_get(*, user: User | AnonymousUser, proposal_id: int | str) -> ReversalProposal:
    try:
        proposal_id = int(proposal_id)
    except (TypeError, ValueError):
        raise NotFound(_("Voorstel tot tegenboeking niet gevonden.")) from None
    found = reversal_proposal_list(user=user).filter(pk=proposal_id).first()
    if found is None:
        raise NotFound(_("Voorstel tot tegenboeking niet gevonden."))
    return found
