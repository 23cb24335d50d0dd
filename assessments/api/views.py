"""The afwegingskader API: thin views over assessments.services and assessments.selectors.

Need-to-know: assessments are reached through `selectors.assessment_get` (the case team minus
department advisors), consultation requests through `selectors.consultation_get` (a department
advisor reaches only their own). Everything else is 404."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import case_get
from core.exceptions import NotFound
from documents.api.serializers import DocumentDetailSerializer
from documents.selectors import document_get

from .. import selectors, services
from ..models import Assessment, ConsultationRequest, FrameworkVersion
from .filters import AssessmentFilter
from .representation import assessment_detail_body
from .serializers import (
    AssessmentApproveSerializer,
    AssessmentCreateSerializer,
    AssessmentDetailSerializer,
    AssessmentListSerializer,
    AssessmentReportRequestSerializer,
    AssessmentResultSerializer,
    AssessmentReturnSerializer,
    CheckInputSerializer,
    CheckRowSerializer,
    ConditionInputSerializer,
    ConditionRowSerializer,
    ConsultationAnswerSerializer,
    ConsultationCreateSerializer,
    ConsultationDetailSerializer,
    ConsultationResponseSerializer,
    ConsultationSummarySerializer,
    ConsultationWaiverSerializer,
    FrameworkSerializer,
    FrameworkUpdateSerializer,
    FrameworkWriteSerializer,
    IndicatorBoardSerializer,
    LowIndicatorsJustificationSerializer,
    NoConsultationReasonSerializer,
    PolicyGoalInputSerializer,
    ScopeInputSerializer,
    ScoreInputSerializer,
    SettlementInputSerializer,
)

CODE = OpenApiParameter(
    "code", str, OpenApiParameter.PATH, description=gettext_lazy("Code uit de versie van het afwegingskader.")
)
CONFLICT = OpenApiResponse(description=gettext_lazy("Niet in de juiste status, of een regel is niet voldaan."))


class FrameworkViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Versions of the afwegingskader. Everyone reads published versions; administrators create
    drafts and publish them. Published versions never change."""

    serializer_class = FrameworkSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FrameworkVersion.objects.none()
        return selectors.framework_list(user=self.request.user)

    @extend_schema(responses=FrameworkSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = FrameworkSerializer([selectors.framework_description(f) for f in page], many=True).data
        return self.get_paginated_response(data)

    @extend_schema(responses=FrameworkSerializer)
    def retrieve(self, request, pk=None):
        framework = selectors.framework_get(user=request.user, framework_id=pk)
        return Response(FrameworkSerializer(selectors.framework_description(framework)).data)

    @extend_schema(request=FrameworkWriteSerializer, responses={201: FrameworkSerializer})
    def create(self, request):
        serializer = FrameworkWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        framework = services.framework_create_draft(user=request.user, **serializer.validated_data)
        return Response(
            FrameworkSerializer(selectors.framework_description(framework)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=FrameworkUpdateSerializer, responses={200: FrameworkSerializer, 409: CONFLICT})
    def partial_update(self, request, pk=None):
        framework = selectors.framework_get(user=request.user, framework_id=pk)
        serializer = FrameworkUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        framework = services.framework_update_draft(user=request.user, framework=framework, **serializer.validated_data)
        return Response(FrameworkSerializer(selectors.framework_description(framework)).data)

    @extend_schema(request=None, responses={200: FrameworkSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        framework = selectors.framework_get(user=request.user, framework_id=pk)
        framework = services.framework_publish(user=request.user, framework=framework)
        return Response(FrameworkSerializer(selectors.framework_description(framework)).data)


class AssessmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Risk assessments (risico-inschattingen) and risk reviews of the cases the user may see."""

    serializer_class = AssessmentListSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["created_at", "approved_at"]
    search_fields: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        return selectors.assessment_list(user=self.request.user)

    def _assessment(self, *, audit_read=False, for_detail=False):
        return selectors.assessment_get(
            user=self.request.user, assessment_id=self.kwargs["pk"], audit_read=audit_read, for_detail=for_detail
        )

    def _detail(self, assessment, *, code=status.HTTP_200_OK):
        """The detail of an assessment a service just changed or created, read again as it now is."""
        fresh = selectors.assessment_get(user=self.request.user, assessment_id=assessment.pk, for_detail=True)
        return self._detail_response(fresh, code=code)

    @staticmethod
    def _detail_response(assessment, *, code=status.HTTP_200_OK):
        return Response(assessment_detail_body(selectors.assessment_detail(assessment=assessment)), status=code)

    @extend_schema(responses=AssessmentDetailSerializer)
    def retrieve(self, request, pk=None):
        return self._detail_response(self._assessment(audit_read=True, for_detail=True))

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentDetailSerializer, 409: CONFLICT})
    def create(self, request):
        serializer = AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = case_get(user=request.user, case_id=serializer.validated_data["case"], audit_read=False)
        assessment = services.assessment_start(user=request.user, case=case, kind=serializer.validated_data["kind"])
        return self._detail(assessment, code=status.HTTP_201_CREATED)

    @extend_schema(request=ScopeInputSerializer, responses={200: AssessmentDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["put"])
    def scope(self, request, pk=None):
        serializer = ScopeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment = services.assessment_set_scope(
            user=request.user,
            assessment=self._assessment(),
            scope_ground=data["scope_ground"],
            confirmed=data["confirmed"],
            rationale=data["rationale"],
        )
        return self._detail(assessment)

    @extend_schema(request=PolicyGoalInputSerializer, responses={200: AssessmentDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["put"], url_path="policy-goal")
    def policy_goal(self, request, pk=None):
        """Whether the company is crucial to policy goals (version 2: only then the broader indicator counts)."""
        serializer = PolicyGoalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_set_policy_goal(
            user=request.user, assessment=self._assessment(), **serializer.validated_data
        )
        return self._detail(assessment)

    @extend_schema(
        request=LowIndicatorsJustificationSerializer, responses={200: AssessmentDetailSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["put"], url_path="low-indicators-justification")
    def low_indicators_justification(self, request, pk=None):
        """Why condition 1 is met although every indicator is low (version 2)."""
        serializer = LowIndicatorsJustificationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_set_low_indicators_justification(
            user=request.user, assessment=self._assessment(), **serializer.validated_data
        )
        return self._detail(assessment)

    @extend_schema(request=NoConsultationReasonSerializer, responses={200: AssessmentDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["put"], url_path="no-consultation-reason")
    def no_consultation_reason(self, request, pk=None):
        """Why none of the ministries concerned needed to be asked (version 2)."""
        serializer = NoConsultationReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_set_no_consultation_reason(
            user=request.user, assessment=self._assessment(), **serializer.validated_data
        )
        return self._detail(assessment)

    @extend_schema(
        parameters=[CODE], request=ConditionInputSerializer, responses={200: ConditionRowSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["put"], url_path=r"conditions/(?P<code>[\w-]+)")
    def condition(self, request, pk=None, code=None):
        serializer = ConditionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = self._assessment()
        services.assessment_set_condition(
            user=request.user, assessment=assessment, code=code, **serializer.validated_data
        )
        row = next(r for r in selectors.assessment_detail(assessment=assessment)["conditions"] if r["code"] == code)
        return Response(ConditionRowSerializer(row).data)

    @extend_schema(parameters=[CODE], request=CheckInputSerializer, responses={200: CheckRowSerializer, 409: CONFLICT})
    @action(detail=True, methods=["put"], url_path=r"checks/(?P<code>[\w-]+)")
    def check(self, request, pk=None, code=None):
        serializer = CheckInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = self._assessment()
        services.assessment_set_check(user=request.user, assessment=assessment, code=code, **serializer.validated_data)
        row = next(r for r in selectors.assessment_detail(assessment=assessment)["checks"] if r["code"] == code)
        return Response(CheckRowSerializer(row).data)

    @extend_schema(responses=IndicatorBoardSerializer(many=True))
    @action(detail=True, methods=["get"])
    def scores(self, request, pk=None):
        """Each indicator's independent scores side by side, with disagreement flagged."""
        board = selectors.assessment_scoreboard(assessment=self._assessment())
        return Response(IndicatorBoardSerializer(board, many=True).data)

    @extend_schema(request=ScoreInputSerializer, responses={201: IndicatorBoardSerializer(many=True), 409: CONFLICT})
    @scores.mapping.post
    def score(self, request, pk=None):
        """Record (or replace) the current assessor's own score of one indicator."""
        serializer = ScoreInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = self._assessment()
        services.assessment_score(user=request.user, assessment=assessment, **serializer.validated_data)
        board = selectors.assessment_scoreboard(assessment=assessment)
        return Response(IndicatorBoardSerializer(board, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SettlementInputSerializer, responses={200: IndicatorBoardSerializer(many=True), 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        """The lead assessor settles an indicator's level."""
        serializer = SettlementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = self._assessment()
        services.assessment_settle(user=request.user, assessment=assessment, **serializer.validated_data)
        return Response(
            IndicatorBoardSerializer(selectors.assessment_scoreboard(assessment=assessment), many=True).data
        )

    @extend_schema(responses=AssessmentResultSerializer)
    @action(detail=True, methods=["get"])
    def outcome(self, request, pk=None):
        """The computed outcome explained in words, with the inputs that drove it."""
        return Response(AssessmentResultSerializer(selectors.assessment_result(assessment=self._assessment())).data)

    @extend_schema(request=None, responses={200: AssessmentDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._detail(services.assessment_submit(user=request.user, assessment=self._assessment()))

    @extend_schema(request=AssessmentApproveSerializer, responses={200: AssessmentDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        serializer = AssessmentApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(
            services.assessment_approve(
                user=request.user, assessment=self._assessment(), comments=serializer.validated_data["comments"]
            )
        )

    @extend_schema(request=AssessmentReturnSerializer, responses={200: AssessmentDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request, pk=None):
        serializer = AssessmentReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._detail(
            services.assessment_return(
                user=request.user, assessment=self._assessment(), comments=serializer.validated_data["comments"]
            )
        )

    @extend_schema(request=None, responses={201: AssessmentDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """A change to an approved assessment: a new draft revision linked to it."""
        new = services.assessment_revise(user=request.user, assessment=self._assessment())
        return self._detail(new, code=status.HTTP_201_CREATED)

    @extend_schema(responses=AssessmentListSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The revision chain, oldest first."""
        chain = selectors.assessment_history(assessment=self._assessment())
        return Response(AssessmentListSerializer(chain, many=True).data)

    @extend_schema(responses=ConsultationSummarySerializer(many=True))
    @action(detail=True, methods=["get"])
    def consultations(self, request, pk=None):
        assessment = self._assessment()
        rows = selectors.consultation_list(user=request.user, assessment_id=assessment.pk)
        return Response(
            ConsultationSummarySerializer([selectors.consultation_summary(c) for c in rows], many=True).data
        )

    @extend_schema(request=ConsultationCreateSerializer, responses={201: ConsultationDetailSerializer, 409: CONFLICT})
    @consultations.mapping.post
    def request_consultation(self, request, pk=None):
        """The lead assessor asks a ministry concerned for advice, with a due date."""
        serializer = ConsultationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = services.consultation_request(
            user=request.user, assessment=self._assessment(), **serializer.validated_data
        )
        return Response(
            ConsultationDetailSerializer(selectors.consultation_detail(consultation=consultation)).data,
            status=status.HTTP_201_CREATED,
        )


class ConsultationViewSet(viewsets.GenericViewSet):
    """Advice requests (afstemming). A department advisor sees only the requests addressed to them,
    with the parts of the assessment they cover."""

    serializer_class = ConsultationSummarySerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConsultationRequest.objects.none()
        return selectors.consultation_list(user=self.request.user)

    def _consultation(self, *, audit_read=False):
        return selectors.consultation_get(
            user=self.request.user, consultation_id=self.kwargs["pk"], audit_read=audit_read
        )

    @extend_schema(responses=ConsultationSummarySerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            ConsultationSummarySerializer([selectors.consultation_summary(c) for c in page], many=True).data
        )

    @extend_schema(responses=ConsultationDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(
            ConsultationDetailSerializer(
                selectors.consultation_detail(consultation=self._consultation(audit_read=True))
            ).data
        )

    @extend_schema(request=ConsultationAnswerSerializer, responses={200: ConsultationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        serializer = ConsultationAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = services.consultation_answer(
            user=request.user, consultation=self._consultation(), **serializer.validated_data
        )
        return Response(ConsultationDetailSerializer(selectors.consultation_detail(consultation=consultation)).data)

    @extend_schema(request=ConsultationResponseSerializer, responses={200: ConsultationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The lead assessor records EZK's response to an advice that objects or has concerns."""
        serializer = ConsultationResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = services.consultation_respond(
            user=request.user, consultation=self._consultation(), response=serializer.validated_data["response"]
        )
        return Response(ConsultationDetailSerializer(selectors.consultation_detail(consultation=consultation)).data)

    @extend_schema(request=ConsultationWaiverSerializer, responses={200: ConsultationDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        serializer = ConsultationWaiverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = services.consultation_waive(
            user=request.user, consultation=self._consultation(), reason=serializer.validated_data["reason"]
        )
        return Response(ConsultationDetailSerializer(selectors.consultation_detail(consultation=consultation)).data)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "case_id",
            str,
            OpenApiParameter.PATH,
            description=gettext_lazy("Id of kenmerk (BEV-2025-0001) van de casus."),
        )
    ]
)
class AssessmentReportView(APIView):
    """Generate the risk assessment report for the ministerraad (PDF, plus an editable DOCX) from an
    approved assessment of this case; stored as documents of the case, versioned per revision."""

    @extend_schema(
        request=AssessmentReportRequestSerializer,
        responses={
            201: DocumentDetailSerializer,
            404: OpenApiResponse(description=gettext_lazy("Geen casus voor deze gebruiker (need-to-know).")),
            409: OpenApiResponse(description=gettext_lazy("De risico-inschatting is niet goedgekeurd.")),
        },
    )
    def post(self, request, case_id):
        case = case_get(user=request.user, case_id=case_id, audit_read=False)
        serializer = AssessmentReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = selectors.assessment_get(user=request.user, assessment_id=serializer.validated_data["assessment"])
        if assessment.case_id != case.pk:
            raise NotFound(_("Risico-inschatting niet gevonden."))
        document = services.assessment_report_generate(user=request.user, assessment=assessment)
        document = document_get(user=request.user, document_id=document.pk, case=case)
        return Response(DocumentDetailSerializer(document).data, status=status.HTTP_201_CREATED)
