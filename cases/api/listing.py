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
kept. `tests/test_case_list_page.py` compares both paths."""

from __future__ import annotations

import threading
from collections import OrderedDict
from types import SimpleNamespace

from django.core.paginator import Page
from django.db.models import Func, IntegerField, Subquery
from django.http import QueryDict

from core.precompiled import Precompiled

from ..models import Case

_LOCK = threading.Lock()  # gthread workers share the plans
_PLANS: OrderedDict = OrderedDict()  # (query string, page size, offset) -> Precompiled, least recent first
MAX_PLANS = 512
MAX_PAGE = 1_000_000  # beyond: DRF's path (a page past the end is its 404; an OFFSET must fit in a bigint)


def page_rows(view, request, *, columns):
    """The page's rows (`columns` and `_total`), the view's paginator set to answer with them as DRF's
    `paginate_queryset` leaves it; None where DRF's own path must answer."""
    user, paginator = request.user, view.paginator
    if paginator is None or not (user.is_authenticated and user.is_active):
        return None
    number = request.query_params.get(paginator.page_query_param, "1")
    if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= MAX_PAGE:
        return None
    page_size = paginator.get_page_size(request)
    number, offset = int(number), (int(number) - 1) * page_size
    query = tuple(sorted((name, tuple(values)) for name, values in request.query_params.lists()
                         if name != paginator.page_query_param))
    key = (type(view), query, page_size, offset)
    with _LOCK:
        plan = _PLANS.get(key)
        if plan is not None:
            _PLANS.move_to_end(key)
    if plan is None:
        plan = _plan(type(view), QueryDict(request.query_params.urlencode()), columns, offset, page_size)
        rows = list(plan(user_id=user.pk, clearance_rank=user.clearance_rank))  # a 400 here keeps nothing
        with _LOCK:
            _PLANS[key] = plan
            while len(_PLANS) > MAX_PLANS:
                _PLANS.popitem(last=False)
    else:
        rows = list(plan(user_id=user.pk, clearance_rank=user.clearance_rank))
    if not rows and offset:
        return None  # past the last page: DRF's 404
    total = rows[0]["_total"] if rows else 0
    pages = paginator.django_paginator_class([], page_size)
    pages.__dict__["count"] = total  # Paginator.count is a cached_property: the statement's count
    paginator.page, paginator.request = Page(rows, number, pages), request
    return rows


def _plan(view_class, query_params: QueryDict, columns, offset: int, limit: int) -> Precompiled:
    request, view = SimpleNamespace(query_params=query_params, user=None), view_class()

    def build(user_id, clearance_rank):
        cases = Case.objects.case_file_visible_to_member(user_id=user_id, clearance_rank=clearance_rank)
        for backend in view.filter_backends:
            cases = backend().filter_queryset(request, cases, view)
        count = cases.order_by().annotate(_n=Func(template="COUNT(*)", output_field=IntegerField())).values("_n")
        return (cases.annotate(_total=Subquery(count, output_field=IntegerField()))
                .values(*columns, "_total")[offset:offset + limit])

    return Precompiled(build, "user_id", "clearance_rank")
