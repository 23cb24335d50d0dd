"""The case list's page: its rows and the count of every case it pages through in one statement,
compiled once per query string (`core.precompiled`).

The list is the most used read. Building its querysets (need-to-know, the query string's filters,
search and ordering, then the count and the page) cost Django more than running them costs
PostgreSQL. Here the statement is built once per distinct query string, with stand-ins for who asks
and their clearance, by the view's own filter backends: the same filters, validation, ordering and
page as DRF's path, so the same rows. The count is a scalar subquery of the same filters, which
PostgreSQL evaluates once per statement (an InitPlan): one round trip and one snapshot for both.

What this path does not take (no pagination, `?page=last` or anything not a page number, a page
past the last one, an inactive or anonymous user) goes DRF's way, with its errors (404 "Invalid
page."). A query string whose filters do not validate raises their 400 while being built, and is not
kept. `tests/test_case_list_page.py` compares both paths.

On PostgreSQL the statement also reads each row's categories (an array subquery, alphabetical as
`case_categories` gives them) as `_categories`: the page is then one round trip. Elsewhere (SQLite,
the embedded default) the view reads them with `case_categories` as DRF's path does.

The count, once made, is kept (PostgreSQL, outside a transaction). Counting every case a person may
see is most of the list's cost (about a microsecond per visible case), and the count changes only
when cases, their teams or their categories do. Each statement that changes one of those tables adds
a row to `cases_case_list_change` (migration 0006), so the sum of that log, read in the page's own
statement, is a generation: PostgreSQL's snapshots only ever grow (a later statement sees every
transaction an earlier one saw, and more), so two statements that see the same sum see the same
committed changes, hence the same count for the same person, clearance and filters. A page read with
the generation its kept count was made at takes that count; any other generation counts again (a
second round trip) and keeps the new count. Inside a transaction (`atomic`) the statement sees that
transaction's own uncommitted changes, which the generation does not tell apart: it always counts.
Readers fold the log into one row of the same sum when it grows (`_fold_changes`). Each change adds
a random step (1 to 2^31 - 1, migration 0012), not 1, and a kept count is also keyed on the database's
incarnation (`core.incarnation`): a database restored from a backup and then changed goes on with
generations that no worker kept a count for, so a restore needs no restart of the web workers
(tests/test_backup_restore.py).

A count made by one web worker is also put in the shared cache (Redis), keyed on what it counted and
the generation it was made at, so the other workers (gunicorn's processes) take it instead of each
counting the same cases again: with four workers and a score of filters, the count of every visible
case was made some eighty times after each change, which is what the case list's p95 was made of at
100,000 cases. A count at a generation never changes, so an entry is never stale (a change moves the
generation, hence the key); the page's own statement tells the generation, so a worker without its
own kept count reads the page first and asks the cache before it counts. The cache unreachable
costs a count, never an answer.
`tests/test_case_list_count_cache.py` changes each table, from another connection too.

The most read lists need neither: the unfiltered list and the list filtered by state, classification
and/or urgency (with any ordering and page size) take their count from `cases_case_list_count`
(migrations 0014, 0015), rows per person, classification, state and urgency that triggers keep in the
same transaction as every write to cases and teams; the list by one category alone from
`cases_case_list_category_count` (migration 0017: per person, classification rank and category, kept
also by triggers on the cases' categories). The page's statement sums the person's rows up to their
clearance: exact in the statement's own snapshot (inside a transaction too), a few dozen rows whatever
the number of cases, so a change costs the next page nothing more. Each write adds rows (+n / -n);
the page folds the person's rows into one per key when they pass `COUNT_ROWS_TO_FOLD`
(`_fold_counts`). `tests/test_case_list_counts.py` checks the sums against the cases after every kind
of write, concurrent writers and a restore.

A free-text search counts at most `SEARCH_COUNT_BOUND` cases (or up to the end of the page asked for):
its answer says `count_is_exact` (`count_fields`). What remains counted after each change, through the
generation: the date filters and combinations the tables do not hold (a category with another filter)."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from types import SimpleNamespace

from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.core.paginator import Page
from django.db import DatabaseError, connection
from django.db.models import BigIntegerField, Func, IntegerField, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from core import fastpaths
from core.classification import Classification
from core.incarnation import database_incarnation
from core.precompiled import Precompiled

from ..constants import State, StrategicCategory, Urgency
from ..models import Case, CaseCategory
from .filters import CaseFilter

logger = logging.getLogger(__name__)
_LOCK = threading.Lock()  # gthread workers share the plans and the counts
_PLANS: OrderedDict = OrderedDict()  # (query string, page size, offset) -> _Plan, least recent first
MAX_PLANS = 512
_COUNTS: OrderedDict = OrderedDict()  # (view, query string, user id, clearance) -> (generation, count)
MAX_COUNTS = 4096
_LINKS: OrderedDict = OrderedDict()  # (absolute URI, page parameter, has next, has previous) -> links
MAX_LINKS = 2048
MAX_LINK_URI = 512  # characters; a longer URI's links are built each time
SHARED_PREFIX = "cases:list-count:"  # the shared cache's counts, one per generation (`_shared_key`)
SHARED_TIMEOUT = 3600  # seconds; a later generation's count replaces it anyway
CHANGES_TO_FOLD = 64  # the log's rows beyond which a reader folds them into one
_GENERATION_SQL = "SELECT COALESCE(SUM(n), 0) FROM cases_case_list_change"
_CHANGES_SQL = "SELECT COUNT(*) FROM cases_case_list_change"
COUNT_ROWS_TO_FOLD = 256  # a person's rows in cases_case_list_count beyond which a page folds them
# The count of the cases a person's list shows, per classification and state (migration 0014): the
# person, their clearance, then the filters' values (`_table_count_sql`).
_TABLE_COUNT_SQL = (
    "SELECT COALESCE(SUM(n), 0)::bigint FROM cases_case_list_count WHERE user_id = %s AND classification_rank <= %s"
)
_TABLE_ROWS_SQL = "SELECT COUNT(*) FROM cases_case_list_count WHERE user_id = %s"
# The same per category (migration 0017), for the list filtered by one category alone.
_CATEGORY_TABLE = "cases_case_list_category_count"
_CATEGORY_COUNT_SQL = (
    f"SELECT COALESCE(SUM(n), 0)::bigint FROM {_CATEGORY_TABLE} "
    "WHERE user_id = %s AND classification_rank <= %s AND category = %s"
)
_CATEGORY_ROWS_SQL = f"SELECT COUNT(*) FROM {_CATEGORY_TABLE} WHERE user_id = %s"
# Query-string parameters that do not change which cases are counted (besides the paginator's own).
_UNCOUNTED_PARAMETERS = frozenset({"ordering"})
# A search's count stops here (`_count_bound`): the answer then says `count_is_exact: false` (README, API).
SEARCH_COUNT_BOUND = 1_000
MAX_PAGE = 1_000_000  # beyond: DRF's path (a page past the end is its 404; an OFFSET must fit in a bigint)


def page_rows(view, request, *, columns):
    """The page's rows (`columns`, and their `_categories` on PostgreSQL), the view's paginator set to
    answer with them and their count as DRF's `paginate_queryset` leaves it; None where DRF's own
    path must answer."""
    user, paginator = request.user, view.paginator
    if not fastpaths.enabled() or paginator is None or not (user.is_authenticated and user.is_active):
        return None
    number = request.query_params.get(paginator.page_query_param, "1")
    if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= MAX_PAGE:
        return None
    page_size = paginator.get_page_size(request)
    number, offset = int(number), (int(number) - 1) * page_size
    query = tuple(
        sorted(
            (name, tuple(values)) for name, values in request.query_params.lists() if name != paginator.page_query_param
        )
    )
    key = (type(view), query, page_size, offset)
    with _LOCK:
        plan = _PLANS.get(key)
        if plan is not None:
            _PLANS.move_to_end(key)
    values = {"user_id": user.pk, "clearance_rank": user.clearance_rank}
    made = plan is None
    if made:
        plan = _Plan(type(view), QueryDict(request.query_params.urlencode()), columns, offset, page_size)
    # A bounded count (a search) is kept per bound: the bound follows the page (`_count_bound`).
    counted_query = query if plan.count_bound is None else (*query, ("", (str(plan.count_bound),)))
    count_key = (type(view), counted_query, user.pk, user.clearance_rank)
    rows, total = _rows_and_count(plan, count_key, values)  # a 400 here keeps nothing
    if made:
        with _LOCK:
            _PLANS[key] = plan
            while len(_PLANS) > MAX_PLANS:
                _PLANS.popitem(last=False)
    if not rows and offset:
        return None  # past the last page: DRF's 404
    pages = paginator.django_paginator_class([], page_size)
    pages.__dict__["count"] = total  # Paginator.count is a cached_property: the statement's count
    if plan.count_bound is not None and total > plan.count_bound:
        # More than the bound: the page's links go on (the count says one case more than the bound,
        # so a full page has a next one), the answer says "more than" (`count_fields`).
        paginator.count_bound = plan.count_bound
    paginator.page, paginator.request = Page(rows, number, pages), request
    paginator.answered_by_listing = True  # `paginated_body`
    return rows


def paginated_body(paginator, request, data: list) -> dict:
    """The list's paginated answer: DRF's (`count`, `next`, `previous`, `results`), with
    `count_fields`. A page `page_rows` answered takes its links from `_LINKS`: DRF builds each link
    from the absolute URI (parsing, sorting and encoding the query string, ~0.1 ms a link) on every
    request, yet they are the same for the same URI and page."""
    if getattr(paginator, "answered_by_listing", False):
        next_link, previous_link = _page_links(paginator)
        body = {"count": paginator.page.paginator.count, "next": next_link, "previous": previous_link, "results": data}
    else:
        body = paginator.get_paginated_response(data).data
    return count_fields(paginator, request, body)


def _page_links(paginator) -> tuple[str | None, str | None]:
    """DRF's `get_next_link()` and `get_previous_link()`, kept per absolute URI (which holds the page
    number) and whether a next and a previous page exist: the links depend on nothing else."""
    page = paginator.page
    has_next, has_previous = page.has_next(), page.has_previous()
    if not (has_next or has_previous):
        return None, None
    uri = paginator.request.build_absolute_uri()
    if len(uri) > MAX_LINK_URI:  # not kept: the memory a long query string would take
        return paginator.get_next_link(), paginator.get_previous_link()
    key = (uri, paginator.page_query_param, has_next, has_previous)
    with _LOCK:
        links = _LINKS.get(key)
    if links is None:
        links = (paginator.get_next_link(), paginator.get_previous_link())
        with _LOCK:
            _LINKS[key] = links
            while len(_LINKS) > MAX_LINKS:
                _LINKS.popitem(last=False)
    return links


def count_fields(paginator, request, body: dict) -> dict:
    """The paginated answer of a search with `count_is_exact`: false where the page's count stopped
    at its bound (`SEARCH_COUNT_BOUND`, `_count_bound`; `count` is then the bound: more than that
    many cases match), true where it counted them all (DRF's path always does). Other lists count
    exactly and answer as DRF does."""
    if not _searching(request.query_params):
        return body
    bound = getattr(paginator, "count_bound", None)
    count = body.pop("count")
    return {"count": count if bound is None else bound, "count_is_exact": bound is None, **body}


def _searching(query_params) -> bool:
    return any(value.strip() for value in query_params.getlist("search"))


def _count_bound(query_params: QueryDict, offset: int, limit: int) -> int | None:
    """The number the count of a search stops at (PostgreSQL), else None (an exact count): counting
    every case a free-text search finds grows with the data the page does not show; a bound of
    `SEARCH_COUNT_BOUND` (or the end of the page asked for, if further) keeps the count's cost flat
    and still tells whether a next page exists."""
    if not _searching(query_params):
        return None
    return max(SEARCH_COUNT_BOUND, offset + limit)


def _rows_and_count(plan, count_key, values) -> tuple[list, int]:
    """The page's rows and the count of the cases it pages through, both as of one snapshot: the
    counts table's sum where the filters allow it (one statement), else the kept count where the page
    was read at its generation (this worker's, else the shared cache's), else the statement's (kept
    where sound)."""
    if plan.table_counted:
        rows = list(plan.counted(**values))
        if rows and rows[0]["_count_rows"] > COUNT_ROWS_TO_FOLD and _may_keep_counts():
            (_fold_category_counts if plan.by_category else _fold_counts)(values["user_id"])
        return rows, rows[0]["_total"] if rows else 0
    keep = plan.uncounted is not None and _may_keep_counts()
    if keep:
        count_key = (database_incarnation(), *count_key)
        with _LOCK:
            kept = _COUNTS.get(count_key)
        rows = list(plan.uncounted(**values))
        if not rows:
            return rows, 0  # no row on page 1: none at all; past it: the 404 (the count unused)
        generation = rows[0]["_generation"]
        if kept is not None and generation == kept[0]:
            return rows, kept[1]
        shared = _shared_count(count_key, generation)
        if shared is not None:
            _keep_here(count_key, generation, shared)
            return rows, shared
    rows = list(plan.counted(**values))
    total = rows[0]["_total"] if rows else 0
    if keep and rows:  # an empty page tells no generation
        generation = rows[0]["_generation"]
        _keep_here(count_key, generation, total)
        _share_count(count_key, generation, total)
        if rows[0]["_changes"] > CHANGES_TO_FOLD:
            _fold_changes()
    return rows, total


def _keep_here(count_key, generation: int, total: int) -> None:
    with _LOCK:
        _COUNTS[count_key] = (generation, total)
        _COUNTS.move_to_end(count_key)
        while len(_COUNTS) > MAX_COUNTS:
            _COUNTS.popitem(last=False)


def _shared_key(count_key, generation: int) -> str:
    """The shared cache's key of a count: what it counted (view, query string, person, clearance), of
    which database (incarnation) at which generation. A count at a generation never changes (the
    module docstring), so an entry is never stale: a change moves the generation, hence the key."""
    incarnation, view_class, query, user_id, clearance_rank = count_key
    what = repr((incarnation, f"{view_class.__module__}.{view_class.__qualname__}", query, user_id, clearance_rank))
    return f"{SHARED_PREFIX}{hashlib.sha256(what.encode()).hexdigest()}:{generation}"


def _shared_count(count_key, generation: int) -> int | None:
    """The count another worker made at this generation, if the shared cache holds it. The cache holds
    derived figures only: unreachable, it costs a count, never an answer."""
    try:
        found = cache.get(_shared_key(count_key, generation))
    except Exception:  # the cache backend's own errors (redis.ConnectionError, TimeoutError, ...)
        logger.warning("case list: shared cache unreachable (get)", exc_info=True)
        return None
    return found if isinstance(found, int) else None


def _share_count(count_key, generation: int, total: int) -> None:
    try:
        cache.set(_shared_key(count_key, generation), total, timeout=SHARED_TIMEOUT)
    except Exception:  # as in _shared_count
        logger.warning("case list: shared cache unreachable (set)", exc_info=True)


def _may_keep_counts() -> bool:
    """Outside a transaction each statement sees committed changes only, which the generation counts."""
    return connection.get_autocommit() and not connection.in_atomic_block


def _fold_changes() -> None:
    """The log's rows folded into one of the same sum, in one statement (its own transaction). Rows
    another reader is folding at the same moment are skipped (and folded by it): the sum never changes.
    A failure leaves the log as it was (one statement): the page is answered all the same."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH folded AS (DELETE FROM cases_case_list_change WHERE id IN "
                "(SELECT id FROM cases_case_list_change FOR UPDATE SKIP LOCKED) RETURNING n) "
                "INSERT INTO cases_case_list_change (n) SELECT SUM(n) FROM folded HAVING COUNT(*) > 0"
            )
    except DatabaseError:
        logger.warning("case list: could not fold the change log", exc_info=True)


def _fold_counts(user_id: int) -> None:
    """A person's rows of the counts table folded into one per key, in one statement (its own
    transaction): the sums never change. Rows another reader is folding are skipped (and folded by it);
    a writer's rows not yet committed are not seen (and folded later). A failure leaves the rows as they
    were: the page is answered all the same."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH folded AS (DELETE FROM cases_case_list_count WHERE id IN "
                "(SELECT id FROM cases_case_list_count WHERE user_id = %s FOR UPDATE SKIP LOCKED) "
                "RETURNING user_id, classification_rank, classification, state, urgency, n) "
                "INSERT INTO cases_case_list_count (user_id, classification_rank, classification, state, urgency, n) "
                "SELECT user_id, classification_rank, classification, state, urgency, SUM(n) FROM folded "
                "GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0",
                [user_id],
            )
    except DatabaseError:
        logger.warning("case list: could not fold the counts", exc_info=True)


def _fold_category_counts(user_id: int) -> None:
    """`_fold_counts` for the counts per category (migration 0017)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH folded AS (DELETE FROM {_CATEGORY_TABLE} WHERE id IN "
                f"(SELECT id FROM {_CATEGORY_TABLE} WHERE user_id = %s FOR UPDATE SKIP LOCKED) "
                "RETURNING user_id, classification_rank, category, n) "
                f"INSERT INTO {_CATEGORY_TABLE} (user_id, classification_rank, category, n) "
                "SELECT user_id, classification_rank, category, SUM(n) FROM folded "
                "GROUP BY 1, 2, 3 HAVING SUM(n) <> 0",
                [user_id],
            )
    except DatabaseError:
        logger.warning("case list: could not fold the counts per category", exc_info=True)


def _category_filter(view_class, query_params: QueryDict) -> str | None:
    """The category, where the query string filters by one valid category and nothing else the count
    depends on (the counts per category, migration 0017); else None."""
    if getattr(view_class, "filterset_class", None) is not CaseFilter:
        return None
    pagination = getattr(view_class, "pagination_class", None)
    paging = {getattr(pagination, "page_query_param", "page"), getattr(pagination, "page_size_query_param", None)}
    if set(query_params) - _UNCOUNTED_PARAMETERS - paging != {"category"}:
        return None
    categories = query_params.getlist("category")
    if len(categories) != 1 or categories[0] not in StrategicCategory.values:
        return None
    return categories[0]


def _table_filters(view_class, query_params: QueryDict) -> tuple[str, list] | None:
    """The condition and values that narrow the counts table as the query string's filters narrow the
    list, where the table can answer (`CaseFilter` by state, classification and urgency); else None. Only
    values the filters take as they are (valid, non-empty) qualify: anything else is counted."""
    if getattr(view_class, "filterset_class", None) is not CaseFilter:
        return None
    pagination = getattr(view_class, "pagination_class", None)
    paging = {getattr(pagination, "page_query_param", "page"), getattr(pagination, "page_size_query_param", None)}
    names = set(query_params) - _UNCOUNTED_PARAMETERS - paging
    if not names <= {"state", "classification", "urgency"}:
        return None
    sql, params = "", []
    if "state" in names:
        states = query_params.getlist("state")
        if not states or not set(states) <= set(State.values):
            return None
        sql += f" AND state IN ({', '.join(['%s'] * len(states))})"
        params += states
    if "classification" in names:
        levels = query_params.getlist("classification")
        if len(levels) != 1 or levels[0] not in Classification.values:
            return None
        sql += " AND classification = %s"
        params += levels
    if "urgency" in names:
        urgencies = query_params.getlist("urgency")
        if len(urgencies) != 1 or urgencies[0] not in Urgency.values:
            return None
        sql += " AND urgency = %s"
        params += urgencies
    return sql, params


class _Plan:
    """The page's statement with its count (`counted`) and, on PostgreSQL, without it (`uncounted`),
    both with the generation of the change log they read."""

    def __init__(self, view_class, query_params: QueryDict, columns, offset: int, limit: int):
        request, view = SimpleNamespace(query_params=query_params, user=None), view_class()
        postgresql = connection.vendor == "postgresql"
        table_filters = _table_filters(view_class, query_params) if postgresql else None
        category = _category_filter(view_class, query_params) if postgresql and table_filters is None else None
        self.by_category = category is not None
        if category is not None:
            table_filters = ("", [category])
        self.table_counted = table_filters is not None
        self.count_bound = _count_bound(query_params, offset, limit) if postgresql and not table_filters else None
        bound = self.count_bound

        def build(user_id, clearance_rank, counted=True):
            cases = Case.objects.case_file_visible_to_member(user_id=user_id, clearance_rank=clearance_rank)
            for backend in view.filter_backends:
                cases = backend().filter_queryset(request, cases, view)
            extra = {}
            if counted and table_filters is not None:
                condition, filter_values = table_filters
                count_sql, rows_sql = (
                    (_CATEGORY_COUNT_SQL, _CATEGORY_ROWS_SQL)
                    if category is not None
                    else (_TABLE_COUNT_SQL, _TABLE_ROWS_SQL)
                )
                extra["_total"] = RawSQL(
                    count_sql + condition, (user_id, clearance_rank, *filter_values), BigIntegerField()
                )
                extra["_count_rows"] = RawSQL(rows_sql, (user_id,), BigIntegerField())
            elif counted and bound is not None:
                found = Subquery(cases.order_by().values("pk")[: bound + 1])
                extra["_total"] = Func(
                    found, template="(SELECT COUNT(*) FROM %(expressions)s AS found)", output_field=IntegerField()
                )
            elif counted:
                count = (
                    cases.order_by().annotate(_n=Func(template="COUNT(*)", output_field=IntegerField())).values("_n")
                )
                extra["_total"] = Subquery(count, output_field=IntegerField())
            if postgresql:
                extra["_categories"] = ArraySubquery(
                    CaseCategory.objects.filter(case=OuterRef("pk")).order_by("category").values("category")
                )
                if table_filters is None:
                    extra["_generation"] = RawSQL(_GENERATION_SQL, (), output_field=BigIntegerField())
                if counted and table_filters is None:
                    extra["_changes"] = RawSQL(_CHANGES_SQL, (), output_field=BigIntegerField())
            return cases.annotate(**extra).values(*columns, *extra)[offset : offset + limit]

        self.counted = Precompiled(build, "user_id", "clearance_rank")
        self.uncounted = (
            Precompiled(
                lambda user_id, clearance_rank: build(user_id, clearance_rank, counted=False),
                "user_id",
                "clearance_rank",
            )
            if postgresql and not self.table_counted
            else None
        )
