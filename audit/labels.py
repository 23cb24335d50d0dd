"""How a record of the trail reads for people (issue 23, "Readable records"): the event by its label,
the object by its kind, a change as "field: before → after" with the field's verbose name, the
actor by their name. Records keep their codes; only the presentation changes.

The apps above `audit` write the events, so they name them: each registers `{event code: label}`
in `event_labels` in its AppConfig.ready(), and `audit` imports none of them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.extensions import code_label
from core.formatting import date_display, moment_display, page_euro
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

Codes = dict[str, dict[str, str]]  # a recorded name -> {code: label}


@dataclass(frozen=True)
class CodeReader:
    """The labels of codes only an app can read, because they depend on the record's object (an
    indicator's code is labelled by the framework version the assessment used): for the records of
    `events`, `prepare` returns {record id: {recorded name: {code: label}}}, read once for a page's
    records. The changes still read field by field; a value of one of those names reads by its label."""

    events: frozenset[str]
    prepare: Callable[[list[AuditRecord]], dict[int, Codes]]


code_readers = Registry("audit.code_readers")

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


# Each app's {object type: the names of its choice fields whose labels make up its objects' names}:
# for the models whose name (`__str__`, kept as a record's `object_repr` in the trail's language, Dutch)
# is built from those labels, numbers, amounts and references only, never from people's text
# ("€ 1.000,00 (Voorgesteld)"). A reader in another language reads the labels in it in theirs, and its
# amounts as their page writes them; the record keeps the name as written (append-only and chained).
name_labels = Registry("audit.name_labels")


def object_name(record: AuditRecord, written: str) -> str:
    """The name of the record's object (`written`: as recorded, or as the reader may see it) in the
    reader's language: the labels `name_labels` names for its kind read in it; any other name, or one
    in the trail's own language, as written."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if not written or language == settings.LANGUAGE_CODE:
        return written
    names = next((found[record.object_type] for _app, found in name_labels.items() if record.object_type in found), ())
    if not names:
        return written
    # Its amounts as the page writes them (written by core.formatting.euro: "€ 1.000,00").
    shown = _WRITTEN_EURO.sub(_page_euro_of, written)
    swaps = _label_swaps(record.object_type, tuple(names), language)
    if not swaps:
        return shown
    # Longest first, whole words only: "Voorgesteld" is not read inside another word.
    pattern = "|".join(rf"(?<!\w){re.escape(label)}(?!\w)" for label in sorted(swaps, key=len, reverse=True))
    return re.sub(pattern, lambda match: swaps[match.group(0)], shown)


_WRITTEN_EURO = re.compile(r"(-?)€ (\d{1,3}(?:\.\d{3})*)(?:,(\d{2}))?(?![\d,.]*\d)")


def _page_euro_of(match: re.Match) -> str:
    sign, whole, cents = match.groups()
    amount = Decimal(f"{sign}{whole.replace('.', '')}.{cents or '00'}")
    return page_euro(amount, cents=cents is not None)


def _label_swaps(object_type: str, names: tuple[str, ...], language: str) -> dict[str, str]:
    """{a choice's label in the trail's language: its label in `language`} for the fields `names`."""
    model = _model(object_type)
    fields = [field for name in names if (field := _field(model, name)) is not None and field.choices]
    with translation.override(settings.LANGUAGE_CODE):
        written = [(str(value), str(label)) for field in fields for value, label in field.flatchoices]
    with translation.override(language):
        here = {str(value): str(label) for field in fields for value, label in field.flatchoices}
    return {label: here[value] for value, label in written if label and here.get(value, label) != label}


def _field(model, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if hasattr(field, "verbose_name") else None  # a reverse relation has no label


def field_label(model, name: str) -> str:
    return _label(model, name) or name.replace("_", " ")


def _label(model, name: str) -> str | None:
    """The name of a recorded value as people read it: its field's verbose name where the model gives
    it one, else `KEY_LABELS`' (also for a field left with Django's default, its code with spaces);
    None where neither names it."""
    field = _field(model, name)
    if field is not None and str(field.verbose_name) != name.replace("_", " "):
        return str(field.verbose_name)
    return str(KEY_LABELS[name]) if name in KEY_LABELS else None


# The names of what services record beside a model's fields (a transition's reason, a score's
# indicator, the parts of a before/after pair), as people read them; a field of the record's model
# reads by its verbose name instead.
KEY_LABELS = {
    "account": _("rekening"),
    "added": _("toegevoegd"),
    "amount": _("bedrag"),
    "after": _("na"),
    "answer": _("antwoord"),
    "before": _("voor"),
    "categories": _("categorieën"),
    "change": _("wijziging"),
    "files": _("bestanden"),
    "code": _("code"),
    "confirmed": _("bevestigd"),
    "confirmed_by": _("bevestigd door"),
    "decision": _("kabinetsbesluit"),
    "device": _("apparaat"),
    "entry": _("boeking"),
    "expires_at": _("verloopt op"),
    "indicator": _("indicator"),
    "instrument": _("instrument"),
    "level": _("niveau"),
    "lines": _("boekingsregels"),
    "locked_out": _("geblokkeerd"),
    "manager": _("beheerder"),
    "manager_from": _("beheerder sinds"),
    "planned_tranches": _("geplande tranches"),
    "position": _("positie"),
    "rationale": _("onderbouwing"),
    "reason": _("reden"),
    "removed": _("verwijderd"),
    "request": _("verzoek om een Kamerbrief"),
    "reverses": _("draait terug"),
    "scope_ground": _("grond van de reikwijdte"),
    "second_factor": _("tweede factor"),
    "status": _("status"),
    "token": _("API-token"),
}
# Names whose value is amounts in euros by a name (a year): bev's planned tranches when the fund is set up.
AMOUNTS_BY_NAME = {"planned_tranches"}
# Names whose value is a person's username (the cabinet decision's confirmer or rejecter, a consultation's
# advisor, a follow-up's owner): they read as the person's name, one query for a page's records.
PERSON_KEYS = {"confirmed_by", "rejected_by", "advisor", "owner"}
# Words services record as the value of these names (never people's text): what happened to a
# password, a token or a second-factor device, and the kind of device (django-otp's class).
VALUE_LABELS_OF = {"password", "token", "change", "device"}
VALUE_LABELS = {
    "(changed)": _("(gewijzigd)"),
    "added": _("toegevoegd"),
    "created": _("aangemaakt"),
    "removed": _("verwijderd"),
    "revoked": _("ingetrokken"),
    "TOTPDevice": _("authenticator-app"),
    "StaticDevice": _("reservecodes"),
}


def key_label(name: str) -> str:
    """A recorded name that is no field of the record's model, as people read it (`KEY_LABELS`);
    one nobody named reads as itself, its underscores as spaces."""
    return _label(None, name) or name.replace("_", " ")


def unlabelled_keys(record: AuditRecord) -> set[str]:
    """The names in the record's changes that read as their code: neither a field of its model nor
    in `KEY_LABELS` (nested ones too). Empty for a change an app's ChangeReader reads."""
    if not isinstance(record.changes, dict) or any(record.event in r.lines for _k, r in change_formatters.items()):
        return set()
    model = _model(record.object_type)
    found = set()

    def walk(value, top: bool) -> None:
        if isinstance(value, dict) and not (value and set(value) <= {"before", "after"} and not top):
            for name, inner in value.items():
                if not str(name).isdigit() and _label(model if top else None, str(name)) is None:
                    found.add(str(name))  # a year (planned tranches by year) reads as itself
                walk(inner, False)
        elif isinstance(value, dict):
            for inner in value.values():
                walk(inner, False)
        elif isinstance(value, (list, tuple)):
            for inner in value:
                walk(inner, False)

    walk(record.changes, True)
    return found


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


def _value(value, field=None, key: str = "", codes: Codes | None = None) -> str:
    """A stored value as people read it: a choice by its label, a moment in Dutch time, yes/no; a code
    an app labelled for this record (`codes`, from a CodeReader) by that label."""
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return str(_("ja"))
    if value is False:
        return str(_("nee"))
    if isinstance(value, dict):
        if key in AMOUNTS_BY_NAME:  # amounts by a name that is no field: the fund's tranches by year
            return ", ".join(f"{k}: {_euro(v)}" for k, v in value.items())
        return ", ".join(f"{key_label(str(k))}: {_value(v, key=str(k), codes=codes)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v, field, key, codes) for v in value)
    if codes and key in codes and str(value) in codes[key]:
        return codes[key][str(value)]
    if field is not None:
        labels = _choice_labels(field)
        if str(value) in labels:
            return str(labels[str(value)])
        if _is_money(field):
            return _euro(value)
        if isinstance(field, models.DecimalField):  # a percentage or a count with decimals: 25 %, not 25.000000
            return _number(value)
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            return _moment(value) or value
        if isinstance(field, models.DateField) and isinstance(value, str):
            return _day(value) or value
    if key == "amount" and isinstance(value, (str, int, Decimal)):  # a booking line's amount
        return _euro(value)
    if isinstance(value, str):
        if (label := code_label(key, value)) != value:  # a code of another app's choices
            return label
        if key in VALUE_LABELS_OF and value in VALUE_LABELS:
            return str(VALUE_LABELS[value])
        if _ISO_MOMENT.match(value) or _ISO_DAY.fullmatch(value):  # a moment or a day recorded as text
            return _moment(value) or _day(value) or value
    return str(value)


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _euro(value) -> str:
    try:
        return page_euro(Decimal(str(value)), cents=True)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


def _number(value) -> str:
    """A decimal as people read it, in the reader's notation, without trailing zeros (12,5; 25)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not number.is_finite():
        return str(value)
    places = max(0, -number.normalize().as_tuple().exponent)  # type: ignore[operator]
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def _moment(value: str) -> str | None:
    """An ISO moment in Dutch time as people read it, in the page's language (7 december 2026 10:00);
    None for text that is no moment."""
    try:
        moment = parse_datetime(value)
    except ValueError:  # 2026-02-30T10:00: not a moment after all
        return None
    if moment is None:
        return None
    return moment_display(moment)


def _day(value: str) -> str | None:
    """An ISO day as people read it, in the page's language (7 december 2026); None for text that is
    no day."""
    try:
        day = parse_date(value)
    except ValueError:  # 2026-02-30: not a date after all, shown as it is
        return None
    return None if day is None else date_display(day)


def prepare_changes(records: Iterable[AuditRecord]) -> dict[str, Any]:
    """What each app's ChangeReader reads once for these records (the rows of a page or an export),
    for `change_lines(record, prepared=...)`: a constant number of queries however many rows."""
    records = list(records)
    prepared: dict[str, Any] = {}
    for key, reader in change_formatters.items():
        theirs = [r for r in records if r.changes and r.event in reader.lines]
        if theirs:
            prepared[key] = reader.prepare(theirs)
    prepared[_CODES] = _codes(records)
    return prepared


def _people(records: list[AuditRecord]) -> dict[str, str]:
    """{username: name} of the people the records' changes name under `PERSON_KEYS` (one query)."""
    usernames = set()
    for record in records:
        if not isinstance(record.changes, dict):
            continue
        for key in PERSON_KEYS & set(record.changes):
            value = record.changes[key]
            for name in value.values() if isinstance(value, dict) else [value]:
                if isinstance(name, str) and name:
                    usernames.add(name)
    if not usernames:
        return {}
    model = get_user_model()
    found = model.objects.filter(**{f"{model.USERNAME_FIELD}__in": usernames})
    return {user.get_username(): str(user) for user in found}


_CODES = "audit.code_readers"  # where `prepare_changes` keeps what the CodeReaders read


def _codes(records: list[AuditRecord]) -> dict[int, Codes]:
    """{record id: the labels of its codes} from every CodeReader, for the records of its events, and
    the names of the people the records name by username (`PERSON_KEYS`)."""
    found: dict[int, Codes] = {}
    people = _people(records)
    if people:
        for record in records:
            found[record.pk] = dict.fromkeys(PERSON_KEYS, people)
    for _key, reader in code_readers.items():
        theirs = [r for r in records if r.changes and r.event in reader.events]
        if theirs:
            for record_id, codes in reader.prepare(theirs).items():
                found.setdefault(record_id, {}).update(codes)
    return found


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
    codes = (prepared[_CODES] if prepared is not None and _CODES in prepared else _codes([record])).get(record.pk)
    lines = []
    for name, value in changes.items():
        name = str(name)
        field = _field(model, name)
        label = field_label(model, name)
        if isinstance(value, dict) and value and set(value) <= {"before", "after"}:
            before = _value(value.get("before"), field, name, codes)
            after = _value(value.get("after"), field, name, codes)
            lines.append(f"{label}: {before} {ARROW} {after}")
        else:
            lines.append(f"{label}: {_value(value, field, name, codes)}")
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
