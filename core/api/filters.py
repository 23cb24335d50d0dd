"""DRF's `?search=` with a bounded number and length of terms (`core.input_rules`), the filter of a
query parameter that takes an id, and the date filters that read ISO 8601's extended form only."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import SearchFilter

from core.input_rules import extended_iso_date, refusal, search_terms_checked


class BoundedSearchFilter(SearchFilter):
    def get_search_terms(self, request):
        return search_terms_checked(super().get_search_terms(request), field=self.search_param)


# The largest id PostgreSQL's bigint holds: a larger one is malformed (400), not a lookup.
MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT64)
class IdFilter(django_filters.NumberFilter):
    """A query parameter that takes an object's id (`?case=`): a whole number from 1 to `MAX_ID`,
    else 400 at the parameter. Used on a queryset the person may see, so an id of an object they
    may not see and one that does not exist answer alike (an empty list), as a lookup does (404)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


# A query string's dates in ISO 8601's extended form only, as the bodies' (README "Bodies are JSON"):
# django-filter's fields read them with `datetime.fromisoformat`, which also takes the basic form
# ("20261206", "2026-W49-7"), and then the 1900-2200 rule of core.input_rules did not see a date.
class _ExtendedFormOnly:
    with_time: bool
    message: object

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            if not extended_iso_date(value, time=self.with_time):
                raise ValidationError(self.message, code="invalid")
            if message := refusal(value):  # a year before 1900 or after 2200
                raise ValidationError(message, code="invalid")
        return super().to_python(value)


class ExtendedIsoDateField(_ExtendedFormOnly, forms.DateField):
    with_time = False
    message = _("Voer een datum in als JJJJ-MM-DD, bijv. 2026-12-06.")


class ExtendedIsoDateTimeField(_ExtendedFormOnly, IsoDateTimeField):
    with_time = True
    message = _("Voer een datum in als JJJJ-MM-DD, eventueel met een tijd: 2026-12-06T10:00:00+01:00.")


class IsoDateFilter(django_filters.DateFilter):
    """A date in the query string (`?closing_before=2026-12-06`), in the extended form only."""

    field_class = ExtendedIsoDateField


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """A date, or a date and time, in the query string (`?received_from=2026-12-06`), in the extended
    form only."""

    field_class = ExtendedIsoDateTimeField
