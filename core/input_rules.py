"""Rules every piece of text that enters the service obeys, whatever field it is for.

They are checked at the boundary, before any view, form, serializer or query sees the value:
JSON bodies by `core.api.parsers.GuardedJSONParser`, query strings, path segments and form
bodies by `core.input_guard.InputGuardMiddleware`. A refused value is a 400 naming the field;
nothing is looked up or changed.

- **No control characters** other than tab, newline and carriage return, no surrogates and no
  U+FFFE/U+FFFF: PostgreSQL refuses NUL (a lookup with one was a 500), and XML 1.0 (DOCX, ODT,
  XLSX) cannot hold the others, so a title or letter body with one broke every export.
- **No bidirectional formatting characters** (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
  U+061C): invisible, they reorder the text shown around them, so a title could read as another.
- **No invisible spacing characters** (U+200B zero width space, U+2060 word joiner, U+FEFF byte
  order mark): "ASML\u200b Holding" looks like "ASML Holding" but is another name, so a search,
  a duplicate check or a reader comparing names is misled. The joiners U+200C/U+200D stay: some
  scripts and emoji need them.
- **Numbers in ASCII digits only**: Python's `int()` and `Decimal()` read `１２３` (full-width) or
  `١٢٣` (Arabic-Indic) as 123, so such a value became an id, amount or KvK number nobody typed.
- **At most `MAX_TEXT_LENGTH` characters in one value**: a 5 MB reason was stored in the case, its
  audit record and timeline (every read of them carried it).
- **Decimals as plain digits** (`plain_decimal`, for amounts and percentages): an optional sign,
  digits, an optional decimal point. Python's `Decimal()` also reads "1_000" (1000) and "2e7"
  (20 million); no civil servant means them, so an amount typed that way is refused at its field.
- **Dates between 1900 and 2200**: year 1 or 9999 is a typo or a probe, and arithmetic on it
  (a deadline, a period end) overflowed.

Search terms are bounded separately (`search_terms_checked`), where searches are made.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.exceptions import RuleViolation

ALLOWED_CONTROLS = frozenset("\t\n\r")  # the only control characters text may hold (_FORBIDDEN)
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
# The longest real text (a Kamerbrief body, an assessment's rationale) is a few thousand characters.
MAX_TEXT_LENGTH = 100_000
MAX_JSON_DEPTH = 20  # a case file's deepest body (an assessment with its scores) is 4 levels
MAX_SEARCH_TERMS = 10
MAX_SEARCH_TERM_LENGTH = 100

# A value that is a date or a date and time (as date fields read them), not text that mentions one.
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + r"\s*", re.ASCII)
_LOCAL_DATE = re.compile(r"\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME + r"\s*", re.ASCII)
# ISO 8601's extended form as the API takes it (two-digit month and day), without and with a time.
_EXTENDED_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*", re.ASCII)
_EXTENDED_DATE_TIME = re.compile(r"\s*\d{4}-\d{2}-\d{2}" + _TIME + r"\s*", re.ASCII)


def extended_iso_date(value: str, *, time: bool = False) -> bool:
    """The text is a date (with `time`: a date, optionally with a time) in ISO 8601's extended form
    (2026-12-06, 2026-12-06T10:00:00+01:00), not the basic form (20261206) or a week (2026-W49-7)."""
    return bool((_EXTENDED_DATE_TIME if time else _EXTENDED_DATE).fullmatch(value))


# Unicode's control characters (category Cc: U+0000-U+001F, U+007F-U+009F) but tab, newline and
# carriage return; the surrogates (Cs); the noncharacters U+FFFE and U+FFFF. One regular expression,
# so that a body of megabytes is checked in milliseconds, not a Python loop per character.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Unicode's bidirectional formatting characters: the embeddings and overrides (U+202A-U+202E), the
# isolates (U+2066-U+2069), the marks LRM, RLM (U+200E, U+200F) and ALM (U+061C). Invisible, they
# reorder how the text around them is shown: "\u202eevil\u202c" reads as "live", a title or name can
# show another reference or amount than it holds ("Trojan Source"). Refused in every value, a one-line
# title or name and a multi-line summary or rationale alike (the same reordering there); Dutch and
# the foreign names a case holds need none.
_BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Invisible characters that only hide a difference: zero width space, word joiner, byte order mark.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")  # `\d` of a str pattern: any decimal digit (what int() reads)


def bad_character(value: str) -> str | None:
    """Why a character of the value may not enter the service (the first refused one), or None."""
    found = _FORBIDDEN.search(value)
    if found is None:
        bidi = _BIDI_CONTROL.search(value)
        if bidi is None:
            invisible = _INVISIBLE.search(value)
            if invisible is None:
                return None
            return _(
                "Het onzichtbare teken U+%(code)04X is niet toegestaan: het laat een tekst gelijk lijken aan "
                "een andere."
            ) % {"code": ord(invisible.group())}
        return _(
            "Het onzichtbare richtingsteken U+%(code)04X is niet toegestaan: het verandert de volgorde waarin de "
            "tekst wordt getoond."
        ) % {"code": ord(bidi.group())}
    code = ord(found.group())
    if code == 0:
        return _("Een NUL-teken (U+0000) is niet toegestaan.")
    return _(
        "Het teken U+%(code)04X is niet toegestaan; van de stuurtekens mogen alleen tab, nieuwe "
        "regel en regelterugloop."
    ) % {"code": code}


# An optional sign, ASCII digits, an optional decimal point ("12500000.50", "-3", "25."; ".5").
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


def plain_decimal(value: str) -> bool:
    """True if the text is a decimal in plain digits (surrounding spaces aside): no exponent ("2e7"),
    no underscores ("1_000"), no "NaN" or "Infinity", which `Decimal()` would all read."""
    return _PLAIN_DECIMAL.fullmatch(value.strip()) is not None


def not_plain_number(value) -> bool:
    """A text that is not plain digits (`plain_decimal`); anything else (empty, not a string) is left
    to the field. The API's number fields (core.api.numbers) and Django's (core.forms) ask this."""
    return isinstance(value, str) and bool(value.strip()) and not plain_decimal(value)


def not_plain_decimal_message() -> str:
    return _("Geef een getal in cijfers op, zoals 12500000.50 (zonder e-notatie of liggende streepjes).")


def _non_ascii_number(value: str) -> bool:
    """True if Python would read the value as a number but it has digits other than 0-9."""
    if value.isascii() or _NON_ASCII_DIGIT.search(value) is None:
        return False
    try:
        Decimal(value.strip())
    except (InvalidOperation, ValueError):
        return False
    return True


def _year_out_of_range(value: str) -> str | None:
    match = _ISO_DATE.fullmatch(value)
    year = None
    if match and 1 <= int(match[2]) <= 12 and 1 <= int(match[3]) <= 31:
        year = int(match[1])
    else:
        match = _LOCAL_DATE.fullmatch(value)
        if match and 1 <= int(match[1]) <= 31 and 1 <= int(match[2]) <= 12:
            year = int(match[3])
    if year is None:
        return None
    if year < EARLIEST_YEAR:
        return _("Een datum vóór %(year)s is niet toegestaan.") % {"year": EARLIEST_YEAR}
    if year > LATEST_YEAR:
        return _("Een datum na %(year)s is niet toegestaan.") % {"year": LATEST_YEAR}
    return None


def refusal(value: str) -> str | None:
    """Why this text may not enter the service, or None if it may."""
    if not value:
        return None
    if len(value) > MAX_TEXT_LENGTH:
        return _("Ten hoogste %(max)s tekens.") % {"max": f"{MAX_TEXT_LENGTH:,}".replace(",", ".")}
    if message := bad_character(value):
        return message
    if _non_ascii_number(value):
        return _("Gebruik alleen de cijfers 0-9.")
    return _year_out_of_range(value)


def search_terms_checked(terms, *, field: str = "search") -> list[str]:
    """The search terms, or a field error when there are too many or one is too long: every term is
    one more `LIKE` over the visible set."""
    terms = [term for term in terms if term]
    if len(terms) > MAX_SEARCH_TERMS:
        raise RuleViolation(_("Zoek met ten hoogste %(max)s termen.") % {"max": MAX_SEARCH_TERMS}, field=field)
    if any(len(term) > MAX_SEARCH_TERM_LENGTH for term in terms):
        raise RuleViolation(
            _("Een zoekterm is ten hoogste %(max)s tekens lang.") % {"max": MAX_SEARCH_TERM_LENGTH}, field=field
        )
    return terms
