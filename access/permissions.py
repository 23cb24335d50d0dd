"""The one check: may this person do this action (on this case)?"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from core.exceptions import PermissionDenied

from .roles import roles_for

if TYPE_CHECKING:
    from cases.models import Case


def role_on_case(user, case: "Case") -> str | None:
    """The person's role on the case team, or None if they are not on it."""
    if not user or not user.is_authenticated:
        return None
    cache = getattr(case, "_team_roles", None)
    if cache is None:
        cache = dict(_team_roles_read()(case_id=case.pk))
        case._team_roles = cache
    return cache.get(user.pk)


@functools.cache
def _team_roles_read():
    """(user id, role) of every member of a case's team: a query compiled once (`core.precompiled`),
    since every service checks a permission on a case before anything else."""
    from cases.models import CaseTeamMember
    from core.precompiled import Precompiled

    return Precompiled(lambda case_id: CaseTeamMember.objects.filter(case_id=case_id).order_by()
                       .values_list("user_id", "role"), "case_id")


def can(user, action: str, *, case: "Case | None" = None) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    allowed = roles_for(action)
    role = role_on_case(user, case) if case is not None else user.role
    return role in allowed


def require(user, action: str, *, case: "Case | None" = None) -> None:
    if not can(user, action, case=case):
        raise PermissionDenied(f"Uw rol staat de actie '{action}' niet toe.", code="permission_denied")
