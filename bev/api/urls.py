from rest_framework.routers import DefaultRouter

from .views import DisbursementViewSet, FundViewSet, InvestmentProposalViewSet, PositionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False  # no ".json" twins: the API speaks JSON only
router.register("fund", FundViewSet, basename="fund")
router.register("positions", PositionViewSet, basename="position")
router.register("disbursements", DisbursementViewSet, basename="disbursement")
router.register("investment-proposals", InvestmentProposalViewSet, basename="investment-proposal")

urlpatterns = router.urls
