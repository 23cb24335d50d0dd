"""Decimals in the API are plain digits: an optional sign, digits, an optional decimal point.

DRF's `DecimalField` hands its input to Python's `Decimal()`, which also reads "1_000" (1000) and
"2e7" (20 million): `{"amount": "2e7"}` booked twenty million euros, `"intended_stake_percent": "1e1"`
ten percent. No civil servant means them. Two parts, each wired once for every serializer:

- `install_decimal_hook` (`CoreConfig.ready`): every DRF `DecimalField` (declared, or made by a
  `ModelSerializer` from a model's field) refuses a string that is not `input_rules.plain_decimal`,
  at its field;
- `PlainNumberJSONParser` (`REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`): a JSON number written with
  an exponent (`1e7`) is refused, at its field, wherever it is in the body. Once decoded it is the
  float 10000000.0, which no field can tell from `10000000.0`; plain JSON integers and decimals
  (20000000, 20000000.5) are read as before.
"""

from __future__ import annotations

import io
import json
import re

from django.conf import settings
from rest_framework import exceptions, fields

from core import input_rules

from .parsers import GuardedJSONParser

# A JSON string (skipped: its text may hold anything), or a digit followed by an exponent's "e",
# which outside a string only a number written with an exponent has.
_STRING_OR_EXPONENT = re.compile(r'"(?:[^"\\]++|\\.)*+"|\d[eE]', re.DOTALL)
_MAYBE_EXPONENT = re.compile(r"\d[eE]")


class _Exponent:
    """Stands for a JSON number written with an exponent while its place in the body is looked up."""


def _exponent_path(data, path: str = "") -> str | None:
    """The dotted path (as `core.api.parsers.check_values` names it) of the first exponent number."""
    if isinstance(data, _Exponent):
        return path or "non_field_errors"
    if isinstance(data, dict):
        items = ((f"{path}.{key}" if path else str(key), value) for key, value in data.items())
    elif isinstance(data, list):
        items = ((f"{path}.{index}" if path else str(index), value) for index, value in enumerate(data))
    else:
        return None
    for where, value in items:
        if (found := _exponent_path(value, where)) is not None:
            return found
    return None


def _has_exponent(text: str) -> bool:
    if _MAYBE_EXPONENT.search(text) is None:  # the usual body: no digit followed by an "e" at all
        return False
    return any(match.group()[0] != '"' for match in _STRING_OR_EXPONENT.finditer(text))


class PlainNumberJSONParser(GuardedJSONParser):
    """`GuardedJSONParser` (depth limit, input rules), and no JSON number with an exponent."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        text = raw.decode(encoding)  # the parser above decoded it without error
        if _has_exponent(text):
            marked = json.loads(text, parse_float=lambda literal: _Exponent() if literal.strip("-+.0123456789") else 0)
            if (path := _exponent_path(marked)) is not None:
                raise exceptions.ValidationError({path: [input_rules.not_plain_decimal_message()]})
        return data


_to_internal_value = fields.DecimalField.to_internal_value


def _plain_to_internal_value(self, data):
    if isinstance(data, str) and data.strip() and not input_rules.plain_decimal(data):
        raise exceptions.ValidationError(input_rules.not_plain_decimal_message(), code="invalid")
    value = _to_internal_value(self, data)
    # "-0" is zero: stored as 0.00, it was answered as "-0.00" (and a multiple of it read "-0,00×").
    return abs(value) if value is not None and value == 0 else value


def install_decimal_hook() -> None:
    """Every DRF DecimalField refuses a decimal that is not plain digits (`CoreConfig.ready`)."""
    setattr(fields.DecimalField, "to_internal_value", _plain_to_internal_value)  # noqa: B010
