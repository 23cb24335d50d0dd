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
