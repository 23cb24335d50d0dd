"""After a convertible loan converts, the position is shares: its page and the API say so, and show the
loan's principal, rate and maturity as history ("omgezet op <datum>"), not as an outstanding loan's
(acceptance testing). The fields stay in the API with their values; `loan_terms_current`,
`converted_on` and `converted_from` say what they are."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bev import services
from core.formatting import date_nl

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def loan(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(
        ready, proposer=manager, approver=manager2, amount=2 * M, instrument="convertible_loan", ownership_percent=None
    )


def convert(manager, loan):
    services.conversion_record(
        user=manager, position=loan, converted_on=timezone.localdate(), shares=800, ownership_percent=Decimal("8")
    )
    loan.refresh_from_db()
    return loan


def _section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</dl>", start)]


def test_the_page_shows_a_converted_loan_as_shares_with_the_loan_as_history(client, manager, loan):
    web_session(client, manager)
    before = client.get(reverse("bev:position", args=[loan.pk])).content.decode()
    assert "Historie:" not in before
    assert "Hoofdsom" in _section(before, "terms-now") and "€ 2.000.000" in _section(before, "terms-now")
    convert(manager, loan)
    page = client.get(reverse("bev:position", args=[loan.pk])).content.decode()
    now = _section(page, "terms-now")
    assert "Hoofdsom" not in now and "Rente" not in now and "Looptijd tot" not in now
    assert "800" in now and "8,00%" in now
    on = date_nl(timezone.localdate())
    assert f"Historie: in aandelen converteerbare lening, omgezet op {on}" in page
    history = _section(page, "terms-converted-loan")
    assert "Oorspronkelijke hoofdsom" in history and "€ 2.000.000" in history and "4,00%" in history


def test_the_api_says_the_loan_terms_are_history_after_the_conversion(api, manager, loan):
    client = api(manager)
    detail = client.get(f"/api/positions/{loan.pk}/").json()
    assert (detail["loan_terms_current"], detail["converted_on"], detail["converted_from"]) == (True, None, None)
    convert(manager, loan)
    detail = client.get(f"/api/positions/{loan.pk}/").json()
    assert detail["instrument"] == "equity" and detail["principal"] == "2000000.00"  # kept, as history
    assert detail["loan_terms_current"] is False
    assert detail["converted_on"] == timezone.localdate().isoformat()
    assert detail["converted_from"] == "convertible_loan"
    listed = next(p for p in client.get("/api/positions/").json()["results"] if p["id"] == loan.pk)
    assert (listed["loan_terms_current"], listed["converted_on"], listed["converted_from"]) == (
        False,
        timezone.localdate().isoformat(),
        "convertible_loan",
    )


def test_an_equity_stake_has_no_loan_terms(api, manager, case, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    stake = invest_in_case(ready, proposer=manager, approver=manager2, amount=M)
    detail = api(manager).get(f"/api/positions/{stake.pk}/").json()
    assert (detail["loan_terms_current"], detail["converted_on"], detail["converted_from"]) == (False, None, None)
