"""The fund's vocabulary, each list in one place.

Source: Kamerbrief "Beschermingsvoorziening Economische Veiligheid" (2023), sections
"Financiële omvang Beschermingsvoorziening Economische Veiligheid" and "Invest-NL als beheerder van
de Beschermingsvoorziening Economische Veiligheid" (with footnote 12), in shared/reference/.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The instruments are part of what the kabinetsbesluit allows (cases.models.CabinetDecision), so the
# vocabulary lives in `cases` (below `bev`); this is the same list.
from cases.constants import Instrument  # noqa: F401

# Debt financing the letter rules out, with its reason (letter, footnote 12: "Het verstrekken van
# financiering in de vorm van vreemd vermogen, zoals reguliere leningen of achtergestelde leningen,
# of garanties is niet van toepassing in dit geval.").
REFUSED_INSTRUMENTS = {
    "ordinary_loan": _("Reguliere lening"),
    "loan": _("Reguliere lening"),
    "subordinated_loan": _("Achtergestelde lening"),
    "guarantee": _("Garantie"),
}
REFUSED_INSTRUMENT_REASON = _(
    "%(instrument)s is niet toegestaan: financiering in de vorm van vreemd vermogen, zoals reguliere "
    "leningen of achtergestelde leningen, of garanties is niet van toepassing (Kamerbrief "
    "Beschermingsvoorziening Economische Veiligheid, voetnoot 12). Toegestaan zijn aandelen, in "
    "aandelen converteerbare leningen en leningen met warrants."
)

# Instruments with a loan component (principal, interest) and those that can become shares.
LOAN_INSTRUMENTS = {Instrument.CONVERTIBLE_LOAN, Instrument.LOAN_WITH_WARRANTS}


class Account(models.TextChoices):
    """The fund's chart of accounts. Amounts on ledger lines are signed: debit positive, credit
    negative; every entry's lines sum to zero."""

    MINISTRY_LOAN = "ministry_loan", _("Achtergestelde lening EZK")
    CASH_AVAILABLE = "cash_available", _("Liquide middelen, beschikbaar")
    CASH_RESERVED = "cash_reserved", _("Liquide middelen, gereserveerd")
    INVESTMENTS = "investments", _("Deelnemingen (kostprijs)")
    TREASURY = "treasury", _("Afgedragen aan de staatskas")
    MANAGEMENT_FEE = "management_fee", _("Beheersvergoeding")
    INVESTMENT_INCOME = "investment_income", _("Opbrengsten (dividend, rente)")
    REALISED_RESULT = "realised_result", _("Gerealiseerd resultaat")
    # The EZK loan is revolving: "de middelen terugbetaald dienen te worden en rente betaald moet
    # worden over de middelen" (letter, footnote 9). MINISTRY_LOAN keeps the tranches received
    # (gross, for the €100m limit and the tranche schedule); repayments go to their own contra
    # account, so principal outstanding = received - repaid (bev.selectors.loan).
    EZK_LOAN_REPAID = "ezk_loan_repaid", _("Afgelost op de lening EZK")
    EZK_INTEREST = "ezk_interest", _("Rentelasten lening EZK")
    EZK_INTEREST_PAYABLE = "ezk_interest_payable", _("Te betalen rente lening EZK")


class EntryKind(models.TextChoices):
    """The movements of money (a reversal keeps the kind of the entry it reverses)."""

    TRANCHE = "tranche", _("Tranche ontvangen")
    RESERVATION = "reservation", _("Reservering")
    RELEASE = "release", _("Vrijval reservering")
    DISBURSEMENT = "disbursement", _("Uitbetaling investering")
    DIVIDEND = "dividend", _("Dividend")
    INTEREST = "interest", _("Rente")
    REPAYMENT = "repayment", _("Aflossing")
    SALE = "sale", _("Verkoopopbrengst (exit)")
    FEE = "fee", _("Beheersvergoeding")
    SWEEP = "sweep", _("Afdracht aan de staatskas")
    # The EZK loan (bev.services.loan), distinct from the sweep to the staatskas above.
    EZK_INTEREST = "ezk_interest", _("Rente lening EZK opgebouwd")
    EZK_INTEREST_PAID = "ezk_interest_paid", _("Rente betaald aan EZK")
    EZK_REPAYMENT = "ezk_repayment", _("Aflossing lening EZK")


# Returns on investments: "rendement op de investering" (letter, "Invest-NL als beheerder").
RETURN_KINDS = [EntryKind.DIVIDEND, EntryKind.INTEREST, EntryKind.REPAYMENT, EntryKind.SALE]
RETURN_KIND_CHOICES = [(k.value, k.label) for k in (EntryKind.DIVIDEND, EntryKind.INTEREST, EntryKind.REPAYMENT)]
# Entries that change the holdings (cost, amount invested) or their cash flows, seen from the fund:
# money out (disbursement) and back (returns, sales). Only these touch the investments account
# (bev.services.ledger._post checks it), so the overview's portfolio figures (unrealised value, invested,
# IRR) change only with them; the overview's cache is keyed on the newest one.
PORTFOLIO_KINDS = [EntryKind.DISBURSEMENT, *RETURN_KINDS]
# Entries that bring cash into the fund; each is followed by the sweep in the same transaction.
INFLOW_KINDS = [EntryKind.TRANCHE, *RETURN_KINDS]
# Entries that may be corrected by a reversing entry. Sweeps (the money is in the treasury),
# sales (the exit is a fact on the position) and reversals themselves are not reversed.
REVERSIBLE_KINDS = [
    EntryKind.TRANCHE,
    EntryKind.RESERVATION,
    EntryKind.RELEASE,
    EntryKind.DISBURSEMENT,
    EntryKind.DIVIDEND,
    EntryKind.INTEREST,
    EntryKind.REPAYMENT,
    EntryKind.FEE,
    # payments to EZK (an accrual is not: it is the period's fixed record, bev.services.loan)
    EntryKind.EZK_INTEREST_PAID,
    EntryKind.EZK_REPAYMENT,
]
# A correction needs the eyes of the booking it undoes (the service's own rule, following the four
# eyes of the bookings themselves): an entry booked on a second person's approval is reversed only on
# a second person's approval too, with the permission that approved the booking. One person alone
# could otherwise undo a disbursement, a management fee, or a repayment or an interest payment to EZK
# that two approved (bev.services.corrections).
REVERSAL_APPROVAL: dict[str, str] = {
    EntryKind.DISBURSEMENT: "fund.approve_disbursement",  # another Invest-NL manager on the case
    EntryKind.FEE: "fee.approve",  # an EZK official, as the fee itself
    EntryKind.EZK_REPAYMENT: "loan_repayment.approve",  # another fund manager, as the repayment itself
    EntryKind.EZK_INTEREST_PAID: "loan_interest_payment.approve",  # another fund manager, as the payment itself
}


class DisbursementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld")
    BOOKED = "booked", _("Goedgekeurd en geboekt")
    REJECTED = "rejected", _("Afgewezen")


class ProposalStatus(models.TextChoices):
    """An Invest-NL proposal (investment proposal, management fee) awaiting or after EZK's decision."""

    PROPOSED = "proposed", _("Voorgesteld")
    APPROVED = "approved", _("Goedgekeurd")
    REJECTED = "rejected", _("Afgewezen")


class ValuationMethod(models.TextChoices):
    COST = "cost", _("Kostprijs")
    RECENT_TRANSACTION = "recent_transaction", _("Recente transactieprijs")
    MULTIPLES = "multiples", _("Multiples")
    DCF = "dcf", _("Discounted cash flow")
    NET_ASSETS = "net_assets", _("Intrinsieke waarde")
    OTHER = "other", _("Anders")


class RightKind(models.TextChoices):
    BOARD_SEAT = "board_seat", _("Zetel in de raad van commissarissen/bestuur")
    VETO = "veto", _("Vetorecht")
    INFORMATION = "information", _("Informatierechten")
    OTHER = "other", _("Anders")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Voldaan")
    BREACHED = "breached", _("Niet nagekomen")
    WAIVED = "waived", _("Vervallen")


class TransactionKind(models.TextChoices):
    """Executed fund transactions after which EZK informs parliament (bev.events)."""

    FIRST_INVESTMENT = "first_investment", _("Eerste investering")
    FOLLOW_ON_INVESTMENT = "follow_on_investment", _("Vervolginvestering")
    CONVERSION = "conversion", _("Conversie")
    PARTIAL_EXIT = "partial_exit", _("Gedeeltelijke exit")
    FULL_EXIT = "full_exit", _("Volledige exit")


class InterestPeriod(models.TextChoices):
    """How often interest on the EZK loan is accrued: part of the loan terms (bev.models.LoanTerms)."""

    MONTH = "month", _("Per maand")
    QUARTER = "quarter", _("Per kwartaal")
    YEAR = "year", _("Per jaar")


class RepaymentBasis(models.TextChoices):
    """When the EZK loan is repaid: on EZK's demand, or by a schedule of instalments."""

    ON_DEMAND = "on_demand", _("Op verzoek van EZK")
    SCHEDULE = "schedule", _("Volgens aflossingsschema")
