"""The one check: may this person do this action (on this case)?

Without a case the person's organisational role decides; with a case, their role on its team
(`Case.role_of`, which `access` asks without importing `cases`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.utils.translation import gettext as _

from core.exceptions import PermissionDenied

from .roles import action_label, case_roles_for, roles_for


class HasTeam(Protocol):
    """What a permission needs of a case (cases.models.Case)."""

    def role_of(self, user) -> str | None: ...


def can(user, action: str, *, case: HasTeam | None = None) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    allowed = roles_for(action)
    role = case.role_of(user) if case is not None else user.role
    if case is not None and role not in case_roles_for(user.role):
        # A membership the person's organisational role no longer allows (they changed function
        # since they were added) carries no powers until the team is put right (issue 20).
        return False
    return role in allowed


def require(user, action: str, *, case: HasTeam | None = None) -> None:
    if not can(user, action, case=case):
        raise _not_allowed(action)


def require_role_may(user, *actions: str) -> None:
    """403 when the person's role could do none of these actions on any case (`role_may`)."""
    if not any(role_may(user, action) for action in actions):
        raise _not_allowed(actions[0])


def _not_allowed(action: str) -> PermissionDenied:
    return PermissionDenied(
        _("Uw rol staat niet toe: %(action)s.") % {"action": action_label(action)}, code="permission_denied"
    )


def role_may(user, action: str) -> bool:
    """Whether the person's organisational role could do this action anywhere: by itself, or through
    a role it may hold on a case team. A necessary condition of `can`, which needs no case: what
    `access.api.permissions.RoleMayWrite` asks before a request's body is read."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    allowed = roles_for(action)
    return user.role in allowed or bool(allowed & case_roles_for(user.role))


def require_four_eyes(user, *, involved: Iterable[int | None], message: str) -> None:
    """Four eyes, by person: whoever wrote, proposed or recorded a thing (`involved`: their user
    ids, over the thing's whole history) never approves it, whatever role they hold now (issue 20).
    Raises 403 with the code `four_eyes`."""
    if user.pk in {pk for pk in involved if pk is not None}:
        raise PermissionDenied(message, code="four_eyes")
