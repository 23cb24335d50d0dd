from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BevConfig(AppConfig):
    name = "bev"
    verbose_name = _("Fonds (BEV)")

    def ready(self):
        # The trail shows each event by its label (audit.labels), without audit importing this app.
        from audit.labels import event_labels

        from .audit_events import EVENT_LABELS

        event_labels.register(self.name, EVENT_LABELS)
        # The names of these objects are made of their choices' labels (audit.labels.name_labels).
        from audit.labels import name_labels

        name_labels.register(
            self.name,
            {
                "bev.journalentry": ("kind",),
                "bev.position": ("instrument",),
                "bev.disbursement": ("status",),
                "bev.investmentproposal": ("instrument", "status"),
                "bev.feecharge": ("status",),
                "bev.reversalproposal": ("status",),
            },
        )
        from access.permissions import can
        from assessments import hooks
        from cases import guards
        from core.extensions import NavItem, nav_items, work_sources

        from . import selectors, work

        # The lifecycle's guards ask the fund (cases.guards).
        guards.has_disbursement_booked.provide(selectors.case_has_disbursement)
        guards.positions_all_exited.provide(selectors.case_positions_all_exited)
        guards.cases_with_disbursement.provide(selectors.cases_with_disbursement)
        guards.cases_all_exited.provide(selectors.cases_positions_all_exited)
        # A case whose every disbursement is reversed goes back to investment preparation.
        from .events import TransactionReversed, reversed_
        from .services.disbursements import case_back_on_reversal

        reversed_.connect(case_back_on_reversal, sender=TransactionReversed, dispatch_uid="bev.case_back_on_reversal")
        # A case that ends releases what is still reserved for it (cases.hooks).
        from cases import hooks as case_hooks

        from .services import reservations_release_on_case_end

        case_hooks.case_ended.provide(reservations_release_on_case_end)
        # A kabinetsbesluit's maximum for a case stays within the fund's maximum size (cases.hooks).
        case_hooks.fund_maximum_size.provide(selectors.fund_maximum_size)
        # The risk review asks the fund which cabinet conditions are still open (assessments.hooks).
        hooks.open_cabinet_conditions.provide(selectors.case_open_cabinet_conditions)
        # The shared pages (core.extensions).
        work_sources.register("bev", work.work_items)
        from core.extensions import code_labels

        from .constants import Instrument

        code_labels.register("instrument", dict(Instrument.choices))
        from .constants import Account

        code_labels.register("account", dict(Account.choices))  # a booking's lines in the trail (audit.labels)
        nav_items.register("fund", NavItem(10, "fund", "bev:fund", _("Fonds"), lambda user: can(user, "fund.view")))
        nav_items.register(
            "fees",
            NavItem(
                11,
                "fees",
                "bev:fees",
                _("Beheersvergoeding"),
                lambda user: can(user, "fee.view") and not can(user, "fund.view"),
            ),
        )
