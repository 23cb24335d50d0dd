from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Casussen")

    def ready(self):
        # The trail shows each event by its label (audit.labels), without audit importing this app.
        from audit.labels import change_formatters, event_labels

        from .audit_events import CHANGE_READER, EVENT_LABELS

        event_labels.register(self.name, EVENT_LABELS)
        change_formatters.register(self.name, CHANGE_READER)
        from audit import readers
        from core.extensions import work_sources

        from . import work
        from .models import Case
        from .selectors import case_header

        # The audit trail masks what need-to-know hides (audit.readers).
        readers.visible_cases.provide(lambda user: Case.objects.visible_to(user))
        # Codes the trail's records carry beside the case's fields, read by their labels (audit.labels).
        from core.extensions import code_labels

        from .constants import ExistingInstrument, Instrument, ScopeGround, StrategicCategory

        code_labels.register("categories", dict(StrategicCategory.choices))
        code_labels.register("scope_ground", dict(ScopeGround.choices))
        code_labels.register("scope_grounds", dict(ScopeGround.choices))
        code_labels.register("existing_instruments_considered", dict(ExistingInstrument.choices))
        code_labels.register("instruments", dict(Instrument.choices))
        readers.find_case.provide(lambda user, case_id: case_header(user=user, case_id=case_id))
        work_sources.register("cases", work.work_items)
        from access.permissions import can
        from core.extensions import NavItem, nav_items

        nav_items.register(
            "cases", NavItem(5, "cases", "cases:list", _("Casussen"), lambda user: can(user, "case.list"))
        )
        # Lowering a person's clearance below an open case of their team is refused (access.hooks).
        from access import hooks as access_hooks

        from .selectors import open_cases_above_clearance

        access_hooks.open_cases_above_clearance.provide(open_cases_above_clearance)
