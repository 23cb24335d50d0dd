"""Invest-NL's investment proposal under a kabinetsbesluit: proposed by a fund manager, approved or
rejected by the EZK case officer on the case team (four eyes across the two organisations).

"Invest-NL is daarbij verantwoordelijk voor het uitwerken van een voorstel voor de meest optimale
investeringsmogelijkheid" (letter, "Invest-NL als beheerder"). Nothing is reserved or disbursed in
the case before the proposal under its governing decision is approved (ledger._check_cabinet_decision).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.models import User
from access.notifications import notify_task
from access.permissions import require
from access.roles import Role
from audit.models import AuditRecord
from audit.services import audit_log
from cases.constants import END_STATES, State
from cases.models import CabinetDecision, Case
from cases.selectors import team_members_who_may
from cases.services import case_note_record
from core.exceptions import Conflict, PermissionDenied, RuleViolation
from core.formatting import date_display, page_euro

from ..constants import ProposalStatus
from ..models import InvestmentProposal
from .ledger import DISBURSEMENT_STATES, NumberInput, money
from .positions import _instrument, require_instrument_allowed


def _fits_decision(*, case: Case, instrument: str, amount: Decimal) -> CabinetDecision:
    """The case's governing decision to deploy, which the proposal must fit: not lapsed, the
    instrument allowed, the amount within its maximum."""
    decision = case.governing_deploy_decision()
    if decision is None:
        raise Conflict(
            _("Er is geen bevestigd kabinetsbesluit tot inzet van de voorziening in deze casus."),
            code="no_cabinet_decision",
        )
    if decision.lapses_on is not None and timezone.localdate() > decision.lapses_on:
        raise Conflict(
            _("Kabinetsbesluit %(ref)s is vervallen na %(date)s.")
            % {"ref": decision.reference, "date": date_display(decision.lapses_on)},
            code="cabinet_decision_lapsed",
        )
    require_instrument_allowed(decision, instrument=instrument)
    if decision.max_amount is None or amount > decision.max_amount:
        raise Conflict(
            _("Het voorstel (%(amount)s) gaat boven het maximum van kabinetsbesluit %(ref)s (%(max)s).")
            % {
                "amount": page_euro(amount, cents=True),
                "ref": decision.reference,
                "max": page_euro(decision.max_amount, cents=True),
            },
            code="cabinet_decision_limit",
        )
    return decision


def _note(*, proposal: InvestmentProposal, actor: User, step: str) -> None:
    case_note_record(
        case=proposal.case,
        actor=actor,
        data={
            "investment_proposal": proposal.pk,
            "step": step,
            "instrument": proposal.instrument,
            "amount": str(proposal.amount),
            "decision": proposal.decision.reference,
        },
    )


@transaction.atomic
def investment_proposal_propose(
    *, user: User, case: Case, instrument: str, amount: NumberInput, terms: str, valuation_basis: str
) -> InvestmentProposal:
    """A fund manager records Invest-NL's proposal (terms, instrument, amount, valuation basis)."""
    require(user, "investment_proposal.propose", case=case)
    instrument, amount = _instrument(instrument), money(amount)
    errors = [
        name for name, value in (("terms", terms), ("valuation_basis", valuation_basis)) if not (value or "").strip()
    ]
    if errors:
        raise RuleViolation(_("Dit veld is verplicht."), field=errors[0])
    case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if case.state not in DISBURSEMENT_STATES:
        raise Conflict(
            _("In de status '%(state)s' wordt geen investeringsvoorstel gedaan.") % {"state": case.get_state_display()},
            code="invalid_state",
        )
    decision = _fits_decision(case=case, instrument=instrument, amount=amount)
    if InvestmentProposal.objects.filter(case=case, status=ProposalStatus.PROPOSED).exists():
        raise Conflict(_("Er staat al een investeringsvoorstel klaar voor beoordeling."), code="pending_proposal")
    _require_none_approved_under(decision)
    proposal = InvestmentProposal.objects.create(
        case=case,
        decision=decision,
        instrument=instrument,
        amount=amount,
        terms=terms.strip(),
        valuation_basis=valuation_basis.strip(),
        proposed_by=user,
    )
    _note(proposal=proposal, actor=user, step="proposed")
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="investment_proposal.propose",
        obj=proposal,
        case_id=case.pk,
        changes={
            "decision": decision.reference,
            "instrument": instrument,
            "amount": amount,
            "terms": proposal.terms,
            "valuation_basis": proposal.valuation_basis,
        },
    )
    # Four eyes across the two organisations: the case's EZK case officers are told it waits on them.
    notify_task(
        recipients=team_members_who_may(case=case, action="investment_proposal.approve", exclude=[user.pk]),
        kind=gettext_lazy("Vier ogen: investeringsvoorstel goedkeuren"),
        reference=case.reference,
        path=reverse("bev:case_positions", args=[case.pk]) + "#proposals",
    )
    return proposal


def _decidable(proposal: InvestmentProposal, user: User) -> InvestmentProposal:
    proposal = (
        InvestmentProposal.objects.select_for_update(no_key=True, of=("self",))
        .select_related("case", "decision")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.PROPOSED:
        raise Conflict(_("Over dit investeringsvoorstel is al besloten."), code="already_decided")
    # Four eyes across the two organisations: the proposer (Invest-NL) never decides, nor does
    # anybody whose own organisational role is Invest-NL's.
    if proposal.proposed_by_id == user.pk or user.role == Role.FUND_MANAGER:
        raise PermissionDenied(
            _(
                "Vier ogen: een investeringsvoorstel van de beheerder wordt door EZK beoordeeld, "
                "niet door de indiener of de beheerder zelf."
            ),
            code="four_eyes",
        )
    return proposal


def _require_none_approved_under(decision: CabinetDecision) -> None:
    """One approved investment proposal per kabinetsbesluit (the model's constraint): a second one was
    proposed with a 201 and its approval ended in a 500 (found by trying the product). More than the
    decision allows goes back to the cabinet (request_follow_on_decision)."""
    if InvestmentProposal.objects.filter(decision=decision, status=ProposalStatus.APPROVED).exists():
        raise Conflict(
            _(
                "Onder kabinetsbesluit %(ref)s is al een investeringsvoorstel goedgekeurd. Een investering "
                "daarboven gaat eerst terug naar het kabinet."
            )
            % {"ref": decision.reference},
            code="proposal_already_approved",
        )


@transaction.atomic
def investment_proposal_approve(*, user: User, proposal: InvestmentProposal) -> InvestmentProposal:
    """The EZK case officer approves: from now on money may be reserved and disbursed in the case,
    within the decision. Only while money may go into the case (the states it was proposed in),
    checked on the case's row locked before the proposal's (the transitions' lock order): an ended
    case (closed, withdrawn, not admissible, not deployed) is 409 `case_closed`."""
    require(user, "investment_proposal.approve", case=proposal.case)
    state = (
        Case.objects.select_for_update(no_key=True).filter(pk=proposal.case_id).values_list("state", flat=True).get()
    )
    if state in END_STATES:
        raise Conflict(
            _("De casus is beëindigd (%(state)s): een investeringsvoorstel wordt niet meer goedgekeurd.")
            % {"state": State(state).label},
            code="case_closed",
        )
    if state not in DISBURSEMENT_STATES:
        raise Conflict(
            _("In de status '%(state)s' wordt geen investeringsvoorstel goedgekeurd.") % {"state": State(state).label},
            code="invalid_state",
        )
    proposal = _decidable(proposal, user)
    governing = _fits_decision(case=proposal.case, instrument=proposal.instrument, amount=proposal.amount)
    if governing.pk != proposal.decision_id:
        raise Conflict(
            _("Het voorstel hoort bij een eerder kabinetsbesluit; doe een nieuw voorstel onder %(ref)s.")
            % {"ref": governing.reference},
            code="decision_superseded",
        )
    _require_none_approved_under(governing)  # under the case's lock: two approvals cannot both pass
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    _note(proposal=proposal, actor=user, step="approved")
    audit_log(
        actor=user,
        action=AuditRecord.Action.APPROVE,
        event="investment_proposal.approve",
        obj=proposal,
        case_id=proposal.case_id,
        changes={"status": {"before": ProposalStatus.PROPOSED, "after": ProposalStatus.APPROVED}},
    )
    return proposal


@transaction.atomic
def investment_proposal_reject(*, user: User, proposal: InvestmentProposal, reason: str) -> InvestmentProposal:
    require(user, "investment_proposal.approve", case=proposal.case)
    if not (reason or "").strip():
        raise RuleViolation(_("Een reden is verplicht."), field="reason")
    proposal = _decidable(proposal, user)
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.rejection_reason = reason.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    _note(proposal=proposal, actor=user, step="rejected")
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="investment_proposal.reject",
        obj=proposal,
        case_id=proposal.case_id,
        changes={"reason": reason.strip()},
    )
    return proposal
