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
    return JournalEntry.objects.filter(case_id=case_id, kind=EntryKind.DISBURSEMENT, reverses__isnull=True).exists()


def case_positions_all_exited(case_id: int) -> bool:
    """The case has at least one position and every one of them is fully exited."""
    positions = Position.objects.filter(case_id=case_id)
    return positions.exists() and not positions.filter(exited_on__isnull=True).exists()


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
