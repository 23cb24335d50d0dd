"""The ledger as people read it: entries, their descriptions (masked by need-to-know), account history."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.models import User
from core.exceptions import NotFound

from ..constants import ProposalStatus
from ..models import (
    Disbursement,
    Fund,
    JournalEntry,
    JournalLine,
    Position,
    ReversalProposal,
)
from .balances import ZERO, _q


# ------------------------------------------------------------------------------------------------
# The ledger
# ------------------------------------------------------------------------------------------------
def _case_visible(viewer: User | AnonymousUser | None, case_field: str) -> Exists:
    """True when the viewer is on the case's team (need-to-know for an entry's free text)."""
    from cases.models import Case

    return Exists(Case.objects.visible_to(viewer).filter(pk=OuterRef(case_field)))


def ledger_entries(
    *,
    fund: Fund,
    kind: str | None = None,
    account: str | None = None,
    position_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    viewer: User | AnonymousUser | None = None,
) -> QuerySet[JournalEntry]:
    """The journal, newest first. With `viewer`, each entry says whether its case is visible to them
    (`case_visible`), so views can hide a case's text and ids from people outside its team, and
    `position_id` finds only entries of a case they may see: a position they may not see answers
    as one that does not exist (no entries)."""
    entries = JournalEntry.objects.filter(fund=fund)
    if viewer is not None:
        entries = entries.annotate(case_visible=_case_visible(viewer, "case_id"))
    if kind:
        entries = entries.filter(kind=kind)
    if account:
        entries = entries.filter(lines__account=account).distinct()
    if position_id:
        entries = entries.filter(position_id=position_id)
        if viewer is not None:
            entries = entries.filter(_case_visible(viewer, "case_id"))
    if date_from:
        entries = entries.filter(booked_on__gte=date_from)
    if date_to:
        entries = entries.filter(booked_on__lte=date_to)
    return entries.select_related("created_by", "approved_by").prefetch_related("lines").order_by("-booked_on", "-id")


def _reversal_of(entry_id: str) -> QuerySet[JournalEntry]:
    """The entry that reverses the outer query's entry (its id in the outer field `entry_id`)."""
    return JournalEntry.objects.filter(reverses_id=OuterRef(entry_id))


def with_reversal_state(entries: QuerySet[JournalEntry]) -> QuerySet[JournalEntry]:
    """`entries`, each saying whether it was corrected: the reversing entry that undid it
    (`reversal_entry_id`, `reversed_on`, None when it stands) and whether a proposal to reverse it is
    open (`reversal_proposed`). Read in the page's own query, whatever the number of entries."""
    reversal = _reversal_of("pk")
    return entries.annotate(
        reversal_entry_id=Subquery(reversal.values("pk")[:1]),
        reversed_on=Subquery(reversal.values("booked_on")[:1]),
        reversal_proposed=Exists(
            ReversalProposal.objects.filter(entry_id=OuterRef("pk"), status=ProposalStatus.PROPOSED)
        ),
    )


def entry_get(*, user: User | AnonymousUser, entry_id: int | str) -> JournalEntry:
    """A ledger entry to act on (a correction): one answer for one that does not exist and one on a
    case the person may not see (need-to-know)."""
    from cases.selectors import case_get

    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound(_("Boeking niet gevonden.")) from None
    entry = JournalEntry.objects.filter(pk=entry_id).select_related("position__case").first()
    if entry is not None and entry.case_id is not None:
        try:
            case_get(user=user, case_id=entry.case_id, audit_read=False)
        except NotFound:
            entry = None
    if entry is None:
        raise NotFound(_("Boeking niet gevonden."))
    return entry


CASE_TEXT_HIDDEN = gettext_lazy("(casusgegevens afgeschermd)")


def _text_for(entry: JournalEntry, visible: bool) -> str:
    return entry.description if entry.case_id is None or visible else str(CASE_TEXT_HIDDEN)


def entry_description(entry: JournalEntry) -> str:
    return _text_for(entry, getattr(entry, "case_visible", True))


def entry_case_shown(entry: JournalEntry) -> bool:
    """Whether the reader may see which case (and position) the entry is about: a fund-wide entry,
    or one of a case on whose team they are. Otherwise the amounts and accounts stay (fund data),
    the description, case id and position id do not."""
    return entry.case_id is None or getattr(entry, "case_visible", True)


def unbalanced_entries(*, fund: Fund | None = None) -> list[int]:
    """Ids of entries whose lines do not sum to zero (always empty; a check for tests and audits).
    Sums are rounded to cents: SQLite adds decimals as floating point."""
    lines = JournalLine.objects.all() if fund is None else JournalLine.objects.filter(fund=fund)
    totals = lines.values("entry_id").annotate(total=Sum("amount")).values_list("entry_id", "total")
    return [entry_id for entry_id, total in totals if _q(total) != 0]


def account_history(
    *, fund: Fund, account: str, as_of: date | None = None, viewer: User | AnonymousUser | None = None
) -> list[dict]:
    """Every line of one account with the running balance (debit positive). With `viewer`, the
    text of an entry about a case they may not see is left out."""
    lines = JournalLine.objects.filter(fund=fund, account=account).select_related("entry")
    if viewer is not None:
        lines = lines.annotate(case_visible=_case_visible(viewer, "entry__case_id"))
    if as_of is not None:
        lines = lines.filter(booked_on__lte=as_of)
    balance = ZERO
    history = []
    for line in lines.order_by("booked_on", "entry_id", "id"):
        balance += line.amount
        visible = line.entry.case_id is None or getattr(line, "case_visible", True)
        history.append(
            {
                "entry_id": line.entry_id,
                "booked_on": line.booked_on,
                "kind": line.kind,
                "description": _text_for(line.entry, visible),
                "position_id": line.position_id if visible else None,
                "amount": line.amount,
                "balance": balance,
            }
        )
    return history


def fund_holds_money_of_cases_from(*, classification_rank: int, as_of: date) -> bool:
    """Whether the fund's books on `as_of` hold an entry of a case classified at `classification_rank`
    or above (its reservation, a payment, a sale): then the fund's figures on that day contain it."""
    from cases.models import Case

    classified = Case.objects.filter(classification_rank__gte=classification_rank).values("pk")
    return JournalEntry.objects.filter(booked_on__lte=as_of, case_id__in=classified).exists()


def _returns_query(*, start: date, end: date, case_ids: QuerySet | list[int] | None) -> QuerySet[JournalEntry]:
    from ..constants import EntryKind

    entries = JournalEntry.objects.filter(
        kind__in=[EntryKind.DIVIDEND, EntryKind.INTEREST, EntryKind.REPAYMENT],
        booked_on__gte=start,
        booked_on__lte=end,
        position__isnull=False,
    )
    return entries if case_ids is None else entries.filter(case_id__in=case_ids)


def returns_between(*, start: date, end: date, case_ids: QuerySet | list[int] | None = None) -> list[dict]:
    """What came back to the fund from its positions between `start` and `end` (inclusive): dividends,
    interest and repayments, each entry with its sign (a reversal negative), in order of date. Of the
    cases `case_ids` (ids or a query of them), or of every case. Sales are exits: their letters are
    the transactions (`parliament`)."""
    return [
        {
            "date": e.booked_on,
            "case_id": e.case_id,
            "position_id": e.position_id,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "amount": -e.amount if e.reverses_id else e.amount,
            "reversal": e.reverses_id is not None,
        }
        for e in _returns_query(start=start, end=end, case_ids=case_ids).order_by("booked_on", "id")
    ]


def returns_between_count(*, start: date, end: date, case_ids: QuerySet | list[int] | None = None) -> int:
    """How many entries `returns_between` lists, counted in the database."""
    return _returns_query(start=start, end=end, case_ids=case_ids).count()


def position_disbursements(position: Position) -> QuerySet[Disbursement]:
    """A position's disbursements, newest proposal first, with their proposer and decider, each with
    the date its booking was reversed (`reversed_on`, None while it stands): its status stays what
    was decided, the page says it was undone. One query."""
    return (
        position.disbursements.select_related("proposed_by", "decided_by")
        .annotate(reversed_on=Subquery(_reversal_of("entry_id").values("booked_on")[:1]))
        .order_by("-proposed_at")
    )
