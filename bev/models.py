"""The fund (the SPV), its append-only double-entry ledger and its positions.

The ledger is the source of truth: every balance is a sum over `JournalLine` (see bev.selectors).
`AccountBalance` keeps the current sum of each account beside it, and `PositionBalance` /
`PositionFlow` each position's figures and daily cash flows, written in the same transaction as every
entry, so that a booking, the overview and a position's detail need not sum the ledger; they are
reconciled with it by `bev.selectors.running_balance_mismatches` (`manage.py verify_ledger`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import ChoicesDisplay
from core.formatting import euro

from .constants import (
    PORTFOLIO_KINDS,
    Account,
    DisbursementStatus,
    EntryKind,
    FollowUpStatus,
    Instrument,
    InterestPeriod,
    ProposalStatus,
    RepaymentBasis,
    RightKind,
    ValuationMethod,
)


class DecimalShape(TypedDict):
    """The digits a DecimalField shares with its kind (typed, so `**MONEY` type-checks)."""

    max_digits: int
    decimal_places: int


class BoundedDecimalShape(DecimalShape):
    validators: list[Any]


# Euros with cents, thirteen digits before the point: far above any amount the fund may book (the
# ledger refuses amounts over its AMOUNT_CEILING).
MONEY: DecimalShape = {"max_digits": 15, "decimal_places": 2}
PERCENT: BoundedDecimalShape = {
    "max_digits": 9,
    "decimal_places": 6,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


class Fund(models.Model):
    """The Special Purpose Vehicle under Invest-NL NV ("ondergebracht bij Invest-NL in een Special
    Purpose Vehicle waardoor het vermogen en risico gescheiden is van andere Invest-NL
    activiteiten", letter, "Financiële omvang"). Its limits are data; the booking services lock
    this row (select_for_update) so that limits hold under concurrency."""

    code = models.CharField(max_length=20, unique=True, default="BEV")
    name = models.CharField(_("naam"), max_length=200)
    policy_owner = models.CharField(
        _("beleidseigenaar"), max_length=200, help_text=_("Het ministerie dat de lening verstrekt, bijv. EZK/EZ.")
    )
    # "De totale omvang van de beschermingsvoorziening bedraagt 100 miljoen euro" (letter).
    committed_limit = models.DecimalField(
        _("maximaal toegezegd kapitaal (EUR)"), **MONEY, default=Decimal("100000000.00")
    )
    # "De maximale omvang van de voorziening bedraagt 150 miljoen euro in liquide middelen" (letter).
    liquid_cap = models.DecimalField(_("maximum liquide middelen (EUR)"), **MONEY, default=Decimal("150000000.00"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fonds")
        verbose_name_plural = _("fondsen")

    def __str__(self):
        return self.name


class PlannedTranche(models.Model):
    """The subordinated loan's tranche schedule: "met een tranche van 50 miljoen euro in 2023 en
    van 50 miljoen euro in de loop van 2024" (letter)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="planned_tranches")
    year = models.PositiveIntegerField(_("jaar"))
    amount = models.DecimalField(_("bedrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["fund", "year"], name="bev_unique_planned_tranche")]

    def __str__(self):
        return f"{self.year}: {euro(self.amount, cents=True)}"


class ManagerPeriod(models.Model):
    """Who manages the fund when (Invest-NL now; a successor such as the integrated investment
    institution later, see the 2025 letter). Never a constant in code."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="manager_periods")
    name = models.CharField(_("beheerder"), max_length=200)
    valid_from = models.DateField(_("geldig vanaf"))
    valid_to = models.DateField(_("geldig tot en met"), null=True, blank=True)
    notes = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "valid_from"], name="bev_unique_manager_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="bev_manager_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.valid_from} – {self.valid_to or '…'})"


# ------------------------------------------------------------------------------------------------
# The ledger: append-only (model guards here, a PostgreSQL trigger in the migration)
# ------------------------------------------------------------------------------------------------
class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The ledger is append-only: book a reversing entry.")

    def delete(self):
        raise TypeError("The ledger is append-only: book a reversing entry.")

    def bulk_update(self, *args, **kwargs):
        raise TypeError("The ledger is append-only: book a reversing entry.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The ledger is append-only: book a reversing entry.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The ledger is append-only: book a reversing entry.")


class JournalEntry(AppendOnlyModel):
    """One movement of money: dated, with who and why, and an idempotency key so that a retried
    request never books twice. Corrected only by a reversing entry."""

    # Set on the row a booking service returns: True when a repeated idempotency key gave back the
    # earlier booking instead of booking again (the API then answers 200 instead of 201).
    replayed: bool = False

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("soort"), max_length=20, choices=EntryKind.choices)
    booked_on = models.DateField(_("boekdatum"))
    description = models.TextField(_("omschrijving"))
    amount = models.DecimalField(_("bedrag (EUR)"), **MONEY, help_text=_("Het hoofdbedrag van de beweging."))
    idempotency_key = models.CharField(max_length=100)
    position = models.ForeignKey("Position", on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journaalpost")
        verbose_name_plural = _("grootboek")
        ordering = ["booked_on", "id"]
        indexes = [
            models.Index(fields=["fund", "booked_on"], name="bev_entry_fund_date"),
            # The newest entry that changed the holdings or their cash flows, in one index step
            # (the key of the overview's cached portfolio figures, bev.selectors.fund_overview).
            models.Index(fields=["id"], condition=Q(kind__in=PORTFOLIO_KINDS), name="bev_entry_portfolio_id"),
        ]
        constraints = [models.UniqueConstraint(fields=["fund", "idempotency_key"], name="bev_unique_idempotency_key")]

    def __str__(self):
        return f"#{self.pk} {self.booked_on} {self.get_kind_display()}"


class JournalLine(AppendOnlyModel):
    """One side of an entry. Signed amount in EUR with cents: debit positive, credit negative.
    fund, kind, booked_on and position are copied from the entry so that balances are one
    aggregate over this table (indexed by account and date)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(_("rekening"), max_length=30, choices=Account.choices)
    position = models.ForeignKey("Position", on_delete=models.PROTECT, null=True, blank=True, related_name="lines")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    booked_on = models.DateField()
    amount = models.DecimalField(_("bedrag (EUR)"), **MONEY)

    class Meta:
        ordering = ["entry_id", "id"]
        indexes = [
            models.Index(fields=["fund", "account", "booked_on"], name="bev_line_account_date"),
            models.Index(fields=["position", "account", "booked_on"], name="bev_line_position_account"),
            # The lines that change the holdings or their cash flows, which the fund overview's figures
            # sum (bev.selectors.overview._figure_rows): without it that read scanned every line of
            # the ledger, reservations and releases included, and grew with them (the scale curve of
            # issue 25, docs/benchmarks/README.md).
            models.Index(
                fields=["fund", "position", "booked_on"],
                condition=Q(kind__in=PORTFOLIO_KINDS),
                name="bev_line_portfolio",
            ),
        ]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="bev_line_amount_not_zero")]

    def __str__(self):
        return f"{self.account} {euro(self.amount, cents=True)}"


class AccountBalance(models.Model):
    """The running balance of one of the fund's accounts: the sum of all its ledger lines (debit
    positive), and the part of it booked by returns (dividend, interest, repayment, sale).

    Written only by `bev.services.ledger._post`, in the transaction that writes the entry, as an increment
    (so concurrent writers cannot lose an update; the booking services also hold the fund lock).
    Not a second truth: `bev.selectors.running_balance_mismatches` compares it with the ledger."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="balances")
    account = models.CharField(_("rekening"), max_length=30, choices=Account.choices)
    balance = models.DecimalField(_("saldo (EUR)"), max_digits=17, decimal_places=2, default=Decimal("0.00"))
    returns = models.DecimalField(
        _("waarvan opbrengsten (EUR)"), max_digits=17, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        verbose_name = _("rekeningsaldo")
        verbose_name_plural = _("rekeningsaldi")
        constraints = [models.UniqueConstraint(fields=["fund", "account"], name="bev_unique_account_balance")]

    def __str__(self):
        return f"{self.account} {self.balance}"


class PositionBalance(models.Model):
    """A position's running figures: the sums of its ledger lines that its detail, the disbursement
    and the limits read (debit positive, as the lines), so that none of them sums all of a position's
    lines. `invested`: the investments account's disbursement lines (reversals included); `cost`: the
    investments account; `reserved`: the reserved cash account; `returns`: the available cash account's
    return lines; `realised`: the realised result account (credit negative); `disbursement_lines`: how
    many disbursement lines the position has (none: its next disbursement is its first investment).

    Written only by `bev.services.ledger._post`, in the transaction that writes the entry, as an
    increment (like `AccountBalance`). Not a second truth: `bev.selectors.position_balance_mismatches`
    compares it with the ledger (`manage.py verify_ledger`)."""

    position = models.OneToOneField("Position", on_delete=models.PROTECT, primary_key=True, related_name="balance")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    invested = models.DecimalField(max_digits=17, decimal_places=2, default=Decimal("0.00"))
    cost = models.DecimalField(max_digits=17, decimal_places=2, default=Decimal("0.00"))
    reserved = models.DecimalField(max_digits=17, decimal_places=2, default=Decimal("0.00"))
    returns = models.DecimalField(max_digits=17, decimal_places=2, default=Decimal("0.00"))
    realised = models.DecimalField(max_digits=17, decimal_places=2, default=Decimal("0.00"))
    disbursement_lines = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("positiesaldo")
        verbose_name_plural = _("positiesaldi")

    def __str__(self):
        return f"{self.position_id}: {self.cost}"


class PositionFlow(models.Model):
    """A position's cash flow on one day, seen from the fund (money out negative): the sum of its
    lines on the cash accounts booked by disbursements and returns that day (`bev.selectors`'
    CASH_FLOW_KINDS), from which its IRR is computed. One row per position and booking day, so it
    grows with the days money moved, not with the ledger. Written and checked as `PositionBalance`."""

    position = models.ForeignKey("Position", on_delete=models.PROTECT, related_name="+")
    booked_on = models.DateField()
    amount = models.DecimalField(max_digits=17, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["position", "booked_on"]
        constraints = [models.UniqueConstraint(fields=["position", "booked_on"], name="bev_unique_position_flow")]

    def __str__(self):
        return f"{self.position_id} {self.booked_on}: {euro(self.amount, cents=True)}"


# ------------------------------------------------------------------------------------------------
# Positions (SPV holdings)
# ------------------------------------------------------------------------------------------------
class Position(ChoicesDisplay, models.Model):
    """A holding of the SPV in the target company of one case. Terms are current (after dilution
    and conversion); the history is in Dilution, Conversion and Exit rows."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="positions")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="positions")
    instrument = models.CharField(_("instrument"), max_length=30, choices=Instrument.choices)
    shares = models.PositiveBigIntegerField(_("aantal aandelen"), null=True, blank=True)
    ownership_percent = models.DecimalField(_("belang (%)"), **PERCENT, null=True, blank=True)
    principal = models.DecimalField(_("hoofdsom (EUR)"), **MONEY, null=True, blank=True)
    interest_rate_percent = models.DecimalField(
        _("rente (%)"), max_digits=7, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    maturity_date = models.DateField(_("looptijd tot"), null=True, blank=True)
    conversion_terms = models.TextField(_("conversievoorwaarden"), blank=True)
    warrant_terms = models.TextField(_("warrantvoorwaarden"), blank=True)
    notes = models.TextField(_("toelichting"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    exited_on = models.DateField(_("volledig uitgetreden op"), null=True, blank=True)

    class Meta:
        verbose_name = _("positie")
        verbose_name_plural = _("posities")
        ordering = ["id"]
        constraints = [
            # A loan holds no shares until it converts ("in aandelen converteerbare leningen of leningen
            # met warrants", letter 2023, "Invest-NL als beheerder"): the stake is recorded by the
            # conversion, which makes the position equity. Checked by the services at the field
            # (position_create); here, so that no path (the admin, a script) stores one again. Loans
            # stored with a stake before the rule were cleared by migration bev/0013, audited.
            models.CheckConstraint(
                condition=~Q(instrument__in=["convertible_loan", "loan_with_warrants"])
                | Q(ownership_percent__isnull=True, shares__isnull=True),
                name="bev_loan_holds_no_stake",
            )
        ]

    def __str__(self):
        # The case's kenmerk, as users know it ("Aandelen in BEV-2026-0003"), not its database id.
        return f"{self.get_instrument_display()} in {self.case.reference}"

    @property
    def is_exited(self) -> bool:
        return self.exited_on is not None


class Disbursement(models.Model):
    """Four eyes: proposed by one Invest-NL manager, approved by another; the approval books it."""

    # Set on the row a booking service returns: True when a repeated idempotency key gave back the
    # earlier booking instead of booking again (the API then answers 200 instead of 201).
    replayed: bool = False

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="disbursements")
    amount = models.DecimalField(_("bedrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.TextField(_("omschrijving"))
    status = models.CharField(max_length=20, choices=DisbursementStatus.choices, default=DisbursementStatus.PROPOSED)
    idempotency_key = models.CharField(max_length=100, unique=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="disbursement"
    )

    class Meta:
        verbose_name = _("uitbetaling")
        verbose_name_plural = _("uitbetalingen")
        ordering = ["proposed_at", "id"]

    def __str__(self):
        return f"{euro(self.amount, cents=True)} ({self.get_status_display()})"


class InvestmentProposal(models.Model):
    """Invest-NL's investment proposal under a kabinetsbesluit: "Invest-NL is daarbij verantwoordelijk
    voor het uitwerken van een voorstel voor de meest optimale investeringsmogelijkheid" (letter,
    "Invest-NL als beheerder"). Proposed by a fund manager, approved by the EZK case officer on the
    case team (four eyes across the two organisations) before anything is reserved or disbursed
    under the decision (bev.services.ledger._check_cabinet_decision)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="investment_proposals")
    decision = models.ForeignKey("cases.CabinetDecision", on_delete=models.PROTECT, related_name="investment_proposals")
    instrument = models.CharField(_("instrument"), max_length=30, choices=Instrument.choices)
    amount = models.DecimalField(_("bedrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    terms = models.TextField(_("voorwaarden"))
    valuation_basis = models.TextField(_("waarderingsgrondslag"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("investeringsvoorstel")
        verbose_name_plural = _("investeringsvoorstellen")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision"], condition=Q(status="approved"), name="bev_one_approved_proposal_per_decision"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="proposed"), name="bev_one_open_proposal_per_case"
            ),
        ]

    def __str__(self):
        return f"{self.get_instrument_display()} {euro(self.amount, cents=True)} ({self.get_status_display()})"


class FeeBudget(models.Model):
    """The year's budget for Invest-NL's management fee: "Voor de uitvoering van deze werkzaamheden
    zal Invest-NL een gepaste beheersvergoeding ontvangen. Deze vergoeding komt ten laste van het
    fondsbudget" (letter, "Financiële omvang"). Dated data (one row per calendar year of booking),
    set by an administrator through bev.services.fee_budget_set (audited); fees booked in a year never
    exceed it (bev.services.ledger._check_fee_budget)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="fee_budgets")
    year = models.PositiveIntegerField(_("jaar"), validators=[MinValueValidator(2023), MaxValueValidator(2100)])
    amount = models.DecimalField(_("budget beheersvergoeding (EUR)"), **MONEY, validators=[MinValueValidator(0)])
    notes = models.TextField(_("toelichting"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("budget beheersvergoeding")
        verbose_name_plural = _("budgetten beheersvergoeding")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["fund", "year"], name="bev_unique_fee_budget_year")]

    def __str__(self):
        return f"{self.year}: {euro(self.amount, cents=True)}"


class FourEyesProposal(models.Model):
    """What every four-eyes proposal of the fund holds (a management fee, a reversal, a repayment of
    principal or a payment of interest to EZK): proposed by one person with an idempotency key,
    decided (approved and booked, or rejected with a reason) by another; the services check who may
    decide (`bev.services.four_eyes`, `access.permissions.require_four_eyes`)."""

    # Set on the row a proposing service returns for a repeated idempotency key: it gave back the
    # earlier proposal instead of making another (the API then answers 200 instead of 201).
    replayed: bool = False

    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    idempotency_key = models.CharField(max_length=100, unique=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        abstract = True


class FeeCharge(FourEyesProposal):
    """A management fee proposed by an Invest-NL manager and approved by an EZK official (four eyes
    across the two organisations); the approval books it through the ledger."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="fee_charges")
    amount = models.DecimalField(_("bedrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.TextField(_("omschrijving"))
    booked_on = models.DateField(
        _("boekdatum"), null=True, blank=True, help_text=_("Leeg: de dag van goedkeuring. Het jaar bepaalt het budget.")
    )
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="fee_charge"
    )

    class Meta:
        verbose_name = _("beheersvergoeding")
        verbose_name_plural = _("beheersvergoedingen")
        ordering = ["-proposed_at", "-id"]

    def __str__(self):
        return f"{euro(self.amount, cents=True)} ({self.get_status_display()})"


class ReversalProposal(FourEyesProposal):
    """A reversing entry proposed by one person and booked on another's approval: the correction of an
    entry that was itself booked under four eyes (a disbursement, a management fee, a repayment or an
    interest payment to EZK: `bev.constants.REVERSAL_APPROVAL`)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="reversal_proposals")
    reason = models.TextField(_("reden"))
    booked_on = models.DateField(_("boekdatum"), null=True, blank=True, help_text=_("Leeg: de dag van goedkeuring."))
    reversal = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="reversal_proposal"
    )

    class Meta:
        verbose_name = _("voorstel tot tegenboeking")
        verbose_name_plural = _("voorstellen tot tegenboeking")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One open proposal per entry: a second would book the same correction twice.
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="proposed"), name="bev_one_open_reversal_per_entry"
            )
        ]

    def __str__(self):
        return f"#{self.entry_id} ({self.get_status_display()})"


class Valuation(models.Model):
    """Fair value of the (remaining) holding on a date."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="valuations")
    valued_on = models.DateField(_("waarderingsdatum"))
    fair_value = models.DecimalField(_("reële waarde (EUR)"), **MONEY, validators=[MinValueValidator(0)])
    method = models.CharField(_("methode"), max_length=30, choices=ValuationMethod.choices)
    notes = models.TextField(_("toelichting"), blank=True)
    valued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valued_on", "id"]
        indexes = [models.Index(fields=["position", "valued_on"])]

    def __str__(self):
        return f"{self.valued_on}: {self.fair_value}"


class Dilution(models.Model):
    """A new share issue in which the SPV does not (fully) take part: "verwateren, bijvoorbeeld bij
    nieuwe aandelenuitgiftes of financieringsrondes" (letter, "Invest-NL als beheerder")."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="dilutions")
    issued_on = models.DateField(_("datum uitgifte"))
    # Empty when entered as the new stake (%) of a position whose share counts are not known.
    shares_outstanding_before = models.PositiveBigIntegerField(
        _("uitstaande aandelen vóór uitgifte"), null=True, blank=True
    )
    new_shares_issued = models.PositiveBigIntegerField(_("nieuw uitgegeven aandelen"), null=True, blank=True)
    ownership_before = models.DecimalField(**PERCENT)
    ownership_after = models.DecimalField(**PERCENT)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issued_on", "id"]


class Conversion(models.Model):
    """A convertible loan converted (or warrants exercised) into shares."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="conversions")
    converted_on = models.DateField(_("conversiedatum"))
    from_instrument = models.CharField(max_length=30, choices=Instrument.choices)
    shares = models.PositiveBigIntegerField(_("aantal aandelen"))
    ownership_after = models.DecimalField(**PERCENT)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["converted_on", "id"]


class Exit(models.Model):
    """A partial or full sale of the holding: proceeds, cost taken off the books, realised result."""

    # Set on the row a booking service returns: True when a repeated idempotency key gave back the
    # earlier booking instead of booking again (the API then answers 200 instead of 201).
    replayed: bool = False

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="exits")
    exited_on = models.DateField(_("datum"))
    fraction_sold_percent = models.DecimalField(_("verkocht deel van het belang (%)"), **PERCENT)
    proceeds = models.DecimalField(_("opbrengst (EUR)"), **MONEY, validators=[MinValueValidator(0)])
    cost_derecognised = models.DecimalField(**MONEY)
    realised_result = models.DecimalField(**MONEY)
    is_full = models.BooleanField()
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="exit")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exited_on", "id"]


class FollowUpItem(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("uiterste datum"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    description = models.TextField(_("omschrijving"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["due_date", "id"]


class AcquiredRight(FollowUpItem):
    """A right acquired with the holding (board seat, veto, information rights)."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="rights")
    kind = models.CharField(_("soort recht"), max_length=20, choices=RightKind.choices)


class DecisionCondition(FollowUpItem):
    """A condition the cabinet decision attached to the investment, followed during monitoring."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="conditions")


# ------------------------------------------------------------------------------------------------
# The EZK loan: its terms as dated data, its interest periods, and overrides of the tranche schedule
# (bev.services.loan). "Bij een revolverend fonds is sprake van een constructie waarbij financiële
# middelen beschikbaar worden gesteld in een zodanige vorm dat de middelen terugbetaald dienen te
# worden en rente betaald moet worden over de middelen" (letter, footnote 9). The letter gives no
# rate, no interest periods and no repayment dates: they are entered by an official.
# ------------------------------------------------------------------------------------------------
class LoanTerms(models.Model):
    """One version of the terms of EZK's subordinated loan, valid from `valid_from` up to and
    including `valid_to` (open: until the next version). Recorded by an administrator through
    `bev.services.loan_terms_record` (audited); a version is never edited, a new one follows it."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="loan_terms")
    valid_from = models.DateField(_("geldig vanaf"))
    valid_to = models.DateField(_("geldig tot en met"), null=True, blank=True)
    interest_rate_percent = models.DecimalField(
        _("rente (% per jaar)"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    interest_period = models.CharField(_("renteperiode"), max_length=20, choices=InterestPeriod.choices)
    repayment_basis = models.CharField(_("aflossing"), max_length=20, choices=RepaymentBasis.choices)
    source = models.TextField(
        _("bron"), help_text=_("Waar de voorwaarden vandaan komen, bijv. de leningsovereenkomst met kenmerk en datum.")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("leningsvoorwaarden EZK")
        verbose_name_plural = _("leningsvoorwaarden EZK")
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "valid_from"], name="bev_unique_loan_terms_start"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="bev_loan_terms_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.interest_rate_percent}% ({self.valid_from} – {self.valid_to or '…'})"


class LoanRepaymentInstalment(models.Model):
    """A repayment due under terms with a repayment schedule."""

    terms = models.ForeignKey(LoanTerms, on_delete=models.PROTECT, related_name="instalments")
    due_on = models.DateField(_("vervaldatum"))
    amount = models.DecimalField(_("bedrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        verbose_name = _("aflossingstermijn")
        verbose_name_plural = _("aflossingstermijnen")
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["terms", "due_on"], name="bev_unique_instalment_date")]

    def __str__(self):
        return f"{self.due_on}: {euro(self.amount, cents=True)}"


class LoanInterestAccrual(models.Model):
    """The interest of one period, accrued once (the unique period start makes accruing a period
    twice book once). `entry` is the ledger booking (none when the interest is nil); `calculation`
    keeps the segments it was computed from (principal, rate, days) for the auditor."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="loan_accruals")
    period_start = models.DateField(_("periode vanaf"))
    period_end = models.DateField(_("periode tot en met"))
    amount = models.DecimalField(_("rente (EUR)"), **MONEY, validators=[MinValueValidator(0)])
    calculation = models.JSONField(_("berekening"), default=list)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="loan_accrual"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("renteopbouw lening EZK")
        verbose_name_plural = _("renteopbouw lening EZK")
        ordering = ["period_start"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "period_start"], name="bev_unique_accrual_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="bev_accrual_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.period_start} – {self.period_end}: {euro(self.amount, cents=True)}"


class TrancheScheduleOverride(models.Model):
    """An administrator's permission, with its reason, to receive up to `amount` more by the end of
    `year` (and later years) than the tranche schedule plans through it (bev.services.loan)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="tranche_overrides")
    year = models.PositiveIntegerField(_("jaar"))
    amount = models.DecimalField(_("extra bedrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.TextField(_("reden"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("afwijking tranche-schema")
        verbose_name_plural = _("afwijkingen tranche-schema")
        ordering = ["year", "id"]

    def __str__(self):
        return f"{self.year}: +{euro(self.amount, cents=True)}"


class LoanRepaymentProposal(FourEyesProposal):
    """A repayment of principal to EZK, proposed by one fund manager and booked on another's approval.

    The letter says only that the money is "een langlopende achtergestelde lening" that is to be
    "terugbetaald" (letter, "Financiële omvang" and footnote 9); that a repayment needs a second
    person is the service's own control (docs/security.md), as for the other money that leaves the
    fund (a disbursement, a management fee, a reversal of either): one person alone could otherwise
    empty the fund into EZK's account. The approval books it (bev.services.loan_repayment_approve),
    checking the principal outstanding, the available liquidity and the booking date again."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="loan_repayment_proposals")
    amount = models.DecimalField(_("bedrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.TextField(_("omschrijving"))
    repaid_on = models.DateField(_("afgelost op"), null=True, blank=True, help_text=_("Leeg: de dag van goedkeuring."))
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="loan_repayment_proposal"
    )

    class Meta:
        verbose_name = _("voorstel tot aflossing lening EZK")
        verbose_name_plural = _("voorstellen tot aflossing lening EZK")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # A booked proposal has its entry, and only a booked one.
            models.CheckConstraint(
                condition=Q(status="approved", entry__isnull=False) | (~Q(status="approved") & Q(entry__isnull=True)),
                name="bev_loan_repayment_entry_iff_approved",
            )
        ]

    def __str__(self):
        return f"{euro(self.amount, cents=True)} ({self.get_status_display()})"


class LoanInterestPaymentProposal(FourEyesProposal):
    """A payment of the loan's accrued interest to EZK, proposed by one fund manager and booked on
    another's approval.

    The letter says that "rente betaald moet worden over de middelen" (footnote 9), not who decides a
    payment; that it needs a second person is the service's own control (docs/security.md), as for
    the repayment of principal: interest paid leaves the fund as surely. The approval books it
    (bev.services.loan_interest_payment_approve), checking the interest accrued and unpaid, the
    available liquidity and the booking date again."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="loan_interest_payment_proposals")
    amount = models.DecimalField(_("bedrag (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    description = models.TextField(_("omschrijving"))
    paid_on = models.DateField(_("betaald op"), null=True, blank=True, help_text=_("Leeg: de dag van goedkeuring."))
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="loan_interest_payment_proposal"
    )

    class Meta:
        verbose_name = _("voorstel tot rentebetaling aan EZK")
        verbose_name_plural = _("voorstellen tot rentebetaling aan EZK")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # A booked proposal has its entry, and only a booked one.
            models.CheckConstraint(
                condition=Q(status="approved", entry__isnull=False) | (~Q(status="approved") & Q(entry__isnull=True)),
                name="bev_loan_interest_payment_entry_iff_approved",
            )
        ]

    def __str__(self):
        return f"{euro(self.amount, cents=True)} ({self.get_status_display()})"
