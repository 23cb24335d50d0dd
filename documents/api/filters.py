import django_filters
from django.utils.translation import gettext_lazy as _

from core.api.filters import IsoDateFilter
from core.classification import Classification
from core.input_rules import MAX_SEARCH_TERM_LENGTH

from ..constants import DocumentType
from ..models import Document
from ..selectors import document_search


class DocumentFilter(django_filters.FilterSet):
    document_type = django_filters.MultipleChoiceFilter(choices=DocumentType.choices)
    classification = django_filters.MultipleChoiceFilter(choices=Classification.choices)
    date_from = IsoDateFilter(field_name="document_date", lookup_expr="gte")
    date_to = IsoDateFilter(field_name="document_date", lookup_expr="lte")
    search = django_filters.CharFilter(
        method="filter_text", label=_("Zoek in titel en tekst"), max_length=MAX_SEARCH_TERM_LENGTH
    )

    class Meta:
        model = Document
        fields = ["document_type", "classification"]

    def filter_text(self, queryset, name, value):
        return document_search(queryset, value)
