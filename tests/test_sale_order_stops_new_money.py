"""Once a confirmed kabinetsbesluit orders the sale of the State's stake, no new money goes into the
case: no reservation, no disbursement proposed or approved (service, API, web), not even from a
reservation made before the order, and no Kamerbrief about a follow-on investment follows. A later
confirmed decision to deploy (a follow-on) governs again. The service's own control
(bev.services.ledger._check_cabinet_decision; docs/security.md): the letter's exit gate ("Werking":
the State "zal ... haar belang in de betreffende onderneming afbouwen") read for the money.

Found by trying the product: after an order to sell and a 50 % sale, 10m was proposed, approved and
booked, and a "Vervolginvestering" Kamerbrief was drafted that did not mention the order."""

from decimal import Decimal

import pytest
from django.utils import timezone

from bev import services
from bev.models import Disbursement, JournalEntry
from cases.models import CabinetDecision, Case
from core.exceptions import Conflict
from parliament.models import LetterRequest

from .factories import api_token, case_to_investment_preparation, fund_with_tranches, invest_in_case, order_sale

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def position(case, manager, manager2, secretariat, secretariat2):
    """An equity stake with 10m invested and 5m reserved, then the cabinet orders its sale."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, shares=4000)
    services.reservation_book(user=manager, position=position, amount=5 * M, idempotency_key="res-before")
    Case.objects.filter(pk=position.case_id).update(state="monitoring")
    order_sale(position.case, recorder=secretariat, confirmer=secretariat2)
    return position


def money_in():
    return (
        JournalEntry.objects.filter(kind__in=["reservation", "disbursement"]).count(),
        Disbursement.objects.count(),
        LetterRequest.objects.count(),
    )


def test_no_reservation_after_an_order_to_sell(position, manager):
    before = money_in()
    with pytest.raises(Conflict) as refused:
        services.reservation_book(user=manager, position=position, amount=M, idempotency_key="res-after")
    assert refused.value.code == "cabinet_ordered_sale"
    assert "MR-2026-VERKOOP" in str(refused.value.message)
    assert money_in() == before


def test_no_disbursement_proposed_after_an_order_to_sell_even_from_an_earlier_reservation(position, manager):
    before = money_in()
    for amount, key in ((10 * M, "new-money"), (5 * M, "from-reservation")):
        with pytest.raises(Conflict) as refused:
            services.disbursement_propose(user=manager, position=position, amount=amount, idempotency_key=key)
        assert refused.value.code == "cabinet_ordered_sale"
    assert money_in() == before


def test_a_proposal_made_before_the_order_is_not_approved_after_it(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M, shares=4000)
    proposal = services.disbursement_propose(user=manager, position=position, amount=M, idempotency_key="before")
    Case.objects.filter(pk=position.case_id).update(state="monitoring")
    order_sale(position.case, recorder=secretariat, confirmer=secretariat2)
    before = money_in()
    with pytest.raises(Conflict) as refused:
        services.disbursement_approve(user=manager2, disbursement=proposal)
    assert refused.value.code == "cabinet_ordered_sale"
    assert money_in() == before
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_the_api_answers_409_and_books_nothing(position, manager, client):
    token = api_token(manager)
    before = money_in()
    response = client.post(
        f"/api/positions/{position.pk}/disbursements/",
        {"amount": "10000000.00", "idempotency_key": "api-after"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "cabinet_ordered_sale"
    assert money_in() == before


def test_releasing_and_selling_still_work(position, manager):
    services.reservation_release(user=manager, position=position, amount=5 * M, idempotency_key="release")
    services.exit_book(user=manager, position=position, proceeds=6 * M, fraction_sold_percent=50, idempotency_key="x")


def test_a_later_decision_to_deploy_governs_again(position, manager, secretariat, secretariat2):
    """Set up directly (the follow-on route to a new decision is the lifecycle's own test), confirmed in
    the same instant as the order to sell: the later row counts."""
    order = CabinetDecision.objects.get(case_id=position.case_id, orders_sale=True)
    CabinetDecision.objects.create(
        case_id=position.case_id,
        meeting_date=timezone.localdate(),
        reference="MR-2026-WEER",
        deploy=True,
        instruments=["equity"],
        max_amount=40 * M,
        recorded_by=secretariat,
        confirmed_by=secretariat2,
        confirmed_at=order.confirmed_at,
    )
    with pytest.raises(Conflict) as refused:  # past the order; the new decision has no approved proposal yet
        services.reservation_book(user=manager, position=position, amount=M, idempotency_key="res-again")
    assert refused.value.code == "no_approved_proposal"
