"""Web pages of the fund (the SPV under its manager of the day): figures and charts, positions, and the bookings.

Every booking has a confirm step: the first POST previews the booking (the service runs inside a
transaction that is rolled back, so the preview shows exactly what the letter's limits allow and
what the booking would do to the liquidity), the second POST with confirm=1 books it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Generic, TypeVar

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.forms import CheckboxInput
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.permissions import can, require
from cases.selectors import case_get
from core.exceptions import ApplicationError
from core.formatting import date_display, page_euro  # page_euro: the page's language
from core.forms import SentOnceForm
from core.spreadsheets import csv_bytes, xlsx_bytes
from core.views import (
    AlreadySubmitted,
    add_error,
    already_submitted,
    confirm_first,
    refused_elsewhere,
    submitted_once,
    web_view,
)

from . import selectors, services
from .constants import (
    REVERSAL_APPROVAL,
    REVERSIBLE_KINDS,
    Account,
    DisbursementStatus,
    EntryKind,
    Instrument,
    ProposalStatus,
)
from .forms import (
    ConversionForm,
    DilutionForm,
    DisbursementForm,
    ExitForm,
    FeeBudgetForm,
    FeeForm,
    InvestmentProposalForm,
    LedgerFilterForm,
    LoanInterestPaymentForm,
    LoanRepaymentForm,
    PositionForm,
    RejectForm,
    ReleaseForm,
    ReservationForm,
    ReturnForm,
    ReversalForm,
    TrancheForm,
    ValuationForm,
)
from .models import (
    Disbursement,
    FeeBudget,
    FeeCharge,
    InvestmentProposal,
    JournalEntry,
    LoanInterestPaymentProposal,
    LoanRepaymentProposal,
    ReversalProposal,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

REFUSED = (ApplicationError, ValidationError)
FIGURES = [
    ("available", gettext_lazy("Beschikbaar")),
    ("reserved", gettext_lazy("Gereserveerd")),
    ("liquid", gettext_lazy("Liquide middelen")),
    ("deployed", gettext_lazy("Geïnvesteerd (kostprijs)")),
    ("received", gettext_lazy("Ontvangen van EZK")),
    ("swept_to_treasury", gettext_lazy("Afgedragen aan de staatskas")),
    ("fees", gettext_lazy("Beheersvergoeding")),
    ("fee_budget", gettext_lazy("Budget beheersvergoeding dit jaar")),
    ("fee_booked", gettext_lazy("Beheersvergoeding geboekt dit jaar")),
    ("fee_left", gettext_lazy("Budget beheersvergoeding over")),
    # EZK's loan (bev.selectors.loan_figures)
    ("loan_principal_outstanding", gettext_lazy("Uitstaande hoofdsom lening EZK")),
    ("loan_interest_payable", gettext_lazy("Rente nog te betalen aan EZK")),
]
# The figures shown against one of the letter's limits name the limit as the fund was established with it
# (Fund.liquid_cap, Fund.committed_limit: "150 miljoen euro in liquide middelen", "100 miljoen euro"), never
# a constant in the label.
LIMIT_LABELS = {
    "liquid": (gettext_lazy("Liquide middelen (max. %(limit)s)"), "liquid_cap"),
    "received": (gettext_lazy("Ontvangen van EZK (max. %(limit)s)"), "committed_limit"),
}


def _figure_label(key: str, label, overview: dict) -> str:
    if key in LIMIT_LABELS and overview.get(LIMIT_LABELS[key][1]) is not None:
        text, limit = LIMIT_LABELS[key]
        return str(text) % {"limit": page_euro(overview[limit])}
    return str(label)


# The loan's figures on the fund page, each a sum of ledger accounts.
LOAN_FIGURES = [
    ("loan_received", gettext_lazy("Ontvangen (tranches)")),
    ("loan_repaid", gettext_lazy("Afgelost aan EZK")),
    ("loan_principal_outstanding", gettext_lazy("Uitstaande hoofdsom")),
    ("loan_interest_accrued", gettext_lazy("Rente opgebouwd")),
    ("loan_interest_paid", gettext_lazy("Rente betaald aan EZK")),
    ("loan_interest_payable", gettext_lazy("Rente nog te betalen")),
    ("swept_to_treasury", gettext_lazy("Afgedragen aan de staatskas (boven het maximum; geen aflossing)")),
]

# A booking form: its form, the service it calls (keyword arguments: the form's cleaned data) and its title.
BookingAction = tuple[type[django_forms.Form], Callable[..., object], "StrOrPromise"]

FUND_ACTIONS: dict[str, BookingAction] = {
    "tranche": (TrancheForm, services.tranche_receive, gettext_lazy("Tranche ontvangen")),
    # proposed by Invest-NL; an EZK official approves (and so books) it on the fees page
    "fee": (FeeForm, services.fee_propose, gettext_lazy("Beheersvergoeding voorstellen")),
    # proposed by a fund manager; another approves (and so books) it on the interest payments page
    "loan-interest": (
        LoanInterestPaymentForm,
        services.loan_interest_payment_propose,
        gettext_lazy("Rentebetaling aan EZK voorstellen"),
    ),
    # proposed by a fund manager; another approves (and so books) it on the repayments page
    "loan-repayment": (
        LoanRepaymentForm,
        services.loan_repayment_propose,
        gettext_lazy("Aflossing aan EZK voorstellen"),
    ),
}
# Steps that only propose: nothing is booked until a second person approves (four eyes).
PROPOSALS = {"disburse", "fee", "loan-interest", "loan-repayment"}
# Steps on a holding, which exists once money went in: the services refuse them before the first
# disbursement (409 not_invested; a valuation at its date), so the page does not offer them then.
AFTER_FIRST_INVESTMENT = {"return", "exit", "value", "convert"}
POSITION_ACTIONS: dict[str, BookingAction] = {
    "reserve": (ReservationForm, services.reservation_book, gettext_lazy("Liquiditeit reserveren")),
    "release": (ReleaseForm, services.reservation_release, gettext_lazy("Reservering vrijgeven")),
    "disburse": (DisbursementForm, services.disbursement_propose, gettext_lazy("Uitbetaling voorstellen")),
    "return": (ReturnForm, services.return_book, gettext_lazy("Ontvangst boeken (dividend, rente, aflossing)")),
    "exit": (ExitForm, services.exit_book, gettext_lazy("Exit boeken (verkoop)")),
    "value": (ValuationForm, services.valuation_record, gettext_lazy("Waardering vastleggen")),
    "dilute": (DilutionForm, services.dilution_record, gettext_lazy("Verwatering vastleggen")),
    "convert": (ConversionForm, services.conversion_record, gettext_lazy("Conversie vastleggen")),
}


Item = TypeVar("Item")


@dataclass(frozen=True)
class DecisionRow(Generic[Item]):
    """A proposal, disbursement or management fee as its table row shows it: whether this person may
    decide on it now (four eyes: never its proposer) and the forms that bring a refused decision back
    to its row (the approval's errors, the rejection's reason)."""

    item: Item
    may_decide: bool = False
    approve_form: django_forms.Form | None = None
    reject_form: RejectForm | None = None


class _Preview(Exception):
    """Raised inside the preview transaction to roll it back, carrying the figures after the call."""

    def __init__(self, after: dict) -> None:
        super().__init__()
        self.after = after


def _preview(call) -> tuple[dict, dict]:
    """The fund's figures before and after `call`, which runs and is rolled back."""
    before = selectors.fund_overview()
    try:
        with transaction.atomic():
            call()
            raise _Preview(selectors.fund_overview())
    except _Preview as preview:
        return before, preview.after


def _effect_rows(before: dict, after: dict) -> list[dict]:
    rows = []
    for key, label in FIGURES:
        change = after[key] - before[key]
        rows.append(
            {
                "label": _figure_label(key, label, before),
                "before": page_euro(before[key]),
                "after": page_euro(after[key]),
                "change": (("+" if change > 0 else "") + page_euro(change)) if change else "–",
                "changed": bool(change),
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Charts (inline SVG, drawn here; colours in the stylesheet)
# ---------------------------------------------------------------------------------------------
def _step_series(history: list[dict]) -> list[tuple[date, Decimal]]:
    """End-of-day balances from an account history."""
    by_day: dict[date, Decimal] = {}
    for row in history:
        by_day[row["booked_on"]] = row["balance"]
    return sorted(by_day.items())


def _combine(*series_list) -> list[tuple[date, Decimal]]:
    """The sum of several end-of-day series (a missing day keeps each series' last value)."""
    days = sorted({d for series in series_list for d, _v in series})
    result, last = [], [Decimal(0)] * len(series_list)
    lookups = [dict(s) for s in series_list]
    for day in days:
        for i, lookup in enumerate(lookups):
            if day in lookup:
                last[i] = lookup[day]
        result.append((day, sum(last, Decimal(0))))
    return result


def _short_euro(value: Decimal) -> str:
    """Axis labels: € 37,5 mln (in English €37.5m: the decimal sign of the page's language)."""
    if abs(value) >= 1_000_000:
        millions = (Decimal(value) / 1_000_000).quantize(Decimal("0.1")).normalize()
        number = f"{millions:f}" if (get_language() or "nl").startswith("en") else f"{millions:f}".replace(".", ",")
        return _("€ %(n)s mln") % {"n": number}
    return page_euro(Decimal(value).quantize(Decimal(1)))


def line_chart(
    *, series: list[dict], limit: Decimal | None = None, limit_label: str = "", width: int = 640, height: int = 260
) -> dict:
    """Step lines over time in euros, with an optional horizontal limit line.

    Every series starts at zero on the chart's first day (an account has no balance before its first
    line) and is drawn to the right edge, which lies a little after today: a balance booked today is
    a visible step, not a line of no length at the edge. Each series keeps its colour (`index`) in the
    legend too, also when an empty series before it is left out."""
    left, right, top, bottom = 90, 20, 20, 40
    points = [p for s in series for p in s["points"]]
    today = timezone.localdate()
    if not points:
        return {"empty": True}
    last_day = max(max(d for d, _v in points), today)
    start = min(min(d for d, _v in points), last_day - timedelta(days=30))  # at least a month wide
    end = last_day + timedelta(days=max(2, (last_day - start).days // 30))  # room after the last step
    span = max((end - start).days, 1)
    peak = max([v for _d, v in points] + [limit or 0]) or Decimal(1)
    peak = peak * Decimal("1.1")

    def x(day):
        return round(left + (width - left - right) * (day - start).days / span, 1)

    def y(value):
        return round(top + (height - top - bottom) * float(1 - Decimal(value) / peak), 1)

    drawn = []
    for index, s in enumerate(series, start=1):
        pts = s["points"]
        if not pts:
            continue
        d = f"M{x(start)},{y(0)}"
        for day, value in pts:
            d += f" H{x(day)} V{y(value)}"
        d += f" H{x(end)}"
        drawn.append(
            {
                "d": d,
                "css": f"series-{index}",
                "index": index,
                "label": s["label"],
                "last": page_euro(pts[-1][1]),
                "last_value": pts[-1][1],
            }
        )
    steps = 4
    ticks = [
        {"y": y(peak / Decimal("1.1") * i / steps), "label": _short_euro(peak / Decimal("1.1") * i / steps)}
        for i in range(steps + 1)
    ]
    return {
        "empty": False,
        "width": width,
        "height": height,
        "series": drawn,
        "ticks": ticks,
        "left": left,
        "right": width - right,
        "bottom": height - bottom,
        "limit": {"y": y(limit), "label": limit_label} if limit else None,
        "start": date_display(start),
        "end": date_display(last_day),
        "end_x": x(last_day),
        "label_y": height - 12,
    }


def _bar_chart(rows: list[tuple[str, Decimal]]) -> dict:
    width, label_w, bar_w, row_h = 640, 240, 300, 30
    peak = max([v for _l, v in rows] + [Decimal(1)])
    bars = []
    for i, (label, value) in enumerate(rows):
        yy = 10 + i * row_h
        bars.append(
            {
                "label": label,
                "y": yy,
                "ty": yy + 15,
                "w": round(float(bar_w * value / peak), 1),
                "value": page_euro(value),
                "css": f"bar-{(i % 3) + 1}",
            }
        )
    return {"width": width, "height": 20 + len(rows) * row_h, "x0": label_w, "bars": bars, "vx": label_w + bar_w + 10}


# ---------------------------------------------------------------------------------------------
# The fund page
# ---------------------------------------------------------------------------------------------
@web_view
def fund(request, forms: dict | None = None):
    require(request.user, "fund.view")
    overview = selectors.fund_overview()
    fund_row = selectors.fund_get()
    history = {
        account: _step_series(selectors.account_history(fund=fund_row, account=account))
        for account in (
            Account.CASH_AVAILABLE,
            Account.CASH_RESERVED,
            Account.INVESTMENTS,
            Account.TREASURY,
            Account.MANAGEMENT_FEE,
        )
    }
    liquid = _combine(history[Account.CASH_AVAILABLE], history[Account.CASH_RESERVED])
    positions = list(selectors.position_list(user=request.user))
    metrics = selectors.positions_metrics(positions)
    may_book = can(request.user, "fund.book")
    forms = forms or {}
    terms = selectors.loan_terms_on(overview["as_of"], fund=fund_row)
    context = {
        "overview": overview,
        "nav": "fund",
        # the manager valid on the page's date (ManagerPeriod), never a constant
        "manager": overview["manager"] or _("niet ingesteld"),
        "loan": [{"label": label, "value": page_euro(overview[key], cents=True)} for key, label in LOAN_FIGURES],
        "loan_terms": terms,
        "loan_rate": f"{terms.interest_rate_percent.normalize():f}".replace(".", ",") if terms else "",
        "repayments_due": page_euro(selectors.repayments_due(overview["as_of"], fund=fund_row), cents=True),
        "cards": [
            {"label": _figure_label(key, label, overview), "value": page_euro(overview[key])} for key, label in FIGURES
        ],
        "liquid_chart": line_chart(
            series=[
                {"label": _("Liquide middelen"), "points": liquid},
                {"label": _("waarvan gereserveerd"), "points": history[Account.CASH_RESERVED]},
            ],
            limit=overview["liquid_cap"],
            limit_label=_("maximum %(cap)s") % {"cap": page_euro(overview["liquid_cap"])},
        ),
        "deployed_chart": line_chart(
            series=[
                {"label": _("Geïnvesteerd (kostprijs)"), "points": history[Account.INVESTMENTS]},
                {"label": _("Afgedragen aan de staatskas"), "points": history[Account.TREASURY]},
                {"label": _("Beheersvergoeding"), "points": history[Account.MANAGEMENT_FEE]},
            ],
            limit=overview["committed_limit"],
            limit_label=_("omvang %(limit)s") % {"limit": page_euro(overview["committed_limit"])},
        ),
        "bars": _bar_chart([(str(FIGURES[i][1]), overview[FIGURES[i][0]]) for i in (0, 1, 3, 5, 6)]),
        "positions": [{"position": p, "m": metrics[p.pk]} for p in positions],
        "may_book": may_book,
        "fund_forms": [
            {"action": a, "label": label, "form": forms.get(a) or form_class(prefix=a)}
            for a, (form_class, _s, label) in FUND_ACTIONS.items()
        ]
        if may_book
        else [],
    }
    return render(request, "bev/fund.html", context, status=400 if forms else 200)


LEDGER_PAGE_SIZE = 50
FEES_PAGE_SIZE = 50


@web_view
def ledger(request, forms: dict | None = None):
    """The fund-wide ledger, newest first, with filters, paging and CSV/XLSX export (fund.view). An
    entry about a case the reader is not on the team of shows its amounts, not its text. Who may book
    corrects an entry here ("Tegenboeken", `entry_reverse`), and decides on the open proposals to
    reverse a case's four-eyes booking (`reversal_decide`)."""
    require(request.user, "fund.view")
    forms = forms or {}
    form = LedgerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.ledger_entries(
        fund=selectors.fund_get(),
        kind=filters.get("kind") or None,
        account=filters.get("account") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        viewer=request.user,
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx") and not form.errors:
        return _ledger_export(entries, export)
    # A reversed entry says so (and by which entry), one with an open proposal too: its action goes.
    page = Paginator(selectors.with_reversal_state(entries), LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    reversible = _reversible(request.user, page.object_list)
    rows = [
        {
            "entry": e,
            "description": selectors.entry_description(e),
            "lines": [(line.get_account_display(), line.amount) for line in e.lines.all()],
            "reverse_form": (forms.get(f"reverse:{e.pk}") or ReversalForm(prefix=f"e{e.pk}"))
            if e.pk in reversible
            else None,
            "four_eyes": e.kind in REVERSAL_APPROVAL,
        }
        for e in page.object_list
    ]
    # The page's place (filters and page) travels with a correction, so a refusal comes back to its row.
    here = request.GET.copy()
    here.pop("export", None)
    proposals = _reversal_rows(request.user, forms, on_fees_page=False)
    shown = {f"reverse:{pk}" for pk in reversible} | _reversal_keys(proposals)
    return render(
        request,
        "bev/ledger.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "nav": "fund",
            "query": query.urlencode(),
            "here": here.urlencode(),
            "general": refused_elsewhere(forms, shown=shown),
            "reversals": proposals,
            "rejected_reversals": selectors.reversal_proposals_rejected_recently(user=request.user),
            "rejected_reversals_days": selectors.REJECTED_REVERSALS_DAYS,
            "may_book": can(request.user, "fund.book"),
        },
        status=400 if form.errors or forms else 200,
    )


def _reversible(user, entries) -> set[int]:
    """The entries of this page the person may correct now, as the services would take it
    (bev.services.corrections): they may book (on the entry's case, for a case's entry: only one they
    see, the ledger masks the others); a kind that is corrected (REVERSIBLE_KINDS), not a reversal
    itself, not reversed yet, and no proposal to reverse it open. A handful of queries for the page."""
    if not can(user, "fund.book"):
        return set()
    from cases.models import Case

    candidates = [
        e
        for e in entries
        if e.kind in REVERSIBLE_KINDS and e.reverses_id is None and (e.case_id is None or e.case_visible)
    ]
    if not candidates:
        return set()
    ids = [e.pk for e in candidates]
    taken = set(JournalEntry.objects.filter(reverses_id__in=ids).values_list("reverses_id", flat=True))
    taken |= set(
        ReversalProposal.objects.filter(entry_id__in=ids, status=ProposalStatus.PROPOSED).values_list(
            "entry_id", flat=True
        )
    )
    case_ids = {e.case_id for e in candidates if e.case_id is not None and e.pk not in taken}
    cases = {c.pk: c for c in Case.objects.case_file_visible_to(user).filter(pk__in=case_ids)} if case_ids else {}
    Case.read_teams(list(cases.values()))
    return {
        e.pk
        for e in candidates
        if e.pk not in taken
        and (e.case_id is None or (e.case_id in cases and can(user, "fund.book", case=cases[e.case_id])))
    }


def _reversal_on_fees_page(proposal: ReversalProposal) -> bool:
    """A proposal to reverse a management fee is decided on the fees page: its approvers, EZK's
    officials (fee.approve), do not see the ledger (fund.view). A case's booking (a disbursement) and a
    repayment or an interest payment to EZK (their approvers are fund managers) are decided on the ledger."""
    return proposal.entry.kind == EntryKind.FEE


def _reversal_rows(user, forms: dict, *, on_fees_page: bool) -> list[DecisionRow[ReversalProposal]]:
    """The open proposals to reverse a four-eyes booking this person sees (need-to-know,
    `reversal_proposal_list`): on the fees page the fund's own, on the ledger all. Decided by who holds
    the booking's own approving permission (REVERSAL_APPROVAL, on the entry's case), never the
    proposer: the rules `bev.services.corrections._require_decider` and `four_eyes.proposal_decidable`."""
    from cases.models import Case

    proposals = list(
        selectors.reversal_proposal_list(user=user)
        .filter(status=ProposalStatus.PROPOSED)
        .select_related("entry__position__case")
    )
    if on_fees_page:
        proposals = [p for p in proposals if _reversal_on_fees_page(p)]
    Case.read_teams(
        list({p.entry.position.case_id: p.entry.position.case for p in proposals if p.entry.position}.values())
    )
    rows: list[DecisionRow[ReversalProposal]] = []
    for p in proposals:
        entry = p.entry
        permission = REVERSAL_APPROVAL.get(entry.kind)
        approve_form = forms.get(f"reversal-approve:{p.pk}")
        if (
            permission is not None
            and _reversal_on_fees_page(p) == on_fees_page
            and p.proposed_by_id != user.pk
            and can(user, permission, case=entry.position.case if entry.position else None)
        ):
            reject_form = forms.get(f"reversal-reject:{p.pk}") or RejectForm(prefix=f"rv{p.pk}")
            rows.append(DecisionRow(p, may_decide=True, approve_form=approve_form, reject_form=reject_form))
        else:  # a refused approval's reason still shows at its row, with no button to try again
            rows.append(DecisionRow(p, approve_form=approve_form))
    return rows


def _reversal_keys(rows: list[DecisionRow[ReversalProposal]]) -> set[str]:
    """The keys of the decision forms the proposals' rows show (the rest goes to the top of the page)."""
    return {f"reversal-approve:{row.item.pk}" for row in rows} | {
        f"reversal-reject:{row.item.pk}" for row in rows if row.may_decide
    }


def _decide(
    request,
    *,
    decision: str,
    reject_prefix: str,
    approve: Callable[[], object],
    reject: Callable[[str], object],
    title: str,
    facts: Callable[[], list[tuple[str, object]]],
    consequence: str,
    back_url: str,
    approved: str,
    rejected: str,
    rerender: Callable[[django_forms.Form], HttpResponse],
) -> HttpResponse:
    """A second person decides a four-eyes proposal on the page that lists it: approves it (`approve`,
    which books it) after a confirm step that shows `facts` and the `consequence`, or rejects it
    (`reject`, with the reason of the form prefixed `reject_prefix`). A refusal comes back at the
    proposal's row (`rerender(form)`, the page); done, back to `back_url` saying `approved` or
    `rejected`. The services check who may decide (four eyes)."""
    if decision == "reject":
        form: django_forms.Form = RejectForm(request.POST, prefix=reject_prefix)
    elif decision == "approve":
        form = django_forms.Form(request.POST)
    else:
        raise Http404()
    if form.is_valid():
        try:
            if decision == "reject":
                reject(form.cleaned_data["reason"])
            else:
                asked = confirm_first(
                    request,
                    title=title,
                    button=_("Bevestigen en boeken"),
                    facts=facts(),
                    consequence=consequence,
                    back_url=back_url,
                    dry_run=approve,
                )
                if asked is not None:
                    return asked
                approve()
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, approved if decision == "approve" else rejected)
            return redirect(back_url)
    return rerender(form)


@web_view
@require_POST
def entry_reverse(request, entry_id: int):
    """Correct a ledger entry with its mirror image, after the confirm step: booked at once where one
    person booked the entry (`entry_reverse`); proposed where it was booked under four eyes
    (REVERSAL_APPROVAL: `reversal_propose`), a second person approves it."""
    require(request.user, "fund.view")
    entry = selectors.entry_get(user=request.user, entry_id=entry_id)
    form = ReversalForm(request.POST, prefix=f"e{entry.pk}")
    four_eyes = entry.kind in REVERSAL_APPROVAL
    service = services.reversal_propose if four_eyes else services.entry_reverse
    here = request.GET.copy()
    here.pop("export", None)
    query = f"?{here.urlencode()}" if here else ""

    def call(data):
        # the service refuses an empty reason at its field (the form leaves it to the service)
        rest = {k: v for k, v in data.items() if k != "reason"}
        return service(user=request.user, entry=entry, reason=data.get("reason", ""), **rest)

    def facts(data):
        rows = [
            (_("Boeking"), f"#{entry.pk} {entry.get_kind_display()}, {date_display(entry.booked_on)}"),
            (_("Bedrag"), page_euro(entry.amount)),
            (_("Omschrijving"), entry.description),
            (_("Reden"), data.get("reason", "")),
            (
                _("Boekdatum"),
                date_display(data["booked_on"])
                if data.get("booked_on")
                else (_("de dag van goedkeuring") if four_eyes else _("vandaag")),
            ),
        ]
        if entry.position is not None:
            rows += _position_facts(entry.position)
        return rows + ([(_("Status na bevestigen"), _("voorgesteld"))] if four_eyes else [])

    return _book(
        request,
        form=form,
        label=_("Tegenboeking van boeking #%(id)s") % {"id": entry.pk},
        call=call,
        action_url=reverse("bev:entry_reverse", args=[entry.pk]) + query,
        back_url=reverse("bev:ledger") + query,
        rerender=lambda f: ledger.__wrapped__(request, forms={f"reverse:{entry.pk}": f}),
        facts=facts,
        proposal=four_eyes,
    )


@web_view
@require_POST
def reversal_decide(request, proposal_id: int, decision: str):
    """A second person approves (books) or rejects a proposed reversal, on the page that lists it."""
    proposal = selectors.reversal_proposal_get(user=request.user, proposal_id=proposal_id)
    on_fees_page = _reversal_on_fees_page(proposal)
    page, back = (fees, reverse("bev:fees")) if on_fees_page else (ledger, reverse("bev:ledger"))
    entry = proposal.entry
    return _decide(
        request,
        decision=decision,
        reject_prefix=f"rv{proposal.pk}",
        approve=lambda: services.reversal_approve(user=request.user, proposal=proposal),
        reject=lambda reason: services.reversal_reject(user=request.user, proposal=proposal, reason=reason),
        title=_("Tegenboeking goedkeuren en boeken"),
        facts=lambda: [
            (_("Boeking"), f"#{entry.pk} {entry.get_kind_display()}, {date_display(entry.booked_on)}"),
            (_("Bedrag"), page_euro(entry.amount)),
            (_("Reden"), proposal.reason),
            (_("Boekdatum"), proposal.booked_on or _("de dag van goedkeuring")),
            (_("Voorgesteld door"), str(proposal.proposed_by)),
        ],
        consequence=_(
            "De spiegelboeking wordt geboekt: de oorspronkelijke boeking is daarmee ongedaan gemaakt. "
            "Nog niet verzonden Kamerbrieven over de transactie worden ingetrokken."
        ),
        back_url=back + "#reversals",
        approved=_("De tegenboeking is goedgekeurd en geboekt."),
        rejected=_("Het voorstel tot tegenboeking is afgewezen."),
        rerender=lambda form: page.__wrapped__(request, forms={f"reversal-{decision}:{proposal.pk}": form}),
    )


def _ledger_export(entries, export: str) -> HttpResponse:
    header = [
        _("Boeking"),
        _("Datum"),
        _("Soort"),
        _("Omschrijving"),
        _("Bedrag (EUR)"),
        _("Rekening"),
        _("Regel (EUR)"),
        _("Positie"),
        _("Casus"),
        _("Geboekt door"),
        _("Goedgekeurd door"),
    ]
    rows = []
    for e in entries:
        description = selectors.entry_description(e)
        for line in e.lines.all():
            rows.append(
                [
                    e.pk,
                    e.booked_on,
                    e.get_kind_display(),
                    description,
                    e.amount,
                    line.get_account_display(),
                    line.amount,
                    e.position_id,
                    e.case_id if getattr(e, "case_visible", True) else None,
                    e.created_by.get_full_name() or e.created_by.username,
                    (e.approved_by.get_full_name() or e.approved_by.username) if e.approved_by else "",
                ]
            )
    stamp = timezone.localdate().isoformat()
    if export == "csv":
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            xlsx_bytes([(_("Grootboek"), header, rows)]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="bev-grootboek-{stamp}.{export}"'
    return response


def _confirm_page(
    request, *, form, label, action_url, rows, back_url, notes=(), facts=None, proposal=False, warned=None, status=200
):
    """The confirm step; `warned` (field name: warning) are acknowledgements the booking needs: each
    warning is shown with its checkbox, to be ticked on this page."""
    warned = warned or {}
    for name in warned:
        form.fields[name].widget = CheckboxInput()
    return render(
        request,
        "bev/confirm.html",
        {
            "form": form,
            "label": label,
            "action_url": action_url,
            "rows": rows,
            "back_url": back_url,
            "notes": notes,
            "facts": facts or [],
            "proposal": proposal,
            "nav": "fund",
            "warnings": [(form[name], text) for name, text in warned.items()],
            "warned_names": list(warned),
        },
        status=status,
    )


def _preview_warned(call, data: dict, acknowledgements) -> tuple[dict, dict, dict]:
    """Preview `call`; a refusal at an acknowledgement (`form.acknowledgements`, e.g. an implausible
    valuation) is a warning for the confirm page, not a refusal: the preview goes on as if it were
    given. Acknowledgements are previewed as not given, so the warning shows even if one was sent."""
    data = {**data, **{name: False for name in acknowledgements}}
    warned: dict[str, str] = {}
    while True:
        try:
            before, after = _preview(lambda: call(data))
            return before, after, warned
        except ApplicationError as exc:
            field = exc.field
            if field is None or field not in acknowledgements or field in warned:
                raise
            warned[field] = exc.message
            data[field] = True


def _book(request, *, form, call, label, action_url, back_url, rerender, previewable=True, facts=None, proposal=False):
    """Preview on the first POST, book on the second (confirm=1); refusals at the field. The
    confirmation shows what is confirmed (`facts(data)`: label and value pairs); a `proposal` books
    nothing (a second person approves it, four eyes), and says so instead of "geboekt". A rule that
    asks for an acknowledgement (`form.acknowledgements`) is a warning with a checkbox on the confirm
    page; confirmed without the tick, the confirm page comes back with the error at the checkbox."""
    if not form.is_valid():
        return rerender(form)
    once = isinstance(form, SentOnceForm)  # a valuation, a dilution: sent twice, it would count twice
    data = {k: v for k, v in (form.work_data() if once else form.cleaned_data).items() if v not in (None, "")}
    acknowledgements = getattr(form, "acknowledgements", ())

    def confirm_page(error=None):
        before, after, warned = _preview_warned(call, data, acknowledgements)
        if error is not None:
            form.add_error(error.field, error.message)
        return _confirm_page(
            request,
            form=form,
            label=label,
            action_url=action_url,
            rows=[] if proposal else _effect_rows(before, after),
            back_url=back_url,
            facts=facts(data) if facts else None,
            proposal=proposal,
            warned=warned,
            status=400 if error is not None else 200,
        )

    if previewable and request.POST.get("confirm") != "1":
        try:
            return confirm_page()
        except REFUSED as exc:
            add_error(form, exc)
            return rerender(form)
    try:
        with submitted_once(request, form) if once else contextlib.nullcontext():
            call(data)
    except AlreadySubmitted:
        return already_submitted(request, back_url)
    except REFUSED as exc:
        if previewable and isinstance(exc, ApplicationError) and exc.field in acknowledgements:
            try:
                return confirm_page(error=exc)
            except REFUSED as other:
                exc = other
        add_error(form, exc)
        return rerender(form)
    if proposal:
        messages.success(
            request,
            _("Voorgesteld: %(what)s. Een tweede persoon keurt het goed (vier ogen); pas dan wordt het geboekt.")
            % {"what": label},
        )
    else:
        messages.success(request, _("Geboekt: %(what)s.") % {"what": label})
    return redirect(back_url)


def _position_facts(position) -> list[tuple[str, str]]:
    case = position.case
    return [
        (
            _("Positie"),
            _("%(instrument)s, positie %(id)s") % {"instrument": position.get_instrument_display(), "id": position.pk},
        ),
        (_("Casus"), f"{case.reference} {case.title}"),
    ]


@web_view
@require_POST
def fund_book(request, action: str):
    if action not in FUND_ACTIONS:
        raise Http404()
    require(request.user, "fund.view")
    form_class, service, label = FUND_ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    proposal = action in PROPOSALS
    return _book(
        request,
        form=form,
        label=label,
        call=lambda d: service(user=request.user, **d),
        action_url=reverse("bev:fund_book", args=[action]),
        back_url=reverse("bev:fund"),
        rerender=lambda f: fund.__wrapped__(request, forms={action: f}),
        proposal=proposal,
        facts=(
            lambda d: [
                (_("Bedrag"), page_euro(d["amount"])),
                (_("Omschrijving"), d.get("description") or "–"),
                (_("Status na bevestigen"), _("voorgesteld")),
            ]
        )
        if proposal
        else None,
    )


# ---------------------------------------------------------------------------------------------
# Positions
# ---------------------------------------------------------------------------------------------
@web_view
def case_positions(request, pk: int, proposal_forms: dict | None = None):
    case = case_get(user=request.user, case_id=pk, audit_read=False)
    form = PositionForm(request.POST if request.method == "POST" and proposal_forms is None else None)
    if request.method == "POST" and proposal_forms is None and form.is_valid():
        try:
            with submitted_once(request, form):
                position = services.position_create(
                    user=request.user, case=case, **{k: v for k, v in form.work_data().items() if v not in (None, "")}
                )
        except AlreadySubmitted:
            return already_submitted(request, reverse("bev:case_positions", args=[case.pk]))
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Positie vastgelegd."))
            return redirect("bev:position", position_id=position.pk)
    proposal_forms = proposal_forms or {}
    positions = list(selectors.position_list(user=request.user, case_id=case.pk))
    metrics = selectors.positions_metrics(positions)
    # approved only while money may go into the case (the service checks it on the locked row)
    may_approve = case.state in services.DISBURSEMENT_STATES and can(
        request.user, "investment_proposal.approve", case=case
    )
    proposals = list(selectors.investment_proposal_list(user=request.user, case_id=case.pk))
    rows: list[DecisionRow[InvestmentProposal]] = []
    for p in proposals:
        if may_approve and p.status == ProposalStatus.PROPOSED and p.proposed_by_id != request.user.pk:
            approve_form = proposal_forms.get(f"approve:{p.pk}")
            reject_form = proposal_forms.get(f"reject:{p.pk}") or RejectForm(prefix=f"p{p.pk}")
            rows.append(DecisionRow(p, may_decide=True, approve_form=approve_form, reject_form=reject_form))
        else:  # a refused approval's reason still shows at its row, with no button to try again
            rows.append(DecisionRow(p, approve_form=proposal_forms.get(f"approve:{p.pk}")))
    decision = case.governing_deploy_decision()
    # a proposal is asked for while none is open or approved under the governing decision
    may_propose = bool(
        decision
        and case.state in services.DISBURSEMENT_STATES  # the service's rule: not before the case is prepared
        and can(request.user, "investment_proposal.propose", case=case)
        and not any(p.decision_id == decision.pk and p.status != ProposalStatus.REJECTED for p in proposals)
    )
    # A refusal on a form this page does not show (a proposal where none may be made now, a rejection
    # no longer open) goes to the error summary at the top: it was a 400 without a message (found by
    # trying the product). A refused approval shows at its row.
    shown = {"propose"} if may_propose else set()
    shown |= {f"reject:{row.item.pk}" for row in rows if row.may_decide} | {f"approve:{p.pk}" for p in proposals}
    return render(
        request,
        "bev/case_positions.html",
        {
            "case": case,
            "general": refused_elsewhere(proposal_forms, shown=shown),
            "positions": [{"position": p, "m": metrics[p.pk]} for p in positions],
            "form": form,
            "nav": "cases",
            # the form only while a position can be recorded (or to show why it was refused)
            "may_book": can(request.user, "fund.book", case=case)
            and (case.state in services.POSITION_STATES or bool(form.errors)),
            "decision": decision,
            "proposals": rows,
            "proposal_form": (proposal_forms.get("propose") or InvestmentProposalForm(prefix="proposal"))
            if may_propose
            else None,
        },
        status=400 if form.errors or proposal_forms else 200,
    )


@web_view
@require_POST
def investment_proposal_propose(request, pk: int):
    case = case_get(user=request.user, case_id=pk, audit_read=False)
    form = InvestmentProposalForm(request.POST, prefix="proposal")
    if form.is_valid():
        try:
            services.investment_proposal_propose(user=request.user, case=case, **form.cleaned_data)
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Het investeringsvoorstel is ingediend; EZK beoordeelt het."))
            return redirect(reverse("bev:case_positions", args=[case.pk]) + "#proposals")
    return case_positions.__wrapped__(request, case.pk, proposal_forms={"propose": form})


@web_view
@require_POST
def investment_proposal_decide(request, proposal_id: int, decision: str):

    proposal = selectors.investment_proposal_get(user=request.user, proposal_id=proposal_id)
    if decision == "reject":
        form: django_forms.Form = RejectForm(request.POST, prefix=f"p{proposal.pk}")
        key = f"reject:{proposal.pk}"
    elif decision == "approve":
        form = django_forms.Form(request.POST)
        key = f"approve:{proposal.pk}"
    else:
        raise Http404()
    if form.is_valid():
        try:
            if decision == "reject":
                services.investment_proposal_reject(
                    user=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
                )
            else:
                asked = confirm_first(
                    request,
                    title=_("Investeringsvoorstel goedkeuren"),
                    button=_("Bevestigen en goedkeuren"),
                    facts=[
                        (_("Casus"), f"{proposal.case.reference} {proposal.case.title}"),
                        (_("Instrument"), proposal.get_instrument_display()),
                        (_("Bedrag"), page_euro(proposal.amount)),
                        (_("Kabinetsbesluit"), proposal.decision.reference),
                        (_("Voorgesteld door"), str(proposal.proposed_by)),
                    ],
                    consequence=_("Daarna mag de beheerder onder het kabinetsbesluit reserveren en uitbetalen."),
                    back_url=reverse("bev:case_positions", args=[proposal.case_id]) + "#proposals",
                    dry_run=lambda: services.investment_proposal_approve(user=request.user, proposal=proposal),
                )
                if asked is not None:
                    return asked
                services.investment_proposal_approve(user=request.user, proposal=proposal)
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(
                request,
                _("Het investeringsvoorstel is goedgekeurd.")
                if decision == "approve"
                else _("Het investeringsvoorstel is afgewezen."),
            )
            return redirect(reverse("bev:case_positions", args=[proposal.case_id]) + "#proposals")
    return case_positions.__wrapped__(request, proposal.case_id, proposal_forms={key: form})


def _valuation_chart(position, metrics) -> dict:
    # The value over time by the rule of the headline's value (`unrealised_value`): its last step is
    # that value, not the latest valuation as entered (which a later sale or follow-on has changed).
    points = selectors.position_value_history(position)
    return line_chart(
        series=[{"label": _("Reële waarde"), "points": points}],
        limit=metrics["cost_outstanding"] or None,
        limit_label=_("kostprijs %(cost)s") % {"cost": page_euro(metrics["cost_outstanding"])},
    )


@web_view
def position(request, position_id: int, forms: dict | None = None):
    item = selectors.position_get(user=request.user, position_id=position_id, audit_read=not forms)
    case = item.case
    metrics = selectors.position_metrics(item)
    forms = forms or {}
    may_book = can(request.user, "fund.book", case=case) and not item.is_exited
    may_approve = can(request.user, "fund.approve_disbursement", case=case)
    disbursements: list[DecisionRow[Disbursement]] = []
    # A booked disbursement since reversed says so on its row (`reversed_on`).
    for d in selectors.position_disbursements(item):
        if may_approve and d.status == DisbursementStatus.PROPOSED and d.proposed_by_id != request.user.pk:
            reject_form = forms.get(f"reject:{d.pk}") or RejectForm(prefix=f"r{d.pk}")
            disbursements.append(DecisionRow(d, may_decide=True, reject_form=reject_form))
        else:
            disbursements.append(DecisionRow(d))
    # A refusal on a form this page does not show (rejecting a disbursement already decided, a booking
    # on a position that is now exited) goes to the error summary at the top: it was a 400 without a
    # message (found by trying the product).
    shown = {f"reject:{row.item.pk}" for row in disbursements if row.may_decide}
    shown |= set(POSITION_ACTIONS) if may_book else set()
    return render(
        request,
        "bev/position.html",
        {
            "case": case,
            "general": refused_elsewhere(forms, shown=shown),
            "position": item,
            "m": metrics,
            # a converted loan is shares now: its terms are shown as history
            "loan_state": selectors.position_loan_state(item),
            "nav": "cases",
            "summary": selectors.position_summary(item),
            "valuation_chart": _valuation_chart(item, metrics),
            "valuations": item.valuations.select_related("valued_by").order_by("-valued_on", "-id"),
            "dilutions": item.dilutions.order_by("-issued_on", "-id"),
            "conversions": item.conversions.order_by("-converted_on", "-id"),
            "exits": item.exits.order_by("-exited_on", "-id"),
            "disbursements": disbursements,
            "entries": selectors.ledger_entries(fund=item.fund, position_id=item.pk),
            "actions": [
                {"action": a, "label": label, "form": forms.get(a) or form_class(prefix=a)}
                for a, (form_class, _s, label) in POSITION_ACTIONS.items()
                # conversion only where the service converts: a convertible loan
                if (a != "convert" or item.instrument == Instrument.CONVERTIBLE_LOAN or a in forms)
                and (a not in AFTER_FIRST_INVESTMENT or metrics["invested"] > 0 or a in forms)
            ]
            if may_book
            else [],
            "open_action": next(iter(forms), None),
        },
        status=400 if forms else 200,
    )


@web_view
@require_POST
def position_book(request, position_id: int, action: str):
    if action not in POSITION_ACTIONS:
        raise Http404()
    item = selectors.position_get(user=request.user, position_id=position_id, audit_read=False)
    form_class, service, label = POSITION_ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    proposal = action in PROPOSALS

    def facts(data):
        rows = [(_("Bedrag"), page_euro(data["amount"]))] if "amount" in data else []
        rows += _position_facts(item)
        return rows + ([(_("Status na bevestigen"), _("voorgesteld"))] if proposal else [])

    return _book(
        request,
        form=form,
        label=label,
        call=lambda d: service(user=request.user, position=item, **d),
        action_url=reverse("bev:position_book", args=[item.pk, action]),
        back_url=reverse("bev:position", args=[item.pk]),
        rerender=lambda f: position.__wrapped__(request, item.pk, forms={action: f}),
        facts=facts,
        proposal=proposal,
    )


@web_view
@require_POST
def disbursement_decide(request, disbursement_id: int, decision: str):
    disbursement = selectors.disbursement_get(user=request.user, disbursement_id=disbursement_id)
    back = reverse("bev:position", args=[disbursement.position_id]) + "#disbursements"
    if decision == "reject":
        form: django_forms.Form = RejectForm(request.POST, prefix=f"r{disbursement.pk}")
        if form.is_valid():
            try:
                services.disbursement_reject(
                    user=request.user, disbursement=disbursement, reason=form.cleaned_data["reason"]
                )
            except REFUSED as exc:
                add_error(form, exc)
            else:
                messages.success(request, _("De uitbetaling is afgewezen."))
                return redirect(back)
        return position.__wrapped__(request, disbursement.position_id, forms={f"reject:{disbursement.pk}": form})
    if decision != "approve":
        raise Http404()
    label = _("Uitbetaling van %(amount)s goedkeuren en boeken") % {"amount": page_euro(disbursement.amount)}

    form = django_forms.Form(request.POST)
    form.is_valid()

    def call(_data):
        return services.disbursement_approve(user=request.user, disbursement=disbursement)

    def refused(f):
        messages.error(request, " ".join(str(e) for e in f.non_field_errors()))
        return redirect(back)

    return _book(
        request,
        form=form,
        call=call,
        label=label,
        action_url=reverse("bev:disbursement_decide", args=[disbursement.pk, "approve"]),
        back_url=back,
        rerender=refused,
        facts=lambda _data: [
            (_("Bedrag"), page_euro(disbursement.amount)),
            *_position_facts(disbursement.position),
            (_("Voorgesteld door"), str(disbursement.proposed_by)),
        ],
    )


# ---------------------------------------------------------------------------------------------
# The management fee: the year's budget, proposals and EZK's approval
# ---------------------------------------------------------------------------------------------
@web_view
def fees(request, forms: dict | None = None):
    require(request.user, "fee.view")
    forms = forms or {}
    user = request.user
    may_approve = can(user, "fee.approve")
    page = Paginator(selectors.fee_list(), FEES_PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[DecisionRow[FeeCharge]] = []
    for fee in page.object_list:
        if may_approve and fee.status == ProposalStatus.PROPOSED and fee.proposed_by_id != user.pk:
            approve_form = forms.get(f"approve:{fee.pk}")
            reject_form = forms.get(f"reject:{fee.pk}") or RejectForm(prefix=f"f{fee.pk}")
            rows.append(DecisionRow(fee, may_decide=True, approve_form=approve_form, reject_form=reject_form))
        else:
            rows.append(DecisionRow(fee))
    year = selectors.fee_year(year=timezone.localdate().year)
    reversals = _reversal_rows(user, forms, on_fees_page=True)
    may_set_budget = can(user, "fee_budget.set")
    shown = {f"{step}:{row.item.pk}" for row in rows if row.may_decide for step in ("approve", "reject")}
    shown |= _reversal_keys(reversals) | ({"budget"} if may_set_budget else set())
    return render(
        request,
        "bev/fees.html",
        {
            "general": refused_elsewhere(forms, shown=shown),
            "reversals": reversals,
            "nav": "fund",
            # the manager valid today (ManagerPeriod), never a constant
            "manager": selectors.manager_on(timezone.localdate()) or "",
            "year": year,
            "fees": rows,
            "page": page,
            "budgets": FeeBudget.objects.select_related("set_by"),
            "budget_form": (forms.get("budget") or FeeBudgetForm(prefix="budget")) if may_set_budget else None,
        },
        status=400 if forms else 200,
    )


@web_view
@require_POST
def fee_budget_set(request):
    form = FeeBudgetForm(request.POST, prefix="budget")
    if form.is_valid():
        try:
            services.fee_budget_set(user=request.user, **form.cleaned_data)
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Het budget beheersvergoeding is vastgelegd."))
            return redirect("bev:fees")
    return fees.__wrapped__(request, forms={"budget": form})


@web_view
@require_POST
def fee_decide(request, fee_id: int, decision: str):
    require(request.user, "fee.view")
    fee = FeeCharge.objects.filter(pk=fee_id).first()
    if fee is None:
        raise Http404()
    return _decide(
        request,
        decision=decision,
        reject_prefix=f"f{fee.pk}",
        approve=lambda: services.fee_approve(user=request.user, fee=fee),
        reject=lambda reason: services.fee_reject(user=request.user, fee=fee, reason=reason),
        title=_("Beheersvergoeding goedkeuren en boeken"),
        facts=lambda: [
            (_("Bedrag"), page_euro(fee.amount)),
            (_("Omschrijving"), fee.description),
            (_("Voorgesteld door"), str(fee.proposed_by)),
        ],
        consequence=_("De vergoeding wordt ten laste van het fonds geboekt, binnen het budget van het jaar."),
        back_url=reverse("bev:fees"),
        approved=_("De beheersvergoeding is goedgekeurd en geboekt."),
        rejected=_("De beheersvergoeding is afgewezen."),
        rerender=lambda form: fees.__wrapped__(request, forms={f"{decision}:{fee.pk}": form}),
    )


# ---------------------------------------------------------------------------------------------
# Payments to EZK (principal repaid, interest paid): proposed by one fund manager, approved (and so
# booked) by another
# ---------------------------------------------------------------------------------------------
LOAN_PAYMENTS_PAGE_SIZE = 50


def _loan_payment_rows(
    request, proposals, forms: dict, *, permission: str, reject_prefix: str
) -> tuple[Page, list[DecisionRow], set[str]]:
    """A page of proposals to pay EZK (`proposals`, newest first), each row with the decision forms
    for who may approve (`permission`), never on their own proposal: the rule the services check
    (`bev.services.four_eyes`). With the keys of the forms the rows show (the rest goes to the top)."""
    user = request.user
    may_approve = can(user, permission)
    page = Paginator(proposals, LOAN_PAYMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[DecisionRow] = []
    for proposal in page.object_list:
        if may_approve and proposal.status == ProposalStatus.PROPOSED and proposal.proposed_by_id != user.pk:
            approve_form = forms.get(f"approve:{proposal.pk}")
            reject_form = forms.get(f"reject:{proposal.pk}") or RejectForm(prefix=f"{reject_prefix}{proposal.pk}")
            rows.append(DecisionRow(proposal, may_decide=True, approve_form=approve_form, reject_form=reject_form))
        else:  # a refused approval's reason still shows at its row, with no button to try again
            rows.append(DecisionRow(proposal, approve_form=forms.get(f"approve:{proposal.pk}")))
    shown = {f"reject:{row.item.pk}" for row in rows if row.may_decide} | {f"approve:{row.item.pk}" for row in rows}
    return page, rows, shown


@web_view
def loan_repayments(request, forms: dict | None = None):
    """The repayments of principal to EZK (fund.view), with the decision forms for who may approve
    (loan_repayment.approve), never on their own proposal: the rule `bev.services.loan` checks."""
    require(request.user, "fund.view")
    forms = forms or {}
    page, rows, shown = _loan_payment_rows(
        request, selectors.loan_repayment_list(), forms, permission="loan_repayment.approve", reject_prefix="lr"
    )
    return render(
        request,
        "bev/loan_repayments.html",
        {
            "general": refused_elsewhere(forms, shown=shown),
            "nav": "fund",
            "rows": rows,
            "page": page,
            "outstanding": selectors.fund_overview()["loan_principal_outstanding"],
        },
        status=400 if forms else 200,
    )


@web_view
@require_POST
def loan_repayment_decide(request, proposal_id: int, decision: str):
    """Another fund manager approves (books, after a confirm step) or rejects a proposed repayment."""
    require(request.user, "fund.view")
    proposal = selectors.loan_repayment_get(proposal_id=proposal_id)
    return _decide(
        request,
        decision=decision,
        reject_prefix=f"lr{proposal.pk}",
        approve=lambda: services.loan_repayment_approve(user=request.user, proposal=proposal),
        reject=lambda reason: services.loan_repayment_reject(user=request.user, proposal=proposal, reason=reason),
        title=_("Aflossing aan EZK goedkeuren en boeken"),
        facts=lambda: _loan_payment_facts(proposal, proposal.repaid_on),
        consequence=_(
            "Het bedrag gaat van de beschikbare liquide middelen naar EZK en verlaagt de uitstaande "
            "hoofdsom van de lening."
        ),
        back_url=reverse("bev:loan_repayments"),
        approved=_("De aflossing aan EZK is goedgekeurd en geboekt."),
        rejected=_("Het voorstel tot aflossing is afgewezen."),
        rerender=lambda form: loan_repayments.__wrapped__(request, forms={f"{decision}:{proposal.pk}": form}),
    )


def _loan_payment_facts(
    proposal: LoanRepaymentProposal | LoanInterestPaymentProposal, booked_on: date | None
) -> list[tuple[str, object]]:
    return [
        (_("Bedrag"), page_euro(proposal.amount)),
        (_("Omschrijving"), proposal.description),
        (_("Boekdatum"), date_display(booked_on) if booked_on else _("de dag van goedkeuring")),
        (_("Voorgesteld door"), str(proposal.proposed_by)),
    ]


@web_view
def loan_interest_payments(request, forms: dict | None = None):
    """The payments of interest to EZK (fund.view), with the decision forms for who may approve
    (loan_interest_payment.approve), never on their own proposal: the rule `bev.services.loan` checks."""
    require(request.user, "fund.view")
    forms = forms or {}
    page, rows, shown = _loan_payment_rows(
        request,
        selectors.loan_interest_payment_list(),
        forms,
        permission="loan_interest_payment.approve",
        reject_prefix="li",
    )
    return render(
        request,
        "bev/loan_interest_payments.html",
        {
            "general": refused_elsewhere(forms, shown=shown),
            "nav": "fund",
            "rows": rows,
            "page": page,
            "payable": selectors.fund_overview()["loan_interest_payable"],
        },
        status=400 if forms else 200,
    )


@web_view
@require_POST
def loan_interest_payment_decide(request, proposal_id: int, decision: str):
    """Another fund manager approves (books, after a confirm step) or rejects a proposed interest payment."""
    require(request.user, "fund.view")
    proposal = selectors.loan_interest_payment_get(proposal_id=proposal_id)
    return _decide(
        request,
        decision=decision,
        reject_prefix=f"li{proposal.pk}",
        approve=lambda: services.loan_interest_payment_approve(user=request.user, proposal=proposal),
        reject=lambda reason: services.loan_interest_payment_reject(
            user=request.user, proposal=proposal, reason=reason
        ),
        title=_("Rentebetaling aan EZK goedkeuren en boeken"),
        facts=lambda: _loan_payment_facts(proposal, proposal.paid_on),
        consequence=_(
            "Het bedrag gaat van de beschikbare liquide middelen naar EZK en verlaagt de opgebouwde, nog te "
            "betalen rente op de lening."
        ),
        back_url=reverse("bev:loan_interest_payments"),
        approved=_("De rentebetaling aan EZK is goedgekeurd en geboekt."),
        rejected=_("Het voorstel tot rentebetaling is afgewezen."),
        rerender=lambda form: loan_interest_payments.__wrapped__(request, forms={f"{decision}:{proposal.pk}": form}),
    )
