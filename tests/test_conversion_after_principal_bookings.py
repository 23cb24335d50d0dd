"""A conversion turns the loan as it stands into shares ("in aandelen converteerbare leningen",
letter 2023, "Invest-NL als beheerder"): the amount converted is the principal outstanding, and the
letter to parliament says "Op <datum> is de lening ... omgezet in aandelen. Het omgezette bedrag is
<bedrag>". A conversion dated before a repayment (or a disbursement) already booked on the loan put a
repayment of a loan that no longer existed after it, and stated as converted on that date a principal
the loan had only later. Found by trying the product: a €10m loan, €4m repaid in June, a conversion
dated in March: the letter said €6m was converted in March, when €10m was outstanding then."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bev.models import Conversion
from bev.services import conversion_record, return_book
from core.exceptions import RuleViolation

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def loan(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    today = timezone.localdate()
    position = invest_in_case(
        ready,
        proposer=manager,
        approver=manager2,
        amount=10 * M,
        instrument="convertible_loan",
        booked_on=today - timedelta(days=90),
    )
    return_book(
        user=manager,
        position=position,
        kind="repayment",
        amount=4 * M,
        idempotency_key="repaid-4m",
        booked_on=today - timedelta(days=30),
    )
    return position


def test_a_conversion_dated_before_a_repayment_on_the_loan_is_refused(loan, manager, api):
    before_repayment = timezone.localdate() - timedelta(days=60)
    with pytest.raises(RuleViolation) as refused:
        conversion_record(
            user=manager, position=loan, converted_on=before_repayment, shares=600, ownership_percent=Decimal("6")
        )
    assert refused.value.field == "converted_on"
    response = api(manager).post(
        f"/api/positions/{loan.pk}/conversions/",
        {"converted_on": before_repayment.isoformat(), "shares": 600, "ownership_percent": "6"},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "converted_on" in response.json()
    loan.refresh_from_db()
    assert loan.instrument == "convertible_loan" and not Conversion.objects.exists()


def test_a_conversion_on_or_after_the_last_repayment_converts_what_is_outstanding(loan, manager, api):
    on = timezone.localdate() - timedelta(days=30)
    response = api(manager).post(
        f"/api/positions/{loan.pk}/conversions/",
        {"converted_on": on.isoformat(), "shares": 600, "ownership_percent": "6"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Conversion.objects.get().converted_on == on
