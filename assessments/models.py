"""The afwegingskader: versioned framework configuration, the assessments made with it, and the
consultation of the ministries concerned (afstemming).

Letter, "Afwegingskader": "EZK stelt in eerste aanleg de risico-inschatting voor de nationale
veiligheid op. Dit doet EZK in afstemming met betrokken (vak)departementen. Op basis van deze
risico-inschatting beslist het kabinet over de inzet van de voorziening."

Changes go through `assessments.services`; reads through `assessments.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.constants import ScopeGround
from core.choices import ChoicesDisplay

from .constants import (
    OPEN_STATUSES,
    AdvicePosition,
    AssessmentKind,
    AssessmentStatus,
    CheckAnswer,
    ConditionStatus,
    ConsultationStatus,
    FrameworkStatus,
    Ministry,
    Outcome,
    ReviewDecision,
)


class FrameworkVersion(models.Model):
    """One version of the framework. Its `definition` (see `assessments.framework`) holds the
    conditions, indicators, checks, scale, weights and risk-level thresholds. Published versions
    never change: an assessment records the version it used."""

    number = models.PositiveIntegerField(_("versienummer"), unique=True)
    name = models.CharField(_("naam"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    definition = models.JSONField(_("inhoud"), default=dict)
    derived_from_letter = models.BooleanField(
        _("standaardversie uit de brief"),
        default=False,
        help_text=_(
            "De brief noemt voorwaarden, indicatoren en toetsen, maar geen gewichten of drempels: "
            "die zijn in deze versie aannames."
        ),
    )
    notes = models.TextField(_("toelichting"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("versie afwegingskader")
        verbose_name_plural = _("versies afwegingskader")
        ordering = ["-number"]

    def __str__(self):
        return f"v{self.number} {self.name}"

    @property
    def is_published(self) -> bool:
        return self.status == FrameworkStatus.PUBLISHED

    def save(self, *args, **kwargs):
        # Integrity guard below the services: a published version is never rewritten.
        if self.pk and FrameworkVersion.objects.filter(pk=self.pk, status=FrameworkStatus.PUBLISHED).exists():
            raise TypeError("A published framework version never changes: publish a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise TypeError("A published framework version is never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def framework(self):
        """The definition as a `Framework`, built once per process for each version (the detail of an
        assessment reads it several times; a draft's definition may be replaced, so the cached one is
        used only while it equals the definition, a comparison in C far cheaper than the build)."""
        from .framework import Framework

        published = self.status == FrameworkStatus.PUBLISHED
        if published and "definition" in self.get_deferred_fields():
            # Read without its definition (the assessment's detail): a published version's definition
            # never changes (`save` refuses), so the one built from it is the one. Else it is read now.
            cached = _PUBLISHED_FRAMEWORKS.get(self.pk)
            if cached is not None:
                return cached
        cached = _FRAMEWORKS.get(self.pk)
        if cached is None or cached.definition != self.definition:
            cached = Framework(self.definition)
            if self.pk is not None:
                _FRAMEWORKS[self.pk] = cached
        if published and self.pk is not None:
            _PUBLISHED_FRAMEWORKS[self.pk] = cached
        return cached


_FRAMEWORKS: dict = {}  # FrameworkVersion pk -> Framework (its definition kept to compare)
# FrameworkVersion pk -> Framework, only as built from the version's definition once it was published
_PUBLISHED_FRAMEWORKS: dict = {}


class Assessment(ChoicesDisplay, models.Model):
    """A risk assessment (risico-inschatting) of one case with one framework version, or a
    periodic risk review during monitoring. Approved assessments are immutable; a change is a new
    revision that links to the previous one."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(_("soort"), max_length=16, choices=AssessmentKind.choices, default=AssessmentKind.INITIAL)
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("versie afwegingskader")
    )
    revision = models.PositiveIntegerField(_("revisie"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_revision",
        verbose_name=_("vorige revisie"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT, db_index=True
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("eerste beoordelaar")
    )

    # The scope ground (reikwijdte) the provision steps in on, confirmed by the assessor.
    scope_ground = models.CharField(_("reikwijdtegrond"), max_length=40, choices=ScopeGround.choices, blank=True)
    scope_ground_confirmed = models.BooleanField(_("reikwijdtegrond bevestigd"), null=True, blank=True)
    scope_rationale = models.TextField(_("onderbouwing reikwijdte"), blank=True)

    # From framework version 2 (assessments.outcome; each recorded through its own service).
    # The broader indicator counts only for a company recorded as crucial to policy goals: "Het gaat
    # hier uitsluitend om bedrijven die cruciaal zijn voor het realiseren van beleidsdoelen".
    policy_goal_crucial = models.BooleanField(_("cruciaal voor beleidsdoelen"), null=True, blank=True)
    policy_goal_rationale = models.TextField(_("onderbouwing cruciaal voor beleidsdoelen"), blank=True)
    # Condition 1 ("de voorziene investering of overname heeft risico's voor de nationale veiligheid
    # tot gevolg") judged met while every indicator is low: why, shown in the outcome and the report.
    low_indicators_justification = models.TextField(_("onderbouwing risico bij lage indicatoren"), blank=True)
    # "Dit doet EZK in afstemming met betrokken (vak)departementen": no request at all only with a
    # recorded reason why none of the ministries concerned needed to be asked.
    no_consultation_reason = models.TextField(_("reden geen afstemming"), blank=True)

    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True, db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Frozen at approval: the computed result as it was approved (see assessments.outcome).
    outcome = models.CharField(_("uitkomst"), max_length=32, blank=True)
    risk_level = models.CharField(_("risiconiveau"), max_length=32, blank=True)
    risk_manageable = models.BooleanField(_("risico beheersbaar"), null=True, blank=True)
    result = models.JSONField(_("uitkomst met toelichting"), default=dict, blank=True)

    class Meta:
        verbose_name = _("risico-inschatting")
        verbose_name_plural = _("risico-inschattingen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_assessment_per_case_and_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case_id} r{self.revision} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def outcome_label(self) -> str:
        """The approved outcome's label ("Inzetten"), never its code ("deploy"), for the pages."""
        return str(Outcome(self.outcome).label) if self.outcome in Outcome.values else self.outcome


def _evidence_default():
    return []


class Finding(models.Model):
    """What a condition finding and a check finding share: the code of the framework item, the
    rationale and evidence behind the answer, and who gave it."""

    code = models.CharField(max_length=64)
    rationale = models.TextField(_("onderbouwing"), blank=True)
    evidence = models.JSONField(_("bewijs"), default=_evidence_default, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class ConditionFinding(Finding):
    """One of the two necessary conditions: met / not met / undetermined, with rationale and evidence."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="conditions")
    status = models.CharField(
        _("oordeel"), max_length=16, choices=ConditionStatus.choices, default=ConditionStatus.UNDETERMINED
    )

    class Meta:
        verbose_name = _("voorwaarde")
        verbose_name_plural = _("voorwaarden")
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="unique_condition_finding")]

    def __str__(self):
        return f"{self.code}: {self.status}"


class CheckFinding(Finding):
    """One of the critical checks (last resort, no strategic behaviour, proportionality)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="checks")
    answer = models.CharField(
        _("antwoord"), max_length=16, choices=CheckAnswer.choices, default=CheckAnswer.UNDETERMINED
    )

    class Meta:
        verbose_name = _("toets")
        verbose_name_plural = _("toetsen")
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="unique_check_finding")]

    def __str__(self):
        return f"{self.code}: {self.answer}"


class IndicatorScore(models.Model):
    """One assessor's independent score of one indicator."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="scores")
    indicator = models.CharField(_("indicator"), max_length=64)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(0), MaxValueValidator(10)])
    rationale = models.TextField(_("onderbouwing"), blank=True)
    evidence = models.JSONField(_("bewijs"), default=_evidence_default, blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["indicator", "assessor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator", "assessor"], name="one_score_per_assessor_and_indicator"
            )
        ]

    def __str__(self):
        return f"{self.indicator}={self.level} ({self.assessor_id})"


class IndicatorSettlement(models.Model):
    """The lead assessor's settled level for an indicator (needed where scores disagree)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="settlements")
    indicator = models.CharField(_("indicator"), max_length=64)
    level = models.PositiveSmallIntegerField(_("vastgestelde score"))
    rationale = models.TextField(_("onderbouwing"))
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    settled_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vastgestelde score")
        verbose_name_plural = _("vastgestelde scores")
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="one_settlement_per_indicator")]

    def __str__(self):
        return f"{self.indicator}={self.level}"


class AssessmentReview(models.Model):
    """Four eyes: a different assessor approves the submitted assessment or returns it with comments."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("besluit"), max_length=16, choices=ReviewDecision.choices)
    comments = models.TextField(_("opmerkingen"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beoordeling (vier ogen)")
        verbose_name_plural = _("beoordelingen (vier ogen)")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.decision} by {self.reviewer_id}"


class ConsultationRequest(models.Model):
    """A request for advice to a ministry concerned (afstemming), answered by its department advisor,
    who sees only this request and the parts of the assessment it covers."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="consultations")
    ministry = models.CharField(_("ministerie"), max_length=16, choices=Ministry.choices)
    ministry_other = models.CharField(_("ander ministerie"), max_length=120, blank=True)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("departementaal adviseur"),
    )
    question = models.TextField(_("adviesvraag"))
    covers = models.JSONField(
        _("betreft onderdelen"),
        default=list,
        help_text=_("Codes van de voorwaarden, indicatoren en toetsen waarover advies wordt gevraagd."),
    )
    due_date = models.DateField(_("uiterste datum"))
    status = models.CharField(
        _("status"), max_length=16, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN, db_index=True
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)

    position = models.CharField(_("standpunt"), max_length=16, choices=AdvicePosition.choices, blank=True)
    advice = models.TextField(_("advies"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    waiver_reason = models.TextField(_("reden van afzien"), blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)

    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    # EZK's recorded response to an advice that objects or has concerns (framework version 2: no
    # "deploy" while such an advice stands unanswered).
    response = models.TextField(_("reactie op het advies"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("adviesaanvraag")
        verbose_name_plural = _("adviesaanvragen (afstemming)")
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return f"{self.ministry_label} ({self.get_status_display()})"

    @property
    def ministry_label(self) -> str:
        if self.ministry == Ministry.OTHER and self.ministry_other:
            return self.ministry_other
        return str(self.get_ministry_display())

    @property
    def is_open(self) -> bool:
        return self.status == ConsultationStatus.OPEN
