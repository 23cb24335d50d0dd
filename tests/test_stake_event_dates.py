"""A conversion and a dilution are dated events that change the stake the record (and the letters to
parliament) state. A convertible loan converts only after it was paid out: a conversion dated before
the first disbursement was accepted (1 January 1900 among them) and drafted a Kamerbrief "Op 1 januari
1900 is de lening ... omgezet in aandelen". A share issue dated in the future lowered today's stake
on every page for an issue that had not happened. Both are refused at their date field, with
nothing recorded."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bev.models import Conversion, Dilution
from parliament.models import LetterDraft

from .factories import add_liaisons, case_to_investment_preparation, fund_with_tranches, invest_in_case

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
PAID_OUT = date(2025, 6, 2)


@pytest.fixture
def loan(case, officer, manager, manager2, secretariat, secretariat2, make_user):
    from access.roles import Role

    add_liaisons(case, by=officer, liaisons=[make_user("kamer", Role.PARLIAMENTARY_LIAISON)])
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, proposal_instrument="convertible_loan"
    )
    return invest_in_case(
        ready, proposer=manager, approver=manager2, amount=10 * M, instrument="convertible_loan", booked_on=PAID_OUT
    )


@pytest.mark.parametrize("converted_on", ["1900-01-01", (PAID_OUT - timedelta(days=1)).isoformat()])
def test_a_conversion_before_the_loan_was_paid_out_is_refused(
    api, manager, loan, converted_on, django_capture_on_commit_callbacks
):
    letters = LetterDraft.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(manager).post(
            f"/api/positions/{loan.pk}/conversions/",
            {"converted_on": converted_on, "shares": 800000, "ownership_percent": "20"},
            format="json",
        )
    assert response.status_code == 400, response.json()
    assert "2 juni 2025" in response.json()["converted_on"][0]
    loan.refresh_from_db()
    assert loan.instrument == "convertible_loan" and loan.ownership_percent is None
    assert not Conversion.objects.exists()
    assert LetterDraft.objects.count() == letters


def test_a_conversion_on_the_day_of_the_disbursement_is_recorded(
    api, manager, loan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(manager).post(
            f"/api/positions/{loan.pk}/conversions/",
            {"converted_on": PAID_OUT.isoformat(), "shares": 800000, "ownership_percent": "20"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    letter = LetterDraft.objects.filter(kind="conversion").first()
    assert letter is not None and "2 juni 2025" in letter.body


def test_a_share_issue_dated_in_the_future_is_refused(api, manager, loan):
    api(manager).post(
        f"/api/positions/{loan.pk}/conversions/",
        {"converted_on": PAID_OUT.isoformat(), "shares": 800000, "ownership_percent": "20"},
        format="json",
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    for issued_on in [tomorrow.isoformat(), "2199-01-01"]:
        response = api(manager).post(
            f"/api/positions/{loan.pk}/dilutions/", {"issued_on": issued_on, "ownership_after": "5"}, format="json"
        )
        assert response.status_code == 400, response.json()
        assert response.json()["issued_on"]
    loan.refresh_from_db()
    assert loan.ownership_percent == Decimal("20") and not Dilution.objects.exists()

    today = api(manager).post(
        f"/api/positions/{loan.pk}/dilutions/",
        {"issued_on": timezone.localdate().isoformat(), "ownership_after": "15"},
        format="json",
    )
    assert today.status_code == 201, today.json()


def test_a_share_issue_dated_before_the_conversion_is_refused(api, manager, loan):
    """The loan held no shares before it converted: a dilution dated before the conversion was recorded,
    and the stake on the days between (letters, annual report) no longer added up."""
    converted_on = PAID_OUT + timedelta(days=30)
    api(manager).post(
        f"/api/positions/{loan.pk}/conversions/",
        {"converted_on": converted_on.isoformat(), "shares": 800000, "ownership_percent": "20"},
        format="json",
    )
    before = api(manager).post(
        f"/api/positions/{loan.pk}/dilutions/",
        {"issued_on": (converted_on - timedelta(days=1)).isoformat(), "ownership_after": "15"},
        format="json",
    )
    assert before.status_code == 400, before.json()
    assert "2 juli 2025" in before.json()["issued_on"][0]
    assert not Dilution.objects.exists()
    on_the_day = api(manager).post(
        f"/api/positions/{loan.pk}/dilutions/",
        {"issued_on": converted_on.isoformat(), "ownership_after": "15"},
        format="json",
    )
    assert on_the_day.status_code == 201, on_the_day.json()
    # and a second issue is not dated before the first
    earlier = api(manager).post(
        f"/api/positions/{loan.pk}/dilutions/",
        {"issued_on": (converted_on - timedelta(days=1)).isoformat(), "ownership_after": "10"},
        format="json",
    )
    assert earlier.status_code == 400 and "issued_on" in earlier.json()
