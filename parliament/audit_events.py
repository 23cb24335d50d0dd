"""The labels of the events `parliament` writes to the audit trail (audit.labels.event_labels)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    # Categories: what a record of a case the reader may not see shows instead of its step (audit.selectors.shown)
    "letter": _("Kamerbrief"),
    "letter_request": _("Verzoek om een Kamerbrief"),
    "parliament": _("Parlement"),
    "report": _("Rapportage"),
    "letter_request.create": _("Verzoek om een Kamerbrief aangemaakt"),
    "letter.draft_create": _("Concept-Kamerbrief aangemaakt"),
    "letter.update": _("Kamerbrief gewijzigd"),
    "letter.submit": _("Kamerbrief ter goedkeuring aangeboden"),
    "letter.approve": _("Kamerbrief goedgekeurd"),
    "letter.return_to_draft": _("Kamerbrief teruggezet naar concept"),
    "letter.set_reference": _("Kenmerk van de Kamerbrief vastgelegd"),
    "letter.mark_sent": _("Kamerbrief verzonden"),
    "letter.withdraw": _("Kamerbrief ingetrokken (transactie tegengeboekt)"),
    "letter.download_docx": _("Kamerbrief gedownload (Word)"),
    "letter.download_pdf": _("Kamerbrief gedownload (PDF)"),
    "letter.download_": _("Kamerbrief gedownload"),
    "report.request": _("Rapportage aangevraagd"),
    "report.done": _("Rapportage gereed"),
    "report.download_xlsx": _("Rapportage gedownload (Excel)"),
    "report.download_csv": _("Rapportage gedownload (CSV)"),
    "report.download_": _("Rapportage gedownload"),
    "parliament.seed_configuration": _("Configuratie Kamerbrieven ingericht"),
    "parliament.configure": _("Configuratie Kamerbrieven gewijzigd"),
}
