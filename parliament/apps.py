from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParliamentConfig(AppConfig):
    """Letters to parliament (Kamerbrieven) and the fund's reports: the app above the fund (bev),
    which learns of every executed transaction through the signal `bev.events.executed`."""

    name = "parliament"
    label = "parliament"
    verbose_name = _("Kamerbrieven en rapportages")

    def ready(self):
        # The trail shows each event by its label (audit.labels), without audit importing this app.
        from audit.labels import event_labels

        from .audit_events import EVENT_LABELS

        event_labels.register(self.name, EVENT_LABELS)
        from access.permissions import can
        from bev.events import TransactionExecuted, TransactionReversed, executed, reversed_
        from core.extensions import NavItem, metric_sources, nav_items, work_sources

        from . import metrics, work
        from .services import letter_requests_on_transaction, letters_on_reversal

        executed.connect(
            letter_requests_on_transaction, sender=TransactionExecuted, dispatch_uid="parliament.letter_requests"
        )
        reversed_.connect(
            letters_on_reversal, sender=TransactionReversed, dispatch_uid="parliament.letters_on_reversal"
        )
        work_sources.register("parliament", work.work_items)
        metric_sources.register("parliament", metrics.collect)
        nav_items.register(
            "letters",
            NavItem(20, "letters", "parliament:letters", _("Kamerbrieven"), lambda user: can(user, "letter.view")),
        )
        nav_items.register(
            "reports",
            NavItem(30, "reports", "parliament:reports", _("Rapportages"), lambda user: can(user, "report.generate")),
        )
