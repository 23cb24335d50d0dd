from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Casussen")

    def ready(self):
        from audit import readers
        from core.extensions import work_sources

        from . import work
        from .models import Case
        from .selectors import case_header

        # The audit trail masks what need-to-know hides (audit.readers).
        readers.visible_cases.provide(lambda user: Case.objects.visible_to(user))
        readers.find_case.provide(lambda user, case_id: case_header(user=user, case_id=case_id))
        work_sources.register("cases", work.work_items)
