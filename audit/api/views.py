from dataclasses import asdict

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import AuditRecord
from ..readers import require
from ..selectors import audit_record_list
from ..services import audit_chain_seal, audit_log
from ..verify import verify_chain
from .filters import AuditRecordFilter
from .serializers import (
    AuditQuerySerializer,
    AuditRecordSerializer,
    ChainReportSerializer,
)


@extend_schema(parameters=[
    OpenApiParameter("case", OpenApiTypes.INT, description="Case id: its whole trail (404 if you cannot see it)."),
    OpenApiParameter("user", OpenApiTypes.STR, description="Username: that person's trail."),
])
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
        return audit_record_list(user=self.request.user, case_id=query.validated_data.get("case"),
                                 username=query.validated_data.get("user"))


class AuditVerifyView(APIView):
    """Walk the hash chain: intact, or the first record that was altered, removed or reordered."""

    @extend_schema(responses=ChainReportSerializer)
    def get(self, request):
        require(request.user, "audit.verify")
        audit_chain_seal()
        report = verify_chain()
        with transaction.atomic():
            audit_log(actor=request.user, action=AuditRecord.Action.OTHER, event="audit.verify",
                      object_type="audit.auditrecord", object_id="chain",
                      changes={"ok": report.ok, "checked": report.checked, "first_bad_id": report.first_bad_id})
        return Response(ChainReportSerializer(asdict(report)).data)
