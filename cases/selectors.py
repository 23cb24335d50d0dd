"""Reads of the case file. Every lookup goes through `Case.objects.case_file_visible_to(user)`
(need-to-know and clearance; department advisors see only their consultation)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from audit.models import AuditRecord
from audit.services import audit_log
from core.exceptions import NotFound

from .models import CabinetDecision, Case, CaseCategory, CaseTeamMember, TimelineEvent


def case_list(*, user) -> QuerySet[Case]:
    """Case files this person may open (department advisors reach only their consultation)."""
    return (Case.objects.case_file_visible_to(user)
            .select_related("created_by")
            .prefetch_related(Prefetch("category_rows", queryset=CaseCategory.objects.order_by("category"))))


def case_get(*, user, case_id: int | str, audit_read: bool = True, for_update: bool = False) -> Case:
    """The case if this person may see it, else NotFound (never "forbidden": it does not exist for them).

    Reading a case file is recorded in the audit trail."""
    qs = case_list(user=user)
    lookup = {"reference": case_id} if isinstance(case_id, str) and case_id.startswith("BEV-") else {"pk": case_id}
    try:
        case = qs.get(**lookup)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound("Casus niet gevonden.") from None
    if audit_read:
        with transaction.atomic():
            audit_log(actor=user, action=AuditRecord.Action.READ, event="case.read", obj=case, case_id=case.pk)
    return case


def case_timeline(*, case: Case) -> QuerySet[TimelineEvent]:
    return case.timeline.select_related("actor").order_by("at", "id")


def case_team(*, case: Case) -> QuerySet[CaseTeamMember]:
    return case.team.select_related("user").order_by("added_at")


def case_cabinet_decisions(*, case: Case) -> QuerySet[CabinetDecision]:
    return case.cabinet_decisions.select_related("recorded_by", "confirmed_by")
