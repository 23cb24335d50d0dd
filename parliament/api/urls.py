from rest_framework.routers import DefaultRouter

from .views import LetterViewSet, ReportViewSet

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False  # the API speaks JSON; /letters/1.json/ is not a URL
router.register("letters", LetterViewSet, basename="letter")
router.register("reports", ReportViewSet, basename="report")

urlpatterns = router.urls
