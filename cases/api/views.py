from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from access.models import User
from access.permissions import require
from audit.api.serializers import AuditRecordSerializer
from audit.selectors import audit_record_list
from core.api.representation import datetime_representation, represent
from core.exceptions import NotFound

from .. import selectors, services
from ..models import CabinetDecision
from . import listing
from .filters import CaseFilter, CaseFilterBackend, CaseOrderingFilter, CaseSearchFilter
from .serializers import (
    AvailableTransitionSerializer,
    CabinetDecisionSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseWriteSerializer,
    ReasonSerializer,
    StageClockSerializer,
    TeamCandidateQuerySerializer,
    TeamCandidateSerializer,
    TeamMemberAddSerializer,
    TeamMemberSerializer,
    TeamRoleSerializer,
    TimelineEventSerializer,
    TransitionSerializer,
)


class CaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Cases the current user may see (case team, within clearance). Others get 404."""

    filter_backends = [CaseFilterBackend, CaseSearchFilter, CaseOrderingFilter]
    filterset_class = CaseFilter
    search_fields = ["reference", "title", "target_name", "acquirer_name", "target_kvk_number"]
    ordering_fields = ["signal_received_at", "reference", "expected_closing_date"]
    lookup_value_regex = r"[^/]+"
    write_actions = {"create": "case.create"}  # 403 before the body (access.api.permissions.RoleMayWrite)

    def get_queryset(self):
        return selectors.case_list_rows(user=self.request.user)

    def list(self, request, *args, **kwargs):
        # The page's columns only (no model instances, no serializer per row), then its categories in
        # one query: the page with its count is one statement compiled once per query string
        # (`listing`), else DRF's path (count, page: three queries whatever the page size).
        page = listing.page_rows(self, request, columns=CaseListSerializer.row_columns)
        if page is None:
            queryset = self.filter_queryset(self.get_queryset()).values(*CaseListSerializer.row_columns)
            page = self.paginate_queryset(queryset)
        rows = list(queryset) if page is None else page
        if rows and "_categories" in rows[0]:  # read with the page (`listing`, on PostgreSQL)
            categories = {row["id"]: row["_categories"] for row in rows}
        else:
            categories = selectors.case_categories(case_ids=[row["id"] for row in rows])
        data = CaseListSerializer.rows(rows, categories, datetime_representation=datetime_representation())
        if page is None:
            return Response(data)
        return Response(listing.paginated_body(self.paginator, request, data))

    def get_serializer_class(self):
        return CaseListSerializer

    def _case(self, *, audit_read=False):
        return selectors.case_get(user=self.request.user, case_id=self.kwargs["pk"], audit_read=audit_read)

    @extend_schema(responses=CaseDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(represent(CaseDetailSerializer, self._case(audit_read=True)))

    @extend_schema(request=CaseWriteSerializer, responses={201: CaseDetailSerializer})
    def create(self, request):
        serializer = CaseWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        data.pop("classification_reason", None)
        case = services.case_create(user=request.user, data=data)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseWriteSerializer, responses=CaseDetailSerializer)
    def partial_update(self, request, pk=None):
        case = self._case()
        serializer = CaseWriteSerializer(case, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        reason = data.pop("classification_reason", "")
        case = services.case_update(
            user=request.user, case=case, data=data, expected_version=version, classification_reason=reason
        )
        return Response(CaseDetailSerializer(case).data)

    @extend_schema(responses=AvailableTransitionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def transitions(self, request, pk=None):
        """The transitions the current user may take now."""
        case = self._case()
        return Response(
            {
                "available": services.available_transitions(user=request.user, case=case),
                "blocked": services.blocked_transitions(user=request.user, case=case),
            }
        )

    @extend_schema(
        request=TransitionSerializer,
        responses={
            200: CaseDetailSerializer,
            409: OpenApiResponse(description=gettext_lazy("Niet in de juiste status, of een regel is niet voldaan.")),
        },
    )
    @transitions.mapping.post
    def transition(self, request, pk=None):
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_transition(
            user=request.user,
            case=selectors.case_to_change(user=request.user, case_id=pk),
            name=serializer.validated_data["name"],
            reason=serializer.validated_data["reason"],
        )
        return Response(represent(CaseDetailSerializer, case))

    def _case_header(self):
        return selectors.case_header(user=self.request.user, case_id=self.kwargs["pk"])

    @extend_schema(responses=TimelineEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        case = self._case_header()
        rows = selectors.case_timeline_rows(case=case)
        return Response(TimelineEventSerializer.rows(rows, datetime_representation=datetime_representation()))

    @extend_schema(responses=AuditRecordSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="audit")
    def audit_trail(self, request, pk=None):
        """The case's audit trail, newest first (auditors and administrators on its team: audit.view)."""
        case = self._case_header()
        page = self.paginate_queryset(audit_record_list(user=request.user, case_id=case.pk))
        return self.get_paginated_response(AuditRecordSerializer(page, many=True).data)

    @extend_schema(request=TeamMemberAddSerializer, responses=TeamMemberSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def team(self, request, pk=None):
        case = self._case()
        if request.method == "POST":
            serializer = TeamMemberAddSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.case_team_add(
                user=request.user,
                case=case,
                member=serializer.validated_data["user"],
                role=serializer.validated_data["role"],
            )
        return Response(
            TeamMemberSerializer(selectors.case_team(case=case), many=True).data,
            status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK,
        )

    @extend_schema(parameters=[TeamCandidateQuerySerializer], responses=TeamCandidateSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="team-candidates", filter_backends=[])
    def team_candidates(self, request, pk=None):
        """The people who may be added to the case team (in `role`), by organisation and name: the
        people picker. Only for who may add team members (`case.manage_team`, else 403)."""
        # Its own path: `team/candidates/` would shadow a team member named "candidates" (`team/{username}/`).
        case = self._case()
        require(request.user, "case.manage_team", case=case)
        query = TeamCandidateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        role = query.validated_data.get("role")
        page = self.paginate_queryset(selectors.team_candidates(case=case, role=role))
        return self.get_paginated_response(
            [TeamCandidateSerializer.row(p, selectors.team_candidate_roles(p, case=case, role=role)) for p in page]
        )

    @action(detail=True, methods=["delete"], url_path=r"team/(?P<username>[^/]+)")
    def team_remove(self, request, pk=None, username=None):
        case = self._case()
        member = User.objects.filter(username=username).first()  # None: the service's 404
        services.case_team_remove(user=request.user, case=case, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=TeamRoleSerializer, responses=TeamMemberSerializer)
    @team_remove.mapping.patch
    def team_change_role(self, request, pk=None, username=None):
        """Change a member's role on the case (its own audited step, issue 20)."""
        case = self._case()
        serializer = TeamRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = User.objects.filter(username=username).first()  # None: the service's 404
        row = services.case_team_change_role(
            user=request.user, case=case, member=member, role=serializer.validated_data["role"]
        )
        return Response(TeamMemberSerializer(row).data)

    @extend_schema(request=CabinetDecisionSerializer, responses=CabinetDecisionSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="cabinet-decisions")
    def cabinet_decisions(self, request, pk=None):
        case = self._case()
        if request.method == "POST":
            serializer = CabinetDecisionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            decision = services.cabinet_decision_record(user=request.user, case=case, **serializer.validated_data)
            return Response(CabinetDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
        return Response(CabinetDecisionSerializer(selectors.case_cabinet_decisions(case=case), many=True).data)

    @extend_schema(request=None, responses=CabinetDecisionSerializer)
    @action(detail=True, methods=["post"], url_path=r"cabinet-decisions/(?P<decision_id>\d+)/confirm")
    def cabinet_decision_confirm(self, request, pk=None, decision_id=None):
        case = self._case()
        decision = CabinetDecision.objects.filter(case=case, pk=decision_id).first()
        if decision is None:
            raise NotFound(_("Kabinetsbesluit niet gevonden."))
        decision = services.cabinet_decision_confirm(user=request.user, decision=decision)
        return Response(CabinetDecisionSerializer(decision).data)

    @extend_schema(request=ReasonSerializer, responses=CabinetDecisionSerializer)
    @action(detail=True, methods=["post"], url_path=r"cabinet-decisions/(?P<decision_id>\d+)/reject")
    def cabinet_decision_reject(self, request, pk=None, decision_id=None):
        """The second secretary rejects a pending decision with a reason (four eyes); it binds nothing."""
        case = self._case()
        decision = CabinetDecision.objects.filter(case=case, pk=decision_id).first()
        if decision is None:
            raise NotFound(_("Kabinetsbesluit niet gevonden."))
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = services.cabinet_decision_reject(
            user=request.user, decision=decision, reason=serializer.validated_data["reason"]
        )
        return Response(CabinetDecisionSerializer(decision).data)

    @extend_schema(responses=StageClockSerializer(many=True))
    @action(detail=True, methods=["get"])
    def deadlines(self, request, pk=None):
        case = self._case()
        return Response(StageClockSerializer(case.clocks.all(), many=True).data)

    @extend_schema(request=ReasonSerializer, responses=StageClockSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clock = services.case_suspend(user=request.user, case=self._case(), reason=serializer.validated_data["reason"])
        return Response(StageClockSerializer(clock).data)

    @extend_schema(request=ReasonSerializer, responses=StageClockSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clock = services.case_resume(user=request.user, case=self._case(), reason=serializer.validated_data["reason"])
        return Response(StageClockSerializer(clock).data)
