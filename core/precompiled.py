"""Reads whose queryset is built and compiled once per process, then run with each request's values.

Building and compiling a queryset (filters, need-to-know subqueries, select_related joins, unions)
costs Django several times what running it costs PostgreSQL: ~0.5-2 ms of CPU per query on the
detail endpoints, against a fraction of a millisecond in the database. For a read whose *shape* is
fixed and whose inputs are a few scalars (who asks, their clearance, which position), the SQL is the
same every time but for those parameters. `Precompiled` builds the queryset once with stand-in values
in their place, compiles it once per database connection alias, and from then on hands out querysets
that run that SQL with the real values, through Django's own iterables: model instances (with their
select_related objects and annotations), values() and values_list() rows, converted exactly as the
ORM converts them.

The query is compiled twice, with two sets of stand-in integers: the SQL must be the same and the
parameters must differ exactly where the stand-ins are, each of which must be a parameter (not
folded into the SQL), else it refuses. A queryset handed out must be evaluated
as it is: anything that derives a new query from it (`.filter()`, `.get()`, `.count()`, slicing,
using it as a subquery, printing its SQL aside) gets the ordinary query `build` makes with the real
values, compiled by the ORM as always: a mistake costs speed, never correctness. `tests/test_precompiled.py` checks the rows equal the ORM's.

This leans on the compiler's documented-by-use state (`select`, `klass_info`, `annotation_col_map`,
`col_count`, `has_extra_select`: what `ModelIterable` reads after `execute_sql`); the suite runs
every precompiled read against the real database, so a Django upgrade that changes it fails there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql import Query
from django.db.transaction import TransactionManagementError

from . import fastpaths

# Two sets of stand-ins, each within every integer column's range (Django finds no rows for a value
# out of a column's range and compiles nothing): the query is compiled with both, and the values'
# places are where the two differ.
_STAND_IN_BASES = (32_500, 32_600)

# The largest magnitude psycopg's integer wrappers take (the ORM wraps a parameter in its column's).
_LARGEST = {"Int2": 2**15 - 1, "Int4": 2**31 - 1, "Int8": 2**63 - 1}

# What ModelIterable / ValuesIterable / ValuesListIterable read from the compiler after execute_sql.
_COMPILER_STATE = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")


class PrecompileError(RuntimeError):
    """The queryset's SQL does not take the values as parameters only: it cannot be precompiled."""


class Precompiled:
    """`Precompiled(build, "user_id", "position_id")`: `build(user_id=..., position_id=...)` returns
    the queryset (any shape whose SQL depends on those values only as parameters); calling the
    instance with the real values returns a queryset to evaluate once."""

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self.build = build
        if len(names) > 50:
            raise ValueError("at most 50 values")
        self.stand_ins = dict.fromkeys(names)
        self._templates: dict[str, tuple] = {}  # alias -> (queryset, sql, params, slots, compiler state)

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> QuerySet:
        if values.keys() != self.stand_ins.keys():
            raise TypeError(f"expected the values of {sorted(self.stand_ins)}, got {sorted(values)}")
        values = {name: int(value) for name, value in values.items()}  # as the ORM's lookups would: ValueError
        if not fastpaths.enabled():
            return self.build(**values).using(using)  # the plain ORM (core.fastpaths)
        template = self._templates.get(using) or self._compile(using)
        queryset, sql, params, slots, state = template
        params = list(params)
        for index, name, wrap in slots:
            value = values[name]
            if abs(value) > _LARGEST.get(wrap.__name__, _LARGEST["Int8"]):
                return queryset.none()  # as the ORM does for a value out of the column's range: no rows
            params[index] = wrap(value)
        query = _ReadyQuery.__new__(_ReadyQuery)
        query.__dict__.update(queryset.query.__dict__)
        query.ready = (sql, tuple(params), state)
        query.rebuild = (self.build, values)
        return _fresh(queryset, query)

    def _compile(self, using: str) -> tuple:
        connection = connections[using]
        first, second = ({name: base + index for index, name in enumerate(self.stand_ins)} for base in _STAND_IN_BASES)
        queryset = self.build(**first)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        other_sql, other_params = self.build(**second).query.get_compiler(connection=connection).as_sql()
        # The values' places are where the two compilations differ, and nowhere else: a constant of
        # the query that happens to equal a stand-in stays a constant.
        if other_sql != sql or len(other_params) != len(params):
            raise PrecompileError("the SQL depends on the values, not only its parameters")
        slots, found = [], set()
        by_first = {value: name for name, value in first.items()}
        for index, (one, other) in enumerate(zip(params, other_params)):
            if one == other:
                continue
            # The backend may wrap an integer parameter in its type (psycopg's Int2, Int4...): kept.
            name = by_first.get(int(one)) if isinstance(one, int) and not isinstance(one, bool) else None
            if name is None or type(other) is not type(one) or int(other) != second[name]:
                raise PrecompileError(f"parameter {index} of the SQL depends on the values in another way")
            slots.append((index, name, type(one)))
            found.add(name)
        if found != set(self.stand_ins):
            raise PrecompileError(f"not parameters of the compiled SQL: {sorted(set(self.stand_ins) - found)}")
        state = {name: getattr(compiler, name) for name in _COMPILER_STATE}
        # results_iter asks for the converters of the select's columns on every run: the same ones.
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select[: compiler.col_count]])
        state["get_converters"] = lambda expressions: converters
        template = self._templates[using] = (queryset, sql, tuple(params), tuple(slots), state)
        return template


def _fresh(queryset: Any, query: Query) -> QuerySet:
    """A new, unevaluated queryset like `queryset` (its iterable class, fields, prefetches) over `query`.
    (Typed Any: it copies the QuerySet's private state, as QuerySet._chain does.)"""
    ready = queryset.__class__(model=queryset.model, query=query, using=queryset._db, hints=queryset._hints)
    ready._iterable_class = queryset._iterable_class
    ready._fields = queryset._fields
    ready._prefetch_related_lookups = queryset._prefetch_related_lookups
    ready._known_related_objects = queryset._known_related_objects
    return ready


class _ReadyQuery(Query):
    """A query whose compiler is the one compiled for its template, with this query's parameters.
    Any copy of it is an ordinary Query again (compiled by the ORM as usual)."""

    ready: tuple
    rebuild: tuple  # (build, values): what a copy is built from

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        if using is None and connection is None:
            raise ValueError("Need either using or connection")
        connection = connection or connections[using]
        if self.select_for_update and connection.get_autocommit():  # as SQLCompiler.as_sql refuses it
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        sql, params, state = self.ready
        compiler = connection.ops.compiler(self.compiler)(self, connection, using, elide_empty)
        compiler.__dict__.update(state)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler

    def clone(self):
        # Its state is the template's, compiled with stand-ins: a copy is the query built with the values.
        build, values = self.rebuild
        return build(**values).query
