"""Reads about people's access: whether an account is locked out, who may hold a case role, their API
token."""

from __future__ import annotations

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from .models import ApiToken, User, api_token_digest, password_fingerprint
from .roles import organisation_roles_for


def locked_out(username_ref: str = "username") -> Exists:
    """Exists-expression: the person's username is locked out by django-axes right now.

    Axes locks a username together with an address (AXES_LOCKOUT_PARAMETERS); a lock from any
    address counts here, so someone guessing the password ends the person's sessions and token
    too (the price: five wrong logins from anywhere stop them for AXES_COOLOFF_HOURS, until an
    administrator lifts the lock). Same count as axes: failures per address within the cool-off."""
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(username=OuterRef(username_ref))
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    per_address = (
        attempts.order_by()
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return Exists(per_address)


def people_who_may_hold_case_role(*case_roles: str) -> QuerySet[User]:
    """The accounts that may be put on a case team in one of `case_roles`: active, not locked out, and
    with an organisational role that allows the case role (separation of duties,
    `access.roles.CASE_ROLES_BY_ORGANISATION_ROLE`). The one rule: `cases.services.case_team_add`
    refuses anyone outside it and the team's people picker offers only them (issue 23)."""
    organisation_roles = set().union(*(organisation_roles_for(role) for role in case_roles))
    return User.objects.filter(is_active=True, role__in=organisation_roles).filter(~locked_out())


def may_hold_case_role(*, person: User | None, case_role: str) -> bool:
    """Whether `person` is one of `people_who_may_hold_case_role(case_role)` (None: no such person)."""
    return person is not None and people_who_may_hold_case_role(case_role).filter(pk=person.pk).exists()


def user_is_locked_out(user: User) -> bool:
    return User.objects.filter(pk=user.pk).filter(locked_out()).exists()


def api_token_usable(token: ApiToken, *, user: User | None = None) -> bool:
    """A stored token still works: not expired, created under the current password."""
    user = user or token.user
    return token.expires_at > timezone.now() and token.password_fingerprint == password_fingerprint(user)


def api_token_of(*, user: User) -> ApiToken | None:
    """The person's token if it still works (an expired or password-revoked one is no token)."""
    token = ApiToken.objects.filter(user=user).first()
    return token if token is not None and api_token_usable(token, user=user) else None


def api_token_authenticate(*, key: str) -> tuple[User, ApiToken] | None:
    """The person and token for `key`, or None when the key is unknown, expired, revoked by a
    password change, or its owner is deactivated or locked out. One query."""
    token = (
        ApiToken.objects.select_related("user")
        .annotate(owner_locked_out=locked_out("user__username"))
        .filter(digest=api_token_digest(key))
        .first()
    )
    if token is None or not token.user.is_active or token.owner_locked_out:
        return None
    if not api_token_usable(token):
        return None
    return token.user, token
