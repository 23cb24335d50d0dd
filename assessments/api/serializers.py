"""Shapes of the afwegingskader API. Reads serialise the dicts the selectors build (so the API, the
web UI and the report show the same thing); writes validate shapes only: the rules live in
assessments.services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from access.api.fields import PersonField
from cases.constants import ScopeGround

from ..constants import (
    AdvicePosition,
    AssessmentKind,
    CheckAnswer,
    ConditionStatus,
    Ministry,
)
from ..models import Assessment


def _choices(choices) -> str:
    """Documented values of a choice input. (Plain strings keep the OpenAPI enum names free of
    collisions with other apps' "status"/"kind" fields; `_one_of` validates them.)"""
    return ", ".join(choices.values)


def _one_of(choices, *, blank: bool = False):
    def validate(self, value):
        if (blank and value == "") or value in choices.values:
            return value
        raise serializers.ValidationError(_("Kies een van: %(v)s.") % {"v": ", ".join(choices.values)})

    return validate


# ---------------------------------------------------------------------------------------------
# Pieces
# ---------------------------------------------------------------------------------------------
class AssessmentEvidenceSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    source = serializers.CharField(required=False, allow_blank=True, max_length=300)  # type: ignore[assignment]  # a field named as a Field attribute: DRF's metaclass moves it off the class
    url = serializers.CharField(required=False, allow_blank=True, max_length=500)
    document_id = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Een document in het casusdossier.")
    )


class FrameworkItemSerializer(serializers.Serializer):
    """A condition, indicator or check of the framework version, with guidance citing the letter."""

    part = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as a Field attribute: DRF's metaclass moves it off the class
    label_nl = serializers.CharField()
    label_en = serializers.CharField()
    guidance_nl = serializers.CharField()
    guidance_en = serializers.CharField()
    letter_citation = serializers.CharField()
    kind = serializers.CharField(required=False, help_text=_("Indicatoren: core of broader."))
    weight = serializers.CharField(required=False, help_text=_("Indicatoren: gewicht (decimaal)."))
    question_nl = serializers.CharField(required=False)
    question_en = serializers.CharField(required=False)


class FrameworkScaleLevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    label_nl = serializers.CharField()
    label_en = serializers.CharField()
    description_nl = serializers.CharField()
    description_en = serializers.CharField(required=False)


class FrameworkRiskLevelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_nl = serializers.CharField()
    label_en = serializers.CharField()
    min_score = serializers.CharField()


class FrameworkRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    derived_from_letter = serializers.BooleanField()
    notes = serializers.CharField(required=False)


class ConditionRowSerializer(FrameworkItemSerializer):
    status = serializers.CharField(help_text=_("met, not_met of undetermined."))
    status_label = serializers.CharField()
    rationale = serializers.CharField()
    evidence = AssessmentEvidenceSerializer(many=True)
    updated_by = serializers.CharField(allow_null=True)


class CheckRowSerializer(FrameworkItemSerializer):
    answer = serializers.CharField(help_text=_("yes, no of undetermined (ja = doorstaan)."))
    answer_label = serializers.CharField()
    passes = serializers.BooleanField()
    rationale = serializers.CharField()
    evidence = AssessmentEvidenceSerializer(many=True)
    updated_by = serializers.CharField(allow_null=True)


class IndicatorScoreRowSerializer(serializers.Serializer):
    assessor = serializers.CharField()
    assessor_name = serializers.CharField()
    level = serializers.IntegerField()
    level_label = serializers.CharField()
    rationale = serializers.CharField()
    evidence = AssessmentEvidenceSerializer(many=True)
    scored_at = serializers.DateTimeField()


class IndicatorSettlementRowSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    level_label = serializers.CharField()
    rationale = serializers.CharField()
    settled_by = serializers.CharField()
    settled_at = serializers.DateTimeField()


class IndicatorBoardSerializer(FrameworkItemSerializer):
    """One indicator's scores side by side."""

    scores = IndicatorScoreRowSerializer(many=True)
    spread = serializers.IntegerField(help_text=_("Hoogste min laagste score."))
    disagreement = serializers.BooleanField(help_text=_("Scores liggen ten minste de ingestelde spreiding uiteen."))
    settlement = IndicatorSettlementRowSerializer(allow_null=True)
    final_level = serializers.IntegerField(allow_null=True)
    final_level_label = serializers.CharField()
    how = serializers.CharField(help_text=_("settled, agreed, disagreement of unscored."))


class AssessmentResultEntrySerializer(serializers.Serializer):
    part = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as a Field attribute: DRF's metaclass moves it off the class
    value = serializers.JSONField(allow_null=True)
    text = serializers.CharField()
    effect = serializers.CharField(required=False, help_text=_("supports, blocks, missing of risk."))


class AssessmentResultIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as a Field attribute: DRF's metaclass moves it off the class
    kind = serializers.CharField()
    weight = serializers.CharField()
    scores = serializers.ListField(child=serializers.IntegerField())
    spread = serializers.IntegerField()
    disagreement = serializers.BooleanField()
    final_level = serializers.IntegerField(allow_null=True)
    final_level_label = serializers.CharField()
    how = serializers.CharField()
    contribution = serializers.CharField(allow_null=True)
    counts = serializers.BooleanField(required=False, help_text=_("Telt mee in het risiconiveau."))


class AssessmentResultSerializer(serializers.Serializer):
    """The computed outcome, explained in words, with the inputs that drove it."""

    kind = serializers.CharField(help_text=_("initial of risk_review."))
    outcome = serializers.CharField(
        help_text=_("deploy, do_not_deploy, insufficient_information; leeg bij een risicoherbeoordeling.")
    )
    outcome_label = serializers.CharField()
    explanation = serializers.CharField()
    reasons = AssessmentResultEntrySerializer(many=True)
    missing = AssessmentResultEntrySerializer(many=True)
    drivers = AssessmentResultEntrySerializer(many=True)
    indicators = AssessmentResultIndicatorSerializer(many=True)
    risk_score = serializers.CharField(allow_null=True)
    risk_level = serializers.CharField()
    risk_level_label = serializers.CharField()
    risk_manageable = serializers.BooleanField(allow_null=True)
    framework = FrameworkRefSerializer(required=False)
    # From framework version 2 (absent in results frozen under version 1):
    risk_rule = serializers.CharField(
        required=False,
        help_text=_("weighted_mean (versie 1) of highest_core (versie 2: de hoogste kernindicator bepaalt)."),
    )
    deciding_indicators = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text=_("De indicator(en) die het risiconiveau bepalen (versie 2)."),
    )
    broader_not_counted = serializers.ListField(child=serializers.CharField(), required=False)
    policy_goal_crucial = serializers.BooleanField(allow_null=True, required=False)
    policy_goal_rationale = serializers.CharField(required=False)
    low_indicators_justification = serializers.CharField(
        required=False, help_text=_("Onderbouwing van voorwaarde 1 bij louter lage indicatoren.")
    )
    afstemming = AssessmentResultEntrySerializer(many=True, required=False)


class AssessmentScopeSerializer(serializers.Serializer):
    ground = serializers.CharField()
    ground_label = serializers.CharField()
    confirmed = serializers.BooleanField(allow_null=True)
    rationale = serializers.CharField()


class AssessmentReviewSerializer(serializers.Serializer):
    decision = serializers.CharField(help_text=_("approved of returned."))
    comments = serializers.CharField()
    reviewer = serializers.CharField()
    at = serializers.DateTimeField()


class ConsultationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ministry = serializers.CharField()
    ministry_label = serializers.CharField()
    advisor = serializers.CharField()
    question = serializers.CharField()
    covers = serializers.ListField(child=serializers.CharField())
    due_date = serializers.DateField()
    status = serializers.CharField(help_text=_("open, answered of waived."))
    status_label = serializers.CharField()
    overdue = serializers.BooleanField()
    position = serializers.CharField(help_text=_("supports, concerns of objects (leeg zolang open)."))
    position_label = serializers.CharField()
    advice = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    waiver_reason = serializers.CharField()
    waived_by = serializers.CharField(allow_null=True)
    waived_at = serializers.DateTimeField(allow_null=True)
    requested_at = serializers.DateTimeField()
    response = serializers.CharField(required=False, help_text=_("De reactie van EZK op bezwaar of zorgen."))
    responded_at = serializers.DateTimeField(allow_null=True, required=False)
    needs_response = serializers.BooleanField(
        required=False,
        help_text=_("Bezwaar of zorgen zonder vastgelegde reactie (versie 2: blokkeert een advies tot inzet)."),
    )


# ---------------------------------------------------------------------------------------------
# Framework versions
# ---------------------------------------------------------------------------------------------
class FrameworkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField(help_text=_("draft of published."))
    derived_from_letter = serializers.BooleanField()
    notes = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    scale = FrameworkScaleLevelSerializer(many=True)
    conditions = FrameworkItemSerializer(many=True)
    indicators = FrameworkItemSerializer(many=True)
    checks = FrameworkItemSerializer(many=True)
    risk_levels = FrameworkRiskLevelSerializer(many=True)
    manageable_risk_levels = serializers.ListField(child=serializers.CharField())
    disagreement_spread = serializers.IntegerField()


class FrameworkWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    definition = serializers.JSONField(help_text=_("Zie assessments.framework voor de opbouw."))
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class FrameworkUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    definition = serializers.JSONField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


# ---------------------------------------------------------------------------------------------
# Assessments
# ---------------------------------------------------------------------------------------------
class AssessmentListSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    framework_number = serializers.IntegerField(source="framework.number", read_only=True)
    lead = serializers.CharField(source="lead.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", default=None, read_only=True)
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "case",
            "case_reference",
            "kind",
            "status",
            "revision",
            "previous",
            "framework",
            "framework_number",
            "lead",
            "outcome",
            "risk_level",
            "risk_manageable",
            "created_at",
            "submitted_at",
            "approved_at",
            "approved_by",
        ]
        read_only_fields = fields


class AssessmentDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_reference = serializers.CharField()
    kind = serializers.CharField(help_text=_("initial of risk_review."))
    kind_label = serializers.CharField()
    status = serializers.CharField(help_text=_("draft, submitted of approved."))
    status_label = serializers.CharField()
    revision = serializers.IntegerField()
    previous_id = serializers.IntegerField(allow_null=True)
    next_revision_id = serializers.IntegerField(allow_null=True)
    framework = FrameworkRefSerializer()
    lead = serializers.CharField()
    submitted_by = serializers.CharField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.CharField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    scope = AssessmentScopeSerializer()
    rules = serializers.DictField(help_text=_("De regels van de versie van het afwegingskader."))
    policy_goal = serializers.DictField(help_text=_("crucial (true/false/null) en rationale."))
    low_indicators_justification = serializers.CharField()
    no_consultation_reason = serializers.CharField()
    conditions = ConditionRowSerializer(many=True)
    checks = CheckRowSerializer(many=True)
    indicators = IndicatorBoardSerializer(many=True)
    disagreements = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Indicatoren met uiteenlopende scores die nog niet zijn vastgesteld."),
    )
    consultations = ConsultationSummarySerializer(many=True)
    open_consultations = serializers.ListField(child=serializers.IntegerField())
    reviews = AssessmentReviewSerializer(many=True)
    result = AssessmentResultSerializer()


class AssessmentCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text=_("Id van de casus."))
    kind = serializers.CharField(default=AssessmentKind.INITIAL, help_text=_choices(AssessmentKind))
    validate_kind = _one_of(AssessmentKind)


class ScopeInputSerializer(serializers.Serializer):
    scope_ground = serializers.CharField(allow_blank=True, help_text=_choices(ScopeGround))
    validate_scope_ground = _one_of(ScopeGround, blank=True)
    confirmed = serializers.BooleanField(
        allow_null=True, help_text=_("true: bevestigd; false: geen grond van toepassing; null: nog niet vastgesteld.")
    )
    rationale = serializers.CharField(allow_blank=True, required=False, default="")


class ConditionInputSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=_choices(ConditionStatus))
    validate_status = _one_of(ConditionStatus)
    rationale = serializers.CharField(allow_blank=True, required=False, default="")
    evidence = AssessmentEvidenceSerializer(many=True, required=False)


class CheckInputSerializer(serializers.Serializer):
    answer = serializers.CharField(help_text=_choices(CheckAnswer))
    validate_answer = _one_of(CheckAnswer)
    rationale = serializers.CharField(allow_blank=True, required=False, default="")
    evidence = AssessmentEvidenceSerializer(many=True, required=False)


class ScoreInputSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=64)
    level = serializers.IntegerField(min_value=0, max_value=10)
    rationale = serializers.CharField()
    evidence = AssessmentEvidenceSerializer(many=True, required=False)


class SettlementInputSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=64)
    level = serializers.IntegerField(min_value=0, max_value=10)
    rationale = serializers.CharField()


class AssessmentApproveSerializer(serializers.Serializer):
    comments = serializers.CharField(required=False, allow_blank=True, default="")


class AssessmentReturnSerializer(serializers.Serializer):
    comments = serializers.CharField()


# ---------------------------------------------------------------------------------------------
# Consultation
# ---------------------------------------------------------------------------------------------
class ConsultationCreateSerializer(serializers.Serializer):
    ministry = serializers.CharField(help_text=_choices(Ministry))
    validate_ministry = _one_of(Ministry)
    ministry_other = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    advisor = PersonField(help_text=_("Gebruikersnaam van de departementaal adviseur in het casusteam."))
    question = serializers.CharField()
    covers = serializers.ListField(
        child=serializers.CharField(max_length=64),
        allow_empty=False,
        help_text=_("Codes van voorwaarden, indicatoren en toetsen."),
    )
    due_date = serializers.DateField()


class ConsultationPartsSerializer(serializers.Serializer):
    conditions = ConditionRowSerializer(many=True)
    indicators = serializers.ListField(
        child=serializers.DictField(), help_text=_("Per indicator: label, richtlijn, vastgestelde score.")
    )
    checks = CheckRowSerializer(many=True)


class ConsultationCaseSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    target_name = serializers.CharField()
    acquirer_name = serializers.CharField()
    acquirer_country = serializers.CharField()


class ConsultationAssessmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    revision = serializers.IntegerField()
    status = serializers.CharField()


class ConsultationDetailSerializer(ConsultationSummarySerializer):
    """What the department advisor sees: the request and only the parts it covers."""

    case = ConsultationCaseSerializer()
    assessment = ConsultationAssessmentRefSerializer()
    framework = FrameworkRefSerializer()
    parts = ConsultationPartsSerializer()


class ConsultationAnswerSerializer(serializers.Serializer):
    position = serializers.CharField(help_text=_choices(AdvicePosition))
    validate_position = _one_of(AdvicePosition)
    advice = serializers.CharField()


class ConsultationWaiverSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ConsultationResponseSerializer(serializers.Serializer):
    response = serializers.CharField(
        help_text=_(
            "De reactie van EZK op een advies dat bezwaar maakt of zorgen heeft. Afwegingskader versie 2: geen advies "
            "tot inzet zolang zo'n advies onbeantwoord is (Kamerbrief 2023: “Dit doet EZK in afstemming met "
            "betrokken (vak)departementen”)."
        )
    )


class PolicyGoalInputSerializer(serializers.Serializer):
    crucial = serializers.BooleanField(
        allow_null=True,
        help_text=_(
            "Is de onderneming cruciaal voor het realiseren van beleidsdoelen? Alleen dan telt de bredere indicator mee, "
            "en alleen verhogend (Kamerbrief 2023: “Het gaat hier uitsluitend om bedrijven die cruciaal zijn voor "
            "het realiseren van beleidsdoelen”). true vraagt een onderbouwing."
        ),
    )
    rationale = serializers.CharField(allow_blank=True, required=False, default="")


class LowIndicatorsJustificationSerializer(serializers.Serializer):
    justification = serializers.CharField(
        allow_blank=True,
        help_text=_(
            "Waarom voorwaarde 1 (“de voorziene investering of overname heeft risico's voor de nationale veiligheid "
            "tot gevolg”) is voldaan terwijl alle indicatoren laag zijn. Leeg trekt de onderbouwing in."
        ),
    )


class NoConsultationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True,
        help_text=_(
            "Waarom geen van de betrokken departementen geraadpleegd hoefde te worden (Kamerbrief 2023: “Dit doet "
            "EZK in afstemming met betrokken (vak)departementen”). Leeg trekt de reden in."
        ),
    )


class AssessmentReportRequestSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(help_text=_("Id van de goedgekeurde risico-inschatting."))
