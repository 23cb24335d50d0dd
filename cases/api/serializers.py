import functools
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from access.api.fields import PersonField
from access.roles import Role

from ..constants import CASE_FACT_FIELDS, ExistingInstrument, Instrument, ScopeGround, StrategicCategory
from ..models import CabinetDecision, Case, CaseTeamMember, StageClock, TimelineEvent


class CaseListSerializer(serializers.ModelSerializer):
    categories = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Case
        # The list view renders these with `rows()` below: change both together.
        fields = [
            "id",
            "reference",
            "title",
            "state",
            "state_label",
            "urgency",
            "classification",
            "target_name",
            "categories",
            "signal_received_at",
            "expected_closing_date",
            "version",
        ]

    def get_categories(self, obj) -> list[str]:
        return [row.category for row in obj.category_rows.all()]

    #: The columns `rows()` reads: the list view selects only these (`.values()`).
    row_columns = (
        "id",
        "reference",
        "title",
        "state",
        "urgency",
        "classification",
        "target_name",
        "signal_received_at",
        "expected_closing_date",
        "version",
    )

    @classmethod
    def rows(cls, values, categories: dict[int, list[str]], *, datetime_representation=None) -> list[dict]:
        """The list's JSON (the same as `CaseListSerializer(cases, many=True).data`) from `.values()` rows
        of `row_columns` and their categories: a list page has up to 200 rows and DRF's per-field
        machinery cost about a millisecond a row. `datetime_representation`: DRF's DateTimeField's
        `to_representation` or its equal (the view's choice)."""
        state_labels = _state_labels(get_language())
        # ISO 8601 in the current time zone
        received_at = datetime_representation or serializers.DateTimeField().to_representation
        closing_date = serializers.DateField().to_representation
        return [
            {
                "id": row["id"],
                "reference": row["reference"],
                "title": row["title"],
                "state": row["state"],
                "state_label": state_labels.get(row["state"], row["state"]),
                "urgency": row["urgency"],
                "classification": row["classification"],
                "target_name": row["target_name"],
                "categories": categories[row["id"]],
                "signal_received_at": received_at(row["signal_received_at"]),
                "expected_closing_date": closing_date(row["expected_closing_date"]),
                "version": row["version"],
            }
            for row in values
        ]


@functools.cache
def _state_labels(language) -> dict[str, str]:
    """`get_state_display()` of each state in this language (the labels are translated on use)."""
    return {value: str(label) for value, label in Case._meta.get_field("state").flatchoices}


class CaseWriteSerializer(serializers.ModelSerializer):
    """Validates shapes; the rules (what may change when) live in cases.services."""

    categories = serializers.ListField(child=serializers.ChoiceField(choices=StrategicCategory.choices), required=False)
    scope_grounds = serializers.ListField(child=serializers.ChoiceField(choices=ScopeGround.choices), required=False)
    existing_instruments_considered = serializers.ListField(
        child=serializers.ChoiceField(choices=ExistingInstrument.choices), required=False
    )
    version = serializers.IntegerField(
        required=False,
        write_only=True,
        help_text=_(
            "Bij wijzigen (PATCH) verplicht: de versie die u bewerkte; zonder versie 400, een verouderde versie geeft 409."
        ),
    )
    classification_reason = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text=_("Verplicht bij het verlagen van de rubricering.")
    )

    def validate_classification(self, value):
        # Shapes only, but a level above this deployment's accreditation is bad input (400) here too.
        from core.classification import require_accredited
        from core.exceptions import RuleViolation

        try:
            require_accredited(value)
        except RuleViolation as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from None
        return value

    class Meta:
        model = Case
        fields = [
            *CASE_FACT_FIELDS,
            "version",
            "classification_reason",
        ]


class CaseDetailSerializer(CaseListSerializer):
    class Meta(CaseListSerializer.Meta):
        # The list's columns, then the rest of the case's facts in their order, then the timestamps.
        fields = [
            *CaseListSerializer.Meta.fields,
            *(name for name in CASE_FACT_FIELDS if name not in CaseListSerializer.Meta.fields),
            "created_at",
            "updated_at",
            "closed_at",
        ]


class TimelineEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = TimelineEvent
        fields = ["id", "at", "actor", "kind", "kind_label", "transition", "from_state", "to_state", "reason", "data"]

    @classmethod
    def rows(cls, values, *, datetime_representation=None) -> list[dict]:
        """The timeline's JSON (the same as `TimelineEventSerializer(events, many=True).data`) from
        `cases.selectors.case_timeline_rows`: a case collects dozens of events over the years and
        DRF's per-field machinery cost a tenth of a millisecond per event. `datetime_representation`:
        as `CaseListSerializer.rows`."""
        kind_labels = {value: str(label) for value, label in TimelineEvent._meta.get_field("kind").flatchoices}
        at = datetime_representation or serializers.DateTimeField().to_representation  # ISO 8601, current zone
        return [
            {
                "id": row["id"],
                "at": at(row["at"]),
                "actor": row["actor__username"],
                "kind": row["kind"],
                "kind_label": kind_labels.get(row["kind"], row["kind"]),
                "transition": row["transition"],
                "from_state": row["from_state"],
                "to_state": row["to_state"],
                "reason": row["reason"],
                "data": row["data"],
            }
            for row in values
        ]


#: The lifecycle's transitions by name (the state machine's declaration in cases.models): the API
#: refuses any other name at `name`, the request's own key, and the schema lists them.
TRANSITION_NAMES = sorted(dict.fromkeys(t.name for t in Case._meta.get_field("state").get_all_transitions(Case)))


class _TransitionNameField(serializers.ChoiceField):
    """The transition's name, one of `TRANSITION_NAMES`. DRF gives every serializer instance a copy of
    its declared fields, each made again from deep copies of the arguments it was declared with; these
    arguments (the fixed names, a translatable help text) are never changed, so the copy shares them
    (issue 25: the deep copy of the names was a tenth of a transition request's own work)."""

    def __deepcopy__(self, memo):
        return self.__class__(*self._args, **self._kwargs)


class TransitionSerializer(serializers.Serializer):
    name = _TransitionNameField(choices=TRANSITION_NAMES, help_text=_("De naam van de overgang, bijv. start_intake."))
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    target = serializers.CharField()
    target_label = serializers.CharField()
    reason_required = serializers.BooleanField()
    description = serializers.CharField()


class TeamMemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = CaseTeamMember
        fields = ["username", "role", "added_at"]
        read_only_fields = ["added_at"]


class TeamMemberAddSerializer(serializers.Serializer):
    """A person to add: an unknown username is refused by the service as a person who may not hold
    the role, so the answer does not tell who exists (issue 22)."""

    username = PersonField(source="user")
    role = serializers.ChoiceField(choices=Role.choices)


class TeamCandidateRoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    # DRF's metaclass takes declared fields off the class, so this does not replace Field.label.
    label = serializers.CharField()  # type: ignore[assignment]


class TeamCandidateSerializer(serializers.Serializer):
    """A person the people picker offers for the case team (`cases.selectors.team_candidates`), with
    the case roles they may take there; `username` is what `POST …/team/` takes."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    roles = TeamCandidateRoleSerializer(many=True)

    @staticmethod
    def row(person, roles: list[str]) -> dict:
        return {
            "id": person.pk,
            "username": person.username,
            "name": str(person),
            "organisation": person.organisation,
            "roles": [{"role": role, "label": str(Role(role).label)} for role in roles],
        }


class TeamCandidateQuerySerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)


class TeamRoleSerializer(serializers.Serializer):
    """A member's new role on the case; whether it fits their organisational role is the service's rule."""

    role = serializers.ChoiceField(choices=Role.choices)


class CabinetDecisionSerializer(serializers.ModelSerializer):
    """The kabinetsbesluit with what a decision to deploy allows (instruments, maximum, lapse date):
    the confirming secretary sees all of it before confirming."""

    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    confirmed_by = serializers.CharField(source="confirmed_by.username", default=None, read_only=True)
    rejected_by = serializers.CharField(source="rejected_by.username", default=None, read_only=True)
    status = serializers.SerializerMethodField()
    instruments = serializers.ListField(child=serializers.ChoiceField(choices=Instrument.choices), required=False)
    max_amount = serializers.DecimalField(
        max_digits=15, decimal_places=2, min_value=Decimal("0.01"), required=False, allow_null=True
    )

    class Meta:
        model = CabinetDecision
        fields = [
            "id",
            "meeting_date",
            "reference",
            "deploy",
            "orders_sale",
            "instruments",
            "max_amount",
            "lapses_on",
            "conditions",
            "notes",
            "recorded_by",
            "recorded_at",
            "confirmed_by",
            "confirmed_at",
            "rejected_by",
            "rejected_at",
            "rejection_reason",
            "status",
        ]
        read_only_fields = ["recorded_at", "confirmed_at", "rejected_at", "rejection_reason"]

    def get_status(self, decision: CabinetDecision) -> str:
        """`pending` (waits for the second secretary), `confirmed` or `rejected` (binds nothing)."""
        if decision.confirmed_at is not None:
            return "confirmed"
        return "rejected" if decision.rejected_at is not None else "pending"


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class StageClockSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageClock
        fields = [
            "stage",
            "started_at",
            "due_at",
            "suspended_since",
            "suspension_reason",
            "completed_at",
            "overdue_flagged_at",
        ]
