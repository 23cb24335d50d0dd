"""The fund API: thin views over bev.services and bev.selectors.

Fund-wide views need `fund.view`; positions are case data, reached only through cases the user may
see (404 otherwise). Bookings answer 201, a retried booking (same idempotency key) 200.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from access.permissions import require
from cases.selectors import case_get
from core.api.pagination import DefaultPagination
from core.api.representation import represent
from core.exceptions import NotFound

from .. import selectors, services
from ..constants import REVERSAL_APPROVAL, Account
from ..models import (
    AcquiredRight,
    DecisionCondition,
    FeeBudget,
    FeeCharge,
    JournalEntry,
    LoanInterestAccrual,
    ManagerPeriod,
)
from . import serializers as s
from .filters import InvestmentProposalFilter, PositionFilter

AS_OF = OpenApiParameter("as_of", type=str, description=gettext_lazy("Peildatum (JJJJ-MM-DD); standaard vandaag."))


def _valid_query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _as_of(request):
    return _valid_query(s.AsOfSerializer, request).get("as_of")


def _booked(entry, serializer_class=s.JournalEntrySerializer, obj=None):
    replayed = getattr(entry, "replayed", False)
    return Response(
        serializer_class(obj if obj is not None else entry).data,
        status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
    )


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class FundViewSet(viewsets.GenericViewSet):
    """The fund (SPV): overview, ledger, accounts and the fund-wide movements."""

    serializer_class = s.FundOverviewSerializer
    pagination_class = None
    # A write the role never allows is 403 before its body is read (access.api.permissions.RoleMayWrite);
    # the services' own checks, the permission each of them requires first; a reversal's decision needs
    # the approving permission of the kind of entry reversed (REVERSAL_APPROVAL), one of these.
    write_actions: dict[str, str | tuple[str, ...]] = {
        "tranches": "fund.book",
        "fees": "fee.propose",
        "fee_approve": "fee.approve",
        "fee_reject": "fee.approve",
        "fee_budgets": "fee_budget.set",
        "sweeps": "fund.book",
        "reverse": "fund.book",
        "reversals": "fund.book",
        "reversal_approve": tuple(sorted(set(REVERSAL_APPROVAL.values()))),
        "reversal_reject": tuple(sorted(set(REVERSAL_APPROVAL.values()))),
        "managers": "fund.configure",
        "loan_terms": "fund.configure",
        "loan_interest": "fund.book",
        "loan_interest_payments": "loan_interest_payment.propose",
        "loan_interest_payment_approve": "loan_interest_payment.approve",
        "loan_interest_payment_reject": "loan_interest_payment.approve",
        "loan_repayments": "loan_repayment.propose",
        "loan_repayment_approve": "loan_repayment.approve",
        "loan_repayment_reject": "loan_repayment.approve",
        "tranche_overrides": "fund.configure",
    }

    def get_queryset(self):
        return JournalEntry.objects.none()

    @extend_schema(parameters=[AS_OF], responses=s.FundOverviewSerializer)
    def list(self, request):
        require(request.user, "fund.view")
        return Response(s.FundOverviewSerializer(selectors.fund_overview(as_of=_as_of(request))).data)

    @extend_schema(parameters=[s.LedgerFilterSerializer], responses=s.JournalEntrySerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=DefaultPagination)
    def ledger(self, request):
        """The journal entries with their lines (read-only: corrections are reversing entries)."""
        require(request.user, "fund.view")
        f = _valid_query(s.LedgerFilterSerializer, request)
        entries = selectors.ledger_entries(
            fund=selectors.fund_get(),
            kind=f.get("kind"),
            account=f.get("account"),
            position_id=f.get("position"),
            date_from=f.get("date_from"),
            date_to=f.get("date_to"),
            viewer=request.user,
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(s.JournalEntrySerializer(page, many=True).data)

    @extend_schema(parameters=[AS_OF], responses=s.AccountBalanceSerializer(many=True))
    @action(detail=False, methods=["get"])
    def accounts(self, request):
        """The balance of every account on a date, from the ledger."""
        require(request.user, "fund.view")
        totals = selectors.ledger_totals(fund=selectors.fund_get(), as_of=_as_of(request))
        rows = [{"account": a, "label": str(Account(a).label), "balance": totals[a]} for a in Account.values]
        return Response(s.AccountBalanceSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[AS_OF], responses=s.AccountLineSerializer(many=True), operation_id="fund_account_history"
    )
    @action(detail=False, methods=["get"], url_path=r"accounts/(?P<account>[a-z_]+)")
    def account_history(self, request, account=None):
        """Every line of one account with its running balance."""
        require(request.user, "fund.view")
        if account not in Account.values:
            raise NotFound(_("Onbekende rekening."))
        history = selectors.account_history(
            fund=selectors.fund_get(), account=account, as_of=_as_of(request), viewer=request.user
        )
        return Response(s.AccountLineSerializer(history, many=True).data)

    @extend_schema(
        request=s.TrancheSerializer, responses={201: s.JournalEntrySerializer, 200: s.JournalEntrySerializer}
    )
    @action(detail=False, methods=["post"])
    def tranches(self, request):
        """A tranche of the ministry's subordinated loan received (never above the committed €100m)."""
        data = _valid(s.TrancheSerializer, request)
        return _booked(services.tranche_receive(user=request.user, **data))

    @extend_schema(request=s.FeeSerializer, responses={201: s.FeeChargeSerializer, 200: s.FeeChargeSerializer})
    @action(detail=False, methods=["get", "post"])
    def fees(self, request):
        """The management fee (beheersvergoeding), charged to the fund: POST proposes one (Invest-NL);
        an EZK official approves it (`…/fees/{id}/approve/`), which books it within the year's budget."""
        if request.method == "POST":
            data = _valid(s.FeeSerializer, request)
            return _booked(services.fee_propose(user=request.user, **data), s.FeeChargeSerializer)
        require(request.user, "fee.view")
        return Response(
            s.FeeChargeSerializer(FeeCharge.objects.select_related("proposed_by", "decided_by"), many=True).data
        )

    def _fee(self, fee_id):
        require(self.request.user, "fee.view")
        fee = FeeCharge.objects.filter(pk=fee_id).first()
        if fee is None:
            raise NotFound(_("Beheersvergoeding niet gevonden."))
        return fee

    @extend_schema(request=s.FeeApproveSerializer, responses=s.FeeChargeSerializer)
    @action(detail=False, methods=["post"], url_path=r"fees/(?P<fee_id>\d+)/approve")
    def fee_approve(self, request, fee_id=None):
        """EZK approves a proposed fee (four eyes across the two organisations): it is booked."""
        data = _valid(s.FeeApproveSerializer, request)
        return Response(
            s.FeeChargeSerializer(services.fee_approve(user=request.user, fee=self._fee(fee_id), **data)).data
        )

    @extend_schema(request=s.RejectSerializer, responses=s.FeeChargeSerializer)
    @action(detail=False, methods=["post"], url_path=r"fees/(?P<fee_id>\d+)/reject")
    def fee_reject(self, request, fee_id=None):
        data = _valid(s.RejectSerializer, request)
        return Response(
            s.FeeChargeSerializer(services.fee_reject(user=request.user, fee=self._fee(fee_id), **data)).data
        )

    @extend_schema(request=s.FeeBudgetSerializer, responses=s.FeeBudgetSerializer(many=True))
    @action(detail=False, methods=["get", "post"], url_path="fee-budgets")
    def fee_budgets(self, request):
        """The yearly budgets of the management fee; POST sets one (administrator)."""
        if request.method == "POST":
            data = _valid(s.FeeBudgetSerializer, request)
            budget = services.fee_budget_set(user=request.user, **data)
            return Response(s.FeeBudgetSerializer(budget).data, status=status.HTTP_201_CREATED)
        require(request.user, "fee.view")
        return Response(s.FeeBudgetSerializer(FeeBudget.objects.select_related("set_by"), many=True).data)

    @extend_schema(
        request=s.SweepSerializer,
        responses={
            201: s.JournalEntrySerializer,
            204: OpenApiResponse(description=gettext_lazy("Niets boven het maximum.")),
        },
    )
    @action(detail=False, methods=["post"])
    def sweeps(self, request):
        """Sweep liquid assets above the €150m cap to the State treasury (also automatic after inflows)."""
        data = _valid(s.SweepSerializer, request)
        entry = services.fund_sweep(user=request.user, **data)
        if entry is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return _booked(entry)

    @extend_schema(
        request=s.ReverseSerializer, responses={201: s.JournalEntrySerializer, 200: s.JournalEntrySerializer}
    )
    @action(detail=False, methods=["post"], url_path=r"ledger/(?P<entry_id>\d+)/reverse")
    def reverse(self, request, entry_id=None):
        """Correct a mistake with a reversing entry."""
        entry = self._entry(entry_id)
        data = _valid(s.ReverseSerializer, request)
        return _booked(services.entry_reverse(user=request.user, entry=entry, **data))

    @extend_schema(
        request=s.ReversalProposeSerializer,
        responses={201: s.ReversalProposalSerializer, 200: s.ReversalProposalSerializer(many=True)},
    )
    @action(detail=False, methods=["get", "post"])
    def reversals(self, request):
        """Reversals of bookings made under four eyes (a disbursement, a management fee): POST proposes
        one; a second person approves it (`…/reversals/{id}/approve/`), which books the reversing entry."""
        if request.method == "POST":
            data = _valid(s.ReversalProposeSerializer, request)
            entry = self._entry(data.pop("entry"))
            proposal = services.reversal_propose(user=request.user, entry=entry, **data)
            return _booked(proposal, s.ReversalProposalSerializer)
        return Response(
            s.ReversalProposalSerializer(selectors.reversal_proposal_list(user=request.user), many=True).data
        )

    @extend_schema(request=s.FeeApproveSerializer, responses=s.ReversalProposalSerializer)
    @action(detail=False, methods=["post"], url_path=r"reversals/(?P<proposal_id>\d+)/approve")
    def reversal_approve(self, request, proposal_id=None):
        """A second person approves a proposed reversal (four eyes): the reversing entry is booked."""
        proposal = selectors.reversal_proposal_get(user=request.user, proposal_id=proposal_id)
        data = _valid(s.FeeApproveSerializer, request)
        return Response(
            s.ReversalProposalSerializer(services.reversal_approve(user=request.user, proposal=proposal, **data)).data
        )

    @extend_schema(request=s.RejectSerializer, responses=s.ReversalProposalSerializer)
    @action(detail=False, methods=["post"], url_path=r"reversals/(?P<proposal_id>\d+)/reject")
    def reversal_reject(self, request, proposal_id=None):
        proposal = selectors.reversal_proposal_get(user=request.user, proposal_id=proposal_id)
        data = _valid(s.RejectSerializer, request)
        return Response(
            s.ReversalProposalSerializer(services.reversal_reject(user=request.user, proposal=proposal, **data)).data
        )

    def _entry(self, entry_id) -> JournalEntry:
        """A ledger entry the person may correct; one answer for one that does not exist and one on a
        case they may not see (need-to-know)."""
        require(self.request.user, "fund.view")
        return selectors.entry_get(user=self.request.user, entry_id=entry_id)

    @extend_schema(request=s.ManagerPeriodSerializer, responses=s.ManagerPeriodSerializer(many=True))
    @action(detail=False, methods=["get", "post"])
    def managers(self, request):
        """The manager's history with effective dates; POST records a successor."""
        if request.method == "POST":
            data = _valid(s.ManagerPeriodSerializer, request)
            services.manager_change(user=request.user, **data)
        require(request.user, "fund.view")
        periods = ManagerPeriod.objects.filter(fund=selectors.fund_get()).order_by("valid_from")
        return Response(
            s.ManagerPeriodSerializer(periods, many=True).data,
            status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK,
        )

    # --- EZK's loan (bev.services.loan) ---------------------------------------------------------
    @extend_schema(request=s.LoanTermsSerializer, responses=s.LoanTermsSerializer(many=True))
    @action(detail=False, methods=["get", "post"], url_path="loan-terms")
    def loan_terms(self, request):
        """The loan's terms with their validity dates; POST (an administrator) records a new version."""
        if request.method == "POST":
            data = _valid(s.LoanTermsSerializer, request)
            data["instalments"] = [(i["due_on"], i["amount"]) for i in data.get("instalments") or []]
            services.loan_terms_record(user=request.user, **data)
        require(request.user, "fund.view")
        return Response(
            s.LoanTermsSerializer(selectors.loan_terms_list(fund=selectors.fund_get()), many=True).data,
            status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK,
        )

    @extend_schema(request=s.LoanInterestAccrueSerializer, responses=s.LoanInterestAccrualSerializer(many=True))
    @action(detail=False, methods=["get", "post"], url_path="loan-interest")
    def loan_interest(self, request):
        """The interest periods accrued; POST accrues every complete period not yet accrued (idempotent)."""
        if request.method == "POST":
            data = _valid(s.LoanInterestAccrueSerializer, request)
            accrued = services.loan_interest_accrue(user=request.user, through=data.get("through"))
            return Response(
                s.LoanInterestAccrualSerializer(accrued, many=True).data,
                status=status.HTTP_201_CREATED if accrued else status.HTTP_200_OK,
            )
        require(request.user, "fund.view")
        accruals = LoanInterestAccrual.objects.filter(fund=selectors.fund_get()).order_by("period_start")
        return Response(s.LoanInterestAccrualSerializer(accruals, many=True).data)

    @extend_schema(
        request=s.LoanInterestPaymentSerializer,
        responses={
            201: s.LoanInterestPaymentProposalSerializer,
            200: s.LoanInterestPaymentProposalSerializer(many=True),
        },
    )
    @action(detail=False, methods=["get", "post"], url_path="loan-interest-payments")
    def loan_interest_payments(self, request):
        """Interest paid to EZK (never more than accrued and unpaid), under four eyes: POST proposes a
        payment (201, `status` "proposed", nothing booked; a retry with the same key 200); another fund
        manager approves it (`…/loan-interest-payments/{id}/approve/`), which books it."""
        if request.method == "POST":
            data = _valid(s.LoanInterestPaymentSerializer, request)
            proposal = services.loan_interest_payment_propose(user=request.user, **data)
            return _booked(proposal, s.LoanInterestPaymentProposalSerializer)
        require(request.user, "fund.view")
        return Response(s.LoanInterestPaymentProposalSerializer(selectors.loan_interest_payment_list(), many=True).data)

    def _interest_payment(self, proposal_id):
        require(self.request.user, "fund.view")
        return selectors.loan_interest_payment_get(proposal_id=proposal_id)

    @extend_schema(request=s.LoanInterestPaymentApproveSerializer, responses=s.LoanInterestPaymentProposalSerializer)
    @action(detail=False, methods=["post"], url_path=r"loan-interest-payments/(?P<proposal_id>\d+)/approve")
    def loan_interest_payment_approve(self, request, proposal_id=None):
        """Another fund manager approves a proposed interest payment (four eyes): it is booked, within
        the interest accrued and unpaid and the available liquidity as they are now."""
        proposal = self._interest_payment(proposal_id)
        data = _valid(s.LoanInterestPaymentApproveSerializer, request)
        return Response(
            s.LoanInterestPaymentProposalSerializer(
                services.loan_interest_payment_approve(user=request.user, proposal=proposal, **data)
            ).data
        )

    @extend_schema(request=s.RejectSerializer, responses=s.LoanInterestPaymentProposalSerializer)
    @action(detail=False, methods=["post"], url_path=r"loan-interest-payments/(?P<proposal_id>\d+)/reject")
    def loan_interest_payment_reject(self, request, proposal_id=None):
        proposal = self._interest_payment(proposal_id)
        data = _valid(s.RejectSerializer, request)
        return Response(
            s.LoanInterestPaymentProposalSerializer(
                services.loan_interest_payment_reject(user=request.user, proposal=proposal, **data)
            ).data
        )

    @extend_schema(
        request=s.LoanRepaymentSerializer,
        responses={201: s.LoanRepaymentProposalSerializer, 200: s.LoanRepaymentProposalSerializer(many=True)},
    )
    @action(detail=False, methods=["get", "post"], url_path="loan-repayments")
    def loan_repayments(self, request):
        """Principal repaid to EZK (never more than outstanding; not the sweep to the staatskas), under
        four eyes: POST proposes one (201, `status` "proposed", nothing booked; a retry with the same
        key 200); another fund manager approves it (`…/loan-repayments/{id}/approve/`), which books it."""
        if request.method == "POST":
            data = _valid(s.LoanRepaymentSerializer, request)
            proposal = services.loan_repayment_propose(user=request.user, **data)
            return _booked(proposal, s.LoanRepaymentProposalSerializer)
        require(request.user, "fund.view")
        return Response(s.LoanRepaymentProposalSerializer(selectors.loan_repayment_list(), many=True).data)

    def _repayment(self, proposal_id):
        require(self.request.user, "fund.view")
        return selectors.loan_repayment_get(proposal_id=proposal_id)

    @extend_schema(request=s.LoanRepaymentApproveSerializer, responses=s.LoanRepaymentProposalSerializer)
    @action(detail=False, methods=["post"], url_path=r"loan-repayments/(?P<proposal_id>\d+)/approve")
    def loan_repayment_approve(self, request, proposal_id=None):
        """Another fund manager approves a proposed repayment (four eyes): it is booked, within the
        principal outstanding and the available liquidity as they are now."""
        proposal = self._repayment(proposal_id)
        data = _valid(s.LoanRepaymentApproveSerializer, request)
        return Response(
            s.LoanRepaymentProposalSerializer(
                services.loan_repayment_approve(user=request.user, proposal=proposal, **data)
            ).data
        )

    @extend_schema(request=s.RejectSerializer, responses=s.LoanRepaymentProposalSerializer)
    @action(detail=False, methods=["post"], url_path=r"loan-repayments/(?P<proposal_id>\d+)/reject")
    def loan_repayment_reject(self, request, proposal_id=None):
        proposal = self._repayment(proposal_id)
        data = _valid(s.RejectSerializer, request)
        return Response(
            s.LoanRepaymentProposalSerializer(
                services.loan_repayment_reject(user=request.user, proposal=proposal, **data)
            ).data
        )

    @extend_schema(request=s.TrancheOverrideSerializer, responses={201: s.TrancheOverrideSerializer})
    @action(detail=False, methods=["post"], url_path="tranche-overrides")
    def tranche_overrides(self, request):
        """An administrator allows more to be received by a year's end than the tranche schedule plans."""
        data = _valid(s.TrancheOverrideSerializer, request)
        override = services.tranche_schedule_override(user=request.user, **data)
        return Response(s.TrancheOverrideSerializer(override).data, status=status.HTTP_201_CREATED)


class PositionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """SPV positions: case data, visible through the case team (404 for everybody else)."""

    serializer_class = s.PositionSerializer
    filterset_class = PositionFilter
    ordering_fields = ["id", "created_at"]
    # 403 before the body for a role that never books (RoleMayWrite); the services check the team.
    write_actions = dict.fromkeys(
        [
            "create",
            "reservations",
            "releases",
            "disbursements",
            "returns",
            "valuations",
            "dilutions",
            "conversions",
            "exits",
            "rights",
            "conditions",
        ],
        "fund.book",
    )

    def get_queryset(self):
        return selectors.position_list(user=self.request.user)

    def _position(self, *, audit_read=False, follow_ups=False):
        return selectors.position_get(
            user=self.request.user, position_id=self.kwargs["pk"], audit_read=audit_read, follow_ups=follow_ups
        )

    @extend_schema(responses=s.PositionDetailSerializer)
    def retrieve(self, request, pk=None):
        """One position with its metrics, rights and conditions (the read is audited)."""
        return Response(represent(s.PositionDetailSerializer, self._position(audit_read=True, follow_ups=True)))

    @extend_schema(request=s.PositionCreateSerializer, responses={201: s.PositionSerializer})
    def create(self, request):
        data = _valid(s.PositionCreateSerializer, request)
        case = case_get(user=request.user, case_id=data.pop("case"), audit_read=False)
        position = services.position_create(user=request.user, case=case, **data)
        return Response(s.PositionSerializer(position).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.MovementSerializer, responses={201: s.JournalEntrySerializer, 200: s.JournalEntrySerializer}
    )
    @action(detail=True, methods=["post"])
    def reservations(self, request, pk=None):
        """Earmark liquidity for this investment (never above the available liquidity)."""
        data = _valid(s.MovementSerializer, request)
        return _booked(services.reservation_book(user=request.user, position=self._position(), **data))

    @extend_schema(
        request=s.MovementSerializer, responses={201: s.JournalEntrySerializer, 200: s.JournalEntrySerializer}
    )
    @action(detail=True, methods=["post"])
    def releases(self, request, pk=None):
        """Release (part of) this position's reservation."""
        data = _valid(s.MovementSerializer, request)
        return _booked(services.reservation_release(user=request.user, position=self._position(), **data))

    @extend_schema(request=s.DisbursementProposeSerializer, responses=s.DisbursementSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def disbursements(self, request, pk=None):
        """Proposed and booked disbursements; POST proposes one (another manager approves it)."""
        position = self._position()
        if request.method == "POST":
            data = _valid(s.DisbursementProposeSerializer, request)
            disbursement = services.disbursement_propose(user=request.user, position=position, **data)
            replayed = getattr(disbursement, "replayed", False)
            return Response(
                s.DisbursementSerializer(disbursement).data,
                status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
            )
        return Response(
            s.DisbursementSerializer(position.disbursements.select_related("proposed_by", "decided_by"), many=True).data
        )

    @extend_schema(
        request=s.PositionReturnSerializer, responses={201: s.JournalEntrySerializer, 200: s.JournalEntrySerializer}
    )
    @action(detail=True, methods=["post"])
    def returns(self, request, pk=None):
        """A dividend, interest or repayment received (liquid assets above the cap are swept)."""
        data = _valid(s.PositionReturnSerializer, request)
        return _booked(services.return_book(user=request.user, position=self._position(), **data))

    @extend_schema(request=s.ValuationSerializer, responses=s.ValuationSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def valuations(self, request, pk=None):
        position = self._position()
        if request.method == "POST":
            data = _valid(s.ValuationSerializer, request)
            valuation = services.valuation_record(user=request.user, position=position, **data)
            return Response(s.ValuationSerializer(valuation).data, status=status.HTTP_201_CREATED)
        return Response(s.ValuationSerializer(position.valuations.select_related("valued_by"), many=True).data)

    @extend_schema(request=s.DilutionSerializer, responses=s.DilutionSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def dilutions(self, request, pk=None):
        """New share issues without the SPV: the stake is diluted."""
        position = self._position()
        if request.method == "POST":
            data = _valid(s.DilutionSerializer, request)
            dilution = services.dilution_record(user=request.user, position=position, **data)
            return Response(s.DilutionSerializer(dilution).data, status=status.HTTP_201_CREATED)
        return Response(s.DilutionSerializer(position.dilutions.select_related("recorded_by"), many=True).data)

    @extend_schema(request=s.ConversionSerializer, responses=s.ConversionSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def conversions(self, request, pk=None):
        """Conversion of the loan (or exercise of the warrants) into shares."""
        position = self._position()
        if request.method == "POST":
            data = _valid(s.ConversionSerializer, request)
            data["ownership_percent"] = data.pop("ownership_after")
            conversion = services.conversion_record(user=request.user, position=position, **data)
            return Response(s.ConversionSerializer(conversion).data, status=status.HTTP_201_CREATED)
        return Response(s.ConversionSerializer(position.conversions.select_related("recorded_by"), many=True).data)

    @extend_schema(request=s.ExitCreateSerializer, responses=s.ExitSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def exits(self, request, pk=None):
        """Partial and full exits: proceeds, cost off the books, realised result."""
        position = self._position()
        if request.method == "POST":
            data = _valid(s.ExitCreateSerializer, request)
            exit_row = services.exit_book(user=request.user, position=position, **data)
            replayed = getattr(exit_row, "replayed", False)
            return Response(
                s.ExitSerializer(exit_row).data, status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED
            )
        return Response(s.ExitSerializer(position.exits.select_related("recorded_by"), many=True).data)

    def _follow_ups(self, request, what, model, serializer_class):
        position = self._position()
        if request.method == "POST":
            data = _valid(serializer_class, request)
            item = services.follow_up_add(user=request.user, position=position, what=what, **data)
            return Response(serializer_class(item).data, status=status.HTTP_201_CREATED)
        return Response(
            serializer_class(model.objects.filter(position=position).select_related("owner"), many=True).data
        )

    @extend_schema(request=s.RightSerializer, responses=s.RightSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def rights(self, request, pk=None):
        """Rights acquired (board seat, veto, information rights), each with owner, due date and status."""
        return self._follow_ups(request, "right", AcquiredRight, s.RightSerializer)

    @extend_schema(request=s.ConditionSerializer, responses=s.ConditionSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def conditions(self, request, pk=None):
        """Conditions attached by the cabinet decision, followed during monitoring."""
        return self._follow_ups(request, "condition", DecisionCondition, s.ConditionSerializer)

    @extend_schema(request=s.FollowUpStatusSerializer, responses=s.RightSerializer)
    @action(detail=True, methods=["patch"], url_path=r"rights/(?P<item_id>\d+)")
    def right_status(self, request, pk=None, item_id=None):
        return self._set_status(request, AcquiredRight, s.RightSerializer, item_id)

    @extend_schema(request=s.FollowUpStatusSerializer, responses=s.ConditionSerializer)
    @action(detail=True, methods=["patch"], url_path=r"conditions/(?P<item_id>\d+)")
    def condition_status(self, request, pk=None, item_id=None):
        return self._set_status(request, DecisionCondition, s.ConditionSerializer, item_id)

    def _set_status(self, request, model, serializer_class, item_id):
        position = self._position()
        item = model.objects.filter(position=position, pk=item_id).first()
        if item is None:
            raise NotFound(_("Niet gevonden."))
        data = _valid(s.FollowUpStatusSerializer, request)
        item = services.follow_up_set_status(user=request.user, item=item, **data)
        return Response(serializer_class(item).data)


class InvestmentProposalViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Invest-NL's investment proposals (`?case=`): a fund manager proposes, the EZK case officer on
    the team approves or rejects (four eyes across the two organisations). Case data: 404 for
    anybody who may not see the case."""

    serializer_class = s.InvestmentProposalSerializer
    write_actions = {  # 403 before the body (RoleMayWrite)
        "create": "investment_proposal.propose",
        "approve": "investment_proposal.approve",
        "reject": "investment_proposal.approve",
    }
    filterset_class = InvestmentProposalFilter
    ordering_fields = ["id", "proposed_at"]

    def get_queryset(self):
        return selectors.investment_proposal_list(user=self.request.user)

    def _proposal(self):
        return selectors.investment_proposal_get(user=self.request.user, proposal_id=self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        return Response(s.InvestmentProposalSerializer(self._proposal()).data)

    @extend_schema(request=s.InvestmentProposalCreateSerializer, responses={201: s.InvestmentProposalSerializer})
    def create(self, request):
        data = _valid(s.InvestmentProposalCreateSerializer, request)
        case = case_get(user=request.user, case_id=data.pop("case"), audit_read=False)
        proposal = services.investment_proposal_propose(user=request.user, case=case, **data)
        return Response(s.InvestmentProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.InvestmentProposalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        proposal = services.investment_proposal_approve(user=request.user, proposal=self._proposal())
        return Response(s.InvestmentProposalSerializer(proposal).data)

    @extend_schema(request=s.RejectSerializer, responses=s.InvestmentProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = _valid(s.RejectSerializer, request)
        proposal = services.investment_proposal_reject(user=request.user, proposal=self._proposal(), **data)
        return Response(s.InvestmentProposalSerializer(proposal).data)


class DisbursementViewSet(viewsets.GenericViewSet):
    """Four eyes on disbursement: another Invest-NL manager approves (and so books) or rejects."""

    serializer_class = s.DisbursementSerializer
    write_actions = dict.fromkeys(["approve", "reject"], "fund.approve_disbursement")  # 403 before the body

    def get_queryset(self):
        return selectors.position_list(user=self.request.user).none()

    def _disbursement(self):
        return selectors.disbursement_get(user=self.request.user, disbursement_id=self.kwargs["pk"])

    @extend_schema(request=s.DisbursementApproveSerializer, responses=s.DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = _valid(s.DisbursementApproveSerializer, request)
        disbursement = services.disbursement_approve(user=request.user, disbursement=self._disbursement(), **data)
        return Response(s.DisbursementSerializer(disbursement).data)

    @extend_schema(request=s.RejectSerializer, responses=s.DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = _valid(s.RejectSerializer, request)
        disbursement = services.disbursement_reject(user=request.user, disbursement=self._disbursement(), **data)
        return Response(s.DisbursementSerializer(disbursement).data)
