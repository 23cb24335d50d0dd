"""How a record of the trail reads for people (issue 23, "Readable records"): the event by its label,
the object by its kind, a change as "field: before → after" with the field's verbose name, the
actor by their name. Records keep their codes; only the presentation changes.

The apps above `audit` write the events, so they name them: each registers `{event code: label}`
in `event_labels` in its AppConfig.ready(), and `audit` imports none of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.formatting import euro
from core.registry import Registry

from .models import AuditRecord

# Each app's {event code: label}. A key ending in "." labels every event that starts with it and has
# no label of its own (events whose code is built from a name, as "ledger.<kind>").
event_labels = Registry("audit.event_labels")
event_labels.register(
    "audit",
    {
        "audit.read_case_trail": _("Audittrail van een casus ingezien"),
        "audit.export": _("Audittrail geëxporteerd"),
        "audit.verify_request": _("Verificatie van de keten aangevraagd"),
        "audit.verify": _("Keten geverifieerd"),
        "audit.verify_evidence": _("Bewijsstuk van een verificatie gedownload"),
    },
)


@dataclass(frozen=True)
class ChangeReader:
    """How an app reads the changes only it can read (a team member as "username:role"): `lines` per
    event code, given what `prepare` read once for all of a page's records of those events (the
    people they name: one query for the page, not one per row)."""

    lines: dict[str, Callable[[AuditRecord, Any], list[str]]]
    prepare: Callable[[list[AuditRecord]], Any]


# Each app's ChangeReader; other changes read field by field.
change_formatters = Registry("audit.change_formatters")

ARROW = "→"


def event_label(code: str) -> str:
    """The label of an event code; an event nobody named shows its code (better than nothing)."""
    if not code:
        return ""
    registered = [labels for _key, labels in event_labels.items()]
    for labels in registered:
        if code in labels:
            return str(labels[code])
    for labels in registered:
        for key, label in labels.items():
            if key.endswith(".") and code.startswith(key):
                return str(label)
    return code


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def object_label(record: AuditRecord) -> str:
    """The kind of object a record is about, by its model's name ("casus", "document")."""
    model = _model(record.object_type)
    return str(model._meta.verbose_name) if model is not None else record.object_type


def _field(model, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if hasattr(field, "verbose_name") else None  # a reverse relation has no label


def field_label(model, name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None else name.replace("_", " ")


def _choice_labels(field) -> dict:
    """The labels of a field's choices (of its items' choices for a list field), by stored value."""
    for candidate in (field, getattr(field, "base_field", None)):
        if candidate is not None and candidate.choices:
            return {str(value): label for value, label in candidate.flatchoices}
    return {}


def _is_money(field) -> bool:
    """An amount in euros: the apps' money fields have cents and room for the fund's figures
    (bev.models.MONEY, 15 digits or more); a percentage with two decimals has far fewer."""
    return isinstance(field, models.DecimalField) and field.decimal_places == 2 and (field.max_digits or 0) >= 15


def _value(value, field=None) -> str:
    """A stored value as people read it: a choice by its label, a moment in Dutch time, yes/no."""
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return str(_("ja"))
    if value is False:
        return str(_("nee"))
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')}: {_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v, field) for v in value)
    if field is not None:
        labels = _choice_labels(field)
        if str(value) in labels:
            return str(labels[str(value)])
        if _is_money(field):
            try:
                return euro(Decimal(str(value)), cents=True)
            except (InvalidOperation, ValueError, TypeError):
                return str(value)
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            moment = parse_datetime(value)
            if moment is not None:
                return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "j-n-Y H:i")
        if isinstance(field, models.DateField) and isinstance(value, str):
            day = parse_date(value)
            if day is not None:
                return date_format(day, "j-n-Y")
    return str(value)


def prepare_changes(records: Iterable[AuditRecord]) -> dict[str, Any]:
    """What each app's ChangeReader reads once for these records (the rows of a page or an export),
    for `change_lines(record, prepared=...)`: a constant number of queries however many rows."""
    records = list(records)
    prepared = {}
    for key, reader in change_formatters.items():
        theirs = [r for r in records if r.changes and r.event in reader.lines]
        if theirs:
            prepared[key] = reader.prepare(theirs)
    return prepared


def change_lines(record: AuditRecord, *, prepared: dict[str, Any] | None = None) -> list[str]:
    """The record's changes as lines "field: before → after" (or "field: value" for a fact that is no
    change), the field by its verbose name and a choice by its label where the object's model is
    known; never raw JSON. `prepared` (`prepare_changes`) for many records at once."""
    changes = record.changes
    if not changes:
        return []
    for key, reader in change_formatters.items():
        if record.event in reader.lines:
            read = prepared[key] if prepared is not None and key in prepared else reader.prepare([record])
            return list(reader.lines[record.event](record, read))
    if not isinstance(changes, dict):
        return [_value(changes)]
    model = _model(record.object_type)
    lines = []
    for name, value in changes.items():
        field = _field(model, str(name))
        label = str(field.verbose_name) if field is not None else str(name).replace("_", " ")
        if isinstance(value, dict) and value and set(value) <= {"before", "after"}:
            lines.append(f"{label}: {_value(value.get('before'), field)} {ARROW} {_value(value.get('after'), field)}")
        else:
            lines.append(f"{label}: {_value(value, field)}")
    return lines


def person_name(record: AuditRecord) -> str:
    """The actor's name (their full name; the username where they have none; "systeem" for none)."""
    try:
        actor = record.actor if record.actor_id else None
    except ObjectDoesNotExist:  # no foreign key constraint: a removed account leaves its username
        actor = None
    if actor is not None:
        return str(actor)
    if record.actor_username in ("", "system"):
        return str(_("systeem"))
    return record.actor_username
