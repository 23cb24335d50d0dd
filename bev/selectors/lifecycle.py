"""What the case lifecycle asks the fund (cases.guards slots, filled in BevConfig.ready())."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from ..constants import EntryKind, FollowUpStatus
from ..models import (
    DecisionCondition,
    JournalEntry,
    Position,
)


# ------------------------------------------------------------------------------------------------
# Hooks for the case lifecycle (cases.guards)
# ------------------------------------------------------------------------------------------------
def case_has_disbursement(case_id: int) -> bool:
    """A disbursement into one of the case's positions was booked and stands (is not reversed)."""
    return bool(cases_with_disbursement([case_id]).get(case_id))


def cases_with_disbursement(case_ids: list[int]) -> dict[int, bool]:
    """`case_has_disbursement` of many cases in one query: {case id: True} for those with one."""
    booked = JournalEntry.objects.filter(
        case_id__in=case_ids, kind=EntryKind.DISBURSEMENT, reverses__isnull=True, reversed_by__isnull=True
    )
    return {case_id: True for case_id in booked.values_list("case_id", flat=True).distinct() if case_id is not None}


def case_positions_all_exited(case_id: int) -> bool:
    """At least one of the case's positions is fully exited, and every other one is too or never held
    anything: a position recorded but never funded (no disbursement booked, or only reversed ones) has
    nothing to sell, and kept the case from closing for good (the service's own reading)."""
    return bool(cases_positions_all_exited([case_id]).get(case_id))


def cases_positions_all_exited(case_ids: list[int]) -> dict[int, bool]:
    """`case_positions_all_exited` of many cases in one query: {case id: True} for those it holds."""
    funded = JournalEntry.objects.filter(
        position=OuterRef("pk"), kind=EntryKind.DISBURSEMENT, reverses__isnull=True, reversed_by__isnull=True
    )
    done: dict[int, bool] = {}
    sold: set[int] = set()
    rows = Position.objects.filter(case_id__in=case_ids).annotate(funded=Exists(funded))
    for case_id, exited_on, was_funded in rows.values_list("case_id", "exited_on", "funded"):
        done[case_id] = done.get(case_id, True) and (exited_on is not None or not was_funded)
        if exited_on is not None:
            sold.add(case_id)
    return {case_id: True for case_id, all_done in done.items() if all_done and case_id in sold}


def case_open_cabinet_conditions(case_id: int) -> list[str]:
    """The cabinet's conditions on the case's positions still open or breached (asked by the risk
    review: `assessments.hooks.open_cabinet_conditions`)."""
    return list(
        DecisionCondition.objects.filter(
            position__case_id=case_id, status__in=[FollowUpStatus.OPEN, FollowUpStatus.BREACHED]
        )
        .order_by("id")
        .values_list("description", flat=True)
    )
