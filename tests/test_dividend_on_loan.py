"""A dividend is paid on shares: booked on a convertible loan that has not converted (it holds no
shares and pays interest), it is refused (400 at `kind`). What is not refused, on purpose:
a dividend on a loan with warrants (warrants exercised give shares beside the loan, which cannot be
recorded here yet: the dividend may be real), a dividend once the loan converted (it is shares), and
income arriving after a full exit (a last interest payment, a dividend declared before the sale)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from bev import services
from bev.models import JournalEntry
from core.exceptions import RuleViolation

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, order_sale

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def ready(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)


def dividend(manager, position, key="d"):
    return services.return_book(
        user=manager, position=position, kind="dividend", amount=Decimal("50000"), idempotency_key=key
    )


def test_a_dividend_on_a_convertible_loan_is_refused_and_interest_is_booked(ready, manager, manager2):
    loan = invest_in_case(ready, proposer=manager, approver=manager2, amount=2 * M, instrument="convertible_loan")
    with pytest.raises(RuleViolation) as refused:
        dividend(manager, loan)
    assert refused.value.code == "dividend_on_loan"
    assert not JournalEntry.objects.filter(kind="dividend").exists()
    services.return_book(user=manager, position=loan, kind="interest", amount=Decimal("50000"), idempotency_key="i")
    services.conversion_record(
        user=manager, position=loan, converted_on=timezone.localdate(), shares=800, ownership_percent=Decimal("8")
    )
    loan.refresh_from_db()
    assert dividend(manager, loan, key="after").kind == "dividend"  # shares now


def test_the_api_refuses_it_at_the_kind(api, ready, manager, manager2):
    loan = invest_in_case(ready, proposer=manager, approver=manager2, amount=2 * M, instrument="convertible_loan")
    response = api(manager).post(
        f"/api/positions/{loan.pk}/returns/",
        {"kind": "dividend", "amount": "50000.00", "idempotency_key": "d"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["kind"] and "keert rente uit, geen dividend" in response.json()["kind"][0]


def test_a_dividend_on_a_loan_with_warrants_is_not_refused(ready, manager, manager2):
    loan = invest_in_case(ready, proposer=manager, approver=manager2, amount=2 * M, instrument="loan_with_warrants")
    assert dividend(manager, loan).kind == "dividend"


def test_income_after_a_full_exit_is_not_refused(ready, manager, manager2, secretariat, secretariat2):
    stake = invest_in_case(ready, proposer=manager, approver=manager2, amount=M)
    order_sale(ready, recorder=secretariat, confirmer=secretariat2)
    services.exit_book(user=manager, position=stake, proceeds=M, fraction_sold_percent=100, idempotency_key="x")
    stake.refresh_from_db()
    assert stake.is_exited
    assert dividend(manager, stake, key="late").kind == "dividend"  # declared before the sale, paid after
