"""The labels of the events `assessments` writes to the audit trail (audit.labels.event_labels)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    # Categories: what a record of a case the reader may not see shows instead of its step (audit.selectors.shown)
    "assessment": _("Risico-inschatting"),
    "consultation": _("Afstemming met een ministerie"),
    "framework": _("Afwegingskader"),
    "assessment.start": _("Risico-inschatting gestart"),
    "assessment.read": _("Risico-inschatting ingezien"),
    "assessment.scope": _("Reikwijdte beoordeeld"),
    "assessment.policy_goal": _("Beleidsdoel vastgelegd"),
    "assessment.score": _("Indicator gescoord"),
    "assessment.condition": _("Voorwaarde beoordeeld"),
    "assessment.check": _("Toets beantwoord"),
    "assessment.low_indicators_justification": _("Onderbouwing bij lage scores vastgelegd"),
    "assessment.no_consultation_reason": _("Reden om niet af te stemmen vastgelegd"),
    "assessment.settle": _("Verschil tussen beoordelaars beslecht"),
    "assessment.submit": _("Risico-inschatting ingediend"),
    "assessment.return": _("Risico-inschatting teruggestuurd"),
    "assessment.approve": _("Risico-inschatting goedgekeurd"),
    "consultation.request": _("Afstemming gevraagd"),
    "consultation.read": _("Afstemming ingezien"),
    "consultation.answer": _("Afstemming beantwoord"),
    "consultation.respond": _("Reactie op afstemming"),
    "consultation.waive": _("Afstemming vervallen"),
    "consultation.overdue": _("Termijn van de afstemming verstreken"),
    "framework.create": _("Afwegingskader aangemaakt"),
    "framework.update": _("Afwegingskader gewijzigd"),
    "framework.publish": _("Afwegingskader gepubliceerd"),
}


# The events whose changes name codes of the assessment's framework version: a condition's or check's
# `code`, a score's `indicator` and `level`, the `risk_level` of a submitted or approved assessment,
# the parts a consultation `covers`. The version is configuration an official maintains, so the
# labels are read from the version the assessment used, in the reader's language.
FRAMEWORK_CODE_EVENTS = frozenset(
    {
        "assessment.score",
        "assessment.settle",
        "assessment.condition",
        "assessment.check",
        "assessment.submit",
        "assessment.approve",
        "consultation.request",
    }
)


def framework_codes(records) -> dict[int, dict[str, dict[str, str]]]:
    """{record id: {recorded name: {code: label}}} for records of FRAMEWORK_CODE_EVENTS, from the
    framework version of each record's assessment (audit.labels.CodeReader): three queries for a
    page, however many records."""
    from .models import Assessment, ConsultationRequest, FrameworkVersion

    ids: dict[str, set[int]] = {"assessments.assessment": set(), "assessments.consultationrequest": set()}
    for record in records:
        if record.object_type in ids and str(record.object_id).isdigit():
            ids[record.object_type].add(int(record.object_id))
    version_of = {
        ("assessments.assessment", str(pk)): version
        for pk, version in Assessment.objects.filter(pk__in=ids["assessments.assessment"]).values_list(
            "pk", "framework_id"
        )
    }
    version_of.update(
        {
            ("assessments.consultationrequest", str(pk)): version
            for pk, version in ConsultationRequest.objects.filter(
                pk__in=ids["assessments.consultationrequest"]
            ).values_list("pk", "assessment__framework_id")
        }
    )
    versions = {v.pk: _codes_of(v.framework) for v in FrameworkVersion.objects.filter(pk__in=set(version_of.values()))}
    found = {}
    for record in records:
        version = version_of.get((record.object_type, str(record.object_id)))
        if version in versions:
            found[record.pk] = versions[version]
    return found


def _codes_of(framework) -> dict[str, dict[str, str]]:
    """A version's codes by the names the assessment's records give them."""
    items = {item.code: item.label for item in framework.conditions + framework.indicators + framework.checks}
    items.update({item.code: item.label for item in framework.review_checks})
    return {
        "code": items,
        "covers": items,
        "indicator": {item.code: item.label for item in framework.indicators},
        "level": {str(level): f"{level} ({framework.scale_label(level)})" for level in framework.levels},
        "risk_level": {row["code"]: framework.risk_level_label(row["code"]) for row in framework.risk_levels},
    }
