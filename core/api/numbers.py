"""Decimals in the API are plain digits: an optional sign, digits, an optional decimal point.

DRF's `DecimalField` hands its input to Python's `Decimal()`, which also reads "1_000" (1000) and
"2e7" (20 million): `{"amount": "2e7"}` booked twenty million euros, `"intended_stake_percent": "1e1"`
ten percent. No civil servant means them. Two parts, each wired once for every serializer:

- `install_decimal_hook` (`CoreConfig.ready`): every DRF `DecimalField` (declared, or made by a
  `ModelSerializer` from a model's field) refuses a string that is not `input_rules.plain_decimal`,
  at its field;
- the API's JSON parser (`core.api.parsers.GuardedJSONParser`): a JSON number written with an
  exponent (`1e7`) is refused, at its field, wherever it is in the body. Once decoded it is the
  float 10000000.0, which no field can tell from `10000000.0`; plain JSON integers and decimals
  (20000000, 20000000.5) are read as before.
"""

from __future__ import annotations

from rest_framework import exceptions, fields

from core import input_rules

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
