from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audittrail")

    def ready(self):
        from core.extensions import NavItem, metric_sources, nav_items

        from . import metrics, task_signals
        from .readers import may

        task_signals.connect()
        metric_sources.register("audit", metrics.collect)

        nav_items.register(
            "audit", NavItem(40, "audit", "audit:trail", _("Audittrail"), lambda user: may(user, "audit.view"))
        )
