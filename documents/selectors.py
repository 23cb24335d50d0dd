"""Reads of the case file's documents. Every lookup goes through `Document.objects.visible_to(user)`:
documents of cases the person is on the team of, up to their clearance. Anything else is NotFound."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from access.models import User
from cases.models import Case
from core.exceptions import NotFound

from .models import Document, DocumentLink, DocumentVersion


def document_list(*, user: User | AnonymousUser | None, case: Case | None = None) -> QuerySet[Document]:
    qs = Document.objects.visible_to(user)
    if case is not None:
        qs = qs.filter(case=case)
    return qs.select_related("case", "created_by").prefetch_related(
        Prefetch(
            "versions",
            queryset=DocumentVersion.objects.select_related("uploaded_by", "withdrawn_by").order_by("-number"),
        ),
        Prefetch("links", queryset=DocumentLink.objects.select_related("target_type")),
    )


def document_search(qs: QuerySet[Document], text: str) -> QuerySet[Document]:
    """Titles, and the extracted text of the text formats (plain text, e-mail, DOCX)."""
    text = (text or "").strip()
    if not text:
        return qs
    matching = DocumentVersion.objects.filter(extracted_text__icontains=text).values("document_id")
    return qs.filter(Q(title__icontains=text) | Q(pk__in=matching))


def document_get(*, user: User | AnonymousUser | None, document_id: int | str, case: Case | None = None) -> Document:
    try:
        return document_list(user=user, case=case).get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Document niet gevonden.")) from None


def document_version_get(
    *, user: User | AnonymousUser | None, document_id: int | str, number: int | str, case: Case | None = None
) -> DocumentVersion:
    document = document_get(user=user, document_id=document_id, case=case)
    try:
        version = document.versions.get(number=number)
    except (DocumentVersion.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Documentversie niet gevonden.")) from None
    version.document = document
    return version


def documents_linked_to(*, user: User | AnonymousUser | None, obj: Model) -> QuerySet[Document]:
    """The documents (visible to this person) linked to an object, e.g. an advice or a decision."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(obj)
    linked = DocumentLink.objects.filter(target_type=content_type, target_id=str(obj.pk)).values("document_id")
    return document_list(user=user).filter(pk__in=linked)
