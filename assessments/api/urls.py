from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    AssessmentReportView,
    AssessmentViewSet,
    ConsultationViewSet,
    FrameworkViewSet,
)

# JSON only: no ".json" format-suffix routes (the actions take no `format` argument).
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("consultations", ConsultationViewSet, basename="consultation")

urlpatterns = [
    path(
        "cases/<str:case_id>/documents/assessment-report/",
        AssessmentReportView.as_view(),
        name="case-assessment-report",
    ),
    *router.urls,
]
