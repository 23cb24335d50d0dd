"""The approved investment proposal binds the money: what is reserved and disbursed in a case never
exceeds the sum of the amounts EZK approved in Invest-NL's investment proposals for it (the service's
own control below the kabinetsbesluit's maximum, `bev.services.ledger._check_approved_proposals`).
The tester's walk: a €20m proposal approved under a higher cabinet maximum; €25m reserved, then €20m,
then a €30m disbursement proposed and approved, all booked (€45m reserved, €30m disbursed, a
Kamerbrief of "een investering van € 30.000.000"). Now beyond €20m is 409
`investment_proposal_limit` naming the approved amount, and nothing is booked."""

from decimal import Decimal

import pytest
from django.urls import reverse

from bev import services
from bev.models import Disbursement, JournalEntry
from bev.selectors import position_balances
from core.exceptions import LimitExceeded

from .factories import case_to_investment_preparation, fund_with_tranches, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
APPROVED = "€ 20.000.000,00"


@pytest.fixture
def position(case, manager, secretariat, secretariat2):
    """The cabinet allowed €50m in equity; Invest-NL's proposal of €20m under it is approved."""
    fund_with_tranches(user=manager)
    prepared = case_to_investment_preparation(
        case,
        recorder=secretariat,
        confirmer=secretariat2,
        max_amount=50 * M,
        instruments=["equity"],
        proposal_amount=20 * M,
    )
    return services.position_create(user=manager, case=prepared, instrument="equity", ownership_percent=Decimal("20"))


def booked(kind):
    return JournalEntry.objects.filter(kind=kind).count()


def test_the_testers_walk_is_refused_beyond_the_approved_proposal(api, manager, manager2, position):
    client = api(manager)
    url = f"/api/positions/{position.pk}/reservations/"
    refused = client.post(url, {"amount": "25000000.00", "idempotency_key": "r1"}, format="json")
    assert refused.status_code == 409, refused.json()
    body = refused.json()
    assert body["code"] == "investment_proposal_limit"
    assert APPROVED in body["message"]
    assert body["extra"]["approved"] == "20000000.00" and body["extra"]["left"] == "20000000.00"
    assert booked("reservation") == 0

    assert client.post(url, {"amount": "20000000.00", "idempotency_key": "r2"}, format="json").status_code == 201
    # a retried request gets its booking back, although the approved amount is now taken up
    assert client.post(url, {"amount": "20000000.00", "idempotency_key": "r2"}, format="json").status_code == 200
    assert client.post(url, {"amount": "0.01", "idempotency_key": "r3"}, format="json").status_code == 409

    # €30m disbursed would be €10m beyond the €20m reserved: refused when proposed
    proposed = api(manager).post(
        f"/api/positions/{position.pk}/disbursements/",
        {"amount": "30000000.00", "idempotency_key": "d1"},
        format="json",
    )
    assert proposed.status_code == 409 and proposed.json()["code"] == "investment_proposal_limit"
    assert APPROVED in proposed.json()["message"]
    assert not Disbursement.objects.exists()

    # drawing on the reservation adds nothing: the €20m goes in
    ok = services.disbursement_propose(user=manager, position=position, amount=20 * M, idempotency_key="d2")
    services.disbursement_approve(user=manager2, disbursement=ok)
    figures = position_balances(position_ids=[position.pk])[position.pk]
    assert (figures["reserved"], figures["invested"]) == (0, 20 * M)


def test_a_disbursement_approved_beyond_the_proposal_is_refused_under_the_lock(manager, manager2, position):
    first = services.disbursement_propose(user=manager, position=position, amount=15 * M, idempotency_key="d1")
    second = services.disbursement_propose(user=manager, position=position, amount=15 * M, idempotency_key="d2")
    services.disbursement_approve(user=manager2, disbursement=first)
    with pytest.raises(LimitExceeded) as refused:
        services.disbursement_approve(user=manager2, disbursement=second)
    assert refused.value.code == "investment_proposal_limit" and APPROVED in refused.value.message
    second.refresh_from_db()
    assert second.status == "proposed"
    assert booked("disbursement") == 1


def test_releases_give_room_back_under_the_proposal(manager, position):
    services.reservation_book(user=manager, position=position, amount=20 * M, idempotency_key="r1")
    services.reservation_release(user=manager, position=position, amount=5 * M, idempotency_key="rel1")
    assert services.reservation_book(user=manager, position=position, amount=5 * M, idempotency_key="r2")
    with pytest.raises(LimitExceeded):
        services.reservation_book(user=manager, position=position, amount=Decimal("0.01"), idempotency_key="r3")


def test_web_reservation_beyond_the_proposal_is_a_form_error(client, manager, position):
    web_session(client, manager)
    response = client.post(
        reverse("bev:position_book", args=[position.pk, "reserve"]),
        {"reserve-amount": "25.000.000,00", "reserve-idempotency_key": "web-r1"},
    )
    assert response.status_code == 400
    assert APPROVED in response.content.decode()
    assert booked("reservation") == 0


def test_a_proposal_where_none_may_be_made_now_says_why(client, manager, position):
    """Found by trying the product: with an approved proposal under the decision the page offers no
    proposal form, and a proposal posted anyway (999.999.999.999) came back as a 400 without a message."""
    from bev.models import InvestmentProposal

    web_session(client, manager)
    before = InvestmentProposal.objects.count()
    response = client.post(
        reverse("bev:proposal_propose", args=[position.case_id]),
        {
            "proposal-instrument": "equity",
            "proposal-amount": "999999999999",
            "proposal-terms": "Voorwaarden.",
            "proposal-valuation_basis": "Multiples.",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error-summary"' in body and "<li>" in body.split('class="error-summary"', 1)[1]
    assert InvestmentProposal.objects.count() == before
