from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Toegang")

    def ready(self):
        from audit import readers

        from . import checks, schema, signals  # noqa: F401  (OIDC settings checks; OpenAPI extension; login audit records)
        from .permissions import can

        readers.may.provide(can)  # who may read and verify the audit trail
