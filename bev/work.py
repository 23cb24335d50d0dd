"""What waits on a person in the fund ("Mijn werk", core.extensions.work_sources): a management fee,
repayment or interest payment to EZK, investment proposal, disbursement or reversal to approve (four
eyes: never the proposer), an investment proposal to draw up or an approved one to carry out, and a
cabinet condition or acquired right whose date is near or passed. Each with its due date where one exists and the page of the action."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import can
from access.roles import Role
from cases.constants import State
from cases.models import CabinetDecision
from cases.work import may, my_cases, task
from core.formatting import page_euro

from .constants import REVERSAL_APPROVAL, DisbursementStatus, EntryKind, FollowUpStatus, ProposalStatus
from .models import (
    AcquiredRight,
    DecisionCondition,
    Disbursement,
    FeeCharge,
    InvestmentProposal,
    LoanInterestPaymentProposal,
    LoanRepaymentProposal,
    ReversalProposal,
)
from .services.ledger import DISBURSEMENT_STATES

# A follow-up item appears this many days before its date.
FOLLOW_UP_WARNING_DAYS = 14


def work_items(*, user) -> list[dict]:
    items = _fee_items(user) + _loan_payment_items(user)
    cases = {c.pk: c for c in my_cases(user=user) if c.my_role in (Role.FUND_MANAGER, Role.CASE_OFFICER)}
    items += _reversal_items(user, cases)
    if not cases:
        return items
    managed = [pk for pk, c in cases.items() if c.my_role == Role.FUND_MANAGER]
    officer_of = [pk for pk, c in cases.items() if c.my_role == Role.CASE_OFFICER]
    for d in (
        Disbursement.objects.filter(status=DisbursementStatus.PROPOSED, position__case_id__in=managed)
        .exclude(proposed_by=user)
        .select_related("position")
    ):
        case = cases[d.position.case_id]
        items.append(
            task(
                case=case,
                kind=_("Vier ogen: uitbetaling goedkeuren"),
                what=page_euro(d.amount),
                url=reverse("bev:position", args=[d.position_id]) + "#disbursements",
            )
        )
    proposals = list(
        InvestmentProposal.objects.filter(case_id__in=list(cases))
        .exclude(status=ProposalStatus.REJECTED)
        .order_by("id")
    )
    for p in proposals:
        if (
            p.status == ProposalStatus.PROPOSED
            and p.case_id in officer_of
            and p.proposed_by_id != user.pk
            and cases[p.case_id].state in DISBURSEMENT_STATES  # approved only while money may go in
        ):
            items.append(
                task(
                    case=cases[p.case_id],
                    kind=_("Vier ogen: investeringsvoorstel goedkeuren"),
                    what=page_euro(p.amount),
                    url=reverse("bev:case_positions", args=[p.case_id]) + "#proposals",
                )
            )
    preparing = [pk for pk in managed if cases[pk].state == State.INVESTMENT_PREPARATION]
    if preparing:
        proposing = {p.case_id: p for p in proposals if p.case_id in preparing}
        disbursing = set(
            Disbursement.objects.filter(position__case_id__in=preparing)
            .exclude(status=DisbursementStatus.REJECTED)
            .values_list("position__case_id", flat=True)
        )
        lapsing = _decision_lapse_dates(preparing)
        for pk in preparing:
            case, url = cases[pk], reverse("bev:case_positions", args=[pk])
            proposal = proposing.get(pk)
            # Under a decision that lapses, the work is due before it does (nothing is reserved or
            # disbursed under it afterwards); otherwise the stage's deadline.
            due = lapsing.get(pk) or {}
            if proposal is None and may(case, "investment_proposal.propose"):
                items.append(
                    task(
                        case=case,
                        kind=_("Investeringsvoorstel indienen"),
                        what=case.get_state_display(),
                        url=url + "#proposals",
                        **due,
                    )
                )
            elif proposal is not None and proposal.status == ProposalStatus.APPROVED and pk not in disbursing:
                items.append(
                    task(case=case, kind=_("Investering uitvoeren"), what=page_euro(proposal.amount), url=url, **due)
                )
    return items + _follow_up_items(user, cases)


def _decision_lapse_dates(case_ids: list[int]) -> dict[int, dict]:
    """The lapse date of each case's governing decision to deploy (Case.governing_deploy_decision:
    the latest confirmed one), as a due date: one query."""
    latest: dict[int, date | None] = {}
    decisions = (
        CabinetDecision.objects.filter(case_id__in=case_ids, confirmed_at__isnull=False, deploy=True)
        .order_by("case_id", "-confirmed_at", "-id")
        .values_list("case_id", "lapses_on")
    )
    for case_id, lapses_on in decisions:
        latest.setdefault(case_id, lapses_on)
    today = timezone.localdate()
    return {
        case_id: {"due_at": timezone.make_aware(datetime.combine(day, time.max)), "overdue": day < today}
        for case_id, day in latest.items()
        if day is not None
    }


def _fee_items(user) -> list[dict]:
    """Fund-wide: an EZK official approves Invest-NL's management fee (organisational role)."""
    if not can(user, "fee.approve"):
        return []
    return [
        {
            "kind": _("Vier ogen: beheersvergoeding goedkeuren"),
            "title": fee.description,
            "what": page_euro(fee.amount),
            "url": reverse("bev:fees"),
            "due_at": None,
            "overdue": False,
            "urgent": False,
        }
        for fee in FeeCharge.objects.filter(status=ProposalStatus.PROPOSED).exclude(proposed_by=user)
    ]


def _loan_payment_items(user) -> list[dict]:
    """Fund-wide: another fund manager approves a proposed payment to EZK, a repayment of principal or
    an interest payment (four eyes: never the proposer, the rule of `bev.services.loan`). One query
    each for who may approve it, whatever their number."""
    items = []
    for model, permission, kind, page in (
        (
            LoanRepaymentProposal,
            "loan_repayment.approve",
            _("Vier ogen: aflossing lening EZK goedkeuren"),
            "bev:loan_repayments",
        ),
        (
            LoanInterestPaymentProposal,
            "loan_interest_payment.approve",
            _("Vier ogen: rentebetaling aan EZK goedkeuren"),
            "bev:loan_interest_payments",
        ),
    ):
        if not can(user, permission):
            continue
        items += [
            {
                "kind": kind,
                "title": proposal.description,
                "what": page_euro(proposal.amount),
                "url": reverse(page),
                "due_at": None,
                "overdue": False,
                "urgent": False,
            }
            for proposal in model.objects.filter(status=ProposalStatus.PROPOSED)
            .exclude(proposed_by=user)
            .order_by("id")
        ]
    return items


def _reversal_items(user, cases: dict) -> list[dict]:
    """Four eyes on a correction (bev.constants.REVERSAL_APPROVAL): a proposal to reverse a booking, for
    who holds the booking's own approving permission and did not propose it (the rule of
    `bev.services.corrections._require_decider` and `bev.services.four_eyes.proposal_decidable`). A
    management fee's (EZK's officials, who do not see the ledger) on the fees page; a case's (a disbursement: another fund manager on the team) and a
    repayment's or interest payment's to EZK (another fund manager) on the ledger. One query, and none for who approves neither."""
    decidable = []
    for kind, permission in REVERSAL_APPROVAL.items():
        if can(user, permission):
            decidable.append(Q(entry__kind=kind, entry__case_id__isnull=True))
        on_cases = [pk for pk, case in cases.items() if may(case, permission)]
        if on_cases:
            decidable.append(Q(entry__kind=kind, entry__case_id__in=on_cases))
    if not decidable:
        return []
    shown = decidable.pop()
    for condition in decidable:
        shown |= condition
    items = []
    proposals = (
        ReversalProposal.objects.filter(shown, status=ProposalStatus.PROPOSED)
        .exclude(proposed_by=user)
        .select_related("entry")
        .order_by("id")
    )
    kind = _("Vier ogen: tegenboeking goedkeuren")
    for proposal in proposals:
        entry = proposal.entry
        if entry.case_id is None:
            items.append(
                {
                    "kind": kind,
                    "title": _("Boeking #%(id)s (%(kind)s)") % {"id": entry.pk, "kind": entry.get_kind_display()},
                    "what": page_euro(entry.amount),
                    # a fee's on the fees page (EZK's officials do not see the ledger), a repayment's on the ledger
                    "url": reverse("bev:fees" if entry.kind == EntryKind.FEE else "bev:ledger") + "#reversals",
                    "due_at": None,
                    "overdue": False,
                    "urgent": False,
                }
            )
        else:
            items.append(
                task(
                    case=cases[entry.case_id],
                    kind=kind,
                    what=page_euro(entry.amount),
                    url=reverse("bev:ledger") + "#reversals",
                )
            )
    return items


def _follow_up_items(user, cases: dict) -> list[dict]:
    """The cabinet's conditions and the acquired rights this person owns, from a fortnight before
    their date, overdue after it."""
    today = timezone.localdate()
    horizon = today + timedelta(days=FOLLOW_UP_WARNING_DAYS)
    items = []
    for model, kind in (
        (DecisionCondition, _("Voorwaarde van het kabinet opvolgen")),
        (AcquiredRight, _("Verworven recht opvolgen")),
    ):
        rows = model.objects.filter(
            owner=user, status=FollowUpStatus.OPEN, due_date__lte=horizon, position__case_id__in=list(cases)
        ).select_related("position")
        for row in rows:
            due = row.due_date
            if due is None:  # not reached: the filter asks for a date
                continue
            items.append(
                task(
                    case=cases[row.position.case_id],
                    kind=kind,
                    what=row.description[:80],
                    url=reverse("bev:position", args=[row.position_id]),
                    due_at=timezone.make_aware(datetime.combine(due, time.max)),
                    overdue=due < today,
                )
            )
    return items
