"""Demo data for the afwegingskader (called by the lead's seed_demo; idempotent).

`seed` makes sure the default framework version is there. `seed_for_case` gives a demo case in
risk_assessment an assessment: by default a draft with two assessors' scores side by side (one
indicator in disagreement) and an open advice request to the JenV advisor; with `approve=True` an
approved assessment with the given outcome, so the case can move on."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from access.roles import Role
from assessments.constants import AssessmentKind, CheckAnswer, ConditionStatus
from assessments.default_framework import ensure_default_framework
from assessments.models import Assessment, FrameworkVersion
from assessments.services import (
    assessment_approve,
    assessment_score,
    assessment_set_check,
    assessment_set_condition,
    assessment_set_no_consultation_reason,
    assessment_set_scope,
    assessment_start,
    assessment_submit,
    consultation_request,
)
from audit.context import acting
from cases.constants import State

# Demo scores per indicator: (risico, risico2). One pair two levels apart shows the disagreement flag.
_DEMO_SCORES = {
    "unique_knowledge_technology": (4, 3),
    "ecosystem_position": (3, 3),
    "vital_processes": (3, 1),
    "knowledge_integrity": (3, 2),
}


def seed(*, users: dict, stdout) -> None:
    ensure_default_framework()
    version = FrameworkVersion.objects.get(number=1)
    stdout.write(
        f"  afwegingskader: {FrameworkVersion.objects.count()} versie(s), "
        f"standaard v{version.number} ({'uit de brief' if version.derived_from_letter else 'eigen'})\n"
    )


def seed_for_case(case, *, users: dict, approve: bool = False, outcome: str = "deploy") -> Assessment | None:
    """Give `case` (in risk_assessment, with "risico" and "risico2" on its team) an assessment.
    Does nothing if the case already has one or is in another state."""
    lead, second = users.get("risico"), users.get("risico2")
    if case.state != State.RISK_ASSESSMENT or lead is None or second is None:
        return None
    if Assessment.objects.filter(case=case, kind=AssessmentKind.INITIAL).exists():
        return None
    if case.role_of(lead) != Role.RISK_ASSESSOR or case.role_of(second) != Role.RISK_ASSESSOR:
        return None
    with acting(channel="command"), transaction.atomic():
        assessment = assessment_start(user=lead, case=case)
        framework = assessment.framework.framework
        ground = (case.scope_grounds or ["not_in_screening"])[0]
        assessment_set_scope(
            user=lead,
            assessment=assessment,
            scope_ground=ground,
            confirmed=True,
            rationale="Bevestigd op basis van de intake.",
        )
        for item in framework.conditions:
            status = (
                ConditionStatus.NOT_MET
                if outcome == "do_not_deploy" and item.code == "state_actor_influence"
                else ConditionStatus.MET
            )
            assessment_set_condition(
                user=lead,
                assessment=assessment,
                code=item.code,
                status=status,
                rationale="Onderbouwd met de bronnen in het dossier.",
                evidence=[{"title": "Ambtelijke analyse", "source": "EZ"}],
            )
        for item in framework.checks:
            assessment_set_check(
                user=lead,
                assessment=assessment,
                code=item.code,
                answer=CheckAnswer.YES,
                rationale="Nagegaan en doorstaan.",
            )
        for code, (first, other) in _DEMO_SCORES.items():
            assessment_score(
                user=lead,
                assessment=assessment,
                indicator=code,
                level=first,
                rationale="Eerste beoordeling op basis van het dossier.",
            )
            if not approve:
                assessment_score(
                    user=second,
                    assessment=assessment,
                    indicator=code,
                    level=other,
                    rationale="Onafhankelijke tweede beoordeling.",
                )
        advisor = users.get("adviseur")
        if not approve and advisor is not None and case.role_of(advisor) == Role.DEPARTMENT_ADVISOR:
            consultation_request(
                user=lead,
                assessment=assessment,
                ministry="jenv",
                advisor=advisor,
                question="Deelt JenV de inschatting van de statelijke invloed en het belang voor vitale processen?",
                covers=["state_actor_influence", "vital_processes"],
                due_date=timezone.localdate() + timedelta(days=5),
            )
        if approve and framework.afstemming_in_outcome and not assessment.consultations.exists():
            # Framework version 2: no advice request at all only with a recorded reason.
            assessment_set_no_consultation_reason(
                user=lead,
                assessment=assessment,
                reason="Demo: geen ander departement betrokken; alleen EZ-beleid geraakt.",
            )
        if approve:
            assessment_submit(user=lead, assessment=assessment)
            assessment = assessment_approve(user=second, assessment=assessment, comments="Akkoord (demo).")
    return assessment
