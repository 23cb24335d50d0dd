"""Consultation of the ministries concerned (afstemming)."""

from __future__ import annotations

import functools
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.models import User
from access.notifications import notify_task
from access.permissions import require
from audit.models import AuditRecord
from audit.services import audit_log
from core.exceptions import Conflict, NotFound, RuleViolation

from ..constants import (
    MINISTRY_ORGANISATIONS,
    AdvicePosition,
    AssessmentKind,
    AssessmentStatus,
    ConsultationStatus,
    Ministry,
)
from ..models import (
    Assessment,
    ConsultationRequest,
)
from ..selectors import consultation_advisors
from .common import _lock, _require_draft, _require_lead


# ---------------------------------------------------------------------------------------------
# Consultation (afstemming)
# ---------------------------------------------------------------------------------------------
def _organisation_key(name: str) -> str:
    key = " ".join((name or "").split()).casefold()
    return key.removeprefix("ministerie van ").strip()


def advisor_belongs_to_ministry(advisor: User, ministry: str, ministry_other: str = "") -> bool:
    """Whether the advisor's organisation is the ministry asked (`MINISTRY_ORGANISATIONS`; for
    "another ministry", the name given for it)."""
    organisation = _organisation_key(advisor.organisation)
    if not organisation:
        return False
    if ministry == Ministry.OTHER:
        return organisation == _organisation_key(ministry_other)
    return organisation in MINISTRY_ORGANISATIONS.get(ministry, frozenset())


@transaction.atomic
def consultation_request(
    *,
    user: User,
    assessment: Assessment,
    ministry: str,
    advisor: User | None,
    question: str,
    covers: list[str],
    due_date: date,
    ministry_other: str = "",
) -> ConsultationRequest:
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
    # The case's department advisors who may act (active, not locked out): what the form offers.
    if advisor is None or not consultation_advisors(case=assessment.case).filter(pk=advisor.pk).exists():
        errors["advisor"] = _("De adviseur moet als departementaal adviseur in het casusteam staan.")
    elif (
        "ministry" not in errors
        and "ministry_other" not in errors
        and not advisor_belongs_to_ministry(advisor, ministry, ministry_other)
    ):
        # The advice is the ministry's: its own advisor gives it (letter: "in afstemming met betrokken
        # (vak)departementen"), not a colleague of another ministry on the same team.
        errors["advisor"] = _(
            "%(advisor)s hoort niet bij het gevraagde ministerie (%(ministry)s): de "
            "organisatie van de adviseur is “%(organisation)s”. Kies een adviseur van "
            "dat ministerie."
        ) % {
            "advisor": advisor,
            "ministry": ministry_other.strip() if ministry == Ministry.OTHER else Ministry(ministry).label,
            "organisation": advisor.organisation or "–",
        }
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
    if errors or advisor is None:  # no advisor: refused above, at the field `advisor`
        raise ValidationError(errors)
    consultation = ConsultationRequest.objects.create(
        assessment=assessment,
        ministry=ministry,
        # only for "another ministry": a name typed before choosing a listed one is not its name
        ministry_other=(ministry_other or "").strip() if ministry == Ministry.OTHER else "",
        advisor=advisor,
        question=question.strip(),
        covers=codes,
        due_date=due_date,
        requested_by=user,
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="consultation.request",
        obj=consultation,
        case_id=assessment.case_id,
        changes={"ministry": ministry, "advisor": advisor.username, "covers": codes, "due_date": due_date},
    )
    notify_task(
        recipients=[advisor],
        kind=gettext_lazy("Adviesaanvraag beantwoorden"),
        reference=assessment.case.reference,
        path=reverse("assessments:consultation", args=[consultation.pk]),
    )
    return consultation


@transaction.atomic
def consultation_answer(
    *, user: User, consultation: ConsultationRequest, position: str, advice: str
) -> ConsultationRequest:
    """The department advisor the request is addressed to answers it."""
    consultation = (
        ConsultationRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("assessment__case")
        .get(pk=consultation.pk)
    )
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
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="consultation.answer",
        obj=consultation,
        case_id=case.pk,
        changes={"status": {"before": "open", "after": "answered"}, "position": position},
    )
    return consultation


@transaction.atomic
def consultation_waive(*, user: User, consultation: ConsultationRequest, reason: str) -> ConsultationRequest:
    """The lead assessor proceeds without an open advice, recording why."""
    consultation = (
        ConsultationRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("assessment__case")
        .get(pk=consultation.pk)
    )
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
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="consultation.waive",
        obj=consultation,
        case_id=consultation.assessment.case_id,
        changes={"status": {"before": "open", "after": "waived"}, "reason": reason},
    )
    return consultation


@transaction.atomic
def consultation_respond(*, user: User, consultation: ConsultationRequest, response: str) -> ConsultationRequest:
    """The lead assessor records EZK's response to an advice that objects or has concerns. Under
    framework version 2 no "deploy" stands while such an advice is unanswered (letter: "Dit doet EZK in
    afstemming met betrokken (vak)departementen"); the response shows in the outcome and the report."""
    consultation = (
        ConsultationRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("assessment__case", "assessment__framework")
        .get(pk=consultation.pk)
    )
    assessment = consultation.assessment
    _require_lead(user, assessment)
    _require_draft(assessment)
    if consultation.status != ConsultationStatus.ANSWERED or consultation.position not in (
        AdvicePosition.OBJECTS,
        AdvicePosition.CONCERNS,
    ):
        raise Conflict(
            _("Alleen op een gegeven advies met bezwaar of zorgen wordt een reactie vastgelegd."), code="no_objection"
        )
    response = (response or "").strip()
    if not response:
        raise RuleViolation(_("Leg de reactie op het advies vast."), field="response")
    before = consultation.response
    consultation.response = response
    consultation.responded_by = user
    consultation.responded_at = timezone.now()
    consultation.save(update_fields=["response", "responded_by", "responded_at"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="consultation.respond",
        obj=consultation,
        case_id=assessment.case_id,
        changes={"before": before, "after": response, "position": consultation.position},
    )
    return consultation


@transaction.atomic
def assessment_set_no_consultation_reason(*, user: User, assessment: Assessment, reason: str) -> Assessment:
    """Why none of the ministries concerned needed to be asked (framework version 2: without any
    request, "deploy" needs this reason). An empty text withdraws it."""
    assessment = _lock(assessment)
    _require_lead(user, assessment)
    _require_draft(assessment)
    if not assessment.framework.framework.afstemming_in_outcome:
        raise Conflict(
            _("De versie van het afwegingskader van deze inschatting (versie %(n)s) kent dit onderdeel niet.")
            % {"n": assessment.framework.number},
            code="not_in_version",
        )
    if assessment.kind != AssessmentKind.INITIAL:
        raise Conflict(_("Een risicoherbeoordeling heeft geen afstemmingsregel."), code="not_applicable")
    reason = (reason or "").strip()
    before = assessment.no_consultation_reason
    assessment.no_consultation_reason = reason
    assessment.save(update_fields=["no_consultation_reason"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="assessment.no_consultation_reason",
        obj=assessment,
        case_id=assessment.case_id,
        changes={"before": before, "after": reason},
    )
    return assessment


def _mail_overdue(recipients: list[str], reference: str, ministry: str) -> None:
    """Tell the lead assessor and the advisor an advice is overdue. The mail names only the
    reference: case content stays inside the service."""
    from django.core.mail import send_mail

    if recipients:
        send_mail(
            subject=_("[BEV] Advies verlopen: %(reference)s") % {"reference": reference},
            message=_("Het gevraagde advies van %(ministry)s voor casus %(reference)s is niet op tijd gegeven.")
            % {"ministry": ministry, "reference": reference},
            from_email=None,
            recipient_list=recipients,
            fail_silently=True,
        )


def flag_overdue_consultations(*, now: datetime | None = None) -> list[ConsultationRequest]:
    """Flag each open request past its due date once, and tell the lead assessor and the advisor."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    flagged = []
    overdue = ConsultationRequest.objects.filter(
        status=ConsultationStatus.OPEN, overdue_flagged_at__isnull=True, due_date__lt=today
    ).select_related("assessment__case", "assessment__lead", "advisor")
    for consultation in overdue:
        with transaction.atomic():
            if not ConsultationRequest.objects.filter(
                pk=consultation.pk, overdue_flagged_at__isnull=True, status=ConsultationStatus.OPEN
            ).update(overdue_flagged_at=now):
                continue  # answered, waived or flagged by another worker meanwhile
            case = consultation.assessment.case
            audit_log(
                actor=None,
                action=AuditRecord.Action.OTHER,
                event="consultation.overdue",
                obj=consultation,
                case_id=case.pk,
                changes={"due_date": consultation.due_date},
            )
            recipients = [e for e in (consultation.assessment.lead.email, consultation.advisor.email) if e]
            transaction.on_commit(
                functools.partial(_mail_overdue, recipients, case.reference, str(consultation.ministry_label))
            )
            flagged.append(consultation)
    return flagged
