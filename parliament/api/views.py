"""API of the letters to parliament and the reports: thin views over services and selectors."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.exceptions import NotFound, RuleViolation

from .. import selectors, services
from ..models import LetterDraft, Report
from ..rendering import letter_docx, letter_filename, letter_html, letter_pdf
from .filters import LetterFilter
from .serializers import (
    LetterDetailSerializer,
    LetterDiffSerializer,
    LetterListSerializer,
    LetterReturnSerializer,
    LetterRevisionSerializer,
    LetterUpdateSerializer,
    MarkSentSerializer,
    ReportRequestSerializer,
    ReportSerializer,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANNEX_PARAMETER = OpenApiParameter(
    "annex",
    OpenApiTypes.BOOL,
    description=gettext_lazy(
        "Met de vertrouwelijke bijlage: true. Standaard (false) alleen de openbare brief, zoals de webpagina."
    ),
)


def _include_annex(request) -> bool:
    """The confidential annex only when asked for (?annex=true), as the web page's downloads: by default
    the API gave the letter with the annex, naming the company to whoever passed the file on (found by
    trying the product)."""
    return request.query_params.get("annex", "false").lower() in {"1", "true", "yes"}


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class LetterViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Letters to the Tweede and Eerste Kamer, one per chamber per fund transaction. Only letters of
    cases the user may see (others: 404)."""

    filterset_class = LetterFilter
    search_fields = ["subject", "our_reference", "kamerstuk_number", "case__reference"]
    ordering_fields = ["created_at", "letter_date", "sent_on"]
    serializer_class = LetterListSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return LetterDraft.objects.none()
        return selectors.letter_list(user=self.request.user)

    def _letter(self):
        return selectors.letter_get(user=self.request.user, letter_id=self.kwargs["pk"])

    @extend_schema(responses=LetterDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(LetterDetailSerializer(self._letter()).data)

    @extend_schema(request=LetterUpdateSerializer, responses=LetterDetailSerializer)
    def partial_update(self, request, pk=None):
        serializer = LetterUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        letter = self._letter()
        if "our_reference" in data:
            letter = services.letter_set_reference(
                user=request.user, letter=letter, our_reference=data.pop("our_reference")
            )
        if set(data) - {"expected_revision", "note"}:
            letter = services.letter_update(user=request.user, letter=letter, **data)
        return Response(LetterDetailSerializer(letter).data)

    @extend_schema(request=None, responses=LetterDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        letter = services.letter_submit(user=request.user, letter=self._letter())
        return Response(LetterDetailSerializer(letter).data)

    @extend_schema(request=LetterReturnSerializer, responses=LetterDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        serializer = LetterReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        letter = services.letter_return_to_draft(
            user=request.user, letter=self._letter(), reason=serializer.validated_data["reason"]
        )
        return Response(LetterDetailSerializer(letter).data)

    @extend_schema(request=None, responses=LetterDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        letter = services.letter_approve(user=request.user, letter=self._letter())
        return Response(LetterDetailSerializer(letter).data)

    @extend_schema(request=MarkSentSerializer, responses=LetterDetailSerializer)
    @action(detail=True, methods=["post"], url_path="mark-sent")
    def mark_sent(self, request, pk=None):
        serializer = MarkSentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        letter = services.letter_mark_sent(user=request.user, letter=self._letter(), **serializer.validated_data)
        return Response(LetterDetailSerializer(letter).data)

    @extend_schema(responses=LetterRevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        return Response(LetterRevisionSerializer(selectors.letter_revisions(letter=self._letter()), many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, required=True),
            OpenApiParameter("to", OpenApiTypes.INT, required=True),
        ],
        responses=LetterDiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        letter = self._letter()
        try:
            from_number = int(request.query_params.get("from", ""))
            to_number = int(request.query_params.get("to", ""))
        except ValueError:
            raise RuleViolation(_("Geef 'from' en 'to' op als versienummers."), field="from") from None
        return Response(selectors.letter_revision_diff(letter=letter, from_number=from_number, to_number=to_number))

    @extend_schema(parameters=[ANNEX_PARAMETER], responses={(200, "text/html"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        letter = self._letter()
        response = HttpResponse(
            letter_html(letter, include_annex=_include_annex(request)), content_type="text/html; charset=utf-8"
        )
        # The letter's own stylesheet is inline; nothing else may load or run.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        return response

    @extend_schema(parameters=[ANNEX_PARAMETER], responses={(200, DOCX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        letter = self._letter()
        annex = _include_annex(request)
        content = letter_docx(letter, include_annex=annex)
        services.letter_record_download(user=request.user, letter=letter, fmt="docx", annex=annex)
        return _attachment(content, DOCX_TYPE, letter_filename(letter, "docx", include_annex=annex))

    @extend_schema(parameters=[ANNEX_PARAMETER], responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        letter = self._letter()
        annex = _include_annex(request)
        content = letter_pdf(letter, include_annex=annex)
        services.letter_record_download(user=request.user, letter=letter, fmt="pdf", annex=annex)
        return _attachment(content, "application/pdf", letter_filename(letter, "pdf", include_annex=annex))


REPORT_FORMATS = {
    "csv": ("csv_file", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx_file", XLSX_TYPE),
    "pdf": ("pdf_file", "application/pdf"),
}


class ReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reports (annual transactions, evaluation), built by a worker: poll the status, then download.
    A report holds only the cases visible to the person who asked for it."""

    serializer_class = ReportSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Report.objects.none()
        return selectors.report_list(user=self.request.user)

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportSerializer})
    def create(self, request):
        serializer = ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_request(user=request.user, **serializer.validated_data)
        report.refresh_from_db()
        return Response(ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ReportSerializer)
    def retrieve(self, request, pk=None):
        return Response(ReportSerializer(selectors.report_get(user=request.user, report_id=pk)).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"download/(?P<fmt>csv|xlsx|pdf)")
    def download(self, request, pk=None, fmt=None):
        report = selectors.report_get(user=request.user, report_id=pk)
        field_name, content_type = REPORT_FORMATS[fmt]
        field = getattr(report, field_name)
        if not field:
            raise NotFound(_("Dit bestand is (nog) niet beschikbaar."))
        with field.open("rb") as handle:
            content = handle.read()
        services.report_record_download(user=request.user, report=report, fmt=fmt)
        return _attachment(content, content_type, field.name.rsplit("/", 1)[-1])
