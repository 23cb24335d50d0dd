"""The labels of the events `bev` writes to the audit trail (audit.labels.event_labels)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .constants import EntryKind

EVENT_LABELS = {
    # Categories: what a record of a case the reader may not see shows instead of its step (audit.selectors.shown)
    "disbursement": _("Uitbetaling"),
    "investment_proposal": _("Investeringsvoorstel"),
    "position": _("Positie"),
    "ledger": _("Grootboek"),
    "fund": _("Fonds"),
    "fee": _("Beheersvergoeding"),
    "fee_budget": _("Budget beheersvergoeding"),
    "reversal": _("Tegenboeking"),
    "loan_repayment": _("Aflossing lening EZK"),
    "loan_interest_payment": _("Rentebetaling aan EZK"),
    "fund.establish": _("Fonds ingesteld"),
    "fund.manager_change": _("Fondsbeheerder gewijzigd"),
    "fund.tranche_schedule_override": _("Trancheschema aangepast"),
    "fund.loan_terms_record": _("Leningsvoorwaarden vastgelegd"),
    "fund.loan_interest_accrue": _("Rente op lening opgebouwd"),
    "fee_budget.set": _("Budget beheersvergoeding vastgesteld"),
    "fee.propose": _("Beheersvergoeding voorgesteld"),
    "fee.approve": _("Beheersvergoeding goedgekeurd"),
    "fee.reject": _("Beheersvergoeding afgewezen"),
    "reversal.propose": _("Tegenboeking voorgesteld"),
    "reversal.approve": _("Tegenboeking goedgekeurd"),
    "reversal.reject": _("Tegenboeking afgewezen"),
    "loan_repayment.propose": _("Aflossing lening EZK voorgesteld"),
    "loan_repayment.approve": _("Aflossing lening EZK goedgekeurd"),
    "loan_repayment.reject": _("Aflossing lening EZK afgewezen"),
    "loan_interest_payment.propose": _("Rentebetaling aan EZK voorgesteld"),
    "loan_interest_payment.approve": _("Rentebetaling aan EZK goedgekeurd"),
    "loan_interest_payment.reject": _("Rentebetaling aan EZK afgewezen"),
    "disbursement.propose": _("Uitbetaling voorgesteld"),
    "disbursement.approve": _("Uitbetaling goedgekeurd"),
    "disbursement.reject": _("Uitbetaling afgewezen"),
    "investment_proposal.propose": _("Investeringsvoorstel ingediend"),
    "investment_proposal.approve": _("Investeringsvoorstel goedgekeurd"),
    "investment_proposal.reject": _("Investeringsvoorstel afgewezen"),
    "position.create": _("Positie vastgelegd"),
    "position.read": _("Positie ingezien"),
    "position.valuation": _("Waardering vastgelegd"),
    "position.conversion": _("Conversie vastgelegd"),
    "position.dilution": _("Verwatering vastgelegd"),
    "position.exit": _("Exit vastgelegd"),
    "position.loan_stake_cleared": _("Belang van een lening gewist (een lening houdt geen belang)"),
    "position.right.add": _("Verworven recht toegevoegd"),
    "position.right.status": _("Status van een verworven recht gewijzigd"),
    "position.condition.add": _("Voorwaarde van het kabinetsbesluit toegevoegd"),
    "position.condition.status": _("Status van een voorwaarde gewijzigd"),
    # Bookings (ledger.<entry kind>).
    **{f"ledger.{kind}": format_lazy("{}: {}", _("Geboekt"), label) for kind, label in EntryKind.choices},
    "ledger.": _("Geboekt"),
}
