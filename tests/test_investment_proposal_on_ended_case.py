"""Invest-NL's investment proposal is approved only while money may go into the case (investment
preparation, invested, monitoring: where it was proposed). An ended case (closed, withdrawn, not
admissible, not deployed) takes no approval: 409 (API), a form error and no button (web), nothing
changed; the state is the one read on the case's row locked (docs/security.md)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from bev import services as bev_services
from bev.models import InvestmentProposal
from cases.models import Case
from cases.services import case_transition

from .factories import case_to_investment_preparation, fund_with_tranches, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=Decimal("10000000.00"), propose=False
    )
    return bev_services.investment_proposal_propose(
        user=manager,
        case=ready,
        instrument="equity",
        amount="5000000.00",
        terms="20% van de aandelen",
        valuation_basis="Laatste financieringsronde",
    )


def test_a_withdrawn_case_takes_no_approval_of_its_proposal(api, officer, officer2, proposed):
    case = Case.objects.get(pk=proposed.case_id)
    case_transition(user=officer, case=case, name="withdraw", reason="De overname gaat niet door.")
    response = api(officer2).post(f"/api/investment-proposals/{proposed.pk}/approve/")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "case_closed"
    client = web_session(Client(), officer2)
    page = client.get(reverse("bev:case_positions", args=[case.pk]))
    assert page.status_code == 200
    assert not any(row.may_decide for row in page.context["proposals"])
    posted = client.post(reverse("bev:proposal_decide", args=[proposed.pk, "approve"]), {"confirm": "1"})
    assert posted.status_code == 400
    assert "beëindigd" in posted.content.decode()
    assert InvestmentProposal.objects.get(pk=proposed.pk).status == "proposed"


def test_a_proposal_is_approved_only_while_money_may_go_in(api, officer2, proposed):
    Case.objects.filter(pk=proposed.case_id).update(state="exit")
    response = api(officer2).post(f"/api/investment-proposals/{proposed.pk}/approve/")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    Case.objects.filter(pk=proposed.case_id).update(state="investment_preparation")
    assert api(officer2).post(f"/api/investment-proposals/{proposed.pk}/approve/").status_code == 200
