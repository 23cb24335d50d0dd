from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documenten")

    def ready(self):
        # The trail shows each event by its label (audit.labels), without audit importing this app.
        from audit.labels import event_labels

        from .audit_events import EVENT_LABELS

        event_labels.register(self.name, EVENT_LABELS)
