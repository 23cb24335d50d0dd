"""Reads of the afwegingskader.

Cases are reached only through `Case.objects.visible_to(user)`. Assessments are read by the case
team except department advisors (`assessment.view`); a department advisor reaches only the
consultation requests addressed to them and the parts of the assessment those cover: anything else
does not exist for them (404).

The two hooks the case lifecycle asks (cases.guards) are at the end of the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import (
    CharField,
    DateTimeField,
    F,
    IntegerField,
    JSONField,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from access.models import User, person_name
from access.permissions import can
from access.roles import Role, roles_for
from access.selectors import people_who_may_hold_case_role
from audit.log import audit_log
from audit.models import AuditRecord
from cases.constants import ScopeGround
from cases.models import Case, CaseTeamMember
from core.exceptions import NotFound
from core.precompiled import Precompiled

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
from .framework import Framework, Item
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
from .outcome import OBJECTING_POSITIONS, Inputs, compute


# ---------------------------------------------------------------------------------------------
# Framework versions
# ---------------------------------------------------------------------------------------------
def framework_list(*, user: User | AnonymousUser | None) -> QuerySet[FrameworkVersion]:
    """Published versions for everyone; drafts too for those who may publish."""
    qs = FrameworkVersion.objects.select_related("published_by", "created_by").order_by("-number")
    if can(user, "framework.publish"):
        return qs
    return qs.filter(status=FrameworkStatus.PUBLISHED)


def framework_get(*, user: User | AnonymousUser | None, framework_id: int | str) -> FrameworkVersion:
    try:
        return framework_list(user=user).get(pk=framework_id)
    except (FrameworkVersion.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Versie van het afwegingskader niet gevonden.")) from None


def framework_description(framework: FrameworkVersion) -> dict:
    """A version in full, with its items (labels, guidance citing the letter), scale and thresholds."""
    f = framework.framework
    return {
        "id": framework.pk,
        "number": framework.number,
        "name": framework.name,
        "status": framework.status,
        "derived_from_letter": framework.derived_from_letter,
        "notes": framework.notes,
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
def consultation_advisors(*, case: Case) -> QuerySet[User]:
    """Whom a consultation on this case may be addressed to: its team's department advisors whom the
    service would take in that role (`access.selectors.people_who_may_hold_case_role`: active, not
    locked out, of that function, cleared for the case's classification), by organisation and name.
    The list `consultation_request` checks and the consultation form offers (issue 23); the ministry
    asked is the service's second check."""
    return (
        people_who_may_hold_case_role(Role.DEPARTMENT_ADVISOR, classification_rank=case.classification_rank)
        .filter(pk__in=CaseTeamMember.objects.filter(case_id=case.pk, role=Role.DEPARTMENT_ADVISOR).values("user_id"))
        .order_by("organisation", "last_name", "first_name", "username", "pk")
    )


def assessment_list(*, user: User | AnonymousUser | None, case_id: int | None = None) -> QuerySet[Assessment]:
    """Assessments of the cases visible to this person on whose team they have a role that may read
    them. (One subquery holding both conditions: PostgreSQL plans it in half the time of the
    same conditions as a join beside the subquery.)"""
    if user is None or not user.is_authenticated or not user.is_active:
        return Assessment.objects.none()
    qs = _assessments_of_member(user_id=user.pk, clearance_rank=user.clearance_rank)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    return qs


def assessment_get(
    *, user: User | AnonymousUser | None, assessment_id: int | str, audit_read: bool = False, for_detail: bool = False
) -> Assessment:
    """The assessment if this person may read it, else NotFound. `for_detail`: joined only to what
    `assessment_detail` reads from the instance, the framework version (the case's reference and the
    people named on it come with its records): every join of the list's five costs compiling in
    Django and planning in PostgreSQL on every read."""
    found = []
    if user is not None and user.is_authenticated and user.is_active:
        try:
            found = list(
                _ASSESSMENT_OF_MEMBER[for_detail](
                    user_id=user.pk, clearance_rank=user.clearance_rank, assessment_id=assessment_id
                )
            )
        except (ValueError, TypeError):
            pass
    if not found:
        raise NotFound(_("Risico-inschatting niet gevonden."))
    assessment = found[0]
    if audit_read:
        audit_log(
            actor=user,
            action=AuditRecord.Action.READ,
            event="assessment.read",
            obj=assessment,
            case_id=assessment.case_id,
        )  # one INSERT: atomic by itself
    return assessment


def _assessments_of_member(*, user_id: int, clearance_rank: int) -> QuerySet[Assessment]:
    readable_cases = Case.objects.visible_to_member(user_id=user_id, clearance_rank=clearance_rank).filter(
        team__user_id=user_id, team__role__in=roles_for("assessment.view")
    )
    return (
        Assessment.objects.filter(case__in=readable_cases)
        .select_related("case", "framework", "lead", "approved_by", "submitted_by")
        .order_by("-created_at", "-id")
    )


def _assessment_of_member(
    *, user_id: int, clearance_rank: int, assessment_id: int | str, for_detail: bool
) -> QuerySet[Assessment]:
    qs = _assessments_of_member(user_id=user_id, clearance_rank=clearance_rank).filter(pk=assessment_id)
    # The detail takes the framework of a published version (all an assessment is made with) from
    # the one built once per process (`FrameworkVersion.framework`): its definition (~19 kB of JSON)
    # is neither sent by PostgreSQL nor decoded on every read.
    return qs.select_related(None).select_related("framework").defer("framework__definition") if for_detail else qs


#: `assessment_get`'s lookup, compiled once per process (`core.precompiled`).
_ASSESSMENT_OF_MEMBER = {
    for_detail: Precompiled(
        lambda for_detail=for_detail, **values: _assessment_of_member(for_detail=for_detail, **values),
        "user_id",
        "clearance_rank",
        "assessment_id",
    )
    for for_detail in (False, True)
}


# ---------------------------------------------------------------------------------------------
# Reads keyed on one assessment, compiled once
# ---------------------------------------------------------------------------------------------
# The detail reads an assessment's records and advice requests on every request; building and
# compiling those querysets costs Django several times what running them costs the database, so they
# are compiled once (`core.precompiled`). Only for reads of an assessment reached through
# need-to-know first: nothing in them depends on the user.


# What people recorded on an assessment, and who is named on it -------------------------------
class _Row(NamedTuple):
    kind: str
    id: int | None
    code: str | None
    value: str | None  # condition status, check answer, review decision
    level: int | None  # score, settled level
    text: str | None  # rationale, review comments, the case's reference
    evidence: list | None
    username: str | None  # who: updated_by, assessor, settled_by, reviewer; the assessment's lead
    first_name: str | None  # the assessment's row: its submitter's username
    last_name: str | None  # the assessment's row: its approver's username
    at: object  # scored_at, settled_at, review time


_RECORD_COLUMNS = tuple(f"r_{name}" for name in _Row._fields)


def _person(row: _Row) -> str:
    """How the person who made a record is named on screen (`str(user)`)."""
    return person_name(username=row.username or "", first_name=row.first_name or "", last_name=row.last_name or "")


def _text(value: str | None = None) -> Cast:
    return Cast(Value(value), CharField())


def _branch(
    qs: QuerySet,
    kind: str,
    *,
    row_id: str = "id",
    code: str | None = None,
    value: str | None = None,
    level: str | None = None,
    text: str | None = None,
    evidence: str | None = None,
    user: str | None = None,
    names: bool = False,
    at: str | None = None,
) -> QuerySet:
    return (
        qs.order_by()
        .annotate(
            r_kind=_text(kind),
            r_id=F(row_id),
            r_code=F(code) if code else _text(),
            r_value=F(value) if value else _text(),
            r_level=F(level) if level else Cast(Value(None), IntegerField()),
            r_text=F(text) if text else _text(),
            r_evidence=F(evidence) if evidence else Cast(Value(None), JSONField()),
            r_username=F(f"{user}__username") if user else _text(),
            r_first_name=F(f"{user}__first_name") if names else _text(),
            r_last_name=F(f"{user}__last_name") if names else _text(),
            r_at=F(at) if at else Cast(Value(None), DateTimeField()),
        )
        .values_list(*_RECORD_COLUMNS)
    )


def _records_query(pk: int, *, findings: bool) -> QuerySet:
    """Condition and check findings (`findings`), scores, settlements and four-eyes reviews of the
    assessment; its lead, submitter and approver and its case's reference (one row), its next
    revision and the ids of its advice requests: one UNION ALL, scores in order of indicator and the assessor's username (the database's collation)."""
    this = Assessment.objects.filter(pk=pk)
    branches = (
        [
            _branch(
                ConditionFinding.objects.filter(assessment_id=pk),
                "condition",
                code="code",
                value="status",
                text="rationale",
                evidence="evidence",
                user="updated_by",
            ),
            _branch(
                CheckFinding.objects.filter(assessment_id=pk),
                "check",
                code="code",
                value="answer",
                text="rationale",
                evidence="evidence",
                user="updated_by",
            ),
        ]
        if findings
        else []
    )
    branches += [
        _branch(
            IndicatorScore.objects.filter(assessment_id=pk),
            "score",
            code="indicator",
            level="level",
            text="rationale",
            evidence="evidence",
            user="assessor",
            names=True,
            at="scored_at",
        ),
        _branch(
            IndicatorSettlement.objects.filter(assessment_id=pk),
            "settlement",
            code="indicator",
            level="level",
            text="rationale",
            user="settled_by",
            names=True,
            at="settled_at",
        ),
        _branch(
            AssessmentReview.objects.filter(assessment_id=pk),
            "review",
            value="decision",
            text="comments",
            user="reviewer",
            names=True,
            at="at",
        ),
        # The assessment's own row once (one join each, not four branches to plan and run): its
        # case's reference, and the usernames of its lead, submitter and approver in the name columns.
        this.order_by()
        .annotate(
            r_kind=_text("assessment"),
            r_id=F("case_id"),
            r_code=_text(),
            r_value=_text(),
            r_level=Cast(Value(None), IntegerField()),
            r_text=F("case__reference"),
            r_evidence=Cast(Value(None), JSONField()),
            r_username=F("lead__username"),
            r_first_name=F("submitted_by__username"),
            r_last_name=F("approved_by__username"),
            r_at=Cast(Value(None), DateTimeField()),
        )
        .values_list(*_RECORD_COLUMNS),
        _branch(Assessment.objects.filter(previous_id=pk), "next_revision"),
        # Whether it has advice requests at all: the detail reads them only then (`assessment_detail`).
        _branch(ConsultationRequest.objects.filter(assessment_id=pk), "consultation"),
    ]
    return branches[0].union(*branches[1:], all=True).order_by("r_code", "r_username")


# A risk review with v1 has no findings and shows none (so its read leaves them out); from v2 on it
# answers the review checks (`assessments.review_framework`).
_RECORDS = {
    True: Precompiled(lambda assessment_id: _records_query(assessment_id, findings=True), "assessment_id"),
    False: Precompiled(lambda assessment_id: _records_query(assessment_id, findings=False), "assessment_id"),
}


@dataclass
class _Records:
    conditions: dict = field(default_factory=dict)  # code -> _Row
    checks: dict = field(default_factory=dict)  # code -> _Row
    scores: dict = field(default_factory=dict)  # indicator -> [_Row], ordered by the assessor's username
    settlements: dict = field(default_factory=dict)  # indicator -> _Row
    reviews: list = field(default_factory=list)  # [_Row], in order of time
    usernames: dict = field(default_factory=dict)  # lead, submitted_by, approved_by -> username or None
    case_reference: str = ""
    next_revision_id: int | None = None
    consultation_ids: list = field(default_factory=list)  # its advice requests (their rows: `_consultations`)

    def inputs(self, assessment: Assessment, consultations: list | None = None) -> Inputs:
        """The inputs of the outcome (what `assessment_inputs` reads)."""
        return Inputs(
            kind=assessment.kind,
            scope_ground_confirmed=assessment.scope_ground_confirmed,
            conditions={code: row.value for code, row in self.conditions.items()},
            checks={code: row.value for code, row in self.checks.items()},
            scores={code: [row.level for row in rows] for code, rows in self.scores.items()},
            settlements={code: row.level for code, row in self.settlements.items()},
            rationales={code: row.text or "" for code, row in self.checks.items()},
            **_assessment_inputs(assessment, consultations or []),
        )


# Labels in the active language, translated once per process and language: a detail names ~40
# (each item's label, each answer's and status's), and every `str()` of a lazy label or
# `get_language()` is a gettext lookup through the thread's translation (scripts/profile_reads.py:
# about a tenth of the assessment view's CPU). Catalogs do not change while the process runs.
_LABELS: dict = {}
_ITEM_DICTS: dict = {}


def _label(choices: type, value: str) -> str:
    """`str(choices(value).label)` in the active language."""
    key = (get_language(), choices, value)
    text = _LABELS.get(key)
    if text is None:
        text = _LABELS[key] = str(choices(value).label)
    return text


def _item_dict(item: Item) -> dict:
    """`item.as_dict()` in the active language (to be copied, never changed: callers spread it)."""
    key = (get_language(), item)
    data = _ITEM_DICTS.get(key)
    if data is None:
        data = _ITEM_DICTS[key] = item.as_dict()
    return data


def _consultation_input(c: ConsultationRequest) -> dict:
    return {
        "id": c.pk,
        "ministry_label": c.ministry_label,
        "status": c.status,
        "position": c.position,
        "position_label": _label(AdvicePosition, c.position) if c.position else "",
        "response": c.response,
    }


def _assessment_inputs(assessment: Assessment, consultations: list) -> dict:
    """The inputs of version 2's rules recorded on the assessment itself and its advice requests."""
    return {
        "scope_ground": assessment.scope_ground,
        "policy_goal_crucial": assessment.policy_goal_crucial,
        "policy_goal_rationale": assessment.policy_goal_rationale,
        "low_indicators_justification": assessment.low_indicators_justification,
        "no_consultation_reason": assessment.no_consultation_reason,
        "consultations": [_consultation_input(c) for c in consultations],
    }


def _records(assessment: Assessment) -> _Records:
    records = _Records()
    findings = assessment.kind == AssessmentKind.INITIAL or assessment.framework.framework.reviews_by_questions
    for raw in _RECORDS[findings](assessment_id=assessment.pk):
        row = _Row(*raw)
        if row.kind == "condition":
            records.conditions[row.code] = row
        elif row.kind == "check":
            records.checks[row.code] = row
        elif row.kind == "score":
            records.scores.setdefault(row.code, []).append(row)
        elif row.kind == "settlement":
            records.settlements[row.code] = row
        elif row.kind == "review":
            records.reviews.append(row)
        elif row.kind == "assessment":
            records.case_reference = row.text or ""  # the case's reference, never empty
            records.usernames.update(lead=row.username, submitted_by=row.first_name, approved_by=row.last_name)
        elif row.kind == "next_revision":
            records.next_revision_id = row.id
        elif row.kind == "consultation":
            records.consultation_ids.append(row.id)
    records.reviews.sort(key=lambda row: (row.at, row.id))  # the reviews' own order (Meta.ordering)
    return records


_CONSULTATION_FIELDS = [f.attname for f in ConsultationRequest._meta.concrete_fields]
_PERSON_FIELDS = ["id", "username", "first_name", "last_name"]  # what naming a person needs (`str(user)`)
_CONSULTATIONS = Precompiled(
    lambda assessment_id: (
        ConsultationRequest.objects.filter(assessment_id=assessment_id)
        .order_by("requested_at", "id")
        .values_list(
            *_CONSULTATION_FIELDS,
            *(f"{person}__{name}" for person in ("advisor", "waived_by") for name in _PERSON_FIELDS[1:]),
        )
    ),
    "assessment_id",
)


def _consultations(assessment: Assessment) -> list[ConsultationRequest]:
    """The assessment's advice requests in order, each with its advisor and waiver (their usernames
    and names only)."""
    db, n = DEFAULT_DB_ALIAS, len(_CONSULTATION_FIELDS)
    consultations = []
    for row in _CONSULTATIONS(assessment_id=assessment.pk):
        consultation = ConsultationRequest.from_db(db, _CONSULTATION_FIELDS, row[:n])
        consultation.advisor = User.from_db(db, _PERSON_FIELDS, [consultation.advisor_id, *row[n : n + 3]])
        if consultation.waived_by_id is not None:
            consultation.waived_by = User.from_db(db, _PERSON_FIELDS, [consultation.waived_by_id, *row[n + 3 : n + 6]])
        consultations.append(consultation)
    return consultations


def assessment_result(*, assessment: Assessment) -> dict:
    """The outcome with its explanation: as frozen at approval, or as the inputs stand now."""
    if assessment.status == AssessmentStatus.APPROVED and assessment.result:
        return _frozen_labels_here(assessment.result, assessment.framework.framework)
    return assessment_compute(assessment)


def _frozen_labels_here(result: dict, framework: Framework) -> dict:
    """A result frozen at approval, its outcome and risk level named in the reader's language: the
    frozen labels are in the approver's (found by trying the product: "Risk level: zeer hoog" on an
    English page). The explanation stays as recorded: it is the record's own text."""
    shown = dict(result)
    if shown.get("outcome"):
        shown["outcome_label"] = str(Outcome(shown["outcome"]).label) if shown["outcome"] in Outcome.values else ""
    if shown.get("risk_level"):
        shown["risk_level_label"] = framework.risk_level_label(shown["risk_level"]) or shown.get("risk_level_label", "")
    return shown


def _evidence(rows: Iterable[dict] | None) -> list[dict]:
    return list(rows or [])


def assessment_scoreboard(*, assessment: Assessment) -> list[dict]:
    """Each indicator's independent scores side by side, with the spread, a disagreement flag,
    the lead's settlement and the level the indicator counts with."""
    framework = assessment.framework.framework
    records = _records(assessment)
    return _scoreboard(framework, records, compute(framework, records.inputs(assessment)))


def _scoreboard(framework: Framework, records: _Records, computed: dict) -> list[dict]:
    rows = {row["code"]: row for row in computed["indicators"]}
    board = []
    for item in framework.indicators:
        row = rows.get(item.code)
        if row is None:  # a risk review with the review questions scores no indicators
            continue
        settlement = records.settlements.get(item.code)
        board.append(
            {
                **_item_dict(item),
                "scores": [
                    {
                        "assessor": s.username,
                        "assessor_name": _person(s),
                        "level": s.level,
                        "level_label": framework.scale_label(s.level),
                        "rationale": s.text,
                        "evidence": _evidence(s.evidence),
                        "scored_at": s.at,
                    }
                    for s in records.scores.get(item.code, [])
                ],
                "spread": row["spread"],
                "disagreement": row["disagreement"],
                "settlement": (
                    {
                        "level": settlement.level,
                        "level_label": framework.scale_label(settlement.level),
                        "rationale": settlement.text,
                        "settled_by": settlement.username,
                        "settled_by_name": _person(settlement),
                        "settled_at": settlement.at,
                    }
                    if settlement
                    else None
                ),
                "final_level": row["final_level"],
                "final_level_label": row["final_level_label"],
                "how": row["how"],
            }
        )
    return board


def _conditions(assessment: Assessment, records: _Records | None = None) -> list[dict]:
    framework = assessment.framework.framework
    findings = (records or _records(assessment)).conditions
    rows = []
    for item in framework.conditions:
        f = findings.get(item.code)
        status = f.value if f else ConditionStatus.UNDETERMINED
        rows.append(
            {
                **_item_dict(item),
                "status": status,
                "status_label": _label(ConditionStatus, status),
                "rationale": f.text if f else "",
                "evidence": _evidence(f.evidence if f else []),
                "updated_by": f.username if f else None,
            }
        )
    return rows


def _checks(assessment: Assessment, records: _Records | None = None) -> list[dict]:
    framework = assessment.framework.framework
    findings = (records or _records(assessment)).checks
    rows = []
    for item in framework.checks_for(assessment.kind, assessment.scope_ground):
        f = findings.get(item.code)
        answer = f.value if f else CheckAnswer.UNDETERMINED
        rows.append(
            {
                **_item_dict(item),
                "answer": answer,
                "answer_label": _label(CheckAnswer, answer),
                "passes": answer == CheckAnswer.YES,
                "rationale": f.text if f else "",
                "evidence": _evidence(f.evidence if f else []),
                "updated_by": f.username if f else None,
            }
        )
    return rows


def consultation_summary(consultation: ConsultationRequest) -> dict:
    return {
        "id": consultation.pk,
        "ministry": consultation.ministry,
        "ministry_label": consultation.ministry_label,
        "advisor": consultation.advisor.username,
        "advisor_name": str(consultation.advisor),
        "question": consultation.question,
        "covers": list(consultation.covers),
        "due_date": consultation.due_date,
        "status": consultation.status,
        "status_label": _label(ConsultationStatus, consultation.status),
        "overdue": consultation.overdue_flagged_at is not None,
        "position": consultation.position,
        "position_label": _label(AdvicePosition, consultation.position) if consultation.position else "",
        "advice": consultation.advice,
        "answered_at": consultation.answered_at,
        "waiver_reason": consultation.waiver_reason,
        "waived_by": consultation.waived_by.username if consultation.waived_by else None,
        "waived_by_name": str(consultation.waived_by) if consultation.waived_by else None,
        "waived_at": consultation.waived_at,
        "requested_at": consultation.requested_at,
        "response": consultation.response,
        "responded_at": consultation.responded_at,
        "needs_response": (
            consultation.status == ConsultationStatus.ANSWERED
            and consultation.position in OBJECTING_POSITIONS
            and not consultation.response.strip()
        ),
    }


def assessment_detail(*, assessment: Assessment) -> dict:
    """Everything a screen shows of an assessment, always with its framework version.

    Two queries besides the assessment row (which needs only its framework version joined:
    `assessment_get(for_detail=True)`): its records and the people and case named on it
    (`_records`), and its advice requests (only where the records name any: one query without). The outcome is computed once from those records, for the
    scoreboard and (unless frozen at approval) the result."""
    version = assessment.framework
    framework = version.framework
    records = _records(assessment)
    # Most assessments have no advice requests: their records say so, and their read is left out.
    consultations = _consultations(assessment) if records.consultation_ids else []
    computed = compute(framework, records.inputs(assessment, consultations))
    frozen = assessment.status == AssessmentStatus.APPROVED and assessment.result
    result = _frozen_labels_here(assessment.result, framework) if frozen else computed
    board = _scoreboard(framework, records, computed)
    initial = assessment.kind == AssessmentKind.INITIAL
    return {
        "id": assessment.pk,
        "case_id": assessment.case_id,
        "case_reference": records.case_reference,
        "kind": assessment.kind,
        "kind_label": _label(AssessmentKind, assessment.kind),
        "status": assessment.status,
        "status_label": _label(AssessmentStatus, assessment.status),
        "revision": assessment.revision,
        "previous_id": assessment.previous_id,
        "next_revision_id": records.next_revision_id,
        "framework": {
            "id": version.pk,
            "number": version.number,
            "name": version.name,
            "derived_from_letter": version.derived_from_letter,
            "notes": version.notes,
        },
        "lead": records.usernames["lead"],
        "submitted_by": records.usernames["submitted_by"],
        "submitted_at": assessment.submitted_at,
        "approved_by": records.usernames["approved_by"],
        "approved_at": assessment.approved_at,
        "scope": {
            "ground": assessment.scope_ground,
            "ground_label": _label(ScopeGround, assessment.scope_ground) if assessment.scope_ground else "",
            "confirmed": assessment.scope_ground_confirmed,
            "rationale": assessment.scope_rationale,
        },
        # Version 2's records (see assessments.outcome); empty under version 1.
        "rules": {
            "risk_rule": framework.risk_rule,
            "broader_requires_crucial": framework.broader_requires_crucial,
            "low_indicators_rule": bool(framework.low_indicators_risk_levels),
            "afstemming_in_outcome": framework.afstemming_in_outcome,
        },
        "policy_goal": {"crucial": assessment.policy_goal_crucial, "rationale": assessment.policy_goal_rationale},
        "low_indicators_justification": assessment.low_indicators_justification,
        "no_consultation_reason": assessment.no_consultation_reason,
        "conditions": _conditions(assessment, records) if initial else [],
        "checks": _checks(assessment, records) if initial or framework.reviews_by_questions else [],
        "indicators": board,
        "disagreements": [row["code"] for row in board if row["disagreement"] and row["settlement"] is None],
        "consultations": [consultation_summary(c) for c in consultations],
        "open_consultations": [c.pk for c in consultations if c.status == ConsultationStatus.OPEN],
        "reviews": [
            {"decision": r.value, "comments": r.text, "reviewer": r.username, "reviewer_name": _person(r), "at": r.at}
            for r in records.reviews
        ],
        "result": result,
    }


def assessment_history(*, assessment: Assessment) -> list[Assessment]:
    """The revision chain, oldest first: the assessments of the case and kind in one query (with
    what the history lists of them), linked through `previous` from this one in both directions."""
    same_case = {
        a.pk: a
        for a in Assessment.objects.filter(case_id=assessment.case_id, kind=assessment.kind).select_related(
            "case", "framework", "lead", "approved_by"
        )
    }
    next_of = {a.previous_id: a for a in same_case.values() if a.previous_id is not None}
    chain = []
    node: Assessment | None = same_case.get(assessment.pk, assessment)
    while node is not None:
        chain.append(node)
        node = same_case.get(node.previous_id) if node.previous_id is not None else None
    chain.reverse()
    node = next_of.get(assessment.pk)
    while node is not None:
        chain.append(node)
        node = next_of.get(node.pk)
    return chain


# ---------------------------------------------------------------------------------------------
# Consultation (afstemming)
# ---------------------------------------------------------------------------------------------
def consultation_list(*, user: User, assessment_id: int | None = None) -> QuerySet[ConsultationRequest]:
    """The requests this person may see: all of an assessment they may read, or, for a department
    advisor, only those addressed to them."""
    visible_cases = Case.objects.visible_to(user)
    team_readers = ConsultationRequest.objects.filter(assessment__in=assessment_list(user=user))
    addressed = ConsultationRequest.objects.filter(
        advisor=user,
        assessment__case__in=visible_cases,
        assessment__case__team__user=user,
        assessment__case__team__role=Role.DEPARTMENT_ADVISOR,
    )
    qs = (
        (team_readers | addressed)
        .distinct()
        .select_related("assessment__case", "assessment__framework", "advisor", "waived_by")
        .order_by("requested_at", "id")
    )
    if assessment_id is not None:
        qs = qs.filter(assessment_id=assessment_id)
    return qs


def consultation_get(*, user: User, consultation_id: int | str, audit_read: bool = False) -> ConsultationRequest:
    try:
        consultation = consultation_list(user=user).get(pk=consultation_id)
    except (ConsultationRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Adviesaanvraag niet gevonden.")) from None
    if audit_read:
        with transaction.atomic():
            audit_log(
                actor=user,
                action=AuditRecord.Action.READ,
                event="consultation.read",
                obj=consultation,
                case_id=consultation.assessment.case_id,
            )
    return consultation


def consultation_detail(*, consultation: ConsultationRequest) -> dict:
    """The request with the parts of the assessment it covers, and nothing else: what the
    department advisor sees (the case team sees the same, plus the whole assessment elsewhere)."""
    assessment = consultation.assessment
    case = assessment.case
    covers = set(consultation.covers)
    framework = assessment.framework
    definition = framework.framework
    records = _records(assessment)
    board = _scoreboard(definition, records, compute(definition, records.inputs(assessment)))
    parts = {
        "conditions": [row for row in _conditions(assessment, records) if row["code"] in covers]
        if assessment.kind == AssessmentKind.INITIAL
        else [],
        "indicators": [_advisor_indicator(row) for row in board if row["code"] in covers],
        "checks": [row for row in _checks(assessment, records) if row["code"] in covers]
        if assessment.kind == AssessmentKind.INITIAL
        else [],
    }
    return {
        **consultation_summary(consultation),
        "case": {
            "reference": case.reference,
            "title": case.title,
            "target_name": case.target_name,
            "acquirer_name": case.acquirer_name,
            "acquirer_country": case.acquirer_country,
        },
        "assessment": {
            "id": assessment.pk,
            "kind": assessment.kind,
            "revision": assessment.revision,
            "status": assessment.status,
        },
        "framework": {
            "id": framework.pk,
            "number": framework.number,
            "name": framework.name,
            "derived_from_letter": framework.derived_from_letter,
        },
        "parts": parts,
    }


def _advisor_indicator(row: dict) -> dict:
    return {
        key: row[key]
        for key in (
            "part",
            "code",
            "label",
            "label_nl",
            "label_en",
            "guidance_nl",
            "guidance_en",
            "letter_citation",
            "kind",
            "weight",
            "final_level",
            "final_level_label",
            "settlement",
        )
    }


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
            "id": case.pk,
            "reference": case.reference,
            "title": case.title,
            "summary": case.summary,
            "classification": case.classification,
            "classification_label": case.get_classification_display(),
            "urgency": case.urgency,
            "urgency_label": case.get_urgency_display(),
            "target_name": case.target_name,
            "target_kvk_number": case.target_kvk_number,
            "target_sector": case.target_sector,
            "categories": [row.get_category_display() for row in case.category_rows.all()],
            "acquirer_name": case.acquirer_name,
            "acquirer_country": case.acquirer_country,
            "state_actor_status": case.state_actor_status,
            "state_actor_status_label": case.get_state_actor_status_display(),
            "intended_stake_percent": case.intended_stake_percent,
            "transaction_value": case.transaction_value,
            "expected_closing_date": case.expected_closing_date,
        },
        "assessment": {
            key: detail[key]
            for key in (
                "id",
                "kind",
                "kind_label",
                "status",
                "status_label",
                "revision",
                "previous_id",
                "lead",
                "submitted_by",
                "submitted_at",
                "approved_by",
                "approved_at",
                "reviews",
            )
        }
        | {
            # The report names people (`str(user)`); the usernames above stay for the record.
            f"{role}_name": str(getattr(assessment, role)) if getattr(assessment, f"{role}_id") else None
            for role in ("lead", "submitted_by", "approved_by")
        },
        "framework": detail["framework"],
        "scope": detail["scope"],
        "conditions": detail["conditions"],
        "indicators": detail["indicators"],
        "checks": detail["checks"],
        "advice": detail["consultations"],
        "policy_goal": detail["policy_goal"],
        "no_consultation_reason": detail["no_consultation_reason"],
        "low_indicators_justification": result.get("low_indicators_justification", ""),
        "deciding_indicators": result.get("deciding_indicators", []),
        "afstemming": result.get("afstemming", []),
        "risk_rule": result.get("risk_rule", "weighted_mean"),
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
    return (
        Assessment.objects.filter(case_id=case_id, kind=kind, status=AssessmentStatus.APPROVED)
        .order_by("-approved_at", "-id")
        .first()
    )


def approved_outcome_for_case(case_id: int) -> str | None:
    """The outcome ("deploy" / "do_not_deploy") of the case's latest approved initial assessment,
    or None. ("insufficient_information" cannot be approved.)"""
    return approved_outcomes_for_cases([case_id]).get(case_id)


def approved_outcomes_for_cases(case_ids: list[int]) -> dict[int, str]:
    """`approved_outcome_for_case` of many cases in one query: {case id: outcome}, without the cases
    that have none."""
    latest: dict[int, str] = {}
    approved = (
        Assessment.objects.filter(case_id__in=case_ids, kind=AssessmentKind.INITIAL, status=AssessmentStatus.APPROVED)
        .order_by("case_id", "-approved_at", "-id")
        .values_list("case_id", "outcome")
    )
    for case_id, outcome in approved:
        latest.setdefault(case_id, outcome)
    return {
        case_id: outcome for case_id, outcome in latest.items() if outcome in (Outcome.DEPLOY, Outcome.DO_NOT_DEPLOY)
    }


def approved_outcome_since(case_id: int, since: datetime) -> str | None:
    """The outcome of the case's latest initial assessment approved after `since` (a follow-on
    re-assessment), or None when none was approved since."""
    latest = (
        Assessment.objects.filter(
            case_id=case_id, kind=AssessmentKind.INITIAL, status=AssessmentStatus.APPROVED, approved_at__gt=since
        )
        .order_by("-approved_at", "-id")
        .first()
    )
    if latest is None or latest.outcome not in (Outcome.DEPLOY, Outcome.DO_NOT_DEPLOY):
        return None
    return latest.outcome


def risk_review_allows_exit(case_id: int) -> bool:
    """True when the latest approved risk review in monitoring found the risk manageable."""
    return bool(cases_whose_review_allows_exit([case_id]).get(case_id))


def cases_whose_review_allows_exit(case_ids: list[int]) -> dict[int, bool]:
    """`risk_review_allows_exit` of many cases in one query: {case id: True} for those it allows."""
    latest: dict[int, bool | None] = {}
    reviews = (
        Assessment.objects.filter(
            case_id__in=case_ids, kind=AssessmentKind.RISK_REVIEW, status=AssessmentStatus.APPROVED
        )
        .order_by("case_id", "-approved_at", "-id")
        .values_list("case_id", "risk_manageable")
    )
    for case_id, manageable in reviews:
        latest.setdefault(case_id, manageable)
    return {case_id: True for case_id, manageable in latest.items() if manageable}


def latest_risk_review_conclusion(case_id: int) -> dict | None:
    """The latest approved risk review's conclusion as approved (for the exit letter), or None."""
    latest = _latest_approved(case_id, AssessmentKind.RISK_REVIEW)
    if latest is None or latest.risk_manageable is None:
        return None
    return {
        "id": latest.pk,
        "approved_on": timezone.localdate(latest.approved_at),
        "manageable": latest.risk_manageable,
        "framework_number": latest.framework.number,
        "explanation": (latest.result or {}).get("explanation", ""),
    }


# ---------------------------------------------------------------------------------------------
# The outcome as the inputs stand now
# ---------------------------------------------------------------------------------------------
def assessment_inputs(assessment: Assessment) -> Inputs:
    scores: dict[str, list[int]] = {}
    for indicator, level in assessment.scores.values_list("indicator", "level"):
        scores.setdefault(indicator, []).append(level)
    checks = {
        code: (answer, rationale)
        for code, answer, rationale in assessment.checks.values_list("code", "answer", "rationale")
    }
    consultations = (
        list(assessment.consultations.order_by("requested_at", "id"))
        if assessment.framework.framework.afstemming_in_outcome
        else []
    )
    return Inputs(
        kind=assessment.kind,
        scope_ground_confirmed=assessment.scope_ground_confirmed,
        conditions=dict(assessment.conditions.values_list("code", "status")),
        checks={code: answer for code, (answer, _r) in checks.items()},
        rationales={code: rationale for code, (_a, rationale) in checks.items()},
        scores=scores,
        settlements=dict(assessment.settlements.values_list("indicator", "level")),
        **_assessment_inputs(assessment, consultations),
    )


def assessment_compute(assessment: Assessment) -> dict:
    """The outcome as the inputs stand now, with the framework version the assessment uses."""
    return compute(assessment.framework.framework, assessment_inputs(assessment))


# ---------------------------------------------------------------------------------------------
# What is still missing: the submit check and the page's progress list (issue 23)
# ---------------------------------------------------------------------------------------------
# The section of the assessment page where each part of the outcome is recorded.
SECTION_OF_PART = {
    "scope": "scope",
    "condition": "conditions",
    "indicator": "indicators",
    "check": "checks",
    "afstemming": "consultations",
}


def assessment_open_items(
    assessment: Assessment, *, result: dict | None = None, consultations: list[dict] | None = None
) -> list[dict]:
    """Every item of the assessment not yet settled, in page order, each with the section it is
    recorded in and whether it keeps the assessment from being submitted (`blocks_submit`).
    `result` and `consultations` (summaries: id, status, ministry_label) save the reads when the
    caller has them.

    The one statement of the submit rules (`assessments.services.assessment_submit` and
    `assessment_approve` refuse on the blocking items, the page lists them): an initial assessment
    needs a definite outcome (not "insufficient_information": its missing scope ground, conditions,
    indicators, checks and afstemming); a risk review needs a conclusion; and no advice request may
    still be open (letter: EZK draws up the assessment "in afstemming met betrokken
    (vak)departementen"). Items missing while the outcome is already definite ("do not deploy") are
    listed but do not block."""
    result = result if result is not None else assessment_compute(assessment)
    if assessment.kind == AssessmentKind.INITIAL:
        undecided = result["outcome"] == Outcome.INSUFFICIENT_INFORMATION
    else:
        undecided = result["risk_manageable"] is None
    items = [
        {
            "section": SECTION_OF_PART.get(m["part"], "outcome"),
            "code": m["code"],
            "label": str(m["label"]),
            "text": str(m["text"]),
            "rule": "insufficient_information",
            "blocks_submit": undecided,
        }
        for m in result["missing"]
    ]
    if consultations is None:
        consultations = [
            {"id": c.pk, "status": c.status, "ministry_label": c.ministry_label}
            for c in assessment.consultations.filter(status=ConsultationStatus.OPEN)
        ]
    for c in consultations:
        if c["status"] != ConsultationStatus.OPEN:
            continue
        items.append(
            {
                "section": "consultations",
                "code": f"consultation_{c['id']}",
                "consultation_id": c["id"],
                "ministry_label": c["ministry_label"],
                "label": _("Adviesaanvraag: %(m)s") % {"m": c["ministry_label"]},
                "text": _("Het advies is nog niet gegeven: wacht het af of zie er met reden van af."),
                "rule": "consultation_open",
                "blocks_submit": True,
            }
        )
    order = list(SECTION_OF_PART.values()) + ["outcome"]
    return sorted(items, key=lambda item: order.index(item["section"]))


def assessment_progress(
    *, assessment: Assessment, result: dict | None = None, consultations: list[dict] | None = None
) -> dict:
    """The progress list at the top of the assessment page: each section of the page in order, done
    or with what it still misses (from `assessment_open_items`, the submit rules), and whether the
    assessment may be submitted now."""
    result = result if result is not None else assessment_compute(assessment)
    items = assessment_open_items(assessment, result=result, consultations=consultations)
    framework = assessment.framework.framework
    initial = assessment.kind == AssessmentKind.INITIAL
    by_questions = not initial and framework.reviews_by_questions
    sections = []
    if initial:
        sections += [("scope", _("Reikwijdte")), ("conditions", _("Noodzakelijke voorwaarden"))]
    if not by_questions:
        sections.append(("indicators", _("Indicatoren en scores")))
    if initial or by_questions:
        sections.append(("checks", _("Kritische toetsen") if initial else _("Vragen van de risicoheroverweging")))
    sections.append(("consultations", _("Afstemming met de departementen")))
    rows = []
    for key, label in sections:
        missing = [i for i in items if i["section"] == key]
        rows.append({"key": key, "label": label, "anchor": f"#{key}", "done": not missing, "missing": missing})
    blocking = [i for i in items if i["blocks_submit"]]
    undecided = any(i["rule"] == "insufficient_information" for i in blocking)
    outcome_missing = (
        [
            {
                "section": "outcome",
                "code": "outcome",
                "label": _("Uitkomst"),
                "text": _("De uitkomst is nog niet te bepalen; vul eerst de onderdelen hierboven aan."),
                "rule": "insufficient_information",
                "blocks_submit": True,
            }
        ]
        if undecided
        else []
    )
    rows.append(
        {
            "key": "outcome",
            "label": _("Uitkomst en motivering"),
            "anchor": "#outcome",
            "done": not undecided,
            "missing": outcome_missing,
        }
    )
    return {"sections": rows, "blocking": blocking, "may_submit": not blocking}
