"""What waits on a person in the letters and reports ("Mijn werk", core.extensions.work_sources): a
Kamerbrief to finish (its editor), to review (four eyes: never one of its authors) or to record as
sent, each on the letter's page; and, for the parliamentary liaison and the auditors, the evaluation
of the facility from its warning period before the due date, overdue after."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import can
from access.roles import Role
from cases.models import Case
from core.formatting import date_display  # the page's language

from . import selectors, services
from .models import LetterStatus


def work_items(*, user) -> list[dict]:
    items = []
    letters = list(selectors.letter_list(user=user).exclude(status=LetterStatus.SENT).select_related("case"))
    Case.read_teams([letter.case for letter in letters])  # the permissions below ask no query per letter
    authors = services.letter_authors_of([letter for letter in letters if letter.status == LetterStatus.IN_REVIEW])
    for letter in letters:
        case = letter.case
        if (
            letter.status == LetterStatus.IN_REVIEW
            and can(user, "letter.approve", case=case)
            and user.pk not in authors[letter.pk]
        ):
            what = _("Vier ogen: Kamerbrief beoordelen")
        elif letter.status == LetterStatus.DRAFT and can(user, "letter.edit", case=case):
            what = _("Concept-Kamerbrief afmaken")
        elif letter.status == LetterStatus.APPROVED and can(user, "letter.send", case=case):
            what = _("Kamerbrief verzenden")
        else:
            continue
        items.append(
            {
                "kind": what,
                "title": f"{case.reference} · {letter.get_chamber_display()}",
                "what": letter.subject[:80],
                "url": reverse("parliament:letter", args=[letter.pk]),
                "due_at": None,
                "overdue": False,
                "urgent": case.urgency == "immediate",
            }
        )
    return items + evaluation_work_items(user=user)


EVALUATION_WATCHERS = {Role.PARLIAMENTARY_LIAISON, Role.AUDITOR}


def evaluation_work_items(*, user) -> list[dict]:
    """ "Uiterlijk over twee jaar vindt een evaluatie ... plaats": the liaison and the auditors are
    warned from the configured warning period before the due date, and see it overdue after."""
    if getattr(user, "role", None) not in EVALUATION_WATCHERS:
        return []
    today = timezone.localdate()
    items = []
    for schedule in selectors.evaluation_schedules_open():
        status = selectors.evaluation_status(schedule, on=today)
        if status not in ("due_soon", "overdue"):
            continue
        due_at = timezone.make_aware(datetime.combine(schedule.due_on, time.max))
        items.append(
            {
                "kind": _("Evaluatie van de voorziening")
                + (" – " + _("termijn verstreken") if status == "overdue" else ""),
                "title": schedule.title,
                "what": _("Uiterlijk af op %(due)s") % {"due": date_display(schedule.due_on)},
                "url": reverse("parliament:reports"),
                "due_at": due_at,
                "overdue": status == "overdue",
                "urgent": False,
            }
        )
    return items
