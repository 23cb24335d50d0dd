from rest_framework.routers import DefaultRouter

from .views import LetterViewSet, ReportViewSet

router = DefaultRouter(trailing_slash=True)
router.register("letters", LetterViewSet, basename="letter")
router.register("reports", ReportViewSet, basename="report")

urlpatterns = router.urls
