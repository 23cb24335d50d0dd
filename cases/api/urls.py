from rest_framework.routers import DefaultRouter

from .views import CaseViewSet

router = DefaultRouter(trailing_slash=True)
router.register("cases", CaseViewSet, basename="case")

urlpatterns = router.urls
