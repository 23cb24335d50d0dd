"""The JSON parser of the API (`REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`).

On top of DRF's: a body nested deeper than `MAX_JSON_DEPTH` is refused before it is decoded
(Python's decoder recursed until RecursionError: a 500), and every key and string in the body
obeys `core.input_rules` (no control characters, numbers in ASCII digits, sane dates). A refusal
is a 400 naming the field (`{"field": ["…"]}`, a dotted path for nested values)."""

from __future__ import annotations

import codecs
import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, renderers

from core import input_rules

# A JSON string, or a bracket or colon outside one. Possessive (`++`, `*+`): a string's characters
# and its escapes never overlap, so there is nothing to backtrack into, and a 5 MB string is read in
# milliseconds instead of the two seconds the backtracking form took.
_TOKENS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}:]', re.DOTALL)


def _max_depth() -> int:
    return getattr(settings, "API_JSON_MAX_DEPTH", input_rules.MAX_JSON_DEPTH)


def check_depth(text: str, limit: int) -> None:
    """Refuse nesting deeper than `limit`, naming the top-level key under which it happens."""
    depth, key, last_string = 0, None, None
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            last_string = token
        elif token == ":":
            if depth == 1 and last_string is not None:
                try:
                    key = json.loads(last_string)
                except ValueError:
                    key = None
        elif token in "[{":
            depth += 1
            if depth > limit:
                raise exceptions.ValidationError(
                    {
                        key if isinstance(key, str) and key else "non_field_errors": [
                            _("De gegevens zijn te diep genest (ten hoogste %(max)s niveaus).") % {"max": limit}
                        ]
                    }
                )
        else:
            depth -= 1
            if depth <= 1:
                last_string = None


def check_values(data, path: str = "") -> None:
    """Every key and string of the decoded body obeys `core.input_rules`."""
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if message := input_rules.refusal(str(key)):
                raise exceptions.ValidationError({where: [message]})
            check_values(value, where)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            check_values(value, f"{path}.{index}" if path else str(index))
    elif isinstance(data, str):
        if message := input_rules.refusal(data):
            raise exceptions.ValidationError({path or "non_field_errors": [message]})


def _object_without_duplicates(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object naming a key twice is refused at that key: the last one silently won
    ({"title": "A", "title": "B"} stored "B"), and a proxy or log that reads the first saw "A"."""
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise exceptions.ValidationError({key: [_("Dit veld staat meer dan eens in het verzoek.")]})
        data[key] = value
    return data


class _Exponent:
    """Stands for a JSON number written with an exponent (`1e7`) until its place in the body is named:
    decoded it is the float 10000000.0, which no field can tell from `10000000.0`."""


class _NonFinite:
    """Stands for `NaN`, `Infinity` or `-Infinity` (not JSON, which Python's decoder accepts) until its
    place in the body is named: the decoder's own refusal was English text naming no field."""


def _sentinel_path(data, kind: type, path: str = "") -> str | None:
    """The dotted path (as `check_values` names it) of the first value of the sentinel type `kind`."""
    if isinstance(data, kind):
        return path or "non_field_errors"
    if isinstance(data, dict):
        items = ((f"{path}.{key}" if path else str(key), value) for key, value in data.items())
    elif isinstance(data, list):
        items = ((f"{path}.{index}" if path else str(index), value) for index, value in enumerate(data))
    else:
        return None
    for where, value in items:
        if (found := _sentinel_path(value, kind, where)) is not None:
            return found
    return None


def _invalid_json(exc: BaseException | None = None) -> exceptions.ParseError:
    """The refusal of a body that is not JSON, in the reader's language: never the decoder's English
    text ("Expecting property name enclosed in double quotes"); the place, when the decoder knows it."""
    if isinstance(exc, json.JSONDecodeError):
        return exceptions.ParseError(
            _("De inhoud is geen geldige JSON (regel %(line)s, kolom %(column)s).")
            % {"line": exc.lineno, "column": exc.colno}
        )
    if isinstance(exc, UnicodeError):
        return exceptions.ParseError(_("De inhoud is geen geldige JSON: de tekst is geen geldige UTF-8."))
    return exceptions.ParseError(_("De inhoud is geen geldige JSON."))


class GuardedJSONParser(parsers.JSONParser):
    """Also refuses a JSON number written with an exponent (`1e7`), at its field: amounts are plain
    digits (`input_rules.plain_decimal`; strings are refused by the hook of `core.api.numbers`)."""

    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeError, LookupError, ValueError, TypeError) as exc:  # UTF-16 without a BOM is a UnicodeError
            raise _invalid_json(exc) from None
        if not isinstance(text, str):  # a bytes-to-bytes codec (core.input_guard.CharsetGuardMiddleware refuses them)
            raise _invalid_json()
        check_depth(text, _max_depth())
        exponents: list[_Exponent] = []

        def number(literal: str) -> float | _Exponent:  # a JSON number with a fraction or an exponent
            if "e" in literal or "E" in literal:
                exponents.append(_Exponent())
                return exponents[-1]
            return float(literal)

        non_finite: list[_NonFinite] = []

        def constant(literal: str) -> float | _NonFinite:  # NaN, Infinity, -Infinity
            if not self.strict:
                return float(literal)
            non_finite.append(_NonFinite())
            return non_finite[-1]

        try:
            data = json.loads(
                text,
                parse_constant=constant,
                parse_float=number,
                object_pairs_hook=_object_without_duplicates,
            )
        except (ValueError, RecursionError) as exc:
            raise _invalid_json(exc) from None
        if non_finite and (path := _sentinel_path(data, _NonFinite)) is not None:
            raise exceptions.ValidationError({path: [_("NaN en Infinity zijn geen getallen in JSON.")]})
        check_values(data)
        if exponents and (path := _sentinel_path(data, _Exponent)) is not None:
            raise exceptions.ValidationError({path: [input_rules.not_plain_decimal_message()]})
        return data
