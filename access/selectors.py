"""Reads about people's access: whether an account is locked out, who may hold a case role, their API
token."""

from __future__ import annotations

from datetime import UTC, datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, F, OuterRef, QuerySet, Sum
from django.utils import timezone

from core import fastpaths

from .models import ApiToken, User, api_token_digest, password_fingerprint
from .roles import organisation_roles_for


def locked_out(username_ref: str = "username") -> Exists:
    """Exists-expression: the person's username is locked out by django-axes right now.

    Axes locks a username together with an address (AXES_LOCKOUT_PARAMETERS); a lock from any
    address counts here, so someone guessing the password ends the person's sessions and token
    too (the price: five wrong logins from anywhere stop them for AXES_COOLOFF_HOURS, until an
    administrator lifts the lock). Same count as axes: failures per address within the cool-off."""
    return _locked_out(username_ref, since=_cool_off_since(), limit=settings.AXES_FAILURE_LIMIT)


def _cool_off_since() -> datetime | None:
    """Failed logins since this moment count towards a lockout (None: every failure, no cool-off)."""
    cool_off = get_cool_off()
    return None if cool_off is None else timezone.now() - cool_off


def _locked_out(username_ref: str, *, since: datetime | None, limit: int) -> Exists:
    attempts = AccessAttempt.objects.filter(username=OuterRef(username_ref))
    if since is not None:
        attempts = attempts.filter(attempt_time__gte=since)
    per_address = (
        attempts.order_by()
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=limit)
    )
    return Exists(per_address)


def people_who_may_hold_case_role(*case_roles: str, classification_rank: int) -> QuerySet[User]:
    """The accounts that may be put on a case team in one of `case_roles`: active, not locked out,
    with an organisational role that allows the case role (separation of duties,
    `access.roles.CASE_ROLES_BY_ORGANISATION_ROLE`), and cleared for the case's classification
    (`classification_rank`, `core.classification.rank`): a member without that clearance would see
    nothing of the case (DOMAIN "Confidentiality": need-to-know within clearance), yet count as its
    assessor or fund manager. The one rule: `cases.services.case_team_add` refuses anyone outside
    it and the team's people picker offers only them (issue 23)."""
    organisation_roles = set().union(*(organisation_roles_for(role) for role in case_roles))
    return User.objects.filter(
        is_active=True, role__in=organisation_roles, clearance_rank__gte=classification_rank
    ).filter(~locked_out())


def may_hold_case_role(*, person: User | None, case_role: str, classification_rank: int) -> bool:
    """Whether `person` is one of `people_who_may_hold_case_role(case_role)` on a case of that
    classification (None: no such person)."""
    return (
        person is not None
        and people_who_may_hold_case_role(case_role, classification_rank=classification_rank)
        .filter(pk=person.pk)
        .exists()
    )


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
    password change, or its owner is deactivated or locked out. One query, on every API request."""
    digest = api_token_digest(key)
    since, limit = _cool_off_since(), settings.AXES_FAILURE_LIMIT
    statement = _token_statement(using=DEFAULT_DB_ALIAS, with_since=since is not None) if fastpaths.enabled() else None
    if statement is not None:
        found = _token_owner_compiled(statement, digest=digest, since=since, limit=limit)
    else:
        found = _token_owner_orm(digest=digest, since=since, limit=limit)
    if found is None:
        return None
    user, token, owner_locked_out = found
    if not user.is_active or owner_locked_out:
        return None
    if not api_token_usable(token, user=user):
        return None
    return user, token


# The token lookup runs on every API request. Building and compiling its queryset (the owner's
# lockout is an aggregate subquery) cost Django several times what the statement costs PostgreSQL
# (issue 25, docs/benchmarks/README.md): the same statement is compiled once per process, database
# and shape, with stand-ins where the values go, and then run with each request's values.
_TOKEN_FIELDS = ("id", "user_id", "digest", "password_fingerprint", "created", "expires_at")
_DIGEST_STAND_IN = "stand-in: not a digest"  # a digest is 64 hex digits
_SINCE_STAND_IN = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
_LIMIT_STAND_IN = 918_273_645
_token_statements: dict[tuple[str, bool], tuple[str, tuple, dict[str, int]] | None] = {}


def _token_owner_orm(*, digest: str, since: datetime | None, limit: int) -> tuple[User, ApiToken, bool] | None:
    """The plain ORM's lookup (core.fastpaths off), the reference `_token_owner_compiled` equals."""
    token = (
        ApiToken.objects.select_related("user")
        .annotate(owner_locked_out=_locked_out("user__username", since=since, limit=limit))
        .filter(digest=digest)
        .first()
    )
    return None if token is None else (token.user, token, bool(getattr(token, "owner_locked_out")))


def _token_owner_query(*, digest: str, since: datetime | None, limit: int) -> QuerySet[User]:
    """The token's owner with the token's fields (`token_*`) and whether the owner is locked out."""
    return (
        User._default_manager.filter(api_token__digest=digest)
        .annotate(
            is_locked_out=_locked_out("username", since=since, limit=limit),
            **{f"token_{name}": F(f"api_token__{name}") for name in _TOKEN_FIELDS if name not in ("user_id", "digest")},
        )
        .order_by()
    )


def _token_statement(*, using: str, with_since: bool) -> tuple[str, tuple, dict[str, int]] | None:
    """The compiled statement, or None where the backend does not take the values as they are given
    (SQLite, the embedded default, passes a datetime as text): there the ORM's lookup runs."""
    key = (using, with_since)
    if key not in _token_statements:
        since = _SINCE_STAND_IN if with_since else None
        query = _token_owner_query(digest=_DIGEST_STAND_IN, since=since, limit=_LIMIT_STAND_IN).query
        sql, params = query.get_compiler(using=using).as_sql()
        stand_ins = {"digest": _DIGEST_STAND_IN, "limit": _LIMIT_STAND_IN}
        if with_since:
            stand_ins["since"] = _SINCE_STAND_IN
        places = {name: [i for i, param in enumerate(params) if param == value] for name, value in stand_ins.items()}
        if connections[using].vendor != "postgresql" or any(len(found) != 1 for found in places.values()):
            _token_statements[key] = None  # the other parameters are constants
        else:
            _token_statements[key] = (sql, tuple(params), {name: found[0] for name, found in places.items()})
    return _token_statements[key]


def _token_owner_compiled(
    statement: tuple[str, tuple, dict[str, int]],
    *,
    digest: str,
    since: datetime | None,
    limit: int,
    using: str = DEFAULT_DB_ALIAS,
) -> tuple[User, ApiToken, bool] | None:
    sql, template, places = statement
    params = list(template)
    for name, value in (("digest", digest), ("since", since), ("limit", limit)):
        if name in places:
            params[places[name]] = type(template[places[name]])(value) if name == "limit" else value
    user = next(iter(User._default_manager.raw(sql, params).using(using)), None)
    if user is None:
        return None
    own = {"user_id": user.pk, "digest": digest}
    values = [own[name] if name in own else getattr(user, f"token_{name}") for name in _TOKEN_FIELDS]
    token = ApiToken.from_db(using, list(_TOKEN_FIELDS), values)
    token.user = user
    return user, token, bool(getattr(user, "is_locked_out"))
