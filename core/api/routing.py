"""The API's URL patterns grouped by their first path segment (issue 19).

Django tries a URL against each pattern in order. The apps' routers and lists give ~110 patterns
side by side under `/api/`, so `/api/positions/1/` was tried against every case, assessment and fund
pattern first (~60 regular expressions, ~90 us against the floor's ~17 us). Grouped, the first
segment (`cases/`, `positions/`, ...) is one prefix test per group and only that group's patterns are
tried. The order of the patterns within a group is kept, and patterns in different groups cannot
match the same path (their first segments differ), so every URL resolves exactly as before: the
same view, arguments and name (`tests/test_api_routing.py`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, include, path
from django.urls.resolvers import RegexPattern, RoutePattern

_SEGMENT = r"[A-Za-z0-9_-]+"
_REGEX_HEAD = re.compile(rf"\^({_SEGMENT})/(.*)\Z", re.DOTALL)
_ROUTE_HEAD = re.compile(rf"({_SEGMENT})/(.*)\Z", re.DOTALL)


def by_first_segment(patterns: Iterable[URLPattern]) -> list:
    """`patterns` (views, not includes) as one `path("<segment>/", include([...]))` per first segment,
    in the order each segment first appears; a pattern of the empty path (a router's API root) stays
    as it is. A pattern that does not start with a literal segment cannot be grouped without changing
    which pattern a path finds first: refused."""
    grouped: list = []
    groups: dict[str, list] = {}
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            raise ImproperlyConfigured(f"{pattern!r}: only view patterns can be grouped, not includes")
        if str(pattern.pattern) in ("", "^$"):
            grouped.append(pattern)
            continue
        segment, rest = _split(pattern)
        if segment not in groups:
            groups[segment] = []
            grouped.append(path(f"{segment}/", include(groups[segment])))
        groups[segment].append(rest)
    return grouped


def _split(pattern: URLPattern) -> tuple[str, URLPattern]:
    """The pattern's first segment and the pattern of the rest of the path."""
    matcher = pattern.pattern
    rest: RegexPattern | RoutePattern
    if isinstance(matcher, RegexPattern) and (head := _REGEX_HEAD.match(str(matcher))):
        rest = RegexPattern("^" + head[2], name=matcher.name, is_endpoint=True)
    elif isinstance(matcher, RoutePattern) and (head := _ROUTE_HEAD.match(str(matcher))):
        rest = RoutePattern(head[2], name=matcher.name, is_endpoint=True)
    else:
        raise ImproperlyConfigured(f"{pattern!r} does not start with a literal path segment")
    return head[1], URLPattern(rest, pattern.callback, pattern.default_args, pattern.name)
