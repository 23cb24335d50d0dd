from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Afwegingskader")

    def ready(self):
        # The trail shows each event by its label (audit.labels), without audit importing this app.
        from audit.labels import CodeReader, code_readers, event_labels, name_labels

        from .audit_events import EVENT_LABELS, FRAMEWORK_CODE_EVENTS, framework_codes

        event_labels.register(self.name, EVENT_LABELS)
        # An assessment's name is made of its kind's and status's labels (audit.labels.name_labels).
        name_labels.register(self.name, {"assessments.assessment": ("kind", "status")})
        # An indicator's or condition's code, a risk level: labelled by the assessment's framework version.
        code_readers.register(self.name, CodeReader(events=FRAMEWORK_CODE_EVENTS, prepare=framework_codes))
        from cases import guards
        from core.extensions import work_sources

        from . import selectors, work

        # The lifecycle's guards ask the assessment (cases.guards).
        guards.approved_outcome.provide(selectors.approved_outcome_for_case)
        guards.approved_outcomes.provide(selectors.approved_outcomes_for_cases)
        guards.cases_allowing_exit.provide(selectors.cases_whose_review_allows_exit)
        guards.approved_outcome_since.provide(selectors.approved_outcome_since)
        guards.review_allows_exit.provide(selectors.risk_review_allows_exit)
        work_sources.register("assessments", work.work_items)
        # Timeline events carry the outcome's code; the case page shows its label (core.extensions).
        from core.extensions import code_labels

        from .constants import Outcome

        code_labels.register("outcome", dict(Outcome.choices))
        from .constants import CheckAnswer, ConditionStatus

        code_labels.register("answer", dict(CheckAnswer.choices))  # a check's answer in the trail (audit.labels)
        # A condition's status in the trail (audit.labels: only where no field with choices reads it).
        code_labels.register("status", dict(ConditionStatus.choices))
