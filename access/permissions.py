"""The one check: may this person do this action (on this case)?

Without a case the person's organisational role decides; with a case, their role on its team
(`Case.role_of`, which `access` asks without importing `cases`)."""

from __future__ import annotations

from typing import Protocol

from core.exceptions import PermissionDenied

from .roles import roles_for


class HasTeam(Protocol):
    """What a permission needs of a case (cases.models.Case)."""

    def role_of(self, user) -> str | None: ...


def can(user, action: str, *, case: HasTeam | None = None) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    allowed = roles_for(action)
    role = case.role_of(user) if case is not None else user.role
    return role in allowed


def require(user, action: str, *, case: HasTeam | None = None) -> None:
    if not can(user, action, case=case):
        raise PermissionDenied(f"Uw rol staat de actie '{action}' niet toe.", code="permission_denied")
