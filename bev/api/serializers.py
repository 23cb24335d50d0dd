"""Shapes of the fund API. Serializers validate input shapes; the rules live in bev.services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from access.api.fields import PersonField
from core.api.filters import MAX_ID
from core.api.representation import represent

from ..constants import (
    RETURN_KIND_CHOICES,
    Account,
    DisbursementStatus,
    EntryKind,
    FollowUpStatus,
    Instrument,
    RightKind,
    ValuationMethod,
)
from ..models import (
    MONEY,
    AcquiredRight,
    Conversion,
    DecisionCondition,
    Dilution,
    Disbursement,
    Exit,
    FeeBudget,
    FeeCharge,
    InvestmentProposal,
    JournalEntry,
    JournalLine,
    LoanInterestAccrual,
    LoanInterestPaymentProposal,
    LoanRepaymentProposal,
    LoanTerms,
    ManagerPeriod,
    Position,
    ReversalProposal,
    TrancheScheduleOverride,
    Valuation,
)

AMOUNT_HELP = _('EUR met centen, bijv. "1250000.00".')
KEY_HELP = _("Unieke sleutel per verzoek: een herhaald verzoek met dezelfde sleutel boekt niet opnieuw.")


# What came back from the positions, by what it is (bev.selectors.returns_split): the fund overview's
# and a position's figures say the same.
RETURNS_HELP = _(
    "Alles wat uit de posities is ontvangen: dividend, rente, aflossing van hoofdsom en verkoopopbrengsten "
    "(= income + principal_and_sale_proceeds), na tegenboekingen. Geen rendement: het bevat terugbetaalde inleg."
)
INCOME_HELP = _("Inkomsten uit de posities: dividend en rente, na tegenboekingen.")
DIVIDEND_HELP = _("Ontvangen dividend, na tegenboekingen.")
INTEREST_HELP = _("Ontvangen rente op leningen, na tegenboekingen.")
MONEY_BACK_HELP = _(
    "Terugontvangen geld dat geen inkomsten is: afgeloste hoofdsom plus verkoopopbrengsten "
    "(= principal_repaid + sale_proceeds)."
)
PRINCIPAL_REPAID_HELP = _("Afgeloste hoofdsom van leningen: terugbetaalde inleg, geen inkomsten.")
SALE_PROCEEDS_HELP = _(
    "Verkoopopbrengsten van (gedeeltelijke) exits: de kostprijs van het verkochte deel plus het gerealiseerde "
    "resultaat (= sale_cost + realised_result)."
)
SALE_COST_HELP = _("Kostprijs van het verkochte deel bij exits: de inleg die met de verkoop is terugontvangen.")
REALISED_RESULT_HELP = _("Gerealiseerd resultaat op verkopen: verkoopopbrengst min kostprijs (negatief bij verlies).")


def derived_field(*, decimal_places: int):
    """A figure derived from the books (MOIC, IRR): no digit limit, so an extreme but booked value is
    shown instead of failing the page (DRF refuses to render more digits than `max_digits`)."""
    return serializers.DecimalField(max_digits=None, decimal_places=decimal_places, allow_null=True, read_only=True)


def money_field(**kwargs):
    kwargs.setdefault("help_text", AMOUNT_HELP)
    return serializers.DecimalField(**MONEY, **kwargs)


def key_field():
    return serializers.CharField(max_length=100, help_text=KEY_HELP)


# ------------------------------------------------------------------------------------------------
# The fund and its ledger
# ------------------------------------------------------------------------------------------------
class FundOverviewSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    manager = serializers.CharField()
    policy_owner = serializers.CharField()
    committed_limit = money_field()
    liquid_cap = money_field()
    received = money_field()
    undrawn_commitment = money_field()
    deployed = money_field(help_text=_("Geïnvesteerd tegen kostprijs, uitstaand."))
    invested = money_field(help_text=_("Totaal uitbetaald in posities."))
    reserved = money_field()
    available = money_field()
    liquid = money_field()
    liquid_headroom = money_field()
    swept_to_treasury = money_field()
    fees = money_field()
    fee_year = serializers.IntegerField(help_text=_("Het jaar van de cijfers over de beheersvergoeding."))
    fee_budget = money_field(help_text=_("Budget beheersvergoeding van het jaar."))
    fee_booked = money_field(help_text=_("Beheersvergoeding geboekt in het jaar."))
    fee_left = money_field(help_text=_("Over van het budget beheersvergoeding van het jaar."))
    # What came back from the positions (bev.selectors.returns_split; README, glossary): `returns` is
    # the total, kept with its meaning; the fields after it say what it is made of.
    returns = money_field(help_text=RETURNS_HELP)
    income = money_field(help_text=INCOME_HELP)
    dividend = money_field(help_text=DIVIDEND_HELP)
    interest = money_field(help_text=INTEREST_HELP)
    principal_and_sale_proceeds = money_field(help_text=MONEY_BACK_HELP)
    principal_repaid = money_field(help_text=PRINCIPAL_REPAID_HELP)
    sale_proceeds = money_field(help_text=SALE_PROCEEDS_HELP)
    sale_cost = money_field(help_text=SALE_COST_HELP)
    realised_result = money_field(help_text=REALISED_RESULT_HELP)
    unrealised_value = money_field()
    moic = derived_field(decimal_places=4)
    irr = derived_field(decimal_places=6)
    # EZK's loan (bev.selectors.loan_figures): each a sum of ledger accounts
    loan_received = money_field(help_text=_("Tranches van de lening EZK ontvangen."))
    loan_repaid = money_field(help_text=_("Afgelost aan EZK."))
    loan_principal_outstanding = money_field(help_text=_("Uitstaande hoofdsom van de lening EZK."))
    loan_interest_accrued = money_field(help_text=_("Rente op de lening EZK opgebouwd."))
    loan_interest_paid = money_field(help_text=_("Rente betaald aan EZK."))
    loan_interest_payable = money_field(help_text=_("Opgebouwde rente nog te betalen aan EZK."))


class AsOfSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, allow_null=True)


class LedgerFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices, required=False)
    account = serializers.ChoiceField(choices=Account.choices, required=False)
    position = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class JournalLineSerializer(serializers.ModelSerializer):
    account_label = serializers.CharField(source="get_account_display", read_only=True)

    class Meta:
        model = JournalLine
        fields = ["account", "account_label", "position", "amount"]


class JournalEntrySerializer(serializers.ModelSerializer):
    """Fund-wide (fund.view): the free text of an entry about a case is shown only to people on
    that case's team (need-to-know); the amounts and accounts are fund data."""

    kind = serializers.ChoiceField(choices=EntryKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", default=None, read_only=True)
    lines = JournalLineSerializer(many=True, read_only=True)
    description = serializers.SerializerMethodField()

    def get_description(self, obj) -> str:
        from ..selectors import entry_description

        return entry_description(obj)

    def to_representation(self, instance):
        """Nor which case or position an entry of a case off the reader's team is about."""
        from ..selectors import entry_case_shown

        data = super().to_representation(instance)
        if not entry_case_shown(instance):
            data["case_id"] = data["position"] = None
            for line in data["lines"]:
                line["position"] = None
        return data

    class Meta:
        model = JournalEntry
        fields = [
            "id",
            "kind",
            "kind_label",
            "booked_on",
            "amount",
            "description",
            "idempotency_key",
            "position",
            "case_id",
            "reverses",
            "created_by",
            "approved_by",
            "created_at",
            "lines",
        ]


class AccountBalanceSerializer(serializers.Serializer):
    account = serializers.ChoiceField(choices=Account.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # the API field `label`, not Field.label
    balance = money_field(help_text=_("Saldo: debet positief, credit negatief."))


class AccountLineSerializer(serializers.Serializer):
    entry_id = serializers.IntegerField()
    booked_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    description = serializers.CharField()
    position_id = serializers.IntegerField(allow_null=True)
    amount = money_field()
    balance = money_field()


class TrancheSerializer(serializers.Serializer):
    amount = money_field()
    received_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    idempotency_key = key_field()


class FeeSerializer(serializers.Serializer):
    amount = money_field()
    booked_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    idempotency_key = key_field()


class FeeChargeSerializer(serializers.ModelSerializer):
    """A management fee: proposed by Invest-NL, approved (and so booked) or rejected by EZK."""

    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)

    class Meta:
        model = FeeCharge
        fields = [
            "id",
            "amount",
            "description",
            "booked_on",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "rejection_reason",
            "entry",
        ]
        read_only_fields = fields


class FeeApproveSerializer(serializers.Serializer):
    booked_on = serializers.DateField(required=False, allow_null=True)


class FeeBudgetSerializer(serializers.ModelSerializer):
    set_by = serializers.CharField(source="set_by.username", read_only=True)
    amount = money_field()

    class Meta:
        model = FeeBudget
        fields = ["year", "amount", "notes", "set_by", "set_at"]
        read_only_fields = ["set_by", "set_at"]
        validators: list = []  # one row per year: setting it again changes it (bev.services.fee_budget_set)


class InvestmentProposalSerializer(serializers.ModelSerializer):
    """Invest-NL's investment proposal under the case's governing kabinetsbesluit."""

    case_reference = serializers.CharField(source="case.reference", read_only=True)
    decision_reference = serializers.CharField(source="decision.reference", read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)

    class Meta:
        model = InvestmentProposal
        fields = [
            "id",
            "case",
            "case_reference",
            "decision",
            "decision_reference",
            "instrument",
            "amount",
            "terms",
            "valuation_basis",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "rejection_reason",
        ]
        read_only_fields = fields


class InvestmentProposalCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    instrument = serializers.CharField(max_length=40)  # the service names a refused or unknown instrument
    amount = money_field()
    terms = serializers.CharField()
    valuation_basis = serializers.CharField()


class SweepSerializer(serializers.Serializer):
    booked_on = serializers.DateField(required=False, allow_null=True)


class ReverseSerializer(serializers.Serializer):
    reason = serializers.CharField()
    booked_on = serializers.DateField(required=False, allow_null=True)
    idempotency_key = key_field()


class ReversalProposeSerializer(ReverseSerializer):
    entry = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("De te corrigeren boeking (id)."))


class ReversalProposalSerializer(serializers.ModelSerializer):
    """A proposed reversal of a four-eyes booking: booked (`reversal`) on a second person's approval."""

    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)
    amount = serializers.DecimalField(source="entry.amount", max_digits=15, decimal_places=2, read_only=True)
    kind = serializers.CharField(source="entry.kind", read_only=True)

    class Meta:
        model = ReversalProposal
        fields = [
            "id",
            "entry",
            "kind",
            "amount",
            "reason",
            "booked_on",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "rejection_reason",
            "reversal",
        ]
        read_only_fields = fields


class ManagerPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ManagerPeriod
        fields = ["id", "name", "valid_from", "valid_to", "notes"]
        read_only_fields = ["id", "valid_to"]


# ------------------------------------------------------------------------------------------------
# EZK's loan (bev.services.loan)
# ------------------------------------------------------------------------------------------------
class InstalmentSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    amount = money_field()


class LoanTermsSerializer(serializers.ModelSerializer):
    instalments = InstalmentSerializer(many=True, required=False, default=list)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = LoanTerms
        fields = [
            "id",
            "valid_from",
            "valid_to",
            "interest_rate_percent",
            "interest_period",
            "repayment_basis",
            "source",
            "instalments",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "valid_to", "recorded_by", "created_at"]


class LoanInterestAccrueSerializer(serializers.Serializer):
    through = serializers.DateField(required=False, allow_null=True)


class LoanInterestAccrualSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoanInterestAccrual
        fields = ["id", "period_start", "period_end", "amount", "entry", "calculation"]


class LoanInterestPaymentSerializer(serializers.Serializer):
    """An interest payment to EZK proposed (four eyes: another fund manager approves it, which books it)."""

    amount = money_field()
    paid_on = serializers.DateField(required=False, allow_null=True, help_text=_("Leeg: de dag van goedkeuring."))
    description = serializers.CharField(required=False, allow_blank=True, default="")
    idempotency_key = key_field()


def _ezk_payment_fields(date_field: str) -> list[str]:
    """What a proposal to pay EZK shows (a repayment, an interest payment): the same but its date."""
    return [
        "id",
        "amount",
        "description",
        date_field,
        "status",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "entry",
    ]


class _EzkPaymentProposalSerializer(serializers.ModelSerializer):
    """Who proposed and who decided a proposal to pay EZK, by username."""

    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)


class LoanInterestPaymentProposalSerializer(_EzkPaymentProposalSerializer):
    """A payment of interest to EZK: proposed by one fund manager, approved (and so booked: `entry`) or
    rejected by another."""

    class Meta:
        model = LoanInterestPaymentProposal
        fields = read_only_fields = _ezk_payment_fields("paid_on")


class LoanInterestPaymentApproveSerializer(serializers.Serializer):
    paid_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Leeg: de datum van het voorstel, anders vandaag.")
    )


class LoanRepaymentSerializer(serializers.Serializer):
    """A repayment to EZK proposed (four eyes: another fund manager approves it, which books it)."""

    amount = money_field()
    repaid_on = serializers.DateField(required=False, allow_null=True, help_text=_("Leeg: de dag van goedkeuring."))
    description = serializers.CharField(required=False, allow_blank=True, default="")
    idempotency_key = key_field()


class LoanRepaymentProposalSerializer(_EzkPaymentProposalSerializer):
    """A repayment of principal to EZK: proposed by one fund manager, approved (and so booked: `entry`)
    or rejected by another."""

    class Meta:
        model = LoanRepaymentProposal
        fields = read_only_fields = _ezk_payment_fields("repaid_on")


class LoanRepaymentApproveSerializer(serializers.Serializer):
    repaid_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Leeg: de datum van het voorstel, anders vandaag.")
    )


class TrancheOverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrancheScheduleOverride
        fields = ["id", "year", "amount", "reason", "created_at"]
        read_only_fields = ["id", "created_at"]


# ------------------------------------------------------------------------------------------------
# Positions
# ------------------------------------------------------------------------------------------------
class PositionSerializer(serializers.ModelSerializer):
    instrument_label = serializers.CharField(source="get_instrument_display", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    # After a conversion the position is shares; the loan's principal, rate and maturity stay in their
    # fields as history (bev.selectors.position_loan_state).
    loan_terms_current = serializers.SerializerMethodField(
        help_text=_(
            "true: de positie is nu een lening en principal, interest_rate_percent en maturity_date zijn haar "
            "voorwaarden. false: de positie is geen lening (meer); na een conversie zijn die velden historie."
        )
    )
    converted_on = serializers.SerializerMethodField(
        help_text=_("Datum waarop de lening in aandelen is omgezet; null als de positie niet is geconverteerd.")
    )
    converted_from = serializers.SerializerMethodField(
        help_text=_("Het instrument vóór de conversie (convertible_loan); null als de positie niet is geconverteerd.")
    )

    @staticmethod
    def _loan_state(obj) -> dict:
        # kept on the position read for this response (the serializer itself is reused: core.api.representation)
        from ..selectors import position_loan_state

        kept = obj.__dict__
        if "_loan_state" not in kept:
            kept["_loan_state"] = position_loan_state(obj)
        return kept["_loan_state"]

    def get_loan_terms_current(self, obj) -> bool:
        return self._loan_state(obj)["loan_terms_current"]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_converted_on(self, obj):
        return self._loan_state(obj)["converted_on"]

    @extend_schema_field(serializers.ChoiceField(choices=Instrument.choices, allow_null=True))
    def get_converted_from(self, obj):
        return self._loan_state(obj)["converted_from"]

    class Meta:
        model = Position
        fields = [
            "id",
            "case",
            "case_reference",
            "instrument",
            "instrument_label",
            "shares",
            "ownership_percent",
            "principal",
            "interest_rate_percent",
            "maturity_date",
            "conversion_terms",
            "warrant_terms",
            "loan_terms_current",
            "converted_on",
            "converted_from",
            "notes",
            "exited_on",
            "created_at",
        ]


class PositionCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    instrument = serializers.CharField(
        help_text=_("equity, convertible_loan of loan_with_warrants (leningen en garanties worden geweigerd).")
    )
    shares = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    ownership_percent = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    principal = money_field(required=False, allow_null=True)
    interest_rate_percent = serializers.DecimalField(max_digits=7, decimal_places=4, required=False, allow_null=True)
    maturity_date = serializers.DateField(required=False, allow_null=True)
    conversion_terms = serializers.CharField(required=False, allow_blank=True, default="")
    warrant_terms = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PositionMetricsSerializer(serializers.Serializer):
    invested = money_field()
    cost_outstanding = money_field()
    reserved = money_field()
    returns = money_field(help_text=RETURNS_HELP)
    income = money_field(help_text=INCOME_HELP)
    dividend = money_field(help_text=DIVIDEND_HELP)
    interest = money_field(help_text=INTEREST_HELP)
    principal_and_sale_proceeds = money_field(help_text=MONEY_BACK_HELP)
    principal_repaid = money_field(help_text=PRINCIPAL_REPAID_HELP)
    sale_proceeds = money_field(help_text=SALE_PROCEEDS_HELP)
    sale_cost = money_field(help_text=SALE_COST_HELP)
    realised_result = money_field(help_text=REALISED_RESULT_HELP)
    unrealised_value = money_field()
    unrealised_result = money_field()
    latest_valuation_on = serializers.DateField(allow_null=True)
    moic = derived_field(decimal_places=4)
    irr = derived_field(decimal_places=6)


class FollowUpSerializer(serializers.ModelSerializer):
    owner = PersonField(help_text=_("Gebruikersnaam van een lid van het casusteam."))
    status = serializers.ChoiceField(choices=FollowUpStatus.choices, read_only=True)

    class Meta:
        fields = ["id", "description", "owner", "due_date", "status", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class RightSerializer(FollowUpSerializer):
    kind = serializers.ChoiceField(choices=RightKind.choices)

    class Meta(FollowUpSerializer.Meta):
        model = AcquiredRight
        fields = FollowUpSerializer.Meta.fields + ["kind"]


class ConditionSerializer(FollowUpSerializer):
    class Meta(FollowUpSerializer.Meta):
        model = DecisionCondition


class FollowUpStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FollowUpStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PositionDetailSerializer(PositionSerializer):
    # For a position from `bev.selectors.position_get(follow_ups=True)`, which reads its rights and
    # conditions (with their owners) only when it has any (a docstring would enter the OpenAPI schema).
    metrics = serializers.SerializerMethodField()
    rights = RightSerializer(source="follow_up_rights", many=True, read_only=True)
    conditions = ConditionSerializer(source="follow_up_conditions", many=True, read_only=True)

    class Meta(PositionSerializer.Meta):
        fields = PositionSerializer.Meta.fields + ["metrics", "rights", "conditions"]

    def get_metrics(self, obj) -> PositionMetricsSerializer:
        from ..selectors import position_metrics

        return represent(PositionMetricsSerializer, position_metrics(obj))


class MovementSerializer(serializers.Serializer):
    amount = money_field()
    booked_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    idempotency_key = key_field()


class PositionReturnSerializer(MovementSerializer):
    kind = serializers.ChoiceField(choices=RETURN_KIND_CHOICES)
    # Income far above what was invested is booked only when confirmed (bev.services.RETURN_SCALE_MULTIPLE).
    confirm_outside_scale = serializers.BooleanField(required=False, default=False)


class DisbursementSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=DisbursementStatus.choices, read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "position",
            "amount",
            "description",
            "status",
            "status_label",
            "idempotency_key",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "rejection_reason",
            "entry",
        ]


class DisbursementProposeSerializer(serializers.Serializer):
    amount = money_field()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    idempotency_key = key_field()


class DisbursementApproveSerializer(serializers.Serializer):
    booked_on = serializers.DateField(required=False, allow_null=True)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ValuationSerializer(serializers.ModelSerializer):
    valued_by = serializers.CharField(source="valued_by.username", read_only=True)
    method = serializers.ChoiceField(choices=ValuationMethod.choices)
    confirm_implausible = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_(
            "Verplicht `true` bij een waardering meer dan 3× hoger of lager dan de vorige (of, zonder "
            "waardering, dan het geïnvesteerde bedrag): een aanname van deze dienst; zonder: 400 met de "
            "regel bij dit veld."
        ),
    )

    class Meta:
        model = Valuation
        fields = ["id", "valued_on", "fair_value", "method", "notes", "valued_by", "created_at", "confirm_implausible"]
        read_only_fields = ["id", "valued_by", "created_at"]


class DilutionSerializer(serializers.ModelSerializer):
    """Give `new_shares_issued` or `ownership_after` (the new stake, %), exactly one; the service
    computes the other (`shares_outstanding_before` may be left out when the position's shares are known)."""

    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Dilution
        fields = [
            "id",
            "issued_on",
            "shares_outstanding_before",
            "new_shares_issued",
            "ownership_before",
            "ownership_after",
            "notes",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "ownership_before", "recorded_by", "created_at"]
        extra_kwargs = {
            "ownership_after": {"required": False, "allow_null": True},
            "shares_outstanding_before": {"required": False, "allow_null": True},
            "new_shares_issued": {"required": False, "allow_null": True},
        }


class ConversionSerializer(serializers.ModelSerializer):
    from_instrument = serializers.ChoiceField(choices=Instrument.choices, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    ownership_percent = serializers.DecimalField(max_digits=9, decimal_places=6, source="ownership_after")

    class Meta:
        model = Conversion
        fields = [
            "id",
            "converted_on",
            "from_instrument",
            "shares",
            "ownership_percent",
            "notes",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "from_instrument", "recorded_by", "created_at"]


class ExitSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Exit
        fields = [
            "id",
            "exited_on",
            "fraction_sold_percent",
            "proceeds",
            "cost_derecognised",
            "realised_result",
            "is_full",
            "entry",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class ExitCreateSerializer(serializers.Serializer):
    proceeds = money_field()
    fraction_sold_percent = serializers.DecimalField(
        max_digits=9, decimal_places=6, help_text=_("Verkocht deel van het huidige belang; 100 = volledige exit.")
    )
    exited_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    idempotency_key = key_field()
