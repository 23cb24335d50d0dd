"""One model row written with one prepared INSERT ... RETURNING id, for the hot paths' append-only
rows (audit records, parliament's letter requests).

`Model.save(force_insert=True)` builds and compiles an InsertQuery on every call (~0.5 ms of CPU);
here the statement is made once per model, connection and conflict target, and each row's values
are its fields' own `pre_save` and database preparation, as the ORM's save gives them. With
`conflict_target`, a row that would violate that unique constraint is not written (ON CONFLICT DO
NOTHING) and False is returned: the idempotent "create unless it exists" without a savepoint.
`update` is the same for `save(update_fields=...)` of an existing row: one prepared UPDATE.
Only for models without save signals or overridden `save` behaviour that matters to the caller."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Model

from . import fastpaths

_STATEMENTS: dict = {}


def insert(instance: Model, *, conflict_target: tuple[str, ...] = (), using: str = DEFAULT_DB_ALIAS) -> bool:
    """Write `instance` (not yet saved); True if it was written, with its pk set."""
    return bool(insert_many([instance], conflict_target=conflict_target, using=using))


def insert_many(instances: list[Model], *, conflict_target: tuple[str, ...] = (), using: str = DEFAULT_DB_ALIAS) -> int:
    """Write these instances of one model in one statement (a statement per number of rows); returns
    how many were written. Without `conflict_target` every row is written and each gets its pk (the
    RETURNING rows come in the order of the VALUES, which Django's bulk_create relies on as well)."""
    if not instances:
        return 0
    if conflict_target and len(instances) > 1:
        raise ValueError("which rows a conflict skipped is not known: one instance at a time")
    if not fastpaths.enabled():
        return _orm_insert_many(instances, conflict_target=conflict_target, using=using)
    connection = connections[using]
    model = type(instances[0])
    fields = _written_fields(model)
    key = (model, connection.alias, conflict_target, len(instances))
    sql = _STATEMENTS.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        conflict = (
            (f" ON CONFLICT ({', '.join(quote(_column(model, name)) for name in conflict_target)}) DO NOTHING")
            if conflict_target
            else ""
        )
        row = f"({', '.join(['%s'] * len(fields))})"
        sql = _STATEMENTS[key] = (
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
            f"VALUES {', '.join([row] * len(instances))}{conflict} RETURNING {quote(_column(model, 'pk'))}"
        )
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for instance in instances for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    for instance, pk in zip(instances, ids):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias
    return len(ids)


def insert_select_parts(instance: Model, *, source: str, using: str = DEFAULT_DB_ALIAS) -> tuple[str, list]:
    """The INSERT of `instance` (without RETURNING; its text made once per model, connection and
    `source`) and its values, to be written in one statement with other writes: `INSERT ... SELECT
    <values> FROM source` (a data-modifying WITH's name), so the WITH writes it only when the statement
    it depends on changed a row; the caller runs it and sets the pk (`stored`). Each value is cast to
    its column's type (in a SELECT list PostgreSQL does not take it from the INSERT's columns).
    PostgreSQL and the fast path only (`fastpaths.enabled()`)."""
    connection = connections[using]
    model = type(instance)
    fields = _written_fields(model)
    key = (model, connection.alias, "select", source)
    sql = _STATEMENTS.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        values = f"SELECT {', '.join(f'%s::{f.db_type(connection)}' for f in fields)} FROM {quote(source)}"
        sql = _STATEMENTS[key] = (
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) {values}"
        )
    return sql, [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def _written_fields(model: type[Model]) -> list[Any]:
    """The columns an INSERT of `model` writes: every concrete field but the key and generated ones."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]


def stored(instance: Model, pk: Any, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Mark `instance` as the row written with `pk` (after a statement built with `insert_select_parts`)."""
    instance.pk = pk
    instance._state.adding, instance._state.db = False, using


def update(instance: Model, fields: tuple[str, ...], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Write these fields of `instance` (a stored row) in one prepared UPDATE ... WHERE pk, as
    `save(update_fields=fields)` writes them; returns how many rows it changed (0: the row is gone)."""
    if not fastpaths.enabled():  # the plain ORM (core.fastpaths)
        return (
            type(instance)
            ._base_manager.using(using)
            .filter(pk=instance.pk)
            .update(**{name: getattr(instance, name) for name in fields})
        )
    connection = connections[using]
    model = type(instance)
    concrete: list[Any] = [model._meta.get_field(name) for name in fields]
    key = (model, connection.alias, "update", tuple(fields))
    sql = _STATEMENTS.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sql = _STATEMENTS[key] = (
            f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in concrete)} "
            f"WHERE {quote(_column(model, 'pk'))} = %s"
        )
    params = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in concrete]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])
        return cursor.rowcount


def _column(model: type[Model], name: str) -> str:
    field: Any = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return str(field.column)


def _orm_insert_many(instances: list[Model], *, conflict_target: tuple[str, ...], using: str) -> int:
    """The same writes through the ORM (core.fastpaths off)."""
    model = type(instances[0])
    if not conflict_target:
        model._base_manager.using(using).bulk_create(instances)
        return len(instances)
    instance = instances[0]
    try:
        with transaction.atomic(using=using):
            instance.save(force_insert=True, using=using)
    except IntegrityError:
        taken = model._base_manager.using(using).filter(**{name: getattr(instance, name) for name in conflict_target})
        if not taken.exists():
            raise
        instance.pk = None
        return 0
    return 1
