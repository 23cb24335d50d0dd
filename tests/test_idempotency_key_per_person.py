"""An idempotency key names one person's request: a retry by the person who made it gets what it made
the first time, and the same key from anybody else is 409 `idempotency_key_reused`. Before, a second
fund manager who happened to send a key already used (a client's counter, a copied request) got the
first manager's booking or proposal back as if it were theirs (200, `replayed`), and their own was
never made. The service's own rule (the letter says nothing of requests)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from bev.services import (
    disbursement_propose,
    fee_propose,
    loan_interest_payment_propose,
    loan_repayment_propose,
    reservation_book,
    reversal_propose,
    tranche_receive,
)
from core.exceptions import Conflict

from .factories import case_to_investment_preparation, fee_year_prepared, fund_with_tranches, invest_in_case
from .test_loan_interest_four_eyes import payable  # noqa: F401  (a year of interest accrued)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def position(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(ready, proposer=manager, approver=manager2, amount=5 * M)


REQUESTS = {
    "tranche": lambda user, position: tranche_receive(user=user, amount=M, idempotency_key="k-1"),
    "reservation": lambda user, position: reservation_book(
        user=user, position=position, amount=M, idempotency_key="k-1"
    ),
    "disbursement": lambda user, position: disbursement_propose(
        user=user, position=position, amount=M, idempotency_key="k-1"
    ),
    "fee": lambda user, position: fee_propose(user=user, amount=M, idempotency_key="k-1"),  # budget: below
    "loan_repayment": lambda user, position: loan_repayment_propose(user=user, amount=M, idempotency_key="k-1"),
    "reversal": lambda user, position: reversal_propose(
        user=user,
        entry=position.entries.get(kind="disbursement"),
        reason="Verkeerd bedrag.",
        idempotency_key="k-1",
    ),
}


@pytest.mark.parametrize("request_kind", sorted(REQUESTS))
def test_the_same_key_from_another_person_is_refused(request_kind, position, manager, manager2):
    fee_year_prepared(timezone.localdate().year)
    first = REQUESTS[request_kind](manager, position)
    again = REQUESTS[request_kind](manager, position)  # the same person's retry
    assert again.pk == first.pk and again.replayed
    with pytest.raises(Conflict) as refused:
        REQUESTS[request_kind](manager2, position)
    assert refused.value.code == "idempotency_key_reused"


def test_an_interest_payment_keyed_as_another_persons_is_refused(payable, manager, manager2):
    first = loan_interest_payment_propose(user=manager, amount=M, idempotency_key="k-2")
    again = loan_interest_payment_propose(user=manager, amount=M, idempotency_key="k-2")
    assert again.pk == first.pk and again.replayed
    with pytest.raises(Conflict) as refused:
        loan_interest_payment_propose(user=manager2, amount=M, idempotency_key="k-2")
    assert refused.value.code == "idempotency_key_reused"


def test_a_repayments_key_is_not_an_interest_payments(payable, manager):
    """The two kinds of payment to EZK keep their proposals apart (two tables): a key is still one request."""
    loan_repayment_propose(user=manager, amount=M, idempotency_key="k-3")
    with pytest.raises(Conflict) as refused:
        loan_interest_payment_propose(user=manager, amount=M, idempotency_key="k-3")
    assert refused.value.code == "idempotency_key_reused"
    loan_interest_payment_propose(user=manager, amount=M, idempotency_key="k-4")
    with pytest.raises(Conflict) as refused:
        loan_repayment_propose(user=manager, amount=M, idempotency_key="k-4")
    assert refused.value.code == "idempotency_key_reused"
