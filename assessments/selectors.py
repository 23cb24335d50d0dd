"""Reads of the afwegingskader.

Cases are reached only through `Case.objects.visible_to(user)`. Assessments are read by the case
team except department advisors (`assessment.view`); a department advisor reaches only the
consultation requests addressed to them and the parts of the assessment those cover: anything else
does not exist for them (404).

The two hooks the case lifecycle asks (cases.guards) are at the end of the file.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from access.permissions import can
from access.roles import Role, roles_for
from audit.models import AuditRecord
from audit.services import audit_log
from cases.constants import ScopeGround
from cases.models import Case
from core.exceptions import NotFound

from .constants import (
    AdvicePosition,
    AssessmentKind,
    AssessmentStatus,
    CheckAnswer,
    ConditionStatus,
    ConsultationStatus,
    FrameworkStatus,
    Outcome,
)
from .models import Assessment, ConsultationRequest, FrameworkVersion
from .services import assessment_compute


# ---------------------------------------------------------------------------------------------
# Framework versions
# ---------------------------------------------------------------------------------------------
def framework_list(*, user) -> QuerySet[FrameworkVersion]:
    """Published versions for everyone; drafts too for those who may publish."""
    qs = FrameworkVersion.objects.select_related("published_by", "created_by").order_by("-number")
    if can(user, "framework.publish"):
        return qs
    return qs.filter(status=FrameworkStatus.PUBLISHED)


def framework_get(*, user, framework_id) -> FrameworkVersion:
    try:
        return framework_list(user=user).get(pk=framework_id)
    except (FrameworkVersion.DoesNotExist, ValueError, TypeError):
        raise NotFound("Versie van het afwegingskader niet gevonden.") from None


def framework_description(framework: FrameworkVersion) -> dict:
    """A version in full, with its items (labels, guidance citing the letter), scale and thresholds."""
    f = framework.framework
    return {
        "id": framework.pk, "number": framework.number, "name": framework.name, "status": framework.status,
        "derived_from_letter": framework.derived_from_letter, "notes": framework.notes,
        "published_at": framework.published_at,
        "scale": f.scale,
        "conditions": [i.as_dict() for i in f.conditions],
        "indicators": [i.as_dict() for i in f.indicators],
        "checks": [i.as_dict() for i in f.checks],
        "risk_levels": f.risk_levels,
        "manageable_risk_levels": f.manageable_risk_levels,
        "disagreement_spread": f.disagreement_spread,
    }


# ---------------------------------------------------------------------------------------------
# Assessments
# ---------------------------------------------------------------------------------------------
def assessment_list(*, user, case_id: int | None = None) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(
        case__in=Case.objects.visible_to(user),
        case__team__user=user, case__team__role__in=roles_for("assessment.view"),
    ).select_related("case", "framework", "lead", "approved_by", "submitted_by").order_by("-created_at", "-id")
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs


def assessment_get(*, user, assessment_id, audit_read: bool = False) -> Assessment:
    try:
        assessment = assessment_list(user=user).get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise NotFound("Risico-inschatting niet gevonden.") from None
    if audit_read:
        with transaction.atomic():
            audit_log(actor=user, action=AuditRecord.Action.READ, event="assessment.read", obj=assessment,
                      case_id=assessment.case_id)
    return assessment


def assessment_result(*, assessment: Assessment) -> dict:
    """The outcome with its explanation: as frozen at approval, or as the inputs stand now."""
    if assessment.status == AssessmentStatus.APPROVED and assessment.result:
        return assessment.result
    return assessment_compute(assessment)


def _evidence(rows) -> list[dict]:
    return list(rows or [])


def assessment_scoreboard(*, assessment: Assessment) -> list[dict]:
    """Each indicator's independent scores side by side, with the spread, a disagreement flag,
    the lead's settlement and the level the indicator counts with."""
    framework = assessment.framework.framework
    computed = {row["code"]: row for row in assessment_compute(assessment)["indicators"]}
    scores: dict[str, list] = {}
    for score in assessment.scores.select_related("assessor").order_by("indicator", "assessor__username"):
        scores.setdefault(score.indicator, []).append(score)
    settlements = {s.indicator: s for s in assessment.settlements.select_related("settled_by")}
    board = []
    for item in framework.indicators:
        row = computed[item.code]
        settlement = settlements.get(item.code)
        board.append({
            **item.as_dict(),
            "scores": [{"assessor": s.assessor.username, "assessor_name": str(s.assessor), "level": s.level,
                        "level_label": framework.scale_label(s.level), "rationale": s.rationale,
                        "evidence": _evidence(s.evidence), "scored_at": s.scored_at}
                       for s in scores.get(item.code, [])],
            "spread": row["spread"],
            "disagreement": row["disagreement"],
            "settlement": ({"level": settlement.level, "level_label": framework.scale_label(settlement.level),
                            "rationale": settlement.rationale, "settled_by": settlement.settled_by.username,
                            "settled_at": settlement.settled_at} if settlement else None),
            "final_level": row["final_level"],
            "final_level_label": row["final_level_label"],
            "how": row["how"],
        })
    return board


def _conditions(assessment: Assessment) -> list[dict]:
    framework = assessment.framework.framework
    findings = {f.code: f for f in assessment.conditions.select_related("updated_by")}
    rows = []
    for item in framework.conditions:
        f = findings.get(item.code)
        status = f.status if f else ConditionStatus.UNDETERMINED
        rows.append({**item.as_dict(), "status": status, "status_label": str(ConditionStatus(status).label),
                     "rationale": f.rationale if f else "", "evidence": _evidence(f.evidence if f else []),
                     "updated_by": f.updated_by.username if f and f.updated_by else None})
    return rows


def _checks(assessment: Assessment) -> list[dict]:
    framework = assessment.framework.framework
    findings = {f.code: f for f in assessment.checks.select_related("updated_by")}
    rows = []
    for item in framework.checks:
        f = findings.get(item.code)
        answer = f.answer if f else CheckAnswer.UNDETERMINED
        rows.append({**item.as_dict(), "answer": answer, "answer_label": str(CheckAnswer(answer).label),
                     "passes": answer == CheckAnswer.YES,
                     "rationale": f.rationale if f else "", "evidence": _evidence(f.evidence if f else []),
                     "updated_by": f.updated_by.username if f and f.updated_by else None})
    return rows


def consultation_summary(consultation: ConsultationRequest) -> dict:
    return {
        "id": consultation.pk, "ministry": consultation.ministry, "ministry_label": consultation.ministry_label,
        "advisor": consultation.advisor.username, "question": consultation.question,
        "covers": list(consultation.covers), "due_date": consultation.due_date, "status": consultation.status,
        "status_label": str(ConsultationStatus(consultation.status).label),
        "overdue": consultation.overdue_flagged_at is not None,
        "position": consultation.position,
        "position_label": str(AdvicePosition(consultation.position).label) if consultation.position else "",
        "advice": consultation.advice, "answered_at": consultation.answered_at,
        "waiver_reason": consultation.waiver_reason,
        "waived_by": consultation.waived_by.username if consultation.waived_by else None,
        "waived_at": consultation.waived_at, "requested_at": consultation.requested_at,
    }


def assessment_detail(*, assessment: Assessment) -> dict:
    """Everything a screen shows of an assessment, always with its framework version."""
    framework = assessment.framework
    result = assessment_result(assessment=assessment)
    consultations = assessment.consultations.select_related("advisor", "waived_by").order_by("requested_at", "id")
    board = assessment_scoreboard(assessment=assessment)
    return {
        "id": assessment.pk,
        "case_id": assessment.case_id,
        "case_reference": assessment.case.reference,
        "kind": assessment.kind,
        "kind_label": str(AssessmentKind(assessment.kind).label),
        "status": assessment.status,
        "status_label": str(AssessmentStatus(assessment.status).label),
        "revision": assessment.revision,
        "previous_id": assessment.previous_id,
        "next_revision_id": assessment.next_revision.pk if _has_next(assessment) else None,
        "framework": {"id": framework.pk, "number": framework.number, "name": framework.name,
                      "derived_from_letter": framework.derived_from_letter, "notes": framework.notes},
        "lead": assessment.lead.username,
        "submitted_by": assessment.submitted_by.username if assessment.submitted_by else None,
        "submitted_at": assessment.submitted_at,
        "approved_by": assessment.approved_by.username if assessment.approved_by else None,
        "approved_at": assessment.approved_at,
        "scope": {"ground": assessment.scope_ground,
                  "ground_label": str(ScopeGround(assessment.scope_ground).label) if assessment.scope_ground else "",
                  "confirmed": assessment.scope_ground_confirmed, "rationale": assessment.scope_rationale},
        "conditions": _conditions(assessment) if assessment.kind == AssessmentKind.INITIAL else [],
        "checks": _checks(assessment) if assessment.kind == AssessmentKind.INITIAL else [],
        "indicators": board,
        "disagreements": [row["code"] for row in board if row["disagreement"] and row["settlement"] is None],
        "consultations": [consultation_summary(c) for c in consultations],
        "open_consultations": [c.pk for c in consultations if c.status == ConsultationStatus.OPEN],
        "reviews": [{"decision": r.decision, "comments": r.comments, "reviewer": r.reviewer.username, "at": r.at}
                    for r in assessment.reviews.select_related("reviewer")],
        "result": result,
    }


def _has_next(assessment: Assessment) -> bool:
    try:
        assessment.next_revision
    except Assessment.DoesNotExist:
        return False
    return True


def assessment_history(*, assessment: Assessment) -> list[Assessment]:
    """The revision chain, oldest first."""
    chain = []
    node = assessment
    while node is not None:
        chain.append(node)
        node = node.previous
    chain.reverse()
    node = assessment
    while _has_next(node):
        node = node.next_revision
        chain.append(node)
    return chain


# ---------------------------------------------------------------------------------------------
# Consultation (afstemming)
# ---------------------------------------------------------------------------------------------
def consultation_list(*, user, assessment_id: int | None = None) -> QuerySet[ConsultationRequest]:
    """The requests this person may see: all of an assessment they may read, or, for a department
    advisor, only those addressed to them."""
    visible_cases = Case.objects.visible_to(user)
    team_readers = ConsultationRequest.objects.filter(assessment__in=assessment_list(user=user))
    addressed = ConsultationRequest.objects.filter(
        advisor=user, assessment__case__in=visible_cases,
        assessment__case__team__user=user, assessment__case__team__role=Role.DEPARTMENT_ADVISOR)
    qs = (team_readers | addressed).distinct().select_related(
        "assessment__case", "assessment__framework", "advisor", "waived_by").order_by("requested_at", "id")
    if assessment_id is not None:
        qs = qs.filter(assessment_id=assessment_id)
    return qs


def consultation_get(*, user, consultation_id, audit_read: bool = False) -> ConsultationRequest:
    try:
        consultation = consultation_list(user=user).get(pk=consultation_id)
    except (ConsultationRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound("Adviesaanvraag niet gevonden.") from None
    if audit_read:
        with transaction.atomic():
            audit_log(actor=user, action=AuditRecord.Action.READ, event="consultation.read", obj=consultation,
                      case_id=consultation.assessment.case_id)
    return consultation


def consultation_detail(*, consultation: ConsultationRequest) -> dict:
    """The request with the parts of the assessment it covers, and nothing else: what the
    department advisor sees (the case team sees the same, plus the whole assessment elsewhere)."""
    assessment = consultation.assessment
    case = assessment.case
    covers = set(consultation.covers)
    framework = assessment.framework
    parts = {
        "conditions": [row for row in _conditions(assessment) if row["code"] in covers]
        if assessment.kind == AssessmentKind.INITIAL else [],
        "indicators": [_advisor_indicator(row) for row in assessment_scoreboard(assessment=assessment)
                       if row["code"] in covers],
        "checks": [row for row in _checks(assessment) if row["code"] in covers]
        if assessment.kind == AssessmentKind.INITIAL else [],
    }
    return {
        **consultation_summary(consultation),
        "case": {"reference": case.reference, "title": case.title, "target_name": case.target_name,
                 "acquirer_name": case.acquirer_name, "acquirer_country": case.acquirer_country},
        "assessment": {"id": assessment.pk, "kind": assessment.kind, "revision": assessment.revision,
                       "status": assessment.status},
        "framework": {"id": framework.pk, "number": framework.number, "name": framework.name,
                      "derived_from_letter": framework.derived_from_letter},
        "parts": parts,
    }


def _advisor_indicator(row: dict) -> dict:
    return {key: row[key] for key in ("part", "code", "label", "label_nl", "label_en", "guidance_nl", "guidance_en",
                                      "letter_citation", "kind", "weight", "final_level", "final_level_label",
                                      "settlement")}


# ---------------------------------------------------------------------------------------------
# The cabinet report
# ---------------------------------------------------------------------------------------------
def assessment_report_context(*, assessment: Assessment) -> dict:
    """Everything the cabinet report needs (rendered to DOCX/PDF by the documents app)."""
    case = assessment.case
    detail = assessment_detail(assessment=assessment)
    result = detail["result"]
    return {
        "case": {
            "id": case.pk, "reference": case.reference, "title": case.title, "summary": case.summary,
            "classification": case.classification, "classification_label": case.get_classification_display(),
            "urgency": case.urgency, "urgency_label": case.get_urgency_display(),
            "target_name": case.target_name, "target_kvk_number": case.target_kvk_number,
            "target_sector": case.target_sector,
            "categories": [row.get_category_display() for row in case.category_rows.all()],
            "acquirer_name": case.acquirer_name, "acquirer_country": case.acquirer_country,
            "state_actor_status": case.state_actor_status,
            "state_actor_status_label": case.get_state_actor_status_display(),
            "intended_stake_percent": case.intended_stake_percent, "transaction_value": case.transaction_value,
            "expected_closing_date": case.expected_closing_date,
        },
        "assessment": {key: detail[key] for key in ("id", "kind", "kind_label", "status", "status_label", "revision",
                                                    "previous_id", "lead", "submitted_by", "submitted_at",
                                                    "approved_by", "approved_at", "reviews")},
        "framework": detail["framework"],
        "scope": detail["scope"],
        "conditions": detail["conditions"],
        "indicators": detail["indicators"],
        "checks": detail["checks"],
        "advice": detail["consultations"],
        "outcome": result["outcome"],
        "outcome_label": result["outcome_label"],
        "explanation": result["explanation"],
        "reasons": result["reasons"],
        "missing": result["missing"],
        "drivers": result["drivers"],
        "risk_score": result["risk_score"],
        "risk_level": result["risk_level"],
        "risk_level_label": result["risk_level_label"],
        "risk_manageable": result["risk_manageable"],
    }


# ---------------------------------------------------------------------------------------------
# Hooks asked by the case lifecycle (cases.guards)
# ---------------------------------------------------------------------------------------------
def _latest_approved(case_id: int, kind: str) -> Assessment | None:
    return (Assessment.objects.filter(case_id=case_id, kind=kind, status=AssessmentStatus.APPROVED)
            .order_by("-approved_at", "-id").first())


def approved_outcome_for_case(case_id: int) -> str | None:
    """The outcome ("deploy" / "do_not_deploy") of the case's latest approved initial assessment,
    or None. ("insufficient_information" cannot be approved.)"""
    latest = _latest_approved(case_id, AssessmentKind.INITIAL)
    if latest is None or latest.outcome not in (Outcome.DEPLOY, Outcome.DO_NOT_DEPLOY):
        return None
    return latest.outcome


def risk_review_allows_exit(case_id: int) -> bool:
    """True when the latest approved risk review in monitoring found the risk manageable."""
    latest = _latest_approved(case_id, AssessmentKind.RISK_REVIEW)
    return bool(latest and latest.risk_manageable)
