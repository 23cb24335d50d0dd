"""The cabinet's risk assessment report, stored as documents of the case."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from cases.models import Case
from core.exceptions import Conflict, NotFound
from documents import services as documents
from documents.constants import DocumentType
from documents.models import Document, DocumentLink

from ..cabinet_report import render_docx, render_pdf
from ..models import Assessment
from ..selectors import assessment_report_context


# ---------------------------------------------------------------------------------------------
# The cabinet's risk assessment report
# ---------------------------------------------------------------------------------------------
def assessment_report_generate(*, user: User, assessment: Assessment) -> Document:
    """Render the approved assessment as the report for the ministerraad (PDF, plus an editable DOCX)
    and store both as documents of the case; a revised assessment gives new versions of the same
    two documents. Returns the PDF document.

    Letter, "Afwegingskader": "Op basis van deze risico-inschatting beslist het kabinet over de
    inzet van de voorziening.\""""
    case = assessment.case
    if not Case.objects.case_file_visible_to(user).filter(pk=case.pk).exists():
        raise NotFound(_("Casus niet gevonden."))
    require(user, "assessment.generate_report", case=case)
    if getattr(assessment, "status", None) != "approved":
        raise Conflict(
            _("Alleen een goedgekeurde risico-inschatting gaat als rapport naar de ministerraad."),
            code="assessment_not_approved",
        )
    kind = getattr(assessment, "kind", "initial")
    revision = f"assessment:{assessment.pk}:r{getattr(assessment, 'revision', 1)}"
    stem = f"risico-inschatting-{case.reference}-r{getattr(assessment, 'revision', 1)}"
    stored = {}
    # A report for the ministerraad is a Dutch document, whatever language the person uses (as the
    # Kamerbrief: parliament.services); its headings, labels and dates are never half English.
    with translation.override("nl"):
        context = assessment_report_context(assessment=assessment)
        title = _("Risico-inschatting voor de ministerraad")
        if kind != "initial":
            title = _("Periodieke risicoherbeoordeling")
        for extension, render, label in (("pdf", render_pdf, "PDF"), ("docx", render_docx, _("DOCX, bewerkbaar"))):
            stored[extension] = documents.generated_document_store(
                user=user,
                case=case,
                title=f"{title} ({label})",
                document_type=DocumentType.ASSESSMENT_REPORT,
                filename=f"{stem}.{extension}",
                content=render(context),
                classification=case.classification,
                source_key=f"assessment-report:{kind}:{extension}",
                source_revision=revision,
            )
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(type(assessment))
        for version in stored.values():
            DocumentLink.objects.get_or_create(
                document=version.document,
                target_type=content_type,
                target_id=str(assessment.pk),
                defaults={"created_by": user},
            )
    return stored["pdf"].document
