"""`get_FOO_display()` from labels translated once per field and language (issue 19).

Django's `Model._get_FIELD_display` builds a dict of the field's choices on every call, hashing each
lazily translated label, which translates it: a case's `state_label` (13 states) cost ~0.2 ms of a
case detail's ~3 ms, and `str()` of an assessment or a position (written into each audited read's
`object_repr`) as much again. `ChoicesDisplay` answers from a dict of the field's values to their
labels made once per field and active language: the same string Django's gives. A value that is not
one of the choices (or not hashable) goes through Django's own, as does everything with the fast
paths off (`core.fastpaths`)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

from . import fastpaths

_LABELS: dict[tuple[int, str | None], dict[Any, str]] = {}


class ChoicesDisplay:
    """Mixin for a model (before `models.Model` in its bases): its `get_FOO_display()` methods answer
    from labels kept per field and language."""

    def _get_FIELD_display(self, field: models.Field) -> Any:
        if fastpaths.enabled():
            key = (id(field), get_language())
            labels = _LABELS.get(key)
            if labels is None:
                labels = _LABELS[key] = {
                    make_hashable(value): force_str(label, strings_only=True) for value, label in field.flatchoices
                }
            try:
                return labels[getattr(self, field.attname)]
            except (KeyError, TypeError):  # not a choice, or unhashable (Django's makes it hashable)
                pass
        return super()._get_FIELD_display(field)  # type: ignore[misc]
