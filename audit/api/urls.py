from django.urls import path

from .views import AuditRecordViewSet, ChainVerificationViewSet

urlpatterns = [
    path("audit/", AuditRecordViewSet.as_view({"get": "list"}), name="audit-list"),
    path(
        "audit/verifications/",
        ChainVerificationViewSet.as_view({"get": "list", "post": "create"}),
        name="audit-verification-list",
    ),
    path(
        "audit/verifications/evidence-check/",
        ChainVerificationViewSet.as_view({"post": "evidence_check"}),
        name="audit-verification-evidence-check",
    ),
    path(
        "audit/verifications/<int:pk>/",
        ChainVerificationViewSet.as_view({"get": "retrieve"}),
        name="audit-verification-detail",
    ),
    path(
        "audit/verifications/<int:pk>/evidence/",
        ChainVerificationViewSet.as_view({"get": "evidence"}),
        name="audit-verification-evidence",
    ),
]
