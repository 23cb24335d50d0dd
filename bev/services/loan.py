"""EZK's subordinated loan: its tranche schedule, its terms, interest and repayment.

"Invest-NL ontvangt het bedrag van 100 miljoen euro van het Ministerie van Economische Zaken en
Klimaat (EZK) in de vorm van een langlopende achtergestelde lening, met een tranche van 50 miljoen
euro in 2023 en van 50 miljoen euro in de loop van 2024" (letter, "Financiële omvang"), and the fund
is revolving: "Bij een revolverend fonds is sprake van een constructie waarbij financiële middelen
beschikbaar worden gesteld in een zodanige vorm dat de middelen terugbetaald dienen te worden en
rente betaald moet worden over de middelen" (letter, footnote 9).

Every booking here goes through `ledger._post` under the fund lock, like the other services. The
accounts (bev.constants.Account):
- accrual:          debit EZK_INTEREST (the cost), credit EZK_INTEREST_PAYABLE (owed to EZK);
- interest paid:    debit EZK_INTEREST_PAYABLE, credit CASH_AVAILABLE; proposed by one fund manager
                    and booked on another's approval (four eyes, the service's own control:
                    `loan_interest_payment_propose`);
- repayment:        debit EZK_LOAN_REPAID (contra to MINISTRY_LOAN, which keeps the tranches
                    received for the €100m limit and the schedule), credit CASH_AVAILABLE; proposed
                    by one fund manager and booked on another's approval (four eyes, the
                    service's own control: `loan_repayment_propose`).
None of them is the sweep: "Voor zover de liquide middelen dit maximum overschrijden, vloeien ze
terug naar de staatskas" is money above the €150m cap going to the treasury (ledger._sweep_excess,
account TREASURY), it neither repays the loan nor pays its interest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.models import User
from access.notifications import notify_task
from access.permissions import require
from access.roles import Role, roles_for
from audit.models import AuditRecord
from audit.services import audit_log
from core.exceptions import Conflict, RuleViolation
from core.formatting import date_display, page_euro

from ..constants import Account, EntryKind, InterestPeriod, RepaymentBasis
from ..models import (
    Fund,
    JournalEntry,
    LoanInterestAccrual,
    LoanInterestPaymentProposal,
    LoanRepaymentInstalment,
    LoanRepaymentProposal,
    LoanTerms,
    TrancheScheduleOverride,
)
from ..selectors import ledger_totals, liquidity
from ..selectors.loan import interest_for_period, loan_figures, next_accrual_period, planned_through
from .four_eyes import FourEyes, proposal_approved, proposal_decidable, proposal_reject
from .ledger import (
    _LATEST_BOOKING_DATE,
    NumberInput,
    _booking_date,
    _booking_date_after,
    _check_available,
    _key,
    _lock_fund,
    _not_in_future,
    _post,
    money,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# The two proposals to pay EZK (bev.models): interest and principal.
Payment = TypeVar("Payment", LoanInterestPaymentProposal, LoanRepaymentProposal)

#: The account in whose name the periodic accrual (bev.tasks) books: inactive, no password, so
#: nobody signs in with it; the ledger and the audit trail show it as the booker.
SYSTEM_USERNAME = "bev-systeem"


# ------------------------------------------------------------------------------------------------
# The tranche schedule
# ------------------------------------------------------------------------------------------------
def check_tranche_schedule(fund: Fund, figures: dict, amount: Decimal, booked_on: date) -> None:
    """ "met een tranche van 50 miljoen euro in 2023 en van 50 miljoen euro in de loop van 2024"
    (letter): no tranche before its year, and never more received by the end of a year than the
    schedule (PlannedTranche) plans through that year, unless an administrator recorded an override
    with a reason (`tranche_schedule_override`). Called by `tranche_receive` under the fund lock;
    tranches are never back-dated before the latest entry, so everything received is received by
    `booked_on`."""
    allowed = planned_through(booked_on.year, fund=fund)
    received = figures["received"]
    if received + amount > allowed:
        raise Conflict(
            _(
                'Deze tranche past niet in het tranche-schema van de lening (Kamerbrief: "met een tranche van 50 '
                'miljoen euro in 2023 en van 50 miljoen euro in de loop van 2024"): tot en met %(year)s is %(allowed)s '
                "gepland, ontvangen is %(received)s. Een beheerder kan een afwijking met reden vastleggen."
            )
            % {
                "year": booked_on.year,
                "allowed": page_euro(allowed, cents=True),
                "received": page_euro(received, cents=True),
            },
            code="tranche_schedule_exceeded",
            extra={"year": booked_on.year, "planned_through_year": str(allowed), "received": str(received)},
        )


@transaction.atomic
def tranche_schedule_override(*, user: User, year: int, amount: NumberInput, reason: str) -> TrancheScheduleOverride:
    """An administrator allows `amount` more to be received by the end of `year` than the schedule
    plans (e.g. the cabinet moves a tranche forward). Audited with its reason."""
    require(user, "fund.configure")
    amount = money(amount)
    if not (reason or "").strip():
        raise RuleViolation(_("Een reden is verplicht."), field="reason")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise RuleViolation(_("Geef een jaar op."), field="year") from None
    if not 2023 <= year <= 2100:
        raise RuleViolation(_("Het jaar ligt buiten de looptijd van de voorziening."), field="year")
    fund = _lock_fund()
    override = TrancheScheduleOverride.objects.create(
        fund=fund, year=year, amount=amount, reason=reason.strip(), recorded_by=user
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="fund.tranche_schedule_override",
        obj=override,
        changes={"year": year, "amount": amount, "reason": override.reason},
    )
    return override


# ------------------------------------------------------------------------------------------------
# The terms (dated data, entered by an administrator)
# ------------------------------------------------------------------------------------------------
def _percent(value: NumberInput) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise RuleViolation(_("Geef een rentepercentage op."), field="interest_rate_percent") from None
    if not rate.is_finite() or rate < 0 or rate > 100 or rate != rate.quantize(Decimal("0.0001")):
        raise RuleViolation(
            _("Het rentepercentage ligt tussen 0 en 100, met ten hoogste vier decimalen."),
            field="interest_rate_percent",
        )
    return rate


@transaction.atomic
def loan_terms_record(
    *,
    user: User,
    valid_from: date,
    interest_rate_percent: NumberInput,
    interest_period: str,
    repayment_basis: str,
    source: str,
    instalments: Iterable[tuple[date, NumberInput]] = (),
) -> LoanTerms:
    """A new version of the loan terms from `valid_from`; the version in force ends the day before.
    Periods already accrued keep their interest: terms cannot start on or before their end."""
    require(user, "fund.configure")
    rate = _percent(interest_rate_percent)
    if interest_period not in InterestPeriod.values:
        raise RuleViolation(_("Kies een renteperiode."), field="interest_period")
    if repayment_basis not in RepaymentBasis.values:
        raise RuleViolation(_("Kies hoe de lening wordt afgelost."), field="repayment_basis")
    if not (source or "").strip():
        raise RuleViolation(_("Vermeld de bron van de voorwaarden (bijv. de leningsovereenkomst)."), field="source")
    schedule = [(due_on, money(amount, field="instalments")) for due_on, amount in instalments or ()]
    if schedule and repayment_basis != RepaymentBasis.SCHEDULE:
        raise RuleViolation(_("Aflossingstermijnen horen bij een aflossingsschema."), field="instalments")
    if repayment_basis == RepaymentBasis.SCHEDULE and not schedule:
        raise RuleViolation(_("Een aflossingsschema heeft ten minste één termijn."), field="instalments")
    if any(due_on < valid_from for due_on, _amount in schedule) or len({d for d, _a in schedule}) != len(schedule):
        raise RuleViolation(
            _("Termijnen vallen op verschillende data, niet vóór de ingangsdatum."), field="instalments"
        )
    fund = _lock_fund()
    accrued_to = (
        LoanInterestAccrual.objects.filter(fund=fund)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if accrued_to is not None and valid_from <= accrued_to:
        raise Conflict(
            _("De rente is al opgebouwd tot en met %(date)s; nieuwe voorwaarden gaan daarna in.")
            % {"date": date_display(accrued_to)},
            code="loan_terms_period_accrued",
        )
    current = LoanTerms.objects.filter(fund=fund).order_by("-valid_from").first()
    if current is not None:
        if valid_from <= current.valid_from:
            raise RuleViolation(
                _("Nieuwe voorwaarden gaan in na de huidige (%(since)s).")
                % {"since": date_display(current.valid_from)},
                field="valid_from",
            )
        if current.valid_to is None or current.valid_to >= valid_from:
            current.valid_to = valid_from - timedelta(days=1)
            current.save(update_fields=["valid_to"])
    terms = LoanTerms.objects.create(
        fund=fund,
        valid_from=valid_from,
        interest_rate_percent=rate,
        interest_period=interest_period,
        repayment_basis=repayment_basis,
        source=source.strip(),
        recorded_by=user,
    )
    LoanRepaymentInstalment.objects.bulk_create(
        [LoanRepaymentInstalment(terms=terms, due_on=due_on, amount=amount) for due_on, amount in schedule]
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="fund.loan_terms_record",
        obj=terms,
        changes={
            "valid_from": valid_from,
            "interest_rate_percent": rate,
            "interest_period": interest_period,
            "repayment_basis": repayment_basis,
            "source": terms.source,
            "instalments": [{"due_on": d, "amount": a} for d, a in schedule],
            "previous_ends": current.valid_to if current is not None else None,
        },
    )
    return terms


# ------------------------------------------------------------------------------------------------
# Interest: accrued per period, paid to EZK
# ------------------------------------------------------------------------------------------------
def system_user() -> User:
    """The account the periodic accrual books in the name of (created on first use)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "is_active": False,
            "role": Role.AUDITOR,
            "first_name": "BEV",
            "last_name": "systeem (periodieke taak)",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def loan_interest_accrue(*, user: User | None = None, through: date | None = None) -> list[LoanInterestAccrual]:
    """Accrue the interest of every complete period ending on or before `through` (default
    yesterday) that is not accrued yet, each once: a period accrued before is skipped (its start is
    unique), so running this twice books once. `user` None is the periodic task (bev.tasks), which
    books as the system account and stops quietly where no terms are set; a person (fund.book) is
    told so (409 loan_terms_not_configured).

    Each accrual is booked on its period's last day, or on the latest booking date if the ledger
    already has later entries (the ledger is never back-dated)."""
    if user is not None:
        require(user, "fund.book")
    today = timezone.localdate()
    through = min(through or today, today - timedelta(days=1))
    fund = _lock_fund()
    booker = user or system_user()
    accrued: list[LoanInterestAccrual] = []
    while True:
        try:
            period = next_accrual_period(fund=fund)
            if period is None or period[1] > through:
                break
            start, end = period
            amount, segments = interest_for_period(fund=fund, start=start, end=end)
        except LookupError as missing:
            if user is not None and not accrued:
                raise Conflict(
                    _("De leningsvoorwaarden (rente, renteperiode) zijn niet ingesteld voor %(day)s.")
                    % {"day": date_display(missing.args[0])},
                    code="loan_terms_not_configured",
                ) from None
            logger.warning("EZK loan interest: no terms for %s, accrual stops there", missing.args[0])
            break
        entry = None
        if amount > 0:
            last = next(iter(_LATEST_BOOKING_DATE(fund_id=fund.pk)), None)
            booked_on = _booking_date_after(last, max(end, last) if last else end)
            entry = _post(
                fund=fund,
                kind=EntryKind.EZK_INTEREST,
                booked_on=booked_on,
                key=f"ezk-interest:{start}",
                user=booker,
                amount=amount,
                description=_("Rente lening %(owner)s over %(start)s tot en met %(end)s.")
                % {"owner": fund.policy_owner, "start": date_display(start), "end": date_display(end)},
                lines=[(Account.EZK_INTEREST, amount), (Account.EZK_INTEREST_PAYABLE, -amount)],
            )
        accrual = LoanInterestAccrual.objects.create(
            fund=fund,
            period_start=start,
            period_end=end,
            amount=amount,
            entry=entry,
            recorded_by=booker,
            calculation=[
                {
                    **s,
                    "from": s["from"].isoformat(),
                    "to": s["to"].isoformat(),
                    "principal": str(s["principal"]),
                    "rate": str(s["rate"]),
                    "interest": str(s["interest"]),
                }
                for s in segments
            ],
        )
        audit_log(
            actor=booker,
            action=AuditRecord.Action.CREATE,
            event="fund.loan_interest_accrue",
            obj=accrual,
            changes={"period_start": start, "period_end": end, "amount": amount, "entry": entry.pk if entry else None},
        )
        accrued.append(accrual)
    return accrued


# Interest paid to EZK: four eyes (proposed by one fund manager, booked on another's approval) ------
# The letter: "rente betaald moet worden over de middelen" (footnote 9); who decides a payment it does
# not say. That a second person approves it is the service's own control, as for the repayment of
# principal below: interest paid leaves the fund as surely (docs/security.md, "Four eyes"). One fund
# manager alone paid it before.
def _check_interest_payable(fund: Fund, amount: Decimal) -> None:
    """Never more than the interest accrued and unpaid, never more than the available liquidity;
    under the fund lock (at the proposal an early warning, at the approval the rule)."""
    totals = ledger_totals(fund=fund)
    payable = loan_figures(totals)["loan_interest_payable"]
    if amount > payable:
        raise Conflict(
            _("Er staat %(payable)s aan opgebouwde, onbetaalde rente open; meer kan niet worden betaald.")
            % {"payable": page_euro(payable, cents=True)},
            code="loan_interest_exceeds_payable",
        )
    _check_available(liquidity(totals), amount)


@transaction.atomic
def loan_interest_payment_propose(
    *, user: User, amount: NumberInput, idempotency_key: str, paid_on: date | None = None, description: str = ""
) -> LoanInterestPaymentProposal:
    """A fund manager proposes to pay interest to EZK; nothing is booked until another person approves
    it (`loan_interest_payment_approve`). Refused early above the interest accrued and unpaid or the
    available liquidity (checked again at the approval)."""
    require(user, "loan_interest_payment.propose")
    amount, key = money(amount), _key(idempotency_key)
    _not_in_future(paid_on, field="paid_on")
    fund = _lock_fund()  # serialises retries of the same proposal
    existing = _proposed_before(LoanInterestPaymentProposal, fund=fund, user=user, key=key, amount=amount)
    if existing is not None:
        return existing
    if paid_on is not None:
        _booking_date(fund, paid_on, field="paid_on")
    _check_interest_payable(fund, amount)
    proposal = LoanInterestPaymentProposal.objects.create(
        fund=fund,
        amount=amount,
        idempotency_key=key,
        paid_on=paid_on,
        proposed_by=user,
        description=(description or "").strip() or _("Rente betaald aan %(owner)s.") % {"owner": fund.policy_owner},
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="loan_interest_payment.propose",
        obj=proposal,
        changes={"amount": amount, "paid_on": paid_on, "description": proposal.description},
    )
    _notify_approvers(
        user,
        permission="loan_interest_payment.approve",
        kind=gettext_lazy("Vier ogen: rentebetaling aan EZK goedkeuren"),
        reference=gettext_lazy("rentebetaling aan EZK"),
        page="bev:loan_interest_payments",
    )
    return proposal


INTEREST_PAYMENT = FourEyes(
    event="loan_interest_payment",
    already_decided=gettext_lazy("Over dit voorstel tot rentebetaling is al besloten."),
    own_proposal=gettext_lazy("Vier ogen: wie de rentebetaling aan EZK voorstelt, keurt haar niet zelf goed."),
)


@transaction.atomic
def loan_interest_payment_approve(
    *, user: User, proposal: LoanInterestPaymentProposal, paid_on: date | None = None
) -> LoanInterestPaymentProposal:
    """A second person approves: the payment is booked (in the proposer's name, approved by this
    person) if it still fits: the interest accrued and unpaid, the available liquidity and the
    booking date, read again under the fund lock. Approving twice books once (409 `already_decided`)."""
    require(user, "loan_interest_payment.approve")
    _not_in_future(paid_on, field="paid_on")
    fund = _lock_fund()
    proposal = proposal_decidable(proposal, user=user, kind=INTEREST_PAYMENT)
    booked_on = _booking_date(fund, paid_on or proposal.paid_on, field="paid_on")
    _check_interest_payable(fund, proposal.amount)
    entry = _post(
        fund=fund,
        kind=EntryKind.EZK_INTEREST_PAID,
        booked_on=booked_on,
        key=f"loan-interest-payment:{proposal.pk}",
        user=proposal.proposed_by,
        approved_by=user,
        amount=proposal.amount,
        description=proposal.description,
        lines=[(Account.EZK_INTEREST_PAYABLE, proposal.amount), (Account.CASH_AVAILABLE, -proposal.amount)],
    )
    return proposal_approved(
        proposal,
        user=user,
        kind=INTEREST_PAYMENT,
        booking=entry,
        changes={"amount": proposal.amount, "entry": entry.pk, "booked_on": booked_on},
    )


@transaction.atomic
def loan_interest_payment_reject(
    *, user: User, proposal: LoanInterestPaymentProposal, reason: str
) -> LoanInterestPaymentProposal:
    """A second person rejects, with a reason; nothing is booked."""
    require(user, "loan_interest_payment.approve")
    return proposal_reject(proposal, user=user, kind=INTEREST_PAYMENT, reason=reason)


# What the two proposals to pay EZK share at their proposal ------------------------------------------
def _proposed_before(model: type[Payment], *, fund: Fund, user: User, key: str, amount: Decimal) -> Payment | None:
    """The proposal a retry with this idempotency key made before (marked `replayed`), or None for a
    new key. The same key for another amount, or a key the ledger already holds (a retry of a payment
    booked at once, before it needed a second person), is 409 `idempotency_key_reused`: never a second
    payment. The same key from another person is refused too: a key names one person's request; and
    a key of a proposal of the other kind (a repayment's for an interest payment, and the reverse).
    Call under the fund lock."""
    existing = model._default_manager.filter(idempotency_key=key).first()
    if existing is not None:
        if existing.amount != amount or existing.proposed_by_id != user.pk:
            raise Conflict(
                _("Deze idempotentiesleutel is al gebruikt voor een ander voorstel."), code="idempotency_key_reused"
            )
        existing.replayed = True
        return existing
    other = LoanRepaymentProposal if model is LoanInterestPaymentProposal else LoanInterestPaymentProposal
    if other._default_manager.filter(idempotency_key=key).exists():  # the other kind of payment to EZK
        raise Conflict(
            _("Deze idempotentiesleutel is al gebruikt voor een ander voorstel."), code="idempotency_key_reused"
        )
    if JournalEntry.objects.filter(fund=fund, idempotency_key=key).exists():
        raise Conflict(
            _("Deze idempotentiesleutel is al gebruikt voor een andere boeking."), code="idempotency_key_reused"
        )
    return None


def _notify_approvers(user: User, *, permission: str, kind: StrOrPromise, reference: StrOrPromise, page: str) -> None:
    """Tell the other people who may approve (the fund managers but the proposer) that it waits on them."""
    approvers = User.objects.filter(role__in=roles_for(permission), is_active=True).exclude(pk=user.pk)
    notify_task(recipients=approvers, kind=kind, reference=str(reference), path=reverse(page))


# ------------------------------------------------------------------------------------------------
# Repayment of principal: four eyes (proposed by one fund manager, booked on another's approval)
# ------------------------------------------------------------------------------------------------
# The letter: "een langlopende achtergestelde lening" ("Financiële omvang") whose money is to be
# "terugbetaald" (footnote 9). It says nothing about who decides a repayment: that a second person
# approves it is the service's own control (docs/security.md, "Four eyes"), as for the other money
# that leaves the fund (disbursements, management fees, reversals of either). One fund manager alone
# booked the whole €100m back to EZK in one step before (found by acceptance testing).
def _check_repayable(fund: Fund, amount: Decimal) -> None:
    """Never more than the principal outstanding, never more than the available liquidity; under the
    fund lock (at the proposal an early warning, at the approval the rule)."""
    totals = ledger_totals(fund=fund)
    outstanding = loan_figures(totals)["loan_principal_outstanding"]
    if amount > outstanding:
        raise Conflict(
            _("Op de lening staat %(outstanding)s aan hoofdsom uit; meer kan niet worden afgelost.")
            % {"outstanding": page_euro(outstanding, cents=True)},
            code="loan_repayment_exceeds_principal",
        )
    _check_available(liquidity(totals), amount)


@transaction.atomic
def loan_repayment_propose(
    *, user: User, amount: NumberInput, idempotency_key: str, repaid_on: date | None = None, description: str = ""
) -> LoanRepaymentProposal:
    """A fund manager proposes a repayment of principal to EZK; nothing is booked until another
    person approves it (`loan_repayment_approve`). Refused early above the principal outstanding or
    the available liquidity (checked again at the approval)."""
    require(user, "loan_repayment.propose")
    amount, key = money(amount), _key(idempotency_key)
    _not_in_future(repaid_on, field="repaid_on")
    fund = _lock_fund()  # serialises retries of the same proposal
    existing = _proposed_before(LoanRepaymentProposal, fund=fund, user=user, key=key, amount=amount)
    if existing is not None:
        return existing
    if repaid_on is not None:
        _booking_date(fund, repaid_on, field="repaid_on")
    _check_repayable(fund, amount)
    proposal = LoanRepaymentProposal.objects.create(
        fund=fund,
        amount=amount,
        idempotency_key=key,
        repaid_on=repaid_on,
        proposed_by=user,
        description=(description or "").strip() or _("Aflossing lening %(owner)s.") % {"owner": fund.policy_owner},
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="loan_repayment.propose",
        obj=proposal,
        changes={"amount": amount, "repaid_on": repaid_on, "description": proposal.description},
    )
    _notify_approvers(
        user,
        permission="loan_repayment.approve",
        kind=gettext_lazy("Vier ogen: aflossing lening EZK goedkeuren"),
        reference=gettext_lazy("aflossing lening EZK"),
        page="bev:loan_repayments",
    )
    return proposal


REPAYMENT = FourEyes(
    event="loan_repayment",
    already_decided=gettext_lazy("Over dit voorstel tot aflossing is al besloten."),
    own_proposal=gettext_lazy("Vier ogen: wie de aflossing aan EZK voorstelt, keurt haar niet zelf goed."),
)


@transaction.atomic
def loan_repayment_approve(
    *, user: User, proposal: LoanRepaymentProposal, repaid_on: date | None = None
) -> LoanRepaymentProposal:
    """A second person approves: the repayment is booked (in the proposer's name, approved by this
    person) if it still fits: the principal outstanding, the available liquidity and the booking
    date, read again under the fund lock. Approving twice books once (409 `already_decided`)."""
    require(user, "loan_repayment.approve")
    _not_in_future(repaid_on, field="repaid_on")
    fund = _lock_fund()
    proposal = proposal_decidable(proposal, user=user, kind=REPAYMENT)
    booked_on = _booking_date(fund, repaid_on or proposal.repaid_on, field="repaid_on")
    _check_repayable(fund, proposal.amount)
    entry = _post(
        fund=fund,
        kind=EntryKind.EZK_REPAYMENT,
        booked_on=booked_on,
        key=f"loan-repayment:{proposal.pk}",
        user=proposal.proposed_by,
        approved_by=user,
        amount=proposal.amount,
        description=proposal.description,
        lines=[(Account.EZK_LOAN_REPAID, proposal.amount), (Account.CASH_AVAILABLE, -proposal.amount)],
    )
    return proposal_approved(
        proposal,
        user=user,
        kind=REPAYMENT,
        booking=entry,
        changes={"amount": proposal.amount, "entry": entry.pk, "booked_on": booked_on},
    )


@transaction.atomic
def loan_repayment_reject(*, user: User, proposal: LoanRepaymentProposal, reason: str) -> LoanRepaymentProposal:
    """A second person rejects, with a reason; nothing is booked."""
    require(user, "loan_repayment.approve")
    return proposal_reject(proposal, user=user, kind=REPAYMENT, reason=reason)
