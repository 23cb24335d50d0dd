"""What the case lifecycle asks the fund (cases.guards slots, filled in BevConfig.ready())."""

from __future__ import annotations

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
    """A disbursement into one of the case's positions was booked."""
    return bool(cases_with_disbursement([case_id]).get(case_id))


def cases_with_disbursement(case_ids: list[int]) -> dict[int, bool]:
    """`case_has_disbursement` of many cases in one query: {case id: True} for those with one."""
    booked = JournalEntry.objects.filter(case_id__in=case_ids, kind=EntryKind.DISBURSEMENT, reverses__isnull=True)
    return {case_id: True for case_id in booked.values_list("case_id", flat=True).distinct() if case_id is not None}


def case_positions_all_exited(case_id: int) -> bool:
    """The case has at least one position and every one of them is fully exited."""
    return bool(cases_positions_all_exited([case_id]).get(case_id))


def cases_positions_all_exited(case_ids: list[int]) -> dict[int, bool]:
    """`case_positions_all_exited` of many cases in one query: {case id: True} for those whose
    positions (at least one) are all exited."""
    exited: dict[int, bool] = {}
    for case_id, exited_on in Position.objects.filter(case_id__in=case_ids).values_list("case_id", "exited_on"):
        exited[case_id] = exited.get(case_id, True) and exited_on is not None
    return {case_id: True for case_id, all_exited in exited.items() if all_exited}


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
