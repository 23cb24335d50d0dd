from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    """The kinds of paper a BEV case file is made of (signal to letter to parliament)."""

    SIGNAL = "signal", _("signaal")
    MEMO = "memo", _("notitie / inlichtingenmemo")
    ADVICE = "advice", _("advies")
    ASSESSMENT_REPORT = "assessment_report", _("risico-inschatting")
    CABINET_DECISION = "cabinet_decision", _("kabinetsbesluit")
    PROPOSAL = "proposal", _("investeringsvoorstel")
    AGREEMENT = "agreement", _("investeringsovereenkomst")
    VALUATION = "valuation", _("waarderingsrapport")
    LETTER = "letter", _("brief")
    OTHER = "other", _("overig")


class FileKind(models.TextChoices):
    """File formats accepted, recognised by their content (never by the name or the client's type)."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"
    ODT = "odt", "ODT"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"
    GIF = "gif", "GIF"
    TEXT = "text", _("platte tekst")
    EML = "eml", _("e-mail (.eml)")
    MSG = "msg", _("Outlook-bericht (.msg)")


# Served media type and canonical extension per kind.
MEDIA_TYPES: dict[str, str] = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.ODT: "application/vnd.oasis.opendocument.text",
    FileKind.PNG: "image/png",
    FileKind.JPEG: "image/jpeg",
    FileKind.GIF: "image/gif",
    FileKind.TEXT: "text/plain; charset=utf-8",
    FileKind.EML: "message/rfc822",
    FileKind.MSG: "application/vnd.ms-outlook",
}
EXTENSIONS = {
    FileKind.PDF: (".pdf",),
    FileKind.DOCX: (".docx",),
    FileKind.XLSX: (".xlsx",),
    FileKind.ODT: (".odt",),
    FileKind.PNG: (".png",),
    FileKind.JPEG: (".jpg", ".jpeg"),
    FileKind.GIF: (".gif",),
    FileKind.TEXT: (".txt", ".text", ".csv", ".md"),
    FileKind.EML: (".eml",),
    FileKind.MSG: (".msg",),
}

# Apps whose objects a document may be linked to (assessment scores, conditions, advice, decisions,
# positions, letters). Links to objects of other apps are refused.
LINKABLE_APPS = {"cases", "assessments", "bev", "parliament"}
