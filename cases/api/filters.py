import django_filters

from ..constants import State, StrategicCategory, Urgency
from ..models import Case
from core.classification import Classification


class CaseFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=State.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    classification = django_filters.ChoiceFilter(choices=Classification.choices)
    category = django_filters.ChoiceFilter(choices=StrategicCategory.choices, field_name="category_rows__category",
                                           distinct=True)
    received_from = django_filters.IsoDateTimeFilter(field_name="signal_received_at", lookup_expr="gte")
    received_to = django_filters.IsoDateTimeFilter(field_name="signal_received_at", lookup_expr="lte")
    closing_before = django_filters.DateFilter(field_name="expected_closing_date", lookup_expr="lte")

    class Meta:
        model = Case
        fields = ["state", "urgency", "classification", "category"]
