"""`?case=` on positions and investment proposals: an id filter over the rows the person may see
(django-filter's default for a foreign key checked the id against every case, so an invisible case
answered an empty list and a missing one 400: an oracle)."""

import django_filters

from core.api.filters import IdFilter

from ..constants import Instrument
from ..models import InvestmentProposal, Position


class PositionFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")
    instrument = django_filters.ChoiceFilter(choices=Instrument.choices)

    class Meta:
        model = Position
        fields = ["case", "instrument"]


class InvestmentProposalFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")

    class Meta:
        model = InvestmentProposal
        fields = ["case", "status"]
