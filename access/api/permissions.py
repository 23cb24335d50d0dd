"""The API's permission classes."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..permissions import require_role_may


class RoleMayWrite(BasePermission):
    """A write the person's role never allows is 403 before its body is read: a view's `write_actions`
    maps its DRF action to the service's permission (`access.roles.PERMISSIONS`), or to the
    permissions one of which it needs (a tuple: which one follows from the object). Without it, a role
    without the right got the body's field errors (400) first and learned its shape from them; the
    403 came only once the body was valid. The services still decide, with the case where there is
    one (`access.permissions.require`); this checks only what no case could change (`role_may`)."""

    def has_permission(self, request, view) -> bool:
        if request.method not in SAFE_METHODS:
            needed = getattr(view, "write_actions", {}).get(getattr(view, "action", None))
            if needed is not None:
                require_role_may(request.user, *((needed,) if isinstance(needed, str) else needed))
        return True
