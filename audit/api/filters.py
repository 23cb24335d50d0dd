import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.api.filters import IsoDateTimeFilter

from ..models import AuditRecord


class AuditRecordFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        # An object's id is unique only within its type (a person and a case may both be 7): an
        # object_id alone would mix the records of every object that has it.
        if data.get("object_id") and not data.get("object_type"):
            self.add_error(
                "object_id",
                _(
                    "Geef bij object_id ook object_type op (bijv. cases.case of access.user): een id is "
                    "alleen binnen één soort object uniek."
                ),
            )
        return data


class AuditRecordFilter(django_filters.FilterSet):
    action = django_filters.MultipleChoiceFilter(choices=AuditRecord.Action.choices)
    # A record about a case the reader may not see shows neither its event (only the category) nor
    # its object id, so it is not found by them either: an object id of an invisible case answers
    # as one that does not exist (`audit.selectors.shown`).
    event = django_filters.CharFilter(method="filter_unmasked")
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter(method="filter_unmasked")
    request_id = django_filters.CharFilter()
    after = IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    before = IsoDateTimeFilter(field_name="timestamp", lookup_expr="lte")

    class Meta:
        model = AuditRecord
        form = AuditRecordFilterForm
        fields = ["action", "event", "object_type", "object_id", "request_id"]

    def filter_unmasked(self, queryset, name, value):
        return queryset.filter(**{name: value, "content_visible": True})
