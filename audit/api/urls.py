from django.urls import path

from .views import AuditRecordViewSet, AuditVerifyView

urlpatterns = [
    path("audit/", AuditRecordViewSet.as_view({"get": "list"}), name="audit-list"),
    path("audit/verify/", AuditVerifyView.as_view(), name="audit-verify"),
]
