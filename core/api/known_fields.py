"""A request body names only fields the operation has.

DRF drops a key its serializer does not declare: `{"amout": "20000000.00"}` (a typo) or
`{"stake": ...}` on an operation that has no stake was answered as if the body were right, and a
PATCH of only such keys was a success that changed nothing the sender asked. Wired once for every
serializer (`CoreConfig.ready`): a JSON object with a key that is not one of the serializer's fields
is refused at that key with the fields it has, as any other bad value is (400, nothing changed).

Query strings (a `QueryDict`: filters, paging, `?format=`) and multipart uploads are not checked:
their extra keys belong to the view, the paginator or the renderer, not to the serializer.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

_to_internal_value = serializers.Serializer.to_internal_value


def _known_to_internal_value(self, data):
    if isinstance(data, Mapping) and not isinstance(data, QueryDict):
        unknown = [key for key in data if key not in self.fields]
        if unknown:
            known = ", ".join(sorted(name for name, field in self.fields.items() if not field.read_only))
            message = _("Onbekend veld. Dit verzoek kent: %(fields)s.") % {"fields": known or "–"}
            raise exceptions.ValidationError({str(key): [message] for key in unknown}, code="unknown_field")
    return _to_internal_value(self, data)


def install_known_fields_hook() -> None:
    """Every DRF serializer refuses a key of a JSON body that is not one of its fields (`CoreConfig.ready`)."""
    setattr(serializers.Serializer, "to_internal_value", _known_to_internal_value)  # noqa: B010
