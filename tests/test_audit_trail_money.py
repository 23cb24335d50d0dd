"""The audit trail reads amounts the Dutch way (€ 1.000.000,00), as every other page does: the
trail showed an investment proposal as "Aandelen 1000000.00 (Voorgesteld)" with "bedrag (EUR):
1000000.00" among its changes."""

from decimal import Decimal

import pytest

from audit.labels import change_lines
from audit.log import audit_log
from audit.models import AuditRecord
from bev.models import Disbursement, InvestmentProposal

pytestmark = pytest.mark.django_db


def test_an_amount_among_the_changes_reads_in_euros(officer):
    record = audit_log(
        actor=officer,
        action=AuditRecord.Action.CREATE,
        event="investment_proposal.propose",
        object_type="bev.investmentproposal",
        object_id="1",
        changes={"amount": "1000000.50", "instrument": "equity"},
    )
    lines = change_lines(AuditRecord.objects.get(pk=record.pk))
    assert "bedrag (EUR): € 1.000.000,50" in lines
    assert "instrument: Aandelen" in lines


def test_a_percentage_stays_a_number(officer):
    record = audit_log(
        actor=officer,
        action=AuditRecord.Action.CREATE,
        event="case.create",
        object_type="cases.case",
        object_id="1",
        changes={"intended_stake_percent": "12.50"},
    )
    # A number in Dutch notation without its trailing zeros, never an amount in euros.
    assert change_lines(AuditRecord.objects.get(pk=record.pk)) == ["beoogd belang (%): 12,5"]


def test_the_objects_name_their_amount_in_euros():
    proposal = InvestmentProposal(instrument="equity", amount=Decimal("12500000"), status="proposed")
    assert str(proposal) == "Aandelen € 12.500.000,00 (Voorgesteld)"
    assert str(Disbursement(amount=Decimal("0.50"), status="proposed")).startswith("€ 0,50 ")
