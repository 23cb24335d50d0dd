import django_filters

from ..models import AuditRecord


class AuditRecordFilter(django_filters.FilterSet):
    action = django_filters.MultipleChoiceFilter(choices=AuditRecord.Action.choices)
    event = django_filters.CharFilter()
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()
    request_id = django_filters.CharFilter()
    after = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    before = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lte")

    class Meta:
        model = AuditRecord
        fields = ["action", "event", "object_type", "object_id", "request_id"]
