"""A loan with warrants does not convert. Letter ("Invest-NL als beheerder"): financing "in de vorm
van aandelen, in aandelen converteerbare leningen of leningen met warrants, waarbij aandelen als
beloning worden toegekend": the warrants give shares as a reward and the loan stays, to be repaid.
Recording the exercise as a conversion turned the whole position into equity (the loan gone from
the books) and told parliament the loan was "omgezet in aandelen". Refused (409
`warrants_not_conversion`) until the exercise is modelled as its own step; a convertible loan
still converts (tests/test_position_lifecycle.py)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from bev import services
from bev.models import Conversion
from core.exceptions import Conflict
from parliament.models import LetterRequest

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def loan_with_warrants(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(ready, proposer=manager, approver=manager2, amount=3 * M, instrument="loan_with_warrants")


def _facts(position):
    position.refresh_from_db()
    return (position.instrument, position.principal, position.shares, position.warrant_terms)


def test_the_service_refuses_to_convert_a_loan_with_warrants(manager, loan_with_warrants):
    before, letters = _facts(loan_with_warrants), LetterRequest.objects.count()
    with pytest.raises(Conflict) as refused:
        services.conversion_record(
            user=manager,
            position=loan_with_warrants,
            converted_on=timezone.localdate(loan_with_warrants.case.created_at),
            shares=500,
            ownership_percent=Decimal("5"),
        )
    assert refused.value.code == "warrants_not_conversion" and "lening blijft staan" in refused.value.message
    assert _facts(loan_with_warrants) == before and before[0] == "loan_with_warrants" and before[1] == 3 * M
    assert not Conversion.objects.exists() and LetterRequest.objects.count() == letters


def test_the_api_answers_409_and_keeps_the_loan(api, manager, loan_with_warrants):
    response = api(manager).post(
        f"/api/positions/{loan_with_warrants.pk}/conversions/",
        {
            "converted_on": timezone.localdate(loan_with_warrants.case.created_at).isoformat(),
            "shares": 500,
            "ownership_percent": "5",
        },
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "warrants_not_conversion"
    assert _facts(loan_with_warrants)[0] == "loan_with_warrants"
