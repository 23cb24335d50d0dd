"""Invest-NL's management fee (beheersvergoeding), charged to the fund: "Voor de uitvoering van deze
werkzaamheden zal Invest-NL een gepaste beheersvergoeding ontvangen. Deze vergoeding komt ten laste
van het fondsbudget" (letter, "Financiële omvang").

An administrator sets the year's fee budget; an Invest-NL manager proposes a fee; an EZK official
(the case officer role, organisational) approves it, never the proposer nor anybody of Invest-NL
(four eyes across the two organisations). The approval books it through the ledger, within the
year's budget (ledger._check_fee_budget)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.models import User
from access.notifications import notify_task
from access.permissions import require
from access.roles import roles_for
from audit.models import AuditRecord
from audit.services import audit_log, diff
from core.exceptions import Conflict, RuleViolation
from core.formatting import page_euro

from ..constants import Account, EntryKind
from ..models import FeeBudget, FeeCharge
from ..selectors import fee_year
from .four_eyes import FourEyes, proposal_approved, proposal_decidable, proposal_reject
from .ledger import (
    NumberInput,
    _booking_date,
    _check_available,
    _check_fee_budget,
    _figures,
    _key,
    _lock_fund,
    _not_in_future,
    _post,
    money,
)


@transaction.atomic
def fee_budget_set(*, user: User, year: int, amount: NumberInput, notes: str = "") -> FeeBudget:
    """Set (or change) the year's fee budget; never below what is already booked in that year."""
    require(user, "fee_budget.set")
    amount = money(amount, allow_zero=True)
    if not isinstance(year, int) or not 2023 <= year <= 2100:
        raise RuleViolation(_("Geef een jaar tussen 2023 en 2100 op."), field="year")
    fund = _lock_fund()  # the fee approvals read the budget under the same lock
    # The service's own plausibility bound, not a rule of the letter, which says only "een gepaste
    # beheersvergoeding" (docs/security.md): a year's fee budget above the fund's committed capital
    # (EUR 100 million) cannot be a fitting fee for managing that fund, so it is taken for a typo of a
    # few zeros (EUR 200,000,000 for 2026 was accepted) and refused at the amount.
    if amount > fund.committed_limit:
        raise RuleViolation(
            _(
                "Een budget beheersvergoeding boven het toegezegde kapitaal van het fonds (%(limit)s) is niet "
                "aannemelijk; controleer het bedrag."
            )
            % {"limit": page_euro(fund.committed_limit, cents=True)},
            field="amount",
        )
    booked = fee_year(year=year)["booked"]
    if amount < booked:
        raise Conflict(
            _("Het budget voor %(year)s kan niet lager zijn dan wat al is geboekt (%(booked)s).")
            % {"year": year, "booked": booked},
            code="fee_budget_below_booked",
        )
    budget = FeeBudget.objects.filter(fund=fund, year=year).first()
    before = {"amount": budget.amount, "notes": budget.notes} if budget else {}
    if budget is None:
        budget = FeeBudget(fund=fund, year=year)
    budget.amount, budget.notes, budget.set_by = amount, (notes or "").strip(), user
    budget.full_clean()
    budget.save()
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE if before else AuditRecord.Action.CREATE,
        event="fee_budget.set",
        obj=budget,
        changes={"year": year, **diff(before, {"amount": amount, "notes": budget.notes})},
    )
    return budget


@transaction.atomic
def fee_propose(
    *, user: User, amount: NumberInput, idempotency_key: str, description: str = "", booked_on: date | None = None
) -> FeeCharge:
    """An Invest-NL manager proposes a fee; refused early when it is above the year's remaining budget
    (checked again when approved)."""
    require(user, "fee.propose")
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    existing = FeeCharge.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.amount != amount or existing.proposed_by_id != user.pk:
            raise Conflict(
                _("Deze idempotentiesleutel is al gebruikt voor een ander voorstel."), code="idempotency_key_reused"
            )
        existing.replayed = True
        return existing
    booked_on = _not_in_future(booked_on)
    _check_fee_budget(fund, year=(booked_on or timezone.localdate()).year, amount=amount)
    fee = FeeCharge.objects.create(
        fund=fund,
        amount=amount,
        idempotency_key=key,
        proposed_by=user,
        booked_on=booked_on,
        description=(description or "").strip() or _("Beheersvergoeding."),
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="fee.propose",
        obj=fee,
        changes={"amount": amount, "description": fee.description},
    )
    # Four eyes across the two organisations: EZK's officials who approve fees (organisational role).
    approvers = User.objects.filter(role__in=roles_for("fee.approve"), is_active=True).exclude(pk=user.pk)
    notify_task(
        recipients=approvers,
        kind=gettext_lazy("Vier ogen: beheersvergoeding goedkeuren"),
        reference=str(gettext_lazy("beheersvergoeding")),
        path=reverse("bev:fees"),
    )
    return fee


# Four eyes across the two organisations: the proposer (Invest-NL) never decides, nor does anybody
# whose own organisational role is Invest-NL's.
FEE = FourEyes(
    event="fee",
    already_decided=gettext_lazy("Over deze beheersvergoeding is al besloten."),
    own_proposal=gettext_lazy(
        "Vier ogen: een beheersvergoeding van de beheerder wordt door EZK goedgekeurd, "
        "niet door de indiener of de beheerder zelf."
    ),
    across_organisations=True,
)


@transaction.atomic
def fee_approve(*, user: User, fee: FeeCharge, booked_on: date | None = None) -> FeeCharge:
    """An EZK official approves: the fee is booked (in the proposer's name, approved by the official)
    within the year's budget and the available liquidity."""
    require(user, "fee.approve")
    _not_in_future(booked_on)
    fund = _lock_fund()
    fee = proposal_decidable(fee, user=user, kind=FEE)
    booked_on = _booking_date(fund, booked_on or fee.booked_on)
    _check_fee_budget(fund, year=booked_on.year, amount=fee.amount)
    _check_available(_figures(fund), fee.amount)
    entry = _post(
        fund=fund,
        kind=EntryKind.FEE,
        booked_on=booked_on,
        key=f"fee:{fee.pk}",
        user=fee.proposed_by,
        approved_by=user,
        amount=fee.amount,
        description=fee.description,
        lines=[(Account.MANAGEMENT_FEE, fee.amount), (Account.CASH_AVAILABLE, -fee.amount)],
    )
    return proposal_approved(
        fee,
        user=user,
        kind=FEE,
        booking=entry,
        changes={"amount": fee.amount, "entry": entry.pk, "booked_on": booked_on},
    )


@transaction.atomic
def fee_reject(*, user: User, fee: FeeCharge, reason: str) -> FeeCharge:
    require(user, "fee.approve")
    return proposal_reject(fee, user=user, kind=FEE, reason=reason)
