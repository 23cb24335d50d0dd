import django_filters

from core.api.filters import IdFilter

from ..models import Chamber, LetterDraft, LetterStatus, TransactionKind


class LetterFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LetterStatus.choices)
    chamber = django_filters.ChoiceFilter(choices=Chamber.choices)
    kind = django_filters.ChoiceFilter(choices=TransactionKind.choices)
    case = IdFilter(field_name="case_id")

    class Meta:
        model = LetterDraft
        fields = ["status", "chamber", "kind", "case"]
