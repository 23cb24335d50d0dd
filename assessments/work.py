"""What waits on a person in the afwegingskader ("Mijn werk", core.extensions.work_sources): a risk
assessment to draw up on a case entering risk assessment, scores to give, an assessment to finish or
to approve (four eyes: never its authors), an advice to give or to respond to. Each task carries
the case's stage deadline (the consultation: its own due date) and the page of the action."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.roles import Role
from cases.constants import State
from cases.work import my_cases, task

from .constants import OPEN_STATUSES, AdvicePosition, AssessmentKind, AssessmentStatus, ConsultationStatus
from .models import Assessment, IndicatorScore
from .selectors import consultation_list
from .services.lifecycle import assessment_authors_of


def work_items(*, user) -> list[dict]:
    items = _consultation_items(user)
    cases = {c.pk: c for c in my_cases(user=user) if c.my_role == Role.RISK_ASSESSOR}
    if not cases:
        return items
    assessments = list(Assessment.objects.filter(case_id__in=list(cases), status__in=OPEN_STATUSES).order_by("id"))
    drafts = [a.pk for a in assessments if a.status == AssessmentStatus.DRAFT and a.lead_id != user.pk]
    scored = (
        set(
            IndicatorScore.objects.filter(assessment_id__in=drafts, assessor=user).values_list(
                "assessment_id", flat=True
            )
        )
        if drafts
        else set()
    )
    # four eyes: the authors of the submitted ones, read for all of them at once
    authors = assessment_authors_of([a for a in assessments if a.status == AssessmentStatus.SUBMITTED])
    for a in assessments:
        case = a.case = cases[a.case_id]
        url = reverse("assessments:detail", args=[a.pk])
        if a.status == AssessmentStatus.DRAFT and a.lead_id == user.pk:
            items.append(task(case=case, kind=_("Risico-inschatting afronden"), what=a.get_kind_display(), url=url))
        elif a.status == AssessmentStatus.DRAFT and a.pk not in scored:
            items.append(task(case=case, kind=_("Scores geven"), what=a.get_kind_display(), url=url + "#indicators"))
        elif a.status == AssessmentStatus.SUBMITTED and user.pk not in authors[a.pk]:
            items.append(
                task(
                    case=case,
                    kind=_("Vier ogen: risico-inschatting beoordelen"),
                    what=a.get_kind_display(),
                    url=url + "#review",
                )
            )
    # A case entering risk assessment waits on its assessors until an initial assessment is started.
    entering = [pk for pk, c in cases.items() if c.state == State.RISK_ASSESSMENT]
    if entering:
        started = set(
            Assessment.objects.filter(case_id__in=entering, kind=AssessmentKind.INITIAL).values_list(
                "case_id", flat=True
            )
        )
        for pk in entering:
            if pk not in started:
                items.append(
                    task(
                        case=cases[pk],
                        kind=_("Risico-inschatting opstellen"),
                        what=cases[pk].get_state_display(),
                        url=reverse("assessments:case", args=[pk]),
                    )
                )
    return items


def _consultation_items(user) -> list[dict]:
    """The department advisor's open requests (with their own due date), and the lead assessor's
    response to an advice that objects or has concerns."""
    items = []
    today = timezone.localdate()
    for c in consultation_list(user=user).filter(status=ConsultationStatus.OPEN, advisor=user):
        case = c.assessment.case
        items.append(
            task(
                case=case,
                kind=_("Adviesaanvraag beantwoorden"),
                what=c.question[:80],
                url=reverse("assessments:consultation", args=[c.pk]),
                due_at=timezone.make_aware(datetime.combine(c.due_date, time.max)),
                overdue=c.due_date < today,
            )
        )
        items[-1]["title"] = case.reference  # the advisor sees the consultation, not the case file
    waiting = consultation_list(user=user).filter(
        status=ConsultationStatus.ANSWERED,
        position__in=[AdvicePosition.OBJECTS, AdvicePosition.CONCERNS],
        response="",
        assessment__lead=user,
        assessment__status=AssessmentStatus.DRAFT,
    )
    for c in waiting:
        items.append(
            task(
                case=c.assessment.case,
                kind=_("Reageren op advies"),
                what=c.ministry_label,
                url=reverse("assessments:detail", args=[c.assessment_id]),
            )
        )
    return items
