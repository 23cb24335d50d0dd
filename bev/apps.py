from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BevConfig(AppConfig):
    name = "bev"
    verbose_name = _("Fonds (BEV)")
