"""What the assessment services share: the row lock, the lead and draft checks, cleaned text and evidence."""

from __future__ import annotations

from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from cases.constants import State
from cases.models import Case
from cases.services import case_note_record
from core.exceptions import Conflict, PermissionDenied, RuleViolation

from ..constants import (
    AssessmentKind,
    AssessmentStatus,
)
from ..models import (
    Assessment,
)

# The case state in which each kind of assessment is made: the initial risk assessment in
# risk_assessment (letter: "Op basis van deze risico-inschatting beslist het kabinet"), risk reviews
# while the stake is held (letter: the State winds down "zodra de risico's ... tot op een
# beheersbaar niveau zijn gebracht").
CASE_STATE_FOR_KIND: dict[str, State] = {
    AssessmentKind.INITIAL: State.RISK_ASSESSMENT,
    AssessmentKind.RISK_REVIEW: State.MONITORING,
}
# The states in which an assessment of the kind is made, revised and approved. A follow-on investment
# beyond the kabinetsbesluit goes back through the risk assessment before the cabinet decides again
# (issue 20; letter, "Afwegingskader": "Steeds zal kritisch worden bekeken of de inzet ... echt
# noodzakelijk is en er bijvoorbeeld geen sprake is van strategisch gedrag van bedrijven"), so the
# initial assessment is also made, or revised, while the case waits for that decision.
CASE_STATES_FOR_KIND: dict[str, tuple[State, ...]] = {
    AssessmentKind.INITIAL: (State.RISK_ASSESSMENT, State.FOLLOW_ON_DECISION),
    AssessmentKind.RISK_REVIEW: (State.MONITORING,),
}


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _lock(assessment: Assessment) -> Assessment:
    """Re-read the assessment under a row lock: status checks see the committed truth."""
    locked = (
        Assessment.objects.select_for_update(no_key=True, of=("self",))
        .select_related("framework", "case")
        .get(pk=assessment.pk)
    )
    locked.case.forget_team()
    return locked


def _require_draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise Conflict(
            _(
                "Alleen een concept kan worden gewijzigd; een goedgekeurde inschatting verandert nooit "
                "(maak een nieuwe revisie)."
            ),
            code="not_draft",
        )


def _require_lead(user: User, assessment: Assessment) -> None:
    require(user, "assessment.lead", case=assessment.case)
    if assessment.lead_id != user.pk:
        raise PermissionDenied(_("Alleen de eerste beoordelaar van deze inschatting kan dit doen."), code="not_lead")


def _clean_text(value: str | None, field: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(_("Een onderbouwing is verplicht."), field=field)
    return value


def _clean_evidence(evidence: object, *, user: User, case: Case) -> list[dict]:
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
        item = {
            "title": str(row.get("title") or "").strip()[:300],
            "source": str(row.get("source") or "").strip()[:300],
            "url": str(row.get("url") or "").strip()[:500],
            "document_id": row.get("document_id"),
        }
        if item["document_id"] is not None:
            if not isinstance(item["document_id"], int) or isinstance(item["document_id"], bool):
                raise RuleViolation(_("Een document-id is een geheel getal."), field="evidence")
            document = document_list(user=user, case=case).filter(pk=item["document_id"]).first()
            if document is None:
                raise RuleViolation(
                    _("Document %(id)s hoort niet bij het dossier van deze casus.") % {"id": item["document_id"]},
                    field="evidence",
                )
            item["title"] = item["title"] or document.title
        if not item["title"]:
            raise RuleViolation(_("Elke bron heeft een titel of een document."), field="evidence")
        cleaned.append(item)
    return cleaned


def _timeline(case: Case, *, actor: User, data: dict) -> None:
    case_note_record(case=case, actor=actor, data=data)
