"""Reads of the case file. Every lookup goes through `Case.objects.case_file_visible_to(user)`
(need-to-know and clearance; department advisors see only their consultation)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import OuterRef, Prefetch, QuerySet, TextField, Value
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from access.models import User
from access.roles import Role, case_roles_for, roles_for
from access.selectors import people_who_may_hold_case_role
from audit.log import audit_log
from audit.models import AuditRecord
from core.exceptions import NotFound
from core.precompiled import Precompiled

from . import guards
from .constants import DECISION_STATES, END_STATES, ENDED_CASE_TEAM_ROLES, SALE_ORDER_STATES, State
from .models import CabinetDecision, Case, CaseCategory, CaseSearch, CaseTeamMember, TimelineEvent


def team_members_who_may(*, case: Case, action: str, exclude: Iterable[int | None] = ()) -> list[User]:
    """The people on the case team who may do `action` on it (their role there allows it and fits their
    organisational role, as `access.permissions.can` asks), active and cleared for the case's
    classification, except the user ids in `exclude` (under four eyes: who prepared the thing).
    Whom a task mail goes to (access.notifications). One query."""
    excluded = [pk for pk in exclude if pk is not None]
    members = (
        CaseTeamMember.objects.filter(
            case_id=case.pk,
            role__in=roles_for(action),
            user__is_active=True,
            user__clearance_rank__gte=case.classification_rank,
        )
        .exclude(user_id__in=excluded)
        .select_related("user")
        .order_by("user_id")
    )
    return [m.user for m in members if m.role in case_roles_for(m.user.role)]


def case_list(*, user: User | AnonymousUser | None) -> QuerySet[Case]:
    """Case files this person may open (department advisors reach only their consultation)."""
    return (
        Case.objects.case_file_visible_to(user)
        .select_related("created_by")
        .prefetch_related(Prefetch("category_rows", queryset=CaseCategory.objects.order_by("category")))
    )


def case_list_rows(*, user: User | AnonymousUser | None) -> QuerySet[Case]:
    """The cases of the API list: exactly those of `case_list`, without its join and prefetch. The list
    reads only the page's columns (`.values()`) and their categories (`case_categories`).

    Building the need-to-know query (an EXISTS subquery) costs the ORM about as much as running it, so
    each person's is built once per process and copied per request. It depends
    only on who they are, whether they are active and their clearance, which make up the key; what it
    finds is read from the database every time."""
    if user is None or not user.is_authenticated:
        return Case.objects.case_file_visible_to(user)
    return _case_file_visible_to(user.pk, user.is_active, user.clearance_rank, user).all()


@lru_cache(maxsize=512)
def _case_file_visible_to(pk: int, is_active: bool, clearance_rank: int, user: User) -> QuerySet[Case]:
    # `user` adds nothing to the key (model instances compare by pk): it is what the query is built from.
    return Case.objects.case_file_visible_to(user)


def case_search(queryset: QuerySet[Case], *, terms: Iterable[str]) -> QuerySet[Case]:
    """Cases whose reference, title, target, acquirer or KvK number contains every term, in any case:
    the database upper-cases the term as it upper-cased `search_text`, and escapes % and _. The text is
    read from `CaseSearch` (its own table with the trigram index, so a state change does not rewrite
    the index: cases/0020); the need-to-know stays the queryset's."""
    matching = CaseSearch.objects.all()
    searched = False
    for term in terms:
        if term:
            matching = matching.filter(search_text__contains=Upper(Value(term, output_field=TextField())))
            searched = True
    return queryset.filter(pk__in=matching.values("case_id")) if searched else queryset


def case_categories(*, case_ids: Iterable[int]) -> dict[int, list[str]]:
    """The categories of these cases, each list in alphabetical order (as `case_list` prefetches them):
    one query, none for no cases. Plain SQL: the ORM's `case_id__in` costs more than the query."""
    categories: dict[int, list[str]] = {case_id: [] for case_id in case_ids}
    if categories:
        table, case_column = CaseCategory._meta.db_table, CaseCategory._meta.get_field("case").column
        category_column = CaseCategory._meta.get_field("category").column
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {case_column}, {category_column} FROM {table} "
                f"WHERE {case_column} IN ({', '.join(['%s'] * len(categories))}) ORDER BY {category_column}",
                list(categories),
            )
            for case_id, category in cursor.fetchall():
                categories[case_id].append(category)
    return categories


def case_get(
    *, user: User | AnonymousUser | None, case_id: int | str, audit_read: bool = True, for_update: bool = False
) -> Case:
    """The case if this person may see it, else NotFound (never "forbidden": it does not exist for them).

    Reading a case file is recorded in the audit trail."""
    if _by_id_of_member(user, case_id):
        # On PostgreSQL one statement: the case with its categories' ids and names as arrays beside
        # the row (issue 19: one round trip less on every read of a case file).
        try:
            found = list(
                _CASE_FILE_WITH_CATEGORIES_OF_MEMBER(
                    user_id=user.pk, clearance_rank=user.clearance_rank, case_id=case_id
                )
            )
        except (ValueError, TypeError):
            found = []
        if not found:
            raise NotFound(_("Casus niet gevonden."))
        case = found[0]
        # As the query below leaves them: a queryset of the rows (ordered), evaluated.
        categories = _CATEGORIES_OF_CASE(case_id=case.pk)
        categories._result_cache = [
            CaseCategory.from_db(categories.db, ["id", "case_id", "category"], [pk, case.pk, category])
            for pk, category in zip(case._category_ids, case._category_list, strict=True)
        ]
        categories._prefetch_done = True  # type: ignore[attr-defined]  # as Django's prefetch leaves it
    else:
        case = _case_lookup(user, case_id)
        # Its categories as `case_list` prefetches them (ordered), read by a query compiled once.
        categories = _CATEGORIES_OF_CASE(case_id=case.pk)
        len(categories)  # evaluated: the prefetch cache holds rows, as Django's own prefetch leaves it
    # Django's own prefetch cache (django-stubs does not declare it on Model; `case` is the annotated row).
    case._prefetched_objects_cache = {"category_rows": categories}
    if audit_read:
        # One INSERT: atomic by itself (an audited read writes nothing else).
        audit_log(actor=user, action=AuditRecord.Action.READ, event="case.read", obj=case, case_id=case.pk)
    return case


def case_to_change(*, user: User | AnonymousUser | None, case_id: int | str) -> Case:
    """The case as `case_get` reads it (need-to-know, its categories; not an audited read) with its
    team's roles, which the permission of any change asks first (`Case.role_of`): what a transition
    reads. On PostgreSQL one statement (issue 25: the categories and the team as arrays beside the
    row, instead of two more round trips), else `case_get`'s."""
    if not _by_id_of_member(user, case_id):
        return case_get(user=user, case_id=case_id, audit_read=False)
    try:
        found = list(
            _CASE_FILE_WITH_TEAM_OF_MEMBER(user_id=user.pk, clearance_rank=user.clearance_rank, case_id=case_id)
        )
    except (ValueError, TypeError):
        found = []
    if not found:
        raise NotFound(_("Casus niet gevonden."))
    case = found[0]
    # As case_get leaves them: the categories in the prefetch cache, ordered; the team as role_of keeps it.
    rows = [CaseCategory(case_id=case.pk, category=category) for category in case._category_list]
    case._prefetched_objects_cache = {"category_rows": rows}
    case.__dict__["_team_roles"] = dict(zip(case._team_user_ids, case._team_member_roles, strict=True))
    return case


def _by_id_of_member(user: User | AnonymousUser | None, case_id: int | str) -> TypeGuard[User]:
    """Whether the case file's read may be one statement with its categories (or team) beside the row:
    on PostgreSQL (arrays), by id, for an authenticated, active person."""
    return (
        connection.vendor == "postgresql"
        and user is not None
        and user.is_authenticated
        and user.is_active
        and not (isinstance(case_id, str) and case_id.startswith("BEV-"))
    )


def case_header(*, user: User | AnonymousUser | None, case_id: int | str) -> Case:
    """The case without its categories, for reading its sub-lists (timeline, team, deadlines,
    decisions): one query. The same need-to-know as `case_get`."""
    return _case_lookup(user, case_id)


def _case_lookup(user: User | AnonymousUser | None, case_id: int | str) -> Case:
    """The case file by id or reference ("BEV-..."), if this person may see it. By id (every API and web
    URL) through the need-to-know lookup compiled once (`core.precompiled`: the ORM builds its EXISTS
    subquery in ~1 ms, the database runs it in a tenth of that)."""
    if isinstance(case_id, str) and case_id.startswith("BEV-"):
        found = list(Case.objects.case_file_visible_to(user).filter(reference=case_id))
    elif user is None or not user.is_authenticated or not user.is_active:
        found = []
    else:
        try:
            found = list(_CASE_FILE_OF_MEMBER(user_id=user.pk, clearance_rank=user.clearance_rank, case_id=case_id))
        except (ValueError, TypeError):
            found = []
    if not found:
        raise NotFound(_("Casus niet gevonden."))
    return found[0]


_CASE_FILE_OF_MEMBER = Precompiled(
    lambda user_id, clearance_rank, case_id: Case.objects.case_file_visible_to_member(
        user_id=user_id, clearance_rank=clearance_rank
    ).filter(pk=case_id),
    "user_id",
    "clearance_rank",
    "case_id",
)


def _case_file_with_team_of_member(*, user_id: int, clearance_rank: int, case_id: int) -> QuerySet[Case]:
    from django.contrib.postgres.expressions import ArraySubquery  # PostgreSQL only (case_to_change)

    team = CaseTeamMember.objects.filter(case_id=OuterRef("pk")).order_by("pk")
    return (
        Case.objects.case_file_visible_to_member(user_id=user_id, clearance_rank=clearance_rank)
        .filter(pk=case_id)
        .annotate(
            _category_list=ArraySubquery(
                CaseCategory.objects.filter(case_id=OuterRef("pk")).order_by("category").values("category")
            ),
            _team_user_ids=ArraySubquery(team.values("user_id")),
            _team_member_roles=ArraySubquery(team.values("role")),
        )
    )


_CASE_FILE_WITH_TEAM_OF_MEMBER = Precompiled(_case_file_with_team_of_member, "user_id", "clearance_rank", "case_id")


def _case_file_with_categories_of_member(*, user_id: int, clearance_rank: int, case_id: int) -> QuerySet[Case]:
    from django.contrib.postgres.expressions import ArraySubquery  # PostgreSQL only (case_get)

    categories = CaseCategory.objects.filter(case_id=OuterRef("pk")).order_by("category", "pk")
    return (
        Case.objects.case_file_visible_to_member(user_id=user_id, clearance_rank=clearance_rank)
        .filter(pk=case_id)
        .annotate(
            _category_ids=ArraySubquery(categories.values("pk")),
            _category_list=ArraySubquery(categories.values("category")),
        )
    )


_CASE_FILE_WITH_CATEGORIES_OF_MEMBER = Precompiled(
    _case_file_with_categories_of_member, "user_id", "clearance_rank", "case_id"
)
_CATEGORIES_OF_CASE = Precompiled(
    lambda case_id: CaseCategory.objects.filter(case_id=case_id).order_by("category"), "case_id"
)


def people_names(*, usernames: Iterable[str]) -> dict[str, str]:
    """Usernames to the names people know each other by (one query); a username without a name stays."""
    wanted = [u for u in usernames if u]
    return {user.username: str(user) for user in User.objects.filter(username__in=wanted)} if wanted else {}


def case_timeline(*, case: Case) -> QuerySet[TimelineEvent]:
    return case.timeline.select_related("actor").order_by("at", "id")


#: The columns of a timeline row (`TimelineEventSerializer.rows`).
TIMELINE_COLUMNS = ("id", "at", "actor__username", "kind", "transition", "from_state", "to_state", "reason", "data")


def case_timeline_rows(*, case: Case) -> list[dict]:
    """The timeline as `.values()` rows of TIMELINE_COLUMNS, in order: one query, no model instances,
    compiled once per process (`core.precompiled`). It was the plain ORM while the timeline met its
    target without it (5 December); at 3.12x the floor's p95 (6 December) building and compiling
    the query was ~10 % of the request's CPU (scripts/profile_reads.py, docs/benchmarks)."""
    return list(_TIMELINE_ROWS(case_id=case.pk))


_TIMELINE_ROWS = Precompiled(
    lambda case_id: TimelineEvent.objects.filter(case_id=case_id).order_by("at", "id").values(*TIMELINE_COLUMNS),
    "case_id",
)


def case_team(*, case: Case) -> QuerySet[CaseTeamMember]:
    return case.team.select_related("user").order_by("added_at")


def open_cases_above_clearance(*, user_id: int, clearance_rank: int) -> list[str]:
    """The references of the cases not ended on whose team the person is, classified above
    `clearance_rank` (`access.hooks.open_cases_above_clearance`: lowering a clearance below them is
    refused). An ended case's team is frozen and acts no more: its need-to-know follows the clearance."""
    return list(
        Case.objects.filter(team__user_id=user_id, classification_rank__gt=clearance_rank)
        .exclude(state__in=END_STATES)
        .order_by("reference")
        .values_list("reference", flat=True)
        .distinct()
    )


def team_candidates(*, case: Case, role: str | None = None) -> QuerySet:
    """The people who may be added to this case's team (in `role`, else in any case role): those the
    service takes (`access.selectors.people_who_may_hold_case_role`, the same rule: of the role's
    function and cleared for the case's classification) and who are not on the team yet, by
    organisation and name. Each may take the case roles `team_candidate_roles` gives. Only for
    someone who may manage the team: the caller checks `case.manage_team` first."""
    roles = [role] if role else list(Role.values)
    if case.state in END_STATES:  # an ended case's team changes only in the oversight role
        roles = [r for r in roles if r in ENDED_CASE_TEAM_ROLES]
        if not roles:
            return User.objects.none()
    return (
        people_who_may_hold_case_role(*roles, classification_rank=case.classification_rank)
        .exclude(pk__in=CaseTeamMember.objects.filter(case_id=case.pk).values("user_id"))
        .order_by("organisation", "last_name", "first_name", "username", "pk")
    )


def team_candidate_roles(person: User, *, case: Case, role: str | None = None) -> list[str]:
    """The case roles a candidate of `team_candidates` may take on `case` (only `role` when it was
    asked for; on an ended case only ENDED_CASE_TEAM_ROLES)."""
    return [
        r
        for r in Role.values
        if r in case_roles_for(person.role)
        and (role is None or r == role)
        and (case.state not in END_STATES or r in ENDED_CASE_TEAM_ROLES)
    ]


def case_cabinet_decisions(*, case: Case) -> QuerySet[CabinetDecision]:
    return case.cabinet_decisions.select_related("recorded_by", "confirmed_by", "rejected_by")


def decided_this_round(
    *, case: Case, state: str | None = None, decisions: Iterable[CabinetDecision] | None = None
) -> bool:
    """Whether the decision on deploying that the case waits for is recorded and confirmed: any
    confirmed decision on deploying in `cabinet_decision` (a case comes there once, from the risk
    assessment), one confirmed after the case was last sent back in `follow_on_decision`
    (cases.guards.cabinet_decided_since_follow_on_request). A rejected decision binds nothing and a
    sale order is not a decision on deploying. `state`: the case's as read under its lock (else
    `case.state`); `decisions`: the case's, when already read."""
    if (state or case.state) == State.FOLLOW_ON_DECISION:
        return guards.cabinet_decided_since_follow_on_request(case)
    if decisions is None:
        decisions = case.cabinet_decisions.all()
    return any(d.confirmed_at is not None and not d.orders_sale for d in decisions)


def cabinet_decision_refusal(
    *, case: Case, state: str, orders_sale: bool, decisions: Iterable[CabinetDecision] | None = None
) -> str | None:
    """Why the case takes no new kabinetsbesluit now, as the code of the service's 409, or None: the
    one rule the service (cabinet_decision_record, on the case's row locked), the case page's form
    and "Mijn werk" ask.

    - `invalid_state`: a decision on deploying is recorded while the case is at the cabinet
      (DECISION_STATES), a sale order while the State holds a stake (SALE_ORDER_STATES);
    - `pending_decision`: one recorded waits for its confirmation (a rejected one waits for nobody);
    - `decision_already_confirmed`: the decision on deploying of this round is confirmed
      (`decided_this_round`); the next round is a follow-on decision. A sale order closes no round:
      the cabinet may order a further (partial) sale while the stake is held."""
    if state not in (SALE_ORDER_STATES if orders_sale else DECISION_STATES):
        return "invalid_state"
    decisions = list(case.cabinet_decisions.all() if decisions is None else decisions)
    if any(d.is_pending for d in decisions):
        return "pending_decision"
    if not orders_sale and decided_this_round(case=case, state=state, decisions=decisions):
        return "decision_already_confirmed"
    return None
