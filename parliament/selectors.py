"""Reads of letters, their configuration and reports.

Letters are case data: they are reached only through the cases the person may see
(`Case.objects.visible_to(user)`); anyone else gets NotFound, as for the case itself."""

from __future__ import annotations

import difflib
import re
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from access.roles import roles_for
from cases.models import Case, CaseTeamMember
from core.exceptions import NotFound
from core.formatting import MONTHS_NL

from .models import (
    CountryDisclosurePolicy,
    EvaluationSchedule,
    LetterDraft,
    LetterReference,
    LetterRevision,
    LetterStatus,
    Minister,
    MinistryProfile,
    Report,
)


# ---------------------------------------------------------------------------------------------
# Configuration valid on a date
# ---------------------------------------------------------------------------------------------
def ministry_profile_on(on: date) -> MinistryProfile | None:
    return MinistryProfile.objects.valid_on(on).first()


def minister_on(on: date) -> Minister | None:
    """The minister in office on that date, who signs a letter of that date."""
    return Minister.objects.valid_on(on).first()


def letter_references_on(on: date) -> list[LetterReference]:
    return list(LetterReference.objects.valid_on(on).order_by("position", "id"))


def country_policy_on(on: date) -> CountryDisclosurePolicy | None:
    """The policy on naming the acquirer's country valid on that date (None: not named)."""
    return CountryDisclosurePolicy.objects.valid_on(on).first()


def evaluation_on(on: date) -> EvaluationSchedule | None:
    """The evaluation a letter of that date speaks of: the earliest one not completed by then,
    else the last one completed (None when no evaluation is configured)."""
    schedules = list(EvaluationSchedule.objects.filter(instrument_start__lte=on).order_by("due_on", "id"))
    for schedule in schedules:
        if schedule.completed_on is None or schedule.completed_on > on:
            return schedule
    return schedules[-1] if schedules else None


def evaluation_schedules_open() -> list[EvaluationSchedule]:
    """The evaluations not (yet) recorded as completed, earliest due first."""
    return list(EvaluationSchedule.objects.filter(completed_on__isnull=True).order_by("due_on", "id"))


def evaluation_status(schedule: EvaluationSchedule, *, on: date) -> str:
    """ "completed", "overdue", "due_soon" (within its warning period) or "scheduled"."""
    from datetime import timedelta

    if schedule.completed_on is not None and schedule.completed_on <= on:
        return "completed"
    if on > schedule.due_on:
        return "overdue"
    if on >= schedule.due_on - timedelta(days=schedule.warn_days):
        return "due_soon"
    return "scheduled"


# ---------------------------------------------------------------------------------------------
# Letters (need-to-know through the case)
# ---------------------------------------------------------------------------------------------
def _letters_of_visible_cases(user: User | AnonymousUser | None) -> QuerySet[LetterDraft]:
    return LetterDraft.objects.filter(case__in=Case.objects.visible_to(user)).select_related(
        "case", "request", "approved_by", "submitted_by", "sent_by"
    )


def letter_list(*, user: User) -> QuerySet[LetterDraft]:
    """Letters of the cases this person may see and on whose team their role may read letters."""
    readers = CaseTeamMember.objects.filter(user=user, role__in=roles_for("letter.view")).values("case_id")
    return _letters_of_visible_cases(user).filter(case_id__in=readers).order_by("-created_at", "-id")


def letter_get(*, user: User | AnonymousUser | None, letter_id: int | str) -> LetterDraft:
    """The letter if its case is visible to this person (else NotFound) and their role on the case
    may read letters (else PermissionDenied)."""
    try:
        letter = _letters_of_visible_cases(user).get(pk=letter_id)
    except (LetterDraft.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Kamerbrief niet gevonden.")) from None
    require(user, "letter.view", case=letter.case)
    return letter


def letter_revisions(*, letter: LetterDraft) -> QuerySet[LetterRevision]:
    return letter.revisions.select_related("author").order_by("number")


# The figures a letter states: amounts in euros, percentages and dates, as the drafts write them.
_FIGURE = re.compile(
    r"€\s?\d+(?:\.\d{3})*(?:,\d+)?(?:\s(?:mln|miljoen|miljard))?"
    r"|\d+(?:,\d+)?\s?(?:%|procent)"
    r"|\b\d{1,2}\s(?:" + "|".join(MONTHS_NL) + r")\s\d{4}\b",
    re.IGNORECASE,
)


def _figures(text: str) -> list[str]:
    return [" ".join(found.split()) for found in _FIGURE.findall(" ".join((text or "").split()))]


def letter_figures_not_generated(*, letter: LetterDraft) -> list[str]:
    """The figures in the letter's text (subject, body, annex) that no generated version holds: the
    service drafts the text from the record, so a figure an editor typed in is not backed by it until
    someone checks. Shown to the reviewer and on the approval's confirmation (found by trying the
    product: "€ 8.000.000" edited to "€ 99.000.000" was approved and sent unnoticed). None for a sent
    letter: what was sent is the record, nothing is left to check before approval."""
    if letter.status == LetterStatus.SENT:
        return []
    generated = " ".join(
        f"{r.subject} {r.body} {r.confidential_annex}" for r in letter.revisions.filter(author__isnull=True)
    )
    known = set(_figures(generated))
    current = _figures(f"{letter.subject} {letter.body} {letter.confidential_annex}")
    return list(dict.fromkeys(figure for figure in current if figure not in known))


def _revision_text(revision: LetterRevision) -> list[str]:
    text = f"Betreft: {revision.subject}\n\n{revision.body}"
    if revision.confidential_annex:
        text += f"\n\n--- Vertrouwelijke bijlage ---\n\n{revision.confidential_annex}"
    return text.splitlines()


def letter_revision_diff(*, letter: LetterDraft, from_number: int, to_number: int) -> dict:
    """The differences between two versions, as a unified diff and as an HTML table."""
    revisions = {r.number: r for r in letter.revisions.filter(number__in=[from_number, to_number])}
    missing = [n for n in (from_number, to_number) if n not in revisions]
    if missing:
        raise NotFound(f"Versie {missing[0]} bestaat niet.")
    before, after = _revision_text(revisions[from_number]), _revision_text(revisions[to_number])
    unified = "\n".join(
        difflib.unified_diff(before, after, fromfile=f"versie {from_number}", tofile=f"versie {to_number}", lineterm="")
    )
    html = difflib.HtmlDiff(wrapcolumn=80).make_table(
        before, after, f"versie {from_number}", f"versie {to_number}", context=True, numlines=2
    )
    return {"from_number": from_number, "to_number": to_number, "unified": unified, "html": html}


def earlier_sent_letters(*, case_id: int, chamber: str, before: date) -> list[LetterDraft]:
    """Letters about the same case already sent to the same chamber (cited in the next one)."""
    return list(
        LetterDraft.objects.filter(case_id=case_id, chamber=chamber, status="sent", sent_on__lte=before)
        .select_related("request")
        .order_by("sent_on", "id")
    )


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------
def report_list(*, user: User) -> QuerySet[Report]:
    """A person sees the reports they requested: each holds only the cases visible to them."""
    return Report.objects.filter(requested_by=user).order_by("-created_at", "-id")


def report_get(*, user: User, report_id: int | str) -> Report:
    try:
        return report_list(user=user).get(pk=report_id)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Rapportage niet gevonden.")) from None
