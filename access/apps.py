from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Toegang")

    def ready(self):
        # The trail shows each event by its label (audit.labels), without audit importing this app.
        from audit.labels import event_labels

        from .audit_events import EVENT_LABELS

        event_labels.register(self.name, EVENT_LABELS)
        from audit import readers

        from . import checks, schema, signals  # noqa: F401  (OIDC settings checks; OpenAPI extension; login audit records)
        from .permissions import can

        readers.may.provide(can)  # who may read and verify the audit trail
        from core.extensions import NavItem, nav_items

        # The administrator's work (people, afwegingskader versions, the fund's and the letters'
        # configuration) is in Django's admin: the menu leads there.
        nav_items.register(
            "admin",
            NavItem(90, "admin", "admin:index", _("Beheer"), lambda user: can(user, "user.manage") and user.is_staff),
        )
