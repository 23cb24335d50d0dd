"""DRF's `?search=` with a bounded number and length of terms (`core.input_rules`), and the filter
of a query parameter that takes an id."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import SearchFilter

from core.input_rules import search_terms_checked


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
