"""Rights acquired and the cabinet decision's conditions, followed during monitoring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log, diff
from core.exceptions import RuleViolation

from ..constants import (
    FollowUpStatus,
    RightKind,
)
from ..models import (
    AcquiredRight,
    DecisionCondition,
    Position,
)


# ------------------------------------------------------------------------------------------------
# Rights acquired and the cabinet decision's conditions (followed during monitoring)
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _FollowUp:
    model: type[AcquiredRight] | type[DecisionCondition]
    event: str


_FOLLOW_UPS = {
    "right": _FollowUp(AcquiredRight, "position.right"),
    "condition": _FollowUp(DecisionCondition, "position.condition"),
}


@transaction.atomic
def follow_up_add(
    *,
    user: User,
    position: Position,
    what: str,
    description: str,
    owner: User | None,
    due_date: date | None = None,
    kind: str | None = None,
) -> AcquiredRight | DecisionCondition:
    """Add an acquired right (`what="right"`, with its kind) or a condition of the cabinet decision."""
    require(user, "fund.book", case=position.case)
    spec = _FOLLOW_UPS[what]
    if not (description or "").strip():
        raise RuleViolation(_("Een omschrijving is verplicht."), field="description")

    if owner is None or position.case.role_of(owner) is None:
        raise RuleViolation(_("De eigenaar moet in het casusteam staan."), field="owner")
    values = {"position": position, "description": description.strip(), "owner": owner, "due_date": due_date}
    if what == "right":
        if kind not in RightKind.values:
            raise RuleViolation(_("Onbekende soort recht."), field="kind")
        values["kind"] = kind
    item = spec.model.objects.create(**values)
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event=f"{spec.event}.add",
        obj=item,
        case_id=position.case_id,
        changes=diff(
            {}, {"description": item.description, "owner": owner.username, "due_date": due_date, "kind": kind}
        ),
    )
    return item


@transaction.atomic
def follow_up_set_status(
    *, user: User, item: AcquiredRight | DecisionCondition, status: str, note: str = ""
) -> AcquiredRight | DecisionCondition:
    position = item.position
    require(user, "fund.book", case=position.case)
    if status not in FollowUpStatus.values:
        raise RuleViolation(_("Onbekende status."), field="status")
    item = type(item).objects.select_for_update(no_key=True).get(pk=item.pk)
    before = item.status
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    event = "position.right" if isinstance(item, AcquiredRight) else "position.condition"
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event=f"{event}.status",
        obj=item,
        case_id=position.case_id,
        changes={"status": {"before": before, "after": status}, "note": note},
    )
    return item
