"""Reads of EZK's subordinated loan and of the fund's manager, both dated data.

"Invest-NL ontvangt het bedrag van 100 miljoen euro van het Ministerie van Economische Zaken en
Klimaat (EZK) in de vorm van een langlopende achtergestelde lening" and the fund is revolving: "de
middelen terugbetaald dienen te worden en rente betaald moet worden over de middelen" (letter,
"Financiële omvang" and footnote 9). Every loan figure here is a sum over ledger accounts, so it
reconciles with the ledger by construction (tests/test_loan_interest.py checks it against the lines).

How interest is computed (the service's own assumptions; the letter gives no rate or convention):
- simple interest, actual/365: a day's interest is the principal outstanding at the end of the
  previous day times the rate valid on that day, divided by 365; a period's interest is the sum of
  its days, rounded to cents once (half up). A tranche received on day d bears interest from d+1,
  a repayment on day d stops it from d+1.
- periods follow the calendar (month, quarter or year, as the terms valid on the period's first
  day say) and run back to back from the day of the first tranche, so none is left out or counted
  twice, also when the terms change the period length.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from core.exceptions import NotFound

from ..constants import Account, EntryKind, InterestPeriod
from ..models import (
    Fund,
    JournalLine,
    LoanInterestAccrual,
    LoanInterestPaymentProposal,
    LoanRepaymentProposal,
    LoanTerms,
    ManagerPeriod,
    PlannedTranche,
    TrancheScheduleOverride,
)
from .balances import CENT, ZERO, _q

DAYS_IN_YEAR = Decimal(365)
LOAN_ACCOUNTS = [Account.MINISTRY_LOAN, Account.EZK_LOAN_REPAID]


# ------------------------------------------------------------------------------------------------
# The manager on a date
# ------------------------------------------------------------------------------------------------
def manager_on(on: date, *, fund: Fund | int | None = None) -> str | None:
    """The name of the fund's manager valid on `on` (ManagerPeriod), None when no period covers it.
    Anything that names the manager asks this with the date in question (a report's period end, a
    page's as-of date), never a constant: the cabinet aims to integrate Invest-NL and Invest
    International "per 1 januari 2028" (2025 letter)."""
    periods = ManagerPeriod.objects.filter(valid_from__lte=on).exclude(valid_to__lt=on)
    periods = periods.filter(fund=fund) if fund is not None else periods.filter(fund__code="BEV")
    return periods.order_by("-valid_from").values_list("name", flat=True).first()


# ------------------------------------------------------------------------------------------------
# Figures (from the account balances: they reconcile with the ledger)
# ------------------------------------------------------------------------------------------------
def loan_figures(totals: dict[str, Decimal]) -> dict[str, Decimal]:
    """The EZK loan's figures from the account totals (`ledger_totals`): received (the tranches),
    repaid, principal outstanding, interest accrued, paid and still payable."""
    received = -totals.get(Account.MINISTRY_LOAN, ZERO)
    repaid = totals.get(Account.EZK_LOAN_REPAID, ZERO)
    accrued = totals.get(Account.EZK_INTEREST, ZERO)
    payable = -totals.get(Account.EZK_INTEREST_PAYABLE, ZERO)
    return {
        "loan_received": received,
        "loan_repaid": repaid,
        "loan_principal_outstanding": received - repaid,
        "loan_interest_accrued": accrued,
        "loan_interest_paid": accrued - payable,
        "loan_interest_payable": payable,
    }


# ------------------------------------------------------------------------------------------------
# The terms and the tranche schedule
# ------------------------------------------------------------------------------------------------
def loan_terms_on(on: date, *, fund: Fund | int) -> LoanTerms | None:
    """The version of the loan terms valid on `on`, None when none is ("niet ingesteld")."""
    return (
        LoanTerms.objects.filter(fund=fund, valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .prefetch_related("instalments")
        .order_by("-valid_from")
        .first()
    )


def loan_terms_list(*, fund: Fund | int) -> QuerySet[LoanTerms]:
    return LoanTerms.objects.filter(fund=fund).prefetch_related("instalments").select_related("recorded_by")


def loan_repayment_list() -> QuerySet[LoanRepaymentProposal]:
    """The proposed, approved and rejected repayments to EZK, newest first (fund-wide data: who may
    see the fund sees them)."""
    return LoanRepaymentProposal.objects.select_related("proposed_by", "decided_by").order_by("-proposed_at", "-id")


def loan_repayment_get(*, proposal_id: int | str) -> LoanRepaymentProposal:
    proposal = loan_repayment_list().filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(_("Voorstel tot aflossing niet gevonden."))
    return proposal


def loan_interest_payment_list() -> QuerySet[LoanInterestPaymentProposal]:
    """The proposed, approved and rejected payments of interest to EZK, newest first (fund-wide data:
    who may see the fund sees them)."""
    return LoanInterestPaymentProposal.objects.select_related("proposed_by", "decided_by").order_by(
        "-proposed_at", "-id"
    )


def loan_interest_payment_get(*, proposal_id: int | str) -> LoanInterestPaymentProposal:
    proposal = loan_interest_payment_list().filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(_("Voorstel tot rentebetaling niet gevonden."))
    return proposal


def planned_through(year: int, *, fund: Fund | int) -> Decimal:
    """The tranches the schedule plans up to and including `year`, plus the administrators'
    overrides recorded for those years."""
    planned = PlannedTranche.objects.filter(fund=fund, year__lte=year).aggregate(total=Sum("amount"))["total"]
    extra = TrancheScheduleOverride.objects.filter(fund=fund, year__lte=year).aggregate(total=Sum("amount"))["total"]
    return _q(planned) + _q(extra)


def repayments_due(on: date, *, fund: Fund | int) -> Decimal:
    """What the repayment schedules of the terms valid so far made due up to `on` (instalments of a
    version count while it was valid)."""
    total = ZERO
    for terms in LoanTerms.objects.filter(fund=fund, valid_from__lte=on).prefetch_related("instalments"):
        for instalment in terms.instalments.all():
            if (
                instalment.due_on <= on
                and terms.valid_from <= instalment.due_on
                and (terms.valid_to is None or instalment.due_on <= terms.valid_to)
            ):
                total += instalment.amount
    return total


# ------------------------------------------------------------------------------------------------
# Interest periods and interest
# ------------------------------------------------------------------------------------------------
def _period_end(start: date, period: str) -> date:
    if period == InterestPeriod.MONTH:
        return date(start.year, start.month, monthrange(start.year, start.month)[1])
    if period == InterestPeriod.QUARTER:
        last_month = ((start.month - 1) // 3 + 1) * 3
        return date(start.year, last_month, monthrange(start.year, last_month)[1])
    return date(start.year, 12, 31)


def next_accrual_period(*, fund: Fund | int) -> tuple[date, date] | None:
    """The next period to accrue: from the day after the last accrued period (or from the first
    tranche) to the end of its calendar period under the terms valid on its first day. None while
    no tranche was received; raises LookupError (with the start) when no terms cover its start."""
    last = (
        LoanInterestAccrual.objects.filter(fund=fund)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if last is not None:
        start = last + timedelta(days=1)
    else:
        first_tranche = (
            JournalLine.objects.filter(fund=fund, account=Account.MINISTRY_LOAN, kind=EntryKind.TRANCHE)
            .order_by("booked_on")
            .values_list("booked_on", flat=True)
            .first()
        )
        if first_tranche is None:
            return None
        start = first_tranche
    terms = loan_terms_on(start, fund=fund)
    if terms is None:
        raise LookupError(start)
    return start, _period_end(start, terms.interest_period)


def interest_for_period(*, fund: Fund | int, start: date, end: date) -> tuple[Decimal, list[dict]]:
    """The interest of [start, end] and the segments it is the sum of (from, to, principal, rate,
    days, interest before rounding). Raises LookupError (with the first such day) when no terms
    cover a day of the period."""
    terms = list(
        LoanTerms.objects.filter(fund=fund, valid_from__lte=end).exclude(valid_to__lt=start).order_by("valid_from")
    )
    # principal outstanding at the end of each day before the period's last day, from the ledger
    changes = dict(
        JournalLine.objects.filter(fund=fund, account__in=LOAN_ACCOUNTS, booked_on__lt=end)
        .order_by()
        .values_list("booked_on")
        .annotate(total=Sum("amount"))
        .values_list("booked_on", "total")
    )
    opening = -_q(sum((v for d, v in changes.items() if d < start - timedelta(days=1)), ZERO))
    principal = opening
    segments: list[dict] = []
    day = start
    while day <= end:
        previous = day - timedelta(days=1)
        if previous in changes:
            principal -= _q(changes[previous])
        rate = next(
            (
                t.interest_rate_percent
                for t in reversed(terms)
                if t.valid_from <= day and (t.valid_to is None or t.valid_to >= day)
            ),
            None,
        )
        if rate is None:
            raise LookupError(day)
        if (
            segments
            and segments[-1]["principal"] == principal
            and segments[-1]["rate"] == rate
            and segments[-1]["to"] == previous
        ):
            segments[-1]["to"] = day
            segments[-1]["days"] += 1
        else:
            segments.append({"from": day, "to": day, "principal": principal, "rate": rate, "days": 1})
        day += timedelta(days=1)
    exact = ZERO
    for segment in segments:
        segment["interest"] = segment["principal"] * segment["rate"] / 100 * segment["days"] / DAYS_IN_YEAR
        exact += segment["interest"]
    return exact.quantize(CENT, rounding=ROUND_HALF_UP), segments
