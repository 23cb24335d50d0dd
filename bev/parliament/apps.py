from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParliamentConfig(AppConfig):
    """Letters to parliament (Kamerbrieven) and the fund's reports: part of the fund (bev/),
    an app of its own so that its tables and migrations stay apart from the ledger's."""

    name = "bev.parliament"
    label = "parliament"
    verbose_name = _("Kamerbrieven en rapportages")
