"""Documents of a case: /api/cases/{case_id}/documents/... Thin views: selectors read, services change."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import case_get

from .. import selectors, services
from ..http import version_download_response
from ..models import Document
from .filters import DocumentFilter
from .serializers import (
    DocumentDetailSerializer,
    DocumentLinkSerializer,
    DocumentListSerializer,
    DocumentUploadSerializer,
    DocumentVersionSerializer,
    DocumentVersionUploadSerializer,
    LinkSerializer,
    ReclassifySerializer,
    WithdrawSerializer,
)

CASE_ID = OpenApiParameter(
    "case_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=gettext_lazy("Id of kenmerk (BEV-2025-0001) van de casus."),
)
DOCUMENT_ID = OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH)
NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("Versienummer."))
NOT_FOUND = OpenApiResponse(
    description=gettext_lazy("Geen casus of document voor deze gebruiker (need-to-know, machtiging).")
)


if TYPE_CHECKING:
    _DocumentViewBase = generics.GenericAPIView
else:
    _DocumentViewBase = object


class CaseDocumentMixin(_DocumentViewBase):
    """Mixed into the DRF views below (for the type checker, one of them)."""

    def get_case(self):
        return case_get(user=self.request.user, case_id=self.kwargs["case_id"], audit_read=False)

    def get_document(self) -> Document:
        return selectors.document_get(
            user=self.request.user, document_id=self.kwargs["document_id"], case=self.get_case()
        )


@extend_schema(parameters=[CASE_ID])
class DocumentListView(CaseDocumentMixin, generics.ListAPIView):
    """The documents of a case the current user may see; upload a new one (multipart)."""

    queryset = Document.objects.none()
    serializer_class = DocumentListSerializer
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = DocumentFilter
    ordering_fields = ["document_date", "title", "created_at"]
    parser_classes = [MultiPartParser]  # a file; every other view takes JSON only

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        return selectors.document_list(user=self.request.user, case=self.get_case())

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentDetailSerializer, 404: NOT_FOUND})
    def post(self, request, case_id):
        case = self.get_case()
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        content, filename = services.read_upload(data.pop("file"))
        document = services.document_upload(user=request.user, case=case, content=content, filename=filename, **data)
        document = selectors.document_get(user=request.user, document_id=document.pk, case=case)
        return Response(DocumentDetailSerializer(document).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[CASE_ID, DOCUMENT_ID], responses={200: DocumentDetailSerializer, 404: NOT_FOUND})
class DocumentDetailView(CaseDocumentMixin, APIView):
    def get(self, request, case_id, document_id):
        return Response(DocumentDetailSerializer(self.get_document()).data)


@extend_schema(parameters=[CASE_ID, DOCUMENT_ID])
class DocumentVersionListView(CaseDocumentMixin, APIView):
    """A new upload of the same document is a new version; earlier versions stay readable."""

    parser_classes = [MultiPartParser]  # a file; every other view takes JSON only

    @extend_schema(responses={200: DocumentVersionSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, case_id, document_id):
        return Response(DocumentVersionSerializer(self.get_document().versions.all(), many=True).data)

    @extend_schema(request=DocumentVersionUploadSerializer, responses={201: DocumentVersionSerializer, 404: NOT_FOUND})
    def post(self, request, case_id, document_id):
        document = self.get_document()
        serializer = DocumentVersionUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        content, filename = services.read_upload(serializer.validated_data["file"])
        version = services.document_version_add(
            user=request.user, document=document, content=content, filename=filename
        )
        return Response(DocumentVersionSerializer(version).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[CASE_ID, DOCUMENT_ID, NUMBER])
class DocumentVersionDownloadView(CaseDocumentMixin, APIView):
    """The stored file, as an attachment, after the need-to-know, clearance and checksum checks.
    Every download is recorded in the audit trail."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: NOT_FOUND,
            409: OpenApiResponse(description=gettext_lazy("Het opgeslagen bestand klopt niet met de controlesom.")),
        }
    )
    def get(self, request, case_id, document_id, number):
        version = selectors.document_version_get(
            user=request.user, document_id=document_id, number=number, case=self.get_case()
        )
        content = services.document_version_download(user=request.user, version=version)
        return version_download_response(version, content)


@extend_schema(parameters=[CASE_ID, DOCUMENT_ID, NUMBER])
class DocumentVersionWithdrawView(CaseDocumentMixin, APIView):
    """Documents are never deleted: a version is withdrawn with a reason and stays readable."""

    @extend_schema(request=WithdrawSerializer, responses={200: DocumentVersionSerializer, 404: NOT_FOUND})
    def post(self, request, case_id, document_id, number):
        version = selectors.document_version_get(
            user=request.user, document_id=document_id, number=number, case=self.get_case()
        )
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.document_version_withdraw(
            user=request.user, version=version, reason=serializer.validated_data["reason"]
        )
        return Response(DocumentVersionSerializer(version).data)


@extend_schema(parameters=[CASE_ID, DOCUMENT_ID])
class DocumentLinkView(CaseDocumentMixin, APIView):
    """Link the document to an object of the same case (a score, a condition, an advice, a decision, a position)."""

    @extend_schema(request=LinkSerializer, responses={201: DocumentLinkSerializer, 404: NOT_FOUND})
    def post(self, request, case_id, document_id):
        document = self.get_document()
        serializer = LinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = services.document_link(user=request.user, document=document, **serializer.validated_data)
        return Response(DocumentLinkSerializer(link).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[CASE_ID, DOCUMENT_ID])
class DocumentClassificationView(CaseDocumentMixin, APIView):
    """Change the classification. Lowering it needs the right and a reason, and is audited."""

    @extend_schema(request=ReclassifySerializer, responses={200: DocumentDetailSerializer, 404: NOT_FOUND})
    def post(self, request, case_id, document_id):
        document = self.get_document()
        serializer = ReclassifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.document_reclassify(user=request.user, document=document, **serializer.validated_data)
        return Response(DocumentDetailSerializer(self.get_document()).data)
