"""A letter to parliament states the State's stake after *its* transaction, also when it is drafted
late. Drafts are made after the booking commits, by a worker; with the broker or the worker down the
request stays pending and the periodic sweep drafts it later (parliament.tasks). The draft took the
position's stake of the moment of drafting: after a second sale in the meantime, the letter about the
first sale of 25% → 12.5% said "Het belang van de Staat in de onderneming bedraagt na deze transactie
6,25%" (the stake after the second). The fund figures were already taken on the transaction's date."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from access.roles import Role
from bev import services as fund
from parliament import services
from parliament.models import LetterDraft, LetterRequest

from .factories import (
    add_liaisons,
    approve_risk_review,
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
STAKE_SENTENCE = "Het belang van de Staat in de onderneming bedraagt na deze transactie"


@pytest.fixture
def sold_twice(case, officer, assessor, assessor2, manager, manager2, secretariat, secretariat2, make_user):
    """25% bought for €20m thirty days ago; half sold ten days ago, half of the rest today; no letter
    drafted yet (the broker was down: the requests are pending)."""
    from cases.models import Case

    today = timezone.localdate()
    add_liaisons(case, by=officer, liaisons=[make_user("kamer", Role.PARLIAMENTARY_LIAISON)])
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, proposal_amount=20 * M)
    position = invest_in_case(
        ready,
        proposer=manager,
        approver=manager2,
        amount=20 * M,
        ownership_percent=Decimal("25"),
        booked_on=today - timedelta(days=30),
    )
    Case.objects.filter(pk=ready.pk).update(state="monitoring")
    approve_risk_review(ready, lead=assessor, approver=assessor2, manageable=True)
    Case.objects.filter(pk=ready.pk).update(state="exit")
    fund.exit_book(
        user=manager,
        position=position,
        proceeds=12 * M,
        fraction_sold_percent=50,
        idempotency_key="sale-1",
        exited_on=today - timedelta(days=10),
    )
    fund.exit_book(user=manager, position=position, proceeds=6 * M, fraction_sold_percent=50, idempotency_key="sale-2")
    return position


def test_each_sale_letter_drafted_late_states_the_stake_after_its_own_sale(sold_twice):
    requests = LetterRequest.objects.filter(position_id=sold_twice.pk, status=LetterRequest.Status.PENDING)
    for request in requests.order_by("executed_on", "id"):
        services.letter_drafts_make(request_id=request.pk)
    first, second = (
        LetterDraft.objects.filter(case=sold_twice.case, chamber="tweede_kamer", kind="partial_exit")
        .order_by("request__executed_on", "request_id")
        .all()
    )
    assert f"{STAKE_SENTENCE} 12,5%." in first.body, first.body
    assert f"{STAKE_SENTENCE} 6,25%." in second.body, second.body
    assert Decimal(first.facts["stake_percent"]) == Decimal("12.5")
