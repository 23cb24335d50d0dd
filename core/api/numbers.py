"""Decimals in the API are plain digits: an optional sign, digits, an optional decimal point.

DRF's `DecimalField` hands its input to Python's `Decimal()`, which also reads "1_000" (1000) and
"2e7" (20 million): `{"amount": "2e7"}` booked twenty million euros, `"intended_stake_percent": "1e1"`
ten percent; `int()` reads "1_0" as 10. No civil servant means them. Two parts, each wired once
for every serializer:

- `install_decimal_hook` (`CoreConfig.ready`): every DRF `DecimalField` (declared, or made by a
  `ModelSerializer` from a model's field) refuses a string that is not `input_rules.plain_decimal`,
  at its field, and so does every `IntegerField` ("1_0", "1e1");
- the API's JSON parser (`core.api.parsers.GuardedJSONParser`): a JSON number written with an
  exponent (`1e7`) is refused, at its field, wherever it is in the body. Once decoded it is the
  float 10000000.0, which no field can tell from `10000000.0`; plain JSON integers and decimals
  (20000000, 20000000.5) are read as before.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, fields

from core import input_rules

_to_internal_value = fields.DecimalField.to_internal_value


def _plain_to_internal_value(self, data):
    if input_rules.not_plain_number(data):  # JSON numbers are checked by the parser
        raise exceptions.ValidationError(input_rules.not_plain_decimal_message(), code="invalid")
    value = _to_internal_value(self, data)
    # "-0" is zero: stored as 0.00, it was answered as "-0.00" (and a multiple of it read "-0,00×").
    return abs(value) if value is not None and value == 0 else value


_integer_to_internal_value = fields.IntegerField.to_internal_value


def _plain_integer_to_internal_value(self, data):
    # DRF hands a string to `int()`, which reads "1_0" as 10 (and digits of other scripts as 0-9).
    if input_rules.not_plain_number(data):  # JSON numbers are checked by the parser
        raise exceptions.ValidationError(
            _("Geef een geheel getal in cijfers op (zonder e-notatie of liggende streepjes)."), code="invalid"
        )
    return _integer_to_internal_value(self, data)


def install_decimal_hook() -> None:
    """Every DRF DecimalField refuses a decimal that is not plain digits, and every IntegerField an
    integer that is not (`CoreConfig.ready`)."""
    setattr(fields.DecimalField, "to_internal_value", _plain_to_internal_value)  # noqa: B010
    setattr(fields.IntegerField, "to_internal_value", _plain_integer_to_internal_value)  # noqa: B010
