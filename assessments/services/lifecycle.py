"""An assessment from start to approval: scope, conditions, checks, scores, submit, four eyes, revise."""

from __future__ import annotations

from collections.abc import Collection
from typing import cast

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.models import User
from access.notifications import notify_task
from access.permissions import require, require_four_eyes
from audit.models import AuditRecord
from audit.services import audit_log
from cases.constants import HISTORICAL_TRANSACTION_BEFORE, SCOPE_GROUND_FACTS, ScopeGround, State
from cases.models import Case
from cases.selectors import team_members_who_may
from core.exceptions import Conflict, NotFound, RuleViolation

from ..constants import (
    AssessmentKind,
    AssessmentStatus,
    CheckAnswer,
    ConditionStatus,
    ReviewDecision,
)
from ..hooks import open_cabinet_conditions
from ..models import (
    Assessment,
    AssessmentReview,
    CheckFinding,
    ConditionFinding,
    FrameworkVersion,
    IndicatorScore,
    IndicatorSettlement,
)
from ..review_framework import CABINET_CONDITIONS_CHECK
from ..selectors import assessment_compute, assessment_open_items
from .common import (
    CASE_STATE_FOR_KIND,
    CASE_STATES_FOR_KIND,
    _clean_evidence,
    _clean_text,
    _lock,
    _require_draft,
    _require_lead,
    _timeline,
)
from .frameworks import framework_current


# ---------------------------------------------------------------------------------------------
# Assessments
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def assessment_start(*, user: User, case: Case, kind: str = AssessmentKind.INITIAL) -> Assessment:
    """Start an assessment with the current published framework version; its starter leads it."""
    require(user, "assessment.lead", case=case)
    if kind not in AssessmentKind.values:
        raise RuleViolation(_("Onbekende soort inschatting."), field="kind")
    case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if case.state not in CASE_STATES_FOR_KIND[kind]:
        raise Conflict(
            _("Een %(kind)s kan alleen in de status '%(state)s'.")
            % {"kind": AssessmentKind(kind).label, "state": State(CASE_STATE_FOR_KIND[kind]).label},
            code="invalid_state",
        )
    if Assessment.objects.filter(
        case=case, kind=kind, status__in=[AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED]
    ).exists():
        raise Conflict(_("Er loopt al een inschatting van deze soort voor deze casus."), code="already_open")
    framework = framework_current()
    return _create(user=user, case=case, kind=kind, framework=framework, revision=1, previous=None)


def _create(
    *, user: User, case: Case, kind: str, framework: FrameworkVersion, revision: int, previous: Assessment | None
) -> Assessment:
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                case=case, kind=kind, framework=framework, revision=revision, previous=previous, lead=user
            )
    except IntegrityError:
        raise Conflict(_("Er loopt al een inschatting van deze soort voor deze casus."), code="already_open") from None
    definition = framework.framework
    if kind == AssessmentKind.INITIAL:
        ConditionFinding.objects.bulk_create(
            [ConditionFinding(assessment=assessment, code=c.code) for c in definition.conditions]
        )
        CheckFinding.objects.bulk_create([CheckFinding(assessment=assessment, code=c.code) for c in definition.checks])
    elif definition.reviews_by_questions:
        # The risk review answers its own questions (v2 on: assessments.review_framework).
        CheckFinding.objects.bulk_create(
            [CheckFinding(assessment=assessment, code=c.code) for c in definition.checks_for(kind)]
        )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="assessment.start",
        obj=assessment,
        case_id=case.pk,
        changes={
            "kind": kind,
            "framework": f"v{framework.number}",
            "revision": revision,
            "previous": previous.pk if previous else None,
        },
    )
    return assessment


@transaction.atomic
def assessment_set_scope(
    *, user: User, assessment: Assessment, scope_ground: str, confirmed: bool | None, rationale: str = ""
) -> Assessment:
    """Confirm the scope ground (reikwijdte) the provision steps in on, or record that none applies."""
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    _require_draft(assessment)
    if assessment.kind != AssessmentKind.INITIAL:
        raise Conflict(_("Een risicoherbeoordeling heeft geen reikwijdtetoets."), code="not_applicable")
    scope_ground = scope_ground or ""
    if scope_ground and scope_ground not in ScopeGround.values:
        raise RuleViolation(_("Onbekende reikwijdtegrond."), field="scope_ground")
    if confirmed is True and not scope_ground:
        raise RuleViolation(_("Kies de reikwijdtegrond die u bevestigt."), field="scope_ground")
    if confirmed is True:
        _require_scope_facts(assessment.case, scope_ground)
    rationale = _clean_text(rationale, "scope_rationale", required=confirmed is not None)
    before = {"scope_ground": assessment.scope_ground, "confirmed": assessment.scope_ground_confirmed}
    assessment.scope_ground = scope_ground
    assessment.scope_ground_confirmed = confirmed
    assessment.scope_rationale = rationale
    assessment.save(update_fields=["scope_ground", "scope_ground_confirmed", "scope_rationale"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="assessment.scope",
        obj=assessment,
        case_id=assessment.case_id,
        changes={"before": before, "after": {"scope_ground": scope_ground, "confirmed": confirmed}},
    )
    return assessment


def _require_scope_facts(case: Case, scope_ground: str) -> None:
    """Grounds 3 and 4 are confirmed only on the facts the case records for them (letter,
    "Reikwijdte"): ground 3 "Historische transacties van vóór 8 september 2020", with the transaction's
    date before that day; ground 4 "Als door een toetsingsbesluit op grond van de Wet vifo financiering
    van een strategische start-up of scale-up niet plaats kan vinden en het bedrijf hierdoor in de
    problemen komt en failleert", with the decision (date, reference), the blocked financing and the
    threatened insolvency. The facts are the case's (cases.services); they are refused here as a
    broken rule (409), naming what the case lacks."""
    from cases.services import scope_fact_errors

    facts = SCOPE_GROUND_FACTS.get(scope_ground, ())
    missing = [
        name
        for name in facts
        if getattr(case, name) in (None, "")
        or (isinstance(getattr(case, name), str) and not getattr(case, name).strip())
    ]
    if missing:
        labels = ", ".join(str(Case._meta.get_field(name).verbose_name) for name in missing)
        raise Conflict(
            _(
                "Deze reikwijdtegrond kan pas worden bevestigd als de casus de feiten ervan vastlegt. "
                "Ontbreekt: %(fields)s."
            )
            % {"fields": labels},
            code="scope_facts_missing",
            extra={"missing": missing},
        )
    if (
        scope_ground == ScopeGround.HISTORICAL_TRANSACTION
        and case.historical_transaction_date is not None  # a missing date was refused above
        and case.historical_transaction_date >= HISTORICAL_TRANSACTION_BEFORE
    ):
        raise Conflict(
            _(
                "Reikwijdtegrond 3 geldt alleen voor transacties van vóór 8 september 2020 (Kamerbrief "
                "2023, Reikwijdte: “Historische transacties van vóór 8 september 2020”). De "
                "transactie van deze casus is van %(date)s."
            )
            % {"date": case.historical_transaction_date.strftime("%d-%m-%Y")},
            code="scope_ground_date",
        )
    errors = {name: message for name, message in scope_fact_errors(case).items() if name in facts}
    if errors:
        raise Conflict(" ".join(errors.values()), code="scope_facts_invalid")


def _require_rule(assessment: Assessment, present: bool) -> None:
    if not present:
        raise Conflict(
            _("De versie van het afwegingskader van deze inschatting (versie %(n)s) kent dit onderdeel niet.")
            % {"n": assessment.framework.number},
            code="not_in_version",
        )


@transaction.atomic
def assessment_set_policy_goal(
    *, user: User, assessment: Assessment, crucial: bool | None, rationale: str = ""
) -> Assessment:
    """Record whether the company is crucial to achieving policy goals: only then does the broader
    indicator count (letter: "Het gaat hier uitsluitend om bedrijven die cruciaal zijn voor het
    realiseren van beleidsdoelen, zoals de energietransitie, de woningbouwopgave,
    gezondheidsopgave"). "Crucial" needs a reason."""
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    _require_draft(assessment)
    _require_rule(assessment, assessment.framework.framework.broader_requires_crucial)
    if crucial not in (True, False, None):
        raise RuleViolation(_("Kies ja, nee of nog niet vastgesteld."), field="crucial")
    rationale = _clean_text(rationale, "rationale", required=crucial is True)
    before = {"crucial": assessment.policy_goal_crucial, "rationale": assessment.policy_goal_rationale}
    assessment.policy_goal_crucial = crucial
    assessment.policy_goal_rationale = rationale
    assessment.save(update_fields=["policy_goal_crucial", "policy_goal_rationale"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="assessment.policy_goal",
        obj=assessment,
        case_id=assessment.case_id,
        changes={"before": before, "after": {"crucial": crucial, "rationale": rationale}},
    )
    return assessment


@transaction.atomic
def assessment_set_low_indicators_justification(
    *, user: User, assessment: Assessment, justification: str
) -> Assessment:
    """Why condition 1 ("de voorziene investering of overname heeft risico's voor de nationale
    veiligheid tot gevolg") is met although every indicator is low; shown in the outcome and the
    cabinet report. An empty text withdraws it."""
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    _require_draft(assessment)
    _require_rule(assessment, bool(assessment.framework.framework.low_indicators_risk_levels))
    if assessment.kind != AssessmentKind.INITIAL:
        raise Conflict(_("Een risicoherbeoordeling heeft geen voorwaarden."), code="not_applicable")
    justification = _clean_text(justification, "justification", required=False)
    before = assessment.low_indicators_justification
    assessment.low_indicators_justification = justification
    assessment.save(update_fields=["low_indicators_justification"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="assessment.low_indicators_justification",
        obj=assessment,
        case_id=assessment.case_id,
        changes={"before": before, "after": justification},
    )
    return assessment


def _finding_set(
    *,
    user: User,
    assessment: Assessment,
    findings: str,
    code: str,
    field: str,
    value: str,
    choices: Collection[str],
    undetermined: str,
    unknown: str,
    not_in_version: str,
    rationale: str,
    evidence: object,
) -> ConditionFinding | CheckFinding:
    """Record the answer to one condition or check of the assessment's framework version."""
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    _require_draft(assessment)
    if value not in choices:
        raise RuleViolation(unknown, field=field)
    finding = getattr(assessment, findings).filter(code=code).first()
    if finding is None:
        raise NotFound(not_in_version)
    before = {field: getattr(finding, field), "rationale": finding.rationale}
    setattr(finding, field, value)
    finding.rationale = _clean_text(rationale, "rationale", required=value != undetermined)
    finding.evidence = _clean_evidence(evidence, user=user, case=assessment.case)
    finding.updated_by = user
    finding.save()
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event=f"assessment.{findings[:-1]}",
        obj=assessment,
        case_id=assessment.case_id,
        changes={"code": code, "before": before, "after": {field: value, "rationale": finding.rationale}},
    )
    return finding


@transaction.atomic
def assessment_set_condition(
    *, user: User, assessment: Assessment, code: str, status: str, rationale: str = "", evidence: object = None
) -> ConditionFinding:
    finding = _finding_set(
        user=user,
        assessment=assessment,
        findings="conditions",
        code=code,
        field="status",
        value=status,
        choices=ConditionStatus.values,
        undetermined=ConditionStatus.UNDETERMINED,
        unknown=_("Onbekend oordeel."),
        not_in_version=_("Deze voorwaarde hoort niet bij de versie van het afwegingskader."),
        rationale=rationale,
        evidence=evidence,
    )
    return cast(ConditionFinding, finding)  # the row of `conditions`


@transaction.atomic
def assessment_set_check(
    *, user: User, assessment: Assessment, code: str, answer: str, rationale: str = "", evidence: object = None
) -> CheckFinding:
    finding = _finding_set(
        user=user,
        assessment=assessment,
        findings="checks",
        code=code,
        field="answer",
        value=answer,
        choices=CheckAnswer.values,
        undetermined=CheckAnswer.UNDETERMINED,
        unknown=_("Onbekend antwoord."),
        not_in_version=_("Deze toets hoort niet bij de versie van het afwegingskader."),
        rationale=rationale,
        evidence=evidence,
    )
    return cast(CheckFinding, finding)  # the row of `checks`


def _validate_level(assessment: Assessment, indicator: str, level: object) -> None:
    framework = assessment.framework.framework
    if assessment.kind == AssessmentKind.RISK_REVIEW and framework.reviews_by_questions:
        # The company's importance does not fall when the threat goes: the review answers its
        # questions instead (assessments.review_framework).
        raise Conflict(
            _("Deze risicoheroverweging scoort geen indicatoren: beantwoord de vragen van de heroverweging."),
            code="not_applicable",
        )
    if framework.indicator(indicator) is None:
        raise RuleViolation(_("Deze indicator hoort niet bij de versie van het afwegingskader."), field="indicator")
    if not isinstance(level, int) or isinstance(level, bool) or level not in framework.levels:
        raise RuleViolation(
            _("Kies een niveau van de schaal (%(levels)s).") % {"levels": ", ".join(map(str, framework.levels))},
            field="level",
        )


@transaction.atomic
def assessment_score(
    *, user: User, assessment: Assessment, indicator: str, level: int, rationale: str, evidence: object = None
) -> IndicatorScore:
    """An assessor's own, independent score of one indicator (scoring again replaces it)."""
    assessment = _lock(assessment)
    require(user, "assessment.score", case=assessment.case)
    _require_draft(assessment)
    _validate_level(assessment, indicator, level)
    rationale = _clean_text(rationale, "rationale", required=True)
    evidence = _clean_evidence(evidence, user=user, case=assessment.case)
    score, created = IndicatorScore.objects.update_or_create(
        assessment=assessment,
        indicator=indicator,
        assessor=user,
        defaults={"level": level, "rationale": rationale, "evidence": evidence},
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE if created else AuditRecord.Action.UPDATE,
        event="assessment.score",
        obj=assessment,
        case_id=assessment.case_id,
        changes={"indicator": indicator, "level": level},
    )
    return score


@transaction.atomic
def assessment_settle(
    *, user: User, assessment: Assessment, indicator: str, level: int, rationale: str
) -> IndicatorSettlement:
    """The lead assessor settles an indicator's level (needed where the scores disagree)."""
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    _require_draft(assessment)
    _validate_level(assessment, indicator, level)
    rationale = _clean_text(rationale, "rationale", required=True)
    settlement, _created = IndicatorSettlement.objects.update_or_create(
        assessment=assessment,
        indicator=indicator,
        defaults={"level": level, "rationale": rationale, "settled_by": user},
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="assessment.settle",
        obj=assessment,
        case_id=assessment.case_id,
        changes={"indicator": indicator, "level": level, "rationale": rationale},
    )
    return settlement


def _missing_text(items: list[dict]) -> str:
    return "; ".join(f"{item['label']}: {item['text']}" for item in items)


def _require_ready(assessment: Assessment) -> dict:
    """The assessment can be finalised: a definite outcome and no open advice request. The rules are
    `assessments.selectors.assessment_open_items` (the page's progress list shows the same items);
    the refusal names each missing item (`extra.missing`: the codes, `extra.missing_items`: code,
    label, text and the page's section)."""
    result = assessment_compute(assessment)
    blocking = [i for i in assessment_open_items(assessment, result=result) if i["blocks_submit"]]
    undecided = [i for i in blocking if i["rule"] == "insufficient_information"]
    if undecided:
        if assessment.kind == AssessmentKind.INITIAL:
            message = _("Onvoldoende informatie: de inschatting kan nog niet worden afgerond.")
        elif assessment.framework.framework.reviews_by_questions:
            message = _("Nog geen conclusie: niet alle vragen van de heroverweging zijn beantwoord.")
        else:
            message = _("Het risiconiveau is nog niet te bepalen: niet alle kernindicatoren hebben een score.")
        raise Conflict(
            _("%(message)s Ontbreekt: %(items)s.") % {"message": message, "items": _missing_text(undecided)},
            code="insufficient_information",
            extra={"missing": [i["code"] for i in undecided], "missing_items": undecided},
        )
    if assessment.kind == AssessmentKind.RISK_REVIEW:
        _require_cabinet_conditions_settled(assessment)
    # Letter: EZK draws up the assessment "in afstemming met betrokken (vak)departementen".
    open_requests = [i for i in blocking if i["rule"] == "consultation_open"]
    if open_requests:
        raise Conflict(
            _("Er staan nog adviesaanvragen open: %(m)s. Wacht het advies af of zie er met reden van af.")
            % {"m": ", ".join(i["ministry_label"] for i in open_requests)},
            code="consultation_open",
            extra={
                "open_consultations": [i["consultation_id"] for i in open_requests],
                "missing": [i["code"] for i in open_requests],
                "missing_items": open_requests,
            },
        )
    return result


def _require_cabinet_conditions_settled(assessment: Assessment) -> None:
    """A risk review that answers "the cabinet's conditions are met" is checked against the fund's
    follow-ups of those conditions (bev DecisionCondition): none may still be open or breached."""
    answered_yes = assessment.checks.filter(code=CABINET_CONDITIONS_CHECK, answer=CheckAnswer.YES).exists()
    if not answered_yes:
        return
    still_open = open_cabinet_conditions(assessment.case_id)
    if still_open:
        raise Conflict(
            _(
                "De voorwaarden van het kabinet zijn niet allemaal nagekomen: %(c)s staan nog open of zijn "
                "niet nagekomen."
            )
            % {"c": len(still_open)},
            code="cabinet_conditions_open",
            extra={"open_conditions": still_open},
        )


@transaction.atomic
def assessment_submit(*, user: User, assessment: Assessment) -> Assessment:
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    if assessment.status != AssessmentStatus.DRAFT:
        raise Conflict(_("Alleen een concept kan worden ingediend."), code="not_draft")
    result = _require_ready(assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = user
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    _timeline(
        assessment.case,
        actor=user,
        data={"assessment": assessment.pk, "step": "submitted", "outcome": result["outcome"]},
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="assessment.submit",
        obj=assessment,
        case_id=assessment.case_id,
        changes={
            "status": {"before": "draft", "after": "submitted"},
            "outcome": result["outcome"],
            "risk_level": result["risk_level"],
        },
    )
    # Four eyes: the assessors who may approve it (never its authors) are told it waits on them.
    notify_task(
        recipients=team_members_who_may(
            case=assessment.case, action="assessment.approve", exclude=assessment_authors(assessment)
        ),
        kind=gettext_lazy("Vier ogen: risico-inschatting beoordelen"),
        reference=assessment.case.reference,
        path=reverse("assessments:detail", args=[assessment.pk]),
    )
    return assessment


def assessment_authors(assessment: Assessment) -> set[int]:
    """Who drew up this assessment (letter: "EZK stelt in eerste aanleg de risico-inschatting ... op";
    issue 20): its lead and submitter, and whoever recorded a finding on a condition or check or
    settled an indicator, also where a revision carries those over from an earlier one. Scores are
    not authorship: an independent second assessor's score is an input the lead weighs and settles,
    and that second assessor may be the one who approves (the letter asks for no third person, and
    "per direct" cases must not wait for one)."""
    return assessment_authors_of([assessment])[assessment.pk]


def assessment_authors_of(assessments: list[Assessment]) -> dict[int, set[int]]:
    """`assessment_authors` of many assessments in three queries ("Mijn werk"): {assessment id: authors}."""
    authors: dict[int, set[int | None]] = {a.pk: {a.lead_id, a.submitted_by_id} for a in assessments}
    ids = list(authors)
    for model, field in (
        (ConditionFinding, "updated_by_id"),
        (CheckFinding, "updated_by_id"),
        (IndicatorSettlement, "settled_by_id"),
    ):
        rows = model.objects.filter(assessment_id__in=ids).exclude(**{field: None}).values_list("assessment_id", field)
        for assessment_id, user_id in rows:
            authors[assessment_id].add(user_id)
    return {pk: {author for author in found if author is not None} for pk, found in authors.items()}


def _require_other_assessor(user: User, assessment: Assessment) -> None:
    require(user, "assessment.approve", case=assessment.case)
    # Four eyes by person, whatever role the author holds on the team now (issue 20).
    require_four_eyes(
        user,
        involved=assessment_authors(assessment),
        message=_("Vier ogen: wie de inschatting opstelde of indiende, kan haar niet zelf goedkeuren of terugsturen."),
    )


@transaction.atomic
def assessment_approve(*, user: User, assessment: Assessment, comments: str = "") -> Assessment:
    """A different assessor approves: the result is frozen and the assessment never changes again."""
    assessment = _lock(assessment)
    _require_other_assessor(user, assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise Conflict(_("Alleen een ingediende inschatting kan worden goedgekeurd."), code="not_submitted")
    expected = CASE_STATE_FOR_KIND[assessment.kind]
    if assessment.case.state not in CASE_STATES_FOR_KIND[assessment.kind]:
        raise Conflict(
            _("De casus staat niet meer in de status '%(state)s'.") % {"state": State(expected).label},
            code="invalid_state",
        )
    _require_ready(assessment)  # its refusals in the approver's language
    # The approved result is a record the cabinet report quotes (a state document, Dutch whatever the
    # approver's language): its texts ("Advies: inzetten ...", the labels) are written in Dutch, as
    # the report and the Kamerbrief are; they were in the approver's page language.
    with translation.override("nl"):
        result = assessment_compute(assessment)
    result["framework"] = {
        "id": assessment.framework_id,
        "number": assessment.framework.number,
        "name": assessment.framework.name,
        "derived_from_letter": assessment.framework.derived_from_letter,
    }
    assessment.status = AssessmentStatus.APPROVED
    assessment.approved_at = timezone.now()
    assessment.approved_by = user
    assessment.outcome = result["outcome"]
    assessment.risk_level = result["risk_level"]
    assessment.risk_manageable = result["risk_manageable"]
    assessment.result = result
    assessment.save(
        update_fields=["status", "approved_at", "approved_by", "outcome", "risk_level", "risk_manageable", "result"]
    )
    AssessmentReview.objects.create(
        assessment=assessment, decision=ReviewDecision.APPROVED, comments=(comments or "").strip(), reviewer=user
    )
    _timeline(
        assessment.case,
        actor=user,
        data={
            "assessment": assessment.pk,
            "step": "approved",
            "outcome": result["outcome"],
            "risk_level": result["risk_level"],
        },
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.APPROVE,
        event="assessment.approve",
        obj=assessment,
        case_id=assessment.case_id,
        changes={
            "status": {"before": "submitted", "after": "approved"},
            "outcome": result["outcome"],
            "risk_level": result["risk_level"],
            "risk_manageable": result["risk_manageable"],
        },
    )
    return assessment


@transaction.atomic
def assessment_return(*, user: User, assessment: Assessment, comments: str) -> Assessment:
    """A different assessor sends the submitted assessment back to the lead, with comments."""
    assessment = _lock(assessment)
    _require_other_assessor(user, assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise Conflict(_("Alleen een ingediende inschatting kan worden teruggestuurd."), code="not_submitted")
    comments = (comments or "").strip()
    if not comments:
        raise RuleViolation(_("Geef aan wat er moet veranderen."), field="comments")
    assessment.status = AssessmentStatus.DRAFT
    assessment.submitted_at = None
    assessment.submitted_by = None
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    AssessmentReview.objects.create(
        assessment=assessment, decision=ReviewDecision.RETURNED, comments=comments, reviewer=user
    )
    _timeline(assessment.case, actor=user, data={"assessment": assessment.pk, "step": "returned"})
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="assessment.return",
        obj=assessment,
        case_id=assessment.case_id,
        changes={"status": {"before": "submitted", "after": "draft"}, "comments": comments},
    )
    return assessment


@transaction.atomic
def assessment_revise(*, user: User, assessment: Assessment) -> Assessment:
    """A change to an approved assessment: a new draft revision that links to it, with its inputs
    copied and the same framework version (the old one stays as it was approved)."""
    old = _lock(assessment)
    require(user, "assessment.lead", case=old.case)
    if old.status != AssessmentStatus.APPROVED:
        raise Conflict(
            _("Alleen een goedgekeurde inschatting krijgt een nieuwe revisie; wijzig het concept."), code="not_approved"
        )
    if hasattr(old, "next_revision"):
        raise Conflict(_("Deze inschatting heeft al een nieuwere revisie."), code="already_revised")
    expected = CASE_STATE_FOR_KIND[old.kind]
    if old.case.state not in CASE_STATES_FOR_KIND[old.kind]:
        raise Conflict(
            _("Een revisie kan alleen in de status '%(state)s'.") % {"state": State(expected).label},
            code="invalid_state",
        )
    if Assessment.objects.filter(
        case=old.case, kind=old.kind, status__in=[AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED]
    ).exists():
        raise Conflict(_("Er loopt al een inschatting van deze soort voor deze casus."), code="already_open")
    new = _create(
        user=user, case=old.case, kind=old.kind, framework=old.framework, revision=old.revision + 1, previous=old
    )
    Assessment.objects.filter(pk=new.pk).update(
        scope_ground=old.scope_ground,
        scope_ground_confirmed=old.scope_ground_confirmed,
        scope_rationale=old.scope_rationale,
        policy_goal_crucial=old.policy_goal_crucial,
        policy_goal_rationale=old.policy_goal_rationale,
        low_indicators_justification=old.low_indicators_justification,
        no_consultation_reason=old.no_consultation_reason,
    )
    for row in old.conditions.all():
        new.conditions.filter(code=row.code).update(
            status=row.status, rationale=row.rationale, evidence=row.evidence, updated_by=row.updated_by
        )
    # For a follow-on decision the critical checks (last resort, no strategic behaviour: "steeds")
    # are answered afresh; the indicators and conditions carry over and may be revised.
    for check in [] if old.case.state == State.FOLLOW_ON_DECISION else old.checks.all():
        new.checks.filter(code=check.code).update(
            answer=check.answer, rationale=check.rationale, evidence=check.evidence, updated_by=check.updated_by
        )
    IndicatorScore.objects.bulk_create(
        [
            IndicatorScore(
                assessment=new,
                indicator=s.indicator,
                assessor=s.assessor,
                level=s.level,
                rationale=s.rationale,
                evidence=s.evidence,
            )
            for s in old.scores.all()
        ]
    )
    IndicatorSettlement.objects.bulk_create(
        [
            IndicatorSettlement(
                assessment=new, indicator=s.indicator, level=s.level, rationale=s.rationale, settled_by=s.settled_by
            )
            for s in old.settlements.all()
        ]
    )
    new.refresh_from_db()
    return new
