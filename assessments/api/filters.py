import django_filters

from core.api.filters import IdFilter

from ..models import Assessment


class AssessmentFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")
    kind = django_filters.CharFilter(field_name="kind")
    status = django_filters.CharFilter(field_name="status")

    class Meta:
        model = Assessment
        fields = ["case", "kind", "status"]
