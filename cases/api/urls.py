from rest_framework.routers import DefaultRouter

from .views import CaseViewSet

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False  # the API speaks JSON only: no ".json" twins
router.register("cases", CaseViewSet, basename="case")

urlpatterns = router.urls
