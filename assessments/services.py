"""Services of the afwegingskader: every change to a framework version, an assessment or a
consultation, each in one transaction with its audit record.

Who does what (access.roles): risk assessors score (`assessment.score`); the lead assessor (who
started the assessment, `assessment.lead`) records the conditions, checks and scope ground, settles
disagreeing scores, consults the ministries and submits; a *different* assessor approves or returns
it (`assessment.approve`, four eyes); department advisors answer the request addressed to them.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import require
from access.roles import Role
from audit.models import AuditRecord
from audit.services import audit_log
from cases.constants import ScopeGround, State
from cases.models import Case
from cases.services import case_note_record
from core.exceptions import Conflict, NotFound, PermissionDenied, RuleViolation
from documents import services as documents
from documents.constants import DocumentType
from documents.models import Document, DocumentLink

from .cabinet_report import render_docx, render_pdf
from .constants import (
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
from .framework import validate_definition
from .models import (
    Assessment,
    AssessmentReview,
    CheckFinding,
    ConditionFinding,
    ConsultationRequest,
    FrameworkVersion,
    IndicatorScore,
    IndicatorSettlement,
)
from .selectors import assessment_compute, assessment_report_context

# The case state in which each kind of assessment is made: the initial risk assessment in
# risk_assessment (letter: "Op basis van deze risico-inschatting beslist het kabinet"), risk reviews
# while the stake is held (letter: the State winds down "zodra de risico's ... tot op een
# beheersbaar niveau zijn gebracht").
CASE_STATE_FOR_KIND = {AssessmentKind.INITIAL: State.RISK_ASSESSMENT, AssessmentKind.RISK_REVIEW: State.MONITORING}


# ---------------------------------------------------------------------------------------------
# Framework versions
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def framework_create_draft(*, user, name: str, definition: dict, notes: str = "") -> FrameworkVersion:
    """A new draft version (an administrator's); it takes the next version number."""
    require(user, "framework.publish")
    if not (name or "").strip():
        raise RuleViolation(_("Een naam is verplicht."), field="name")
    validate_definition(definition)
    number = (FrameworkVersion.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
    version = FrameworkVersion.objects.create(number=number, name=name.strip(), definition=definition,
                                              notes=notes, created_by=user)
    audit_log(actor=user, action=AuditRecord.Action.CREATE, event="framework.create", obj=version,
              changes={"number": number, "name": version.name})
    return version


@transaction.atomic
def framework_update_draft(*, user, framework: FrameworkVersion, name: str | None = None,
                           definition: dict | None = None, notes: str | None = None) -> FrameworkVersion:
    require(user, "framework.publish")
    framework = FrameworkVersion.objects.select_for_update(no_key=True).get(pk=framework.pk)
    if framework.is_published:
        raise Conflict(_("Een gepubliceerde versie verandert nooit: maak een nieuwe versie."), code="published")
    if definition is not None:
        framework.definition = validate_definition(definition)
    if name is not None:
        framework.name = name.strip()
    if notes is not None:
        framework.notes = notes
    framework.save()
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="framework.update", obj=framework)
    return framework


@transaction.atomic
def framework_publish(*, user, framework: FrameworkVersion) -> FrameworkVersion:
    """Publish a draft: from now on new assessments use it. Existing assessments keep theirs."""
    require(user, "framework.publish")
    framework = FrameworkVersion.objects.select_for_update(no_key=True).get(pk=framework.pk)
    if framework.is_published:
        raise Conflict(_("Deze versie is al gepubliceerd."), code="already_published")
    validate_definition(framework.definition)
    FrameworkVersion.objects.filter(pk=framework.pk).update(status=FrameworkStatus.PUBLISHED,
                                                            published_at=timezone.now(), published_by=user)
    framework.refresh_from_db()
    audit_log(actor=user, action=AuditRecord.Action.APPROVE, event="framework.publish", obj=framework,
              changes={"status": {"before": FrameworkStatus.DRAFT, "after": FrameworkStatus.PUBLISHED}})
    return framework


def framework_current() -> FrameworkVersion:
    """The latest published version. The default version from the letter is always there (the data
    migration creates it; it is recreated if the table was emptied, e.g. a flushed test database)."""
    version = FrameworkVersion.objects.filter(status=FrameworkStatus.PUBLISHED).order_by("-number").first()
    if version is None:
        from .default_framework import ensure_default_framework

        ensure_default_framework()
        version = FrameworkVersion.objects.filter(status=FrameworkStatus.PUBLISHED).order_by("-number").first()
    if version is None:
        raise Conflict(_("Er is geen gepubliceerde versie van het afwegingskader."), code="no_framework")
    return version


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _lock(assessment: Assessment) -> Assessment:
    """Re-read the assessment under a row lock: status checks see the committed truth."""
    locked = Assessment.objects.select_for_update(no_key=True, of=("self",)).select_related("framework", "case").get(pk=assessment.pk)
    locked.case.forget_team()
    return locked


def _require_draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise Conflict(_("Alleen een concept kan worden gewijzigd; een goedgekeurde inschatting verandert nooit "
                         "(maak een nieuwe revisie)."), code="not_draft")


def _require_lead(user, assessment: Assessment) -> None:
    require(user, "assessment.lead", case=assessment.case)
    if assessment.lead_id != user.pk:
        raise PermissionDenied(_("Alleen de eerste beoordelaar van deze inschatting kan dit doen."), code="not_lead")


def _clean_text(value: str | None, field: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(_("Een onderbouwing is verplicht."), field=field)
    return value


def _clean_evidence(evidence, *, user, case: Case) -> list[dict]:
    """Evidence: a list of {"title", "source", "document_id", "url"}; a title or a document each.
    A document must be one of this case's documents that the person may see (need-to-know)."""
    from documents.selectors import document_list

    if evidence in (None, ""):
        return []
    if not isinstance(evidence, list):
        raise RuleViolation(_("Bewijs is een lijst van bronnen."), field="evidence")
    cleaned = []
    for row in evidence:
        if not isinstance(row, dict):
            raise RuleViolation(_("Elke bron is een object met een titel of document."), field="evidence")
        item = {"title": str(row.get("title") or "").strip()[:300], "source": str(row.get("source") or "").strip()[:300],
                "url": str(row.get("url") or "").strip()[:500], "document_id": row.get("document_id")}
        if item["document_id"] is not None:
            if not isinstance(item["document_id"], int) or isinstance(item["document_id"], bool):
                raise RuleViolation(_("Een document-id is een geheel getal."), field="evidence")
            document = document_list(user=user, case=case).filter(pk=item["document_id"]).first()
            if document is None:
                raise RuleViolation(_("Document %(id)s hoort niet bij het dossier van deze casus.")
                                    % {"id": item["document_id"]}, field="evidence")
            item["title"] = item["title"] or document.title
        if not item["title"]:
            raise RuleViolation(_("Elke bron heeft een titel of een document."), field="evidence")
        cleaned.append(item)
    return cleaned


def _timeline(case: Case, *, actor, data: dict) -> None:
    case_note_record(case=case, actor=actor, data=data)


# ---------------------------------------------------------------------------------------------
# Assessments
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def assessment_start(*, user, case: Case, kind: str = AssessmentKind.INITIAL) -> Assessment:
    """Start an assessment with the current published framework version; its starter leads it."""
    require(user, "assessment.lead", case=case)
    if kind not in AssessmentKind.values:
        raise RuleViolation(_("Onbekende soort inschatting."), field="kind")
    case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if case.state != CASE_STATE_FOR_KIND[kind]:
        raise Conflict(_("Een %(kind)s kan alleen in de status '%(state)s'.")
                       % {"kind": AssessmentKind(kind).label, "state": State(CASE_STATE_FOR_KIND[kind]).label},
                       code="invalid_state")
    if Assessment.objects.filter(case=case, kind=kind, status__in=[AssessmentStatus.DRAFT,
                                                                   AssessmentStatus.SUBMITTED]).exists():
        raise Conflict(_("Er loopt al een inschatting van deze soort voor deze casus."), code="already_open")
    framework = framework_current()
    return _create(user=user, case=case, kind=kind, framework=framework, revision=1, previous=None)


def _create(*, user, case, kind, framework, revision, previous) -> Assessment:
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(case=case, kind=kind, framework=framework, revision=revision,
                                                   previous=previous, lead=user)
    except IntegrityError:
        raise Conflict(_("Er loopt al een inschatting van deze soort voor deze casus."), code="already_open") from None
    definition = framework.framework
    if kind == AssessmentKind.INITIAL:
        ConditionFinding.objects.bulk_create([ConditionFinding(assessment=assessment, code=c.code)
                                              for c in definition.conditions])
        CheckFinding.objects.bulk_create([CheckFinding(assessment=assessment, code=c.code)
                                          for c in definition.checks])
    audit_log(actor=user, action=AuditRecord.Action.CREATE, event="assessment.start", obj=assessment,
              case_id=case.pk, changes={"kind": kind, "framework": f"v{framework.number}", "revision": revision,
                                        "previous": previous.pk if previous else None})
    return assessment


@transaction.atomic
def assessment_set_scope(*, user, assessment: Assessment, scope_ground: str, confirmed: bool | None,
                         rationale: str = "") -> Assessment:
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
    rationale = _clean_text(rationale, "scope_rationale", required=confirmed is not None)
    before = {"scope_ground": assessment.scope_ground, "confirmed": assessment.scope_ground_confirmed}
    assessment.scope_ground = scope_ground
    assessment.scope_ground_confirmed = confirmed
    assessment.scope_rationale = rationale
    assessment.save(update_fields=["scope_ground", "scope_ground_confirmed", "scope_rationale"])
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="assessment.scope", obj=assessment,
              case_id=assessment.case_id, changes={"before": before,
                                                   "after": {"scope_ground": scope_ground, "confirmed": confirmed}})
    return assessment


def _finding_set(*, user, assessment: Assessment, findings: str, code: str, field: str, value: str,
                 choices, undetermined: str, unknown: str, not_in_version: str, rationale: str, evidence):
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
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event=f"assessment.{findings[:-1]}", obj=assessment,
              case_id=assessment.case_id, changes={"code": code, "before": before,
                                                   "after": {field: value, "rationale": finding.rationale}})
    return finding


@transaction.atomic
def assessment_set_condition(*, user, assessment: Assessment, code: str, status: str, rationale: str = "",
                             evidence=None) -> ConditionFinding:
    return _finding_set(user=user, assessment=assessment, findings="conditions", code=code, field="status",
                        value=status, choices=ConditionStatus.values, undetermined=ConditionStatus.UNDETERMINED,
                        unknown=_("Onbekend oordeel."),
                        not_in_version=_("Deze voorwaarde hoort niet bij de versie van het afwegingskader."),
                        rationale=rationale, evidence=evidence)


@transaction.atomic
def assessment_set_check(*, user, assessment: Assessment, code: str, answer: str, rationale: str = "",
                         evidence=None) -> CheckFinding:
    return _finding_set(user=user, assessment=assessment, findings="checks", code=code, field="answer",
                        value=answer, choices=CheckAnswer.values, undetermined=CheckAnswer.UNDETERMINED,
                        unknown=_("Onbekend antwoord."),
                        not_in_version=_("Deze toets hoort niet bij de versie van het afwegingskader."),
                        rationale=rationale, evidence=evidence)


def _validate_level(assessment: Assessment, indicator: str, level) -> None:
    framework = assessment.framework.framework
    if framework.indicator(indicator) is None:
        raise RuleViolation(_("Deze indicator hoort niet bij de versie van het afwegingskader."), field="indicator")
    if not isinstance(level, int) or isinstance(level, bool) or level not in framework.levels:
        raise RuleViolation(_("Kies een niveau van de schaal (%(levels)s).")
                            % {"levels": ", ".join(map(str, framework.levels))}, field="level")


@transaction.atomic
def assessment_score(*, user, assessment: Assessment, indicator: str, level: int, rationale: str,
                     evidence=None) -> IndicatorScore:
    """An assessor's own, independent score of one indicator (scoring again replaces it)."""
    assessment = _lock(assessment)
    require(user, "assessment.score", case=assessment.case)
    _require_draft(assessment)
    _validate_level(assessment, indicator, level)
    rationale = _clean_text(rationale, "rationale", required=True)
    evidence = _clean_evidence(evidence, user=user, case=assessment.case)
    score, created = IndicatorScore.objects.update_or_create(
        assessment=assessment, indicator=indicator, assessor=user,
        defaults={"level": level, "rationale": rationale, "evidence": evidence})
    audit_log(actor=user, action=AuditRecord.Action.CREATE if created else AuditRecord.Action.UPDATE,
              event="assessment.score", obj=assessment, case_id=assessment.case_id,
              changes={"indicator": indicator, "level": level})
    return score


@transaction.atomic
def assessment_settle(*, user, assessment: Assessment, indicator: str, level: int, rationale: str) -> IndicatorSettlement:
    """The lead assessor settles an indicator's level (needed where the scores disagree)."""
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    _require_draft(assessment)
    _validate_level(assessment, indicator, level)
    rationale = _clean_text(rationale, "rationale", required=True)
    settlement, _created = IndicatorSettlement.objects.update_or_create(
        assessment=assessment, indicator=indicator,
        defaults={"level": level, "rationale": rationale, "settled_by": user})
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="assessment.settle", obj=assessment,
              case_id=assessment.case_id, changes={"indicator": indicator, "level": level, "rationale": rationale})
    return settlement


def _open_consultations(assessment: Assessment) -> list[ConsultationRequest]:
    return list(assessment.consultations.filter(status=ConsultationStatus.OPEN))


def _require_ready(assessment: Assessment) -> dict:
    """The assessment can be finalised: a definite outcome and no open advice request."""
    result = assessment_compute(assessment)
    if assessment.kind == AssessmentKind.INITIAL and result["outcome"] == Outcome.INSUFFICIENT_INFORMATION:
        raise Conflict(_("Onvoldoende informatie: de inschatting kan nog niet worden afgerond."),
                       code="insufficient_information", extra={"missing": [m["code"] for m in result["missing"]]})
    if assessment.kind == AssessmentKind.RISK_REVIEW and result["risk_manageable"] is None:
        raise Conflict(_("Het risiconiveau is nog niet te bepalen: niet alle kernindicatoren hebben een score."),
                       code="insufficient_information", extra={"missing": [m["code"] for m in result["missing"]]})
    # Letter: EZK draws up the assessment "in afstemming met betrokken (vak)departementen".
    open_requests = _open_consultations(assessment)
    if open_requests:
        raise Conflict(_("Er staan nog adviesaanvragen open: %(m)s. Wacht het advies af of zie er met reden van af.")
                       % {"m": ", ".join(c.ministry_label for c in open_requests)}, code="consultation_open",
                       extra={"open_consultations": [c.pk for c in open_requests]})
    return result


@transaction.atomic
def assessment_submit(*, user, assessment: Assessment) -> Assessment:
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    if assessment.status != AssessmentStatus.DRAFT:
        raise Conflict(_("Alleen een concept kan worden ingediend."), code="not_draft")
    result = _require_ready(assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = user
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    _timeline(assessment.case, actor=user, data={"assessment": assessment.pk, "step": "submitted",
                                                 "outcome": result["outcome"]})
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="assessment.submit", obj=assessment,
              case_id=assessment.case_id, changes={"status": {"before": "draft", "after": "submitted"},
                                                   "outcome": result["outcome"], "risk_level": result["risk_level"]})
    return assessment


def _require_other_assessor(user, assessment: Assessment) -> None:
    require(user, "assessment.approve", case=assessment.case)
    if user.pk in (assessment.lead_id, assessment.submitted_by_id):
        raise PermissionDenied(_("Vier ogen: wie de inschatting opstelde of indiende, kan haar niet zelf goedkeuren "
                                 "of terugsturen."), code="four_eyes")


@transaction.atomic
def assessment_approve(*, user, assessment: Assessment, comments: str = "") -> Assessment:
    """A different assessor approves: the result is frozen and the assessment never changes again."""
    assessment = _lock(assessment)
    _require_other_assessor(user, assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise Conflict(_("Alleen een ingediende inschatting kan worden goedgekeurd."), code="not_submitted")
    expected = CASE_STATE_FOR_KIND[assessment.kind]
    if assessment.case.state != expected:
        raise Conflict(_("De casus staat niet meer in de status '%(state)s'.") % {"state": State(expected).label},
                       code="invalid_state")
    result = _require_ready(assessment)
    result["framework"] = {"id": assessment.framework_id, "number": assessment.framework.number,
                           "name": assessment.framework.name,
                           "derived_from_letter": assessment.framework.derived_from_letter}
    assessment.status = AssessmentStatus.APPROVED
    assessment.approved_at = timezone.now()
    assessment.approved_by = user
    assessment.outcome = result["outcome"]
    assessment.risk_level = result["risk_level"]
    assessment.risk_manageable = result["risk_manageable"]
    assessment.result = result
    assessment.save(update_fields=["status", "approved_at", "approved_by", "outcome", "risk_level",
                                   "risk_manageable", "result"])
    AssessmentReview.objects.create(assessment=assessment, decision=ReviewDecision.APPROVED,
                                    comments=(comments or "").strip(), reviewer=user)
    _timeline(assessment.case, actor=user, data={"assessment": assessment.pk, "step": "approved",
                                                 "outcome": result["outcome"], "risk_level": result["risk_level"]})
    audit_log(actor=user, action=AuditRecord.Action.APPROVE, event="assessment.approve", obj=assessment,
              case_id=assessment.case_id, changes={"status": {"before": "submitted", "after": "approved"},
                                                   "outcome": result["outcome"], "risk_level": result["risk_level"],
                                                   "risk_manageable": result["risk_manageable"]})
    return assessment


@transaction.atomic
def assessment_return(*, user, assessment: Assessment, comments: str) -> Assessment:
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
    AssessmentReview.objects.create(assessment=assessment, decision=ReviewDecision.RETURNED, comments=comments,
                                    reviewer=user)
    _timeline(assessment.case, actor=user, data={"assessment": assessment.pk, "step": "returned"})
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="assessment.return", obj=assessment,
              case_id=assessment.case_id, changes={"status": {"before": "submitted", "after": "draft"},
                                                   "comments": comments})
    return assessment


@transaction.atomic
def assessment_revise(*, user, assessment: Assessment) -> Assessment:
    """A change to an approved assessment: a new draft revision that links to it, with its inputs
    copied and the same framework version (the old one stays as it was approved)."""
    old = _lock(assessment)
    require(user, "assessment.lead", case=old.case)
    if old.status != AssessmentStatus.APPROVED:
        raise Conflict(_("Alleen een goedgekeurde inschatting krijgt een nieuwe revisie; wijzig het concept."),
                       code="not_approved")
    if hasattr(old, "next_revision"):
        raise Conflict(_("Deze inschatting heeft al een nieuwere revisie."), code="already_revised")
    expected = CASE_STATE_FOR_KIND[old.kind]
    if old.case.state != expected:
        raise Conflict(_("Een revisie kan alleen in de status '%(state)s'.") % {"state": State(expected).label},
                       code="invalid_state")
    if Assessment.objects.filter(case=old.case, kind=old.kind,
                                 status__in=[AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED]).exists():
        raise Conflict(_("Er loopt al een inschatting van deze soort voor deze casus."), code="already_open")
    new = _create(user=user, case=old.case, kind=old.kind, framework=old.framework, revision=old.revision + 1,
                  previous=old)
    Assessment.objects.filter(pk=new.pk).update(scope_ground=old.scope_ground,
                                                scope_ground_confirmed=old.scope_ground_confirmed,
                                                scope_rationale=old.scope_rationale)
    for row in old.conditions.all():
        new.conditions.filter(code=row.code).update(status=row.status, rationale=row.rationale,
                                                    evidence=row.evidence, updated_by=row.updated_by)
    for row in old.checks.all():
        new.checks.filter(code=row.code).update(answer=row.answer, rationale=row.rationale, evidence=row.evidence,
                                                updated_by=row.updated_by)
    IndicatorScore.objects.bulk_create([
        IndicatorScore(assessment=new, indicator=s.indicator, assessor=s.assessor, level=s.level,
                       rationale=s.rationale, evidence=s.evidence) for s in old.scores.all()])
    IndicatorSettlement.objects.bulk_create([
        IndicatorSettlement(assessment=new, indicator=s.indicator, level=s.level, rationale=s.rationale,
                            settled_by=s.settled_by) for s in old.settlements.all()])
    new.refresh_from_db()
    return new


# ---------------------------------------------------------------------------------------------
# Consultation (afstemming)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def consultation_request(*, user, assessment: Assessment, ministry: str, advisor, question: str,
                         covers: list[str], due_date: date, ministry_other: str = "") -> ConsultationRequest:
    """The lead assessor asks a ministry concerned for advice on some parts of the assessment."""
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    require(user, "assessment.request_advice", case=assessment.case)
    _require_draft(assessment)
    errors = {}
    if ministry not in Ministry.values:
        errors["ministry"] = _("Onbekend ministerie.")
    elif ministry == Ministry.OTHER and not (ministry_other or "").strip():
        errors["ministry_other"] = _("Noem het ministerie.")
    if advisor is None or assessment.case.role_of(advisor) != Role.DEPARTMENT_ADVISOR:
        errors["advisor"] = _("De adviseur moet als departementaal adviseur in het casusteam staan.")
    if not (question or "").strip():
        errors["question"] = _("Stel de adviesvraag.")
    codes = list(dict.fromkeys(covers or []))
    unknown = [c for c in codes if c not in assessment.framework.framework.all_codes]
    if not codes:
        errors["covers"] = _("Kies ten minste één onderdeel waarover advies wordt gevraagd.")
    elif unknown:
        errors["covers"] = _("Onbekende onderdelen: %(c)s.") % {"c": ", ".join(map(str, unknown))}
    if not isinstance(due_date, date) or due_date < timezone.localdate():
        errors["due_date"] = _("De uiterste datum ligt niet in het verleden.")
    if errors:
        raise ValidationError(errors)
    consultation = ConsultationRequest.objects.create(
        assessment=assessment, ministry=ministry, ministry_other=(ministry_other or "").strip(), advisor=advisor,
        question=question.strip(), covers=codes, due_date=due_date, requested_by=user)
    audit_log(actor=user, action=AuditRecord.Action.CREATE, event="consultation.request", obj=consultation,
              case_id=assessment.case_id, changes={"ministry": ministry, "advisor": advisor.username,
                                                   "covers": codes, "due_date": due_date})
    return consultation


@transaction.atomic
def consultation_answer(*, user, consultation: ConsultationRequest, position: str, advice: str) -> ConsultationRequest:
    """The department advisor the request is addressed to answers it."""
    consultation = ConsultationRequest.objects.select_for_update(no_key=True, of=("self",)).select_related("assessment__case").get(
        pk=consultation.pk)
    case = consultation.assessment.case
    if consultation.advisor_id != user.pk:
        raise NotFound(_("Adviesaanvraag niet gevonden."))
    require(user, "assessment.answer_advice", case=case)
    if consultation.status != ConsultationStatus.OPEN:
        raise Conflict(_("Deze adviesaanvraag is al afgehandeld."), code="not_open")
    if consultation.assessment.status == AssessmentStatus.APPROVED:
        raise Conflict(_("De inschatting is al goedgekeurd."), code="approved")
    errors = {}
    if position not in AdvicePosition.values:
        errors["position"] = _("Kies steunt, heeft zorgen of maakt bezwaar.")
    if not (advice or "").strip():
        errors["advice"] = _("Licht het advies toe.")
    if errors:
        raise ValidationError(errors)
    consultation.status = ConsultationStatus.ANSWERED
    consultation.position = position
    consultation.advice = advice.strip()
    consultation.answered_by = user
    consultation.answered_at = timezone.now()
    consultation.save(update_fields=["status", "position", "advice", "answered_by", "answered_at"])
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="consultation.answer", obj=consultation,
              case_id=case.pk, changes={"status": {"before": "open", "after": "answered"}, "position": position})
    return consultation


@transaction.atomic
def consultation_waive(*, user, consultation: ConsultationRequest, reason: str) -> ConsultationRequest:
    """The lead assessor proceeds without an open advice, recording why."""
    consultation = ConsultationRequest.objects.select_for_update(no_key=True, of=("self",)).select_related("assessment__case").get(
        pk=consultation.pk)
    _require_lead(user, consultation.assessment)
    if consultation.status != ConsultationStatus.OPEN:
        raise Conflict(_("Deze adviesaanvraag is al afgehandeld."), code="not_open")
    if consultation.assessment.status == AssessmentStatus.APPROVED:
        raise Conflict(_("De inschatting is al goedgekeurd."), code="approved")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Een reden is verplicht om af te zien van het advies."), field="reason")
    consultation.status = ConsultationStatus.WAIVED
    consultation.waiver_reason = reason
    consultation.waived_by = user
    consultation.waived_at = timezone.now()
    consultation.save(update_fields=["status", "waiver_reason", "waived_by", "waived_at"])
    audit_log(actor=user, action=AuditRecord.Action.UPDATE, event="consultation.waive", obj=consultation,
              case_id=consultation.assessment.case_id,
              changes={"status": {"before": "open", "after": "waived"}, "reason": reason})
    return consultation


def flag_overdue_consultations(*, now: datetime | None = None) -> list[ConsultationRequest]:
    """Flag each open request past its due date once, and tell the lead assessor and the advisor."""
    from django.core.mail import send_mail

    now = now or timezone.now()
    today = timezone.localdate(now)
    flagged = []
    overdue = (ConsultationRequest.objects.filter(status=ConsultationStatus.OPEN, overdue_flagged_at__isnull=True,
                                                  due_date__lt=today)
               .select_related("assessment__case", "assessment__lead", "advisor"))
    for consultation in overdue:
        with transaction.atomic():
            if not ConsultationRequest.objects.filter(pk=consultation.pk, overdue_flagged_at__isnull=True,
                                                      status=ConsultationStatus.OPEN).update(overdue_flagged_at=now):
                continue  # answered, waived or flagged by another worker meanwhile
            case = consultation.assessment.case
            audit_log(actor=None, action=AuditRecord.Action.OTHER, event="consultation.overdue", obj=consultation,
                      case_id=case.pk, changes={"due_date": consultation.due_date})
            recipients = [e for e in (consultation.assessment.lead.email, consultation.advisor.email) if e]
            # The mail names only the reference: case content stays inside the service.
            transaction.on_commit(lambda r=recipients, c=case, m=consultation.ministry_label: r and send_mail(
                subject=f"[BEV] Advies verlopen: {c.reference}",
                message=f"Het gevraagde advies van {m} voor casus {c.reference} is niet op tijd gegeven.",
                from_email=None, recipient_list=r, fail_silently=True))
            flagged.append(consultation)
    return flagged


# ---------------------------------------------------------------------------------------------
# The cabinet's risk assessment report
# ---------------------------------------------------------------------------------------------
def assessment_report_generate(*, user, assessment) -> Document:
    """Render the approved assessment as the report for the ministerraad (PDF, plus an editable DOCX)
    and store both as documents of the case; a revised assessment gives new versions of the same
    two documents. Returns the PDF document.

    Letter, "Afwegingskader": "Op basis van deze risico-inschatting beslist het kabinet over de
    inzet van de voorziening.\""""
    case = assessment.case
    if not Case.objects.case_file_visible_to(user).filter(pk=case.pk).exists():
        raise NotFound(_("Casus niet gevonden."))
    require(user, "assessment.generate_report", case=case)
    if getattr(assessment, "status", None) != "approved":
        raise Conflict(_("Alleen een goedgekeurde risico-inschatting gaat als rapport naar de ministerraad."),
                       code="assessment_not_approved")
    context = assessment_report_context(assessment=assessment)
    kind = getattr(assessment, "kind", "initial")
    revision = f"assessment:{assessment.pk}:r{getattr(assessment, 'revision', 1)}"
    stem = f"risico-inschatting-{case.reference}-r{getattr(assessment, 'revision', 1)}"
    title = _("Risico-inschatting voor de ministerraad")
    if kind != "initial":
        title = _("Periodieke risicoherbeoordeling")
    stored = {}
    for extension, render, label in (("pdf", render_pdf, "PDF"), ("docx", render_docx, _("DOCX, bewerkbaar"))):
        stored[extension] = documents.generated_document_store(
            user=user, case=case, title=f"{title} ({label})", document_type=DocumentType.ASSESSMENT_REPORT,
            filename=f"{stem}.{extension}", content=render(context), classification=case.classification,
            source_key=f"assessment-report:{kind}:{extension}", source_revision=revision)
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(type(assessment))
        for version in stored.values():
            DocumentLink.objects.get_or_create(document=version.document, target_type=content_type,
                                               target_id=str(assessment.pk), defaults={"created_by": user})
    return stored["pdf"].document
