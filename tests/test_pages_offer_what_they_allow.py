"""A page offers a form only where the service would take it (found by trying the product: the fund
manager was offered "Submit the investment proposal" and "Record position" while the case still sat
at the cabinet's decision, and every position, equity too, a "Record conversion" form; each ended in a
refusal)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Case
from cases.services import cabinet_decision_confirm, cabinet_decision_record

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, web_session

pytestmark = pytest.mark.django_db
M = Decimal("1000000.00")
POSITION_BUTTON = "Positie vastleggen</button>"


def test_at_the_cabinets_decision_no_proposal_and_no_position_is_offered(
    client, case, manager, secretariat, secretariat2
):
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    decision = cabinet_decision_record(
        user=secretariat,
        case=Case.objects.get(pk=case.pk),
        meeting_date=date.today(),
        reference="MR-2026-07",
        deploy=True,
        instruments=["equity"],
        max_amount=25 * M,
    )
    cabinet_decision_confirm(user=secretariat2, decision=decision)
    web_session(client, manager)
    page = client.get(reverse("bev:case_positions", args=[case.pk])).content.decode()
    assert reverse("bev:proposal_propose", args=[case.pk]) not in page
    assert POSITION_BUTTON not in page


def test_in_investment_preparation_both_are_offered(client, case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, propose=False)
    web_session(client, manager)
    page = client.get(reverse("bev:case_positions", args=[ready.pk])).content.decode()
    assert reverse("bev:proposal_propose", args=[ready.pk]) in page
    assert POSITION_BUTTON in page


@pytest.mark.parametrize(("instrument", "offered"), [("equity", False), ("convertible_loan", True)])
def test_conversion_is_offered_only_for_a_convertible_loan(
    client, case, manager, manager2, secretariat, secretariat2, instrument, offered
):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, proposal_instrument=instrument
    )
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, instrument=instrument)
    web_session(client, manager)
    page = client.get(reverse("bev:position", args=[position.pk])).content.decode()
    assert (reverse("bev:position_book", args=[position.pk, "convert"]) in page) is offered


def test_the_assessment_page_offers_the_kinds_the_cases_state_allows(client, case, officer, assessor):
    from cases.services import case_transition

    web_session(client, assessor)
    url = reverse("assessments:case", args=[case.pk])
    assert 'name="kind"' not in client.get(url).content.decode()  # a signal: no assessment yet
    case_transition(user=officer, case=case, name="start_intake")
    case_transition(user=officer, case=case, name="start_assessment")
    page = client.get(url).content.decode()
    assert 'value="initial"' in page and 'value="risk_review"' not in page
    Case.objects.filter(pk=case.pk).update(state="monitoring")
    page = client.get(url).content.decode()
    assert 'value="risk_review"' in page and 'value="initial"' not in page
