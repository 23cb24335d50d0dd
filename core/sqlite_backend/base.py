"""Django's SQLite backend, with money as PostgreSQL gives it: the database engine of the embedded
default (`make run`), set by config/settings/base.py for any `sqlite://` DATABASE_URL.

SQLite has no decimal type: it stores a DecimalField's value as an integer or a float, and a sum, a
difference or a subquery of money comes back as a float. Django quantizes a plain column to its
field's decimal places, but any other expression of a DecimalField (Sum, Coalesce, Subquery, F() - F())
only to 15 significant digits: a fee budget's "left" read 100000 where PostgreSQL says 100000.00, and
400000.10 booked against 1000000.00 left 599999.900000000 (in the API's 409 `extra`, the exports). Here
such a value is rounded to its output field's decimal places, as PostgreSQL's numeric keeps them; a
DecimalField without decimal places is left as Django gives it."""

from __future__ import annotations

from decimal import Decimal

from django.db.backends.sqlite3 import base, operations
from django.db.models.expressions import Col


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression):
        converter = super().get_decimalfield_converter(expression)
        places = getattr(expression.output_field, "decimal_places", None)
        if isinstance(expression, Col) or places is None:
            return converter  # a stored column: Django already quantizes it
        quantum = Decimal(1).scaleb(-places)

        def quantized(value, expression, connection):
            value = converter(value, expression, connection)
            return None if value is None else value.quantize(quantum)

        return quantized


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
