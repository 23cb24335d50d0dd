"""`SerializerClass(instance).data`, without rebuilding the serializer tree on every request.

For the detail endpoints whose bodies are large (an assessment, a case file): the serializer
classes stay what documents the API (OpenAPI) and what writes validate with."""

import inspect
from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, RelatedField
from rest_framework.settings import api_settings

from core import fastpaths

_COMPILED: dict = {}
_MISSING = object()


def represent(serializer_class, instance):
    """`serializer_class(instance).data` as a plain dict: the same keys, order and values.

    DRF builds the whole tree of a read serializer for every request (a deep copy of every field of
    every nested serializer: ~200 fields for an assessment) and dispatches per field through
    `get_attribute`; for the dicts the selectors build that is most of the cost of the response.
    Here the tree is built once per class and compiled into plain functions that call the same
    bound fields' `to_representation` (str/int directly for CharField/IntegerField, which is what
    theirs do); anything the fast path does not cover (a missing key, a dotted or "*" source, a
    related field, a custom serializer) goes through DRF's own code."""
    if not fastpaths.enabled():
        return serializer_class(instance).data  # plain DRF (core.fastpaths)
    try:
        convert = _COMPILED[serializer_class]
    except KeyError:
        convert = _COMPILED[serializer_class] = _compile(serializer_class())
    return convert(instance)


def datetime_representation():
    """`serializers.DateTimeField().to_representation`, for the rows of one response: ISO 8601 in the
    current time zone (looked up once, here), "Z" for UTC, as DRF writes it.

    DRF's goes through `enforce_timezone`, `default_timezone`, the settings and the current time zone
    for every value (~20 us; a timeline has dozens of events, a list page 25 rows); this is the same
    string from `astimezone` and `isoformat` (~5 us). Anything else (a naive or a far-off value, a
    non-ISO output format, no time zones) goes through DRF's own."""
    drf = serializers.DateTimeField().to_representation
    if not fastpaths.enabled() or not settings.USE_TZ or str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:
        return drf  # plain DRF (core.fastpaths)
    zone = timezone.get_current_timezone()

    def convert(value):
        if not value or isinstance(value, str) or value.utcoffset() is None:
            return drf(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return drf(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _datetime_field(field):
    """A DateTimeField with the defaults, as `datetime_representation` writes it, the current time zone
    looked up per value (a compiled serializer outlives the request)."""
    if not settings.USE_TZ or str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:
        return field.to_representation

    def convert(value):
        if isinstance(value, str) or value.utcoffset() is None:
            return field.to_representation(value)
        try:
            text = value.astimezone(timezone.get_current_timezone()).isoformat()
        except OverflowError:
            return field.to_representation(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _compile(field):
    if isinstance(field, serializers.ListSerializer):
        if type(field).to_representation is not serializers.ListSerializer.to_representation:
            return field.to_representation
        child = _compile(field.child)

        def many(data):
            iterable = data.all() if isinstance(data, models.manager.BaseManager) else data
            return [child(item) for item in iterable]

        return many
    if isinstance(field, serializers.Serializer):
        if type(field).to_representation is not serializers.Serializer.to_representation:
            return field.to_representation
        return _compile_serializer(field)
    if type(field) is serializers.ListField:
        child = _compile(field.child)
        return lambda data: [child(item) if item is not None else None for item in data]
    if type(field) is serializers.DateTimeField and not hasattr(field, "format") and not hasattr(field, "timezone"):
        return _datetime_field(field)
    if type(field) is serializers.CharField:
        return str
    if type(field) is serializers.IntegerField:
        return int
    return field.to_representation


def _compile_serializer(serializer):
    model_direct = _model_attributes(serializer)
    model = serializer.Meta.model if model_direct else None
    plan = [
        (
            f.field_name,
            f.source_attrs == [f.field_name] and not isinstance(f, RelatedField),
            f.field_name in model_direct and f.source_attrs == [f.field_name] and not isinstance(f, RelatedField),
            f,
            _compile(f),
        )
        for f in serializer._readable_fields
    ]

    def one(instance):
        ret = {}
        mapping = isinstance(instance, Mapping)
        # A model instance's loaded field values, where `getattr` would read them (a deferred field
        # is not there: DRF's way loads it).
        stored = instance.__dict__ if model is not None and type(instance) is model else None
        for name, direct, attribute, f, convert in plan:
            if mapping:
                value = instance.get(name, _MISSING) if direct else _MISSING
            elif stored is not None and attribute:
                value = stored.get(name, _MISSING)
            else:
                value = _MISSING
            if value is _MISSING or callable(value):
                try:
                    value = f.get_attribute(instance)  # DRF's way: defaults, allow_null, skip, errors, callables
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject) and value.pk is None:
                    value = None
            ret[name] = None if value is None else convert(value)
        return ret

    return one


def _model_attributes(serializer) -> frozenset[str]:
    """The names of a ModelSerializer's model's concrete, non-relational fields that `getattr` reads
    straight from the instance's `__dict__` (Django's DeferredAttribute, nothing overriding it): for
    those `instance.__dict__[name]` is what DRF's `get_attribute` would find, without its dispatch."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if not isinstance(serializer, serializers.ModelSerializer) or model is None:
        return frozenset()
    return frozenset(
        field.attname
        for field in model._meta.concrete_fields
        if not field.is_relation
        and field.attname == field.name
        and type(inspect.getattr_static(model, field.attname, None)) is DeferredAttribute
    )
