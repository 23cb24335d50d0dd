"""The labels of the events `documents` writes to the audit trail (audit.labels.event_labels)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    # Categories: what a record of a case the reader may not see shows instead of its step (audit.selectors.shown)
    "document": _("Document"),
    "document.upload": _("Document geüpload"),
    "document.version_add": _("Nieuwe versie van een document"),
    "document.download": _("Document gedownload"),
    "document.generate": _("Document gegenereerd"),
    "document.link": _("Document gekoppeld"),
    "document.reclassify": _("Rubricering van een document gewijzigd"),
    "document.withdraw": _("Document ingetrokken"),
    "document.missing": _("Documentbestand ontbreekt"),
    "document.checksum_mismatch": _("Documentbestand wijkt af van de controlesom"),
}
