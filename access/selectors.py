"""Reads about people's access: whether an account is locked out, who may hold a case role, their API
token."""

from __future__ import annotations

from collections.abc import Callable
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


def session_user(*, user_id: object) -> User | None:
    """The person of a web session (Django asks on every request: `access.backends.AccountBackend`),
    with `is_locked_out` (django-axes' lock, as `locked_out`); None for an unknown id. One query."""
    try:
        pk = int(user_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:  # no such key (the ORM finds no rows for it either)
        return None
    since, limit = _cool_off_since(), settings.AXES_FAILURE_LIMIT
    values = {"user_id": pk, "limit": limit, **({"since": since} if since is not None else {})}
    statement = _statement("session_user", _session_user_query, values) if fastpaths.enabled() else None
    if statement is None:  # the plain ORM (core.fastpaths off, or not PostgreSQL)
        return _session_user_query(user_id=pk, limit=limit, since=since).first()
    return next(iter(User._default_manager.raw(*_filled(statement, values))), None)


def _session_user_query(*, user_id: int, limit: int, since: datetime | None = None) -> QuerySet[User]:
    return User._default_manager.annotate(is_locked_out=_locked_out("username", since=since, limit=limit)).filter(
        pk=user_id
    )


def api_token_authenticate(*, key: str) -> tuple[User, ApiToken] | None:
    """The person and token for `key`, or None when the key is unknown, expired, revoked by a
    password change, or its owner is deactivated or locked out. One query, on every API request."""
    digest = api_token_digest(key)
    since, limit = _cool_off_since(), settings.AXES_FAILURE_LIMIT
    values = {"digest": digest, "limit": limit, **({"since": since} if since is not None else {})}
    statement = _statement("token_owner", _token_owner_query, values) if fastpaths.enabled() else None
    if statement is not None:
        found = _token_owner_compiled(statement, values)
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


# The session's person and the API token are looked up on every request. Building and compiling
# their querysets (the lockout is an aggregate subquery) cost Django several times what the statement
# costs PostgreSQL (issue 25, docs/benchmarks/README.md): each statement is compiled once per process,
# database and shape, with stand-ins where the values go, and then run with each request's values.
_TOKEN_FIELDS = ("id", "user_id", "digest", "password_fingerprint", "created", "expires_at")
_STAND_INS = {
    "digest": "stand-in: not a digest",  # a digest is 64 hex digits
    "since": datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC),
    "limit": 918_273_645,
    "user_id": 827_364_519,
}
Statement = tuple[str, tuple, dict[str, int]]
_statements: dict[tuple, Statement | None] = {}


def _statement(
    name: str, build: Callable[..., QuerySet[User]], values: dict, *, using: str = DEFAULT_DB_ALIAS
) -> Statement | None:
    """`build(**stand-ins)`'s SQL, its parameters and the place of each value in them, compiled once
    per `name`, database and set of values given (without `since`: no cool-off, another statement);
    None where the backend does not take the values as they are given (SQLite, the embedded default,
    passes a datetime as text) or a value is not exactly one parameter: there the ORM's query runs."""
    key = (name, using, tuple(sorted(values)))
    if key not in _statements:
        stand_ins = {name: _STAND_INS[name] for name in values}
        sql, params = build(**stand_ins).query.get_compiler(using=using).as_sql()
        places = {name: [i for i, param in enumerate(params) if param == value] for name, value in stand_ins.items()}
        if connections[using].vendor != "postgresql" or any(len(found) != 1 for found in places.values()):
            _statements[key] = None  # the other parameters are constants
        else:
            _statements[key] = (sql, tuple(params), {name: found[0] for name, found in places.items()})
    return _statements[key]


def _filled(statement: Statement, values: dict) -> tuple[str, list]:
    """The statement's SQL and its parameters with `values` in their places (an integer in the ORM's
    wrapper of its column's type)."""
    sql, template, places = statement
    params = list(template)
    for name, place in places.items():
        value = values[name]
        params[place] = type(template[place])(value) if isinstance(value, int) else value
    return sql, params


def _token_owner_orm(*, digest: str, since: datetime | None, limit: int) -> tuple[User, ApiToken, bool] | None:
    """The plain ORM's lookup (core.fastpaths off), the reference `_token_owner_compiled` equals."""
    token = (
        ApiToken.objects.select_related("user")
        .annotate(owner_locked_out=_locked_out("user__username", since=since, limit=limit))
        .filter(digest=digest)
        .first()
    )
    return None if token is None else (token.user, token, bool(getattr(token, "owner_locked_out")))


def _token_owner_query(*, digest: str, limit: int, since: datetime | None = None) -> QuerySet[User]:
    """The token's owner with the token's fields (`token_*`) and whether the owner is locked out."""
    return (
        User._default_manager.filter(api_token__digest=digest)
        .annotate(
            is_locked_out=_locked_out("username", since=since, limit=limit),
            **{f"token_{name}": F(f"api_token__{name}") for name in _TOKEN_FIELDS if name not in ("user_id", "digest")},
        )
        .order_by()
    )


def _token_owner_compiled(
    statement: Statement, values: dict, *, using: str = DEFAULT_DB_ALIAS
) -> tuple[User, ApiToken, bool] | None:
    user = next(iter(User._default_manager.raw(*_filled(statement, values)).using(using)), None)
    if user is None:
        return None
    own = {"user_id": user.pk, "digest": values["digest"]}
    fields = [own[name] if name in own else getattr(user, f"token_{name}") for name in _TOKEN_FIELDS]
    token = ApiToken.from_db(using, list(_TOKEN_FIELDS), fields)
    token.user = user
    return user, token, bool(getattr(user, "is_locked_out"))
