import functools

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language
from django_filters import FilterSet, utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from core.api.filters import BoundedSearchFilter, IsoDateFilter, IsoDateTimeFilter
from core.classification import Classification

from ..constants import State, StrategicCategory, Urgency
from ..models import Case, CaseCategory
from ..selectors import case_search


class CaseFilter(django_filters.FilterSet):
    # No DISTINCT: none of these joins a table (DISTINCT over every selected column made the count and
    # the page query hash the whole visible set).
    state = django_filters.MultipleChoiceFilter(choices=State.choices, distinct=False)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    classification = django_filters.ChoiceFilter(choices=Classification.choices)
    category = django_filters.ChoiceFilter(choices=StrategicCategory.choices, method="filter_category")
    received_from = IsoDateTimeFilter(field_name="signal_received_at", lookup_expr="gte")
    received_to = IsoDateTimeFilter(field_name="signal_received_at", lookup_expr="lte")
    closing_before = IsoDateFilter(field_name="expected_closing_date", lookup_expr="lte")

    class Meta:
        model = Case
        fields = ["state", "urgency", "classification", "category"]

    def filter_category(self, queryset, name, value):
        """Cases with this category: a semi-join (each case lists a category once), so no DISTINCT."""
        return queryset.filter(Exists(CaseCategory.objects.filter(case=OuterRef("pk"), category=value)))

    _form_classes: dict[tuple[type, str], type[forms.Form]] = {}

    def get_form_class(self):
        """The form that validates the query string, built once per language rather than on every
        request (django-filter builds a form field per filter and a form class each time). The form
        instance, and so the data and the errors, stay per request."""
        key = (type(self), get_language())
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = self._form_classes[key] = super().get_form_class()
        return form_class


class CaseFilterBackend(DjangoFilterBackend):
    """django-filter over only the filters the query string names (each filter of `CaseFilter` reads
    the parameter of its own name): a filter without a value neither filters nor fails, so the result
    and the errors are those of the whole filterset, without building and validating a form field for
    every filter on every request. No filter named (the plain list pages): no filterset at all."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        given = frozenset(name for name in filterset_class.base_filters if name in request.query_params)
        if not given:
            return queryset
        filterset = _with_filters(filterset_class, given)(**self.get_filterset_kwargs(request, queryset, view))
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


@functools.cache
def _with_filters(filterset_class: type[FilterSet], names: frozenset[str]) -> type[FilterSet]:
    """`filterset_class` narrowed to the filters `names` (one class per combination, made once)."""
    narrowed: type[FilterSet] = type(
        filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__}
    )
    narrowed.base_filters = {name: filter_ for name, filter_ in filterset_class.base_filters.items() if name in names}
    return narrowed


class CaseOrderingFilter(OrderingFilter):
    """`?ordering=` with the id as the last key, so that pages of equal values (closing dates, say)
    neither repeat nor skip cases and an index on (field, id) serves the page."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(term.lstrip("-") in ("id", "pk", "reference") for term in ordering):
            ordering = [*ordering, "-id" if ordering[-1].startswith("-") else "id"]
        return ordering


class CaseSearchFilter(BoundedSearchFilter):
    """`?search=`: DRF's terms (split on spaces and commas, "quoted phrases" kept), each of which must
    occur in the case's `search_text` (reference, title, target, acquirer, KvK number)."""

    def filter_queryset(self, request, queryset, view):
        return case_search(queryset, terms=self.get_search_terms(request))
