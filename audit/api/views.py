import json

from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import evidence
from ..models import AuditRecord, ChainVerification
from ..readers import require
from ..selectors import audit_record_list, chain_verification_get, chain_verification_list
from ..services import chain_verification_evidence, chain_verification_request
from .filters import AuditRecordFilter
from .serializers import (
    AuditQuerySerializer,
    AuditRecordSerializer,
    ChainVerificationSerializer,
    EvidenceCheckSerializer,
)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "case",
            OpenApiTypes.INT,
            description=gettext_lazy("Id van een casus: de hele audittrail ervan (404 als u de casus niet mag zien)."),
        ),
        OpenApiParameter(
            "user", OpenApiTypes.STR, description=gettext_lazy("Gebruikersnaam: de audittrail van die persoon.")
        ),
    ]
)
class AuditRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit trail for auditors and administrators (audit.view), newest first."""

    serializer_class = AuditRecordSerializer
    filterset_class = AuditRecordFilter
    search_fields: list = []
    ordering_fields = ["id", "timestamp"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditRecord.objects.none()
        query = AuditQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return audit_record_list(
            user=self.request.user, case_id=query.validated_data.get("case"), username=query.validated_data.get("user")
        )


class ChainVerificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Verifications of the hash chain (audit.verify): POST asks for one (202; a worker walks the
    chain), GET shows its status and what it found, `evidence/` downloads the signed result."""

    serializer_class = ChainVerificationSerializer
    search_fields: list = []
    filterset_class = None
    ordering_fields = ["id", "requested_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ChainVerification.objects.none()
        return chain_verification_list(user=self.request.user)

    def get_object(self):
        return chain_verification_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=None, responses={202: ChainVerificationSerializer})
    def create(self, request):
        verification = chain_verification_request(user=request.user)
        verification.refresh_from_db()  # eagerly run (the embedded demo): already done
        return Response(ChainVerificationSerializer(verification).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        document = chain_verification_evidence(user=request.user, verification=self.get_object())
        response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{evidence.filename(document)}"'
        return response

    @extend_schema(request=OpenApiTypes.OBJECT, responses=EvidenceCheckSerializer)
    @action(detail=False, methods=["post"], url_path="evidence-check")
    def evidence_check(self, request):
        """Check a downloaded evidence document (the JSON as downloaded, as the request body)."""
        require(request.user, "audit.verify")
        return Response({"valid": evidence.check(request.data)})
