"""A convertible loan or a loan with warrants holds no shares until it converts: "in aandelen
converteerbare leningen of leningen met warrants, waarbij aandelen als beloning worden toegekend"
(letter 2023, "Invest-NL als beheerder"); the stake is recorded by the conversion. A stake entered
with the loan was taken as the State's stake: the fund page showed it, and the letter to parliament
after a loan with warrants said "Het belang van de Staat in de onderneming bedraagt na deze
transactie 3%". A stake or a number of shares on a new loan is refused at its field, through the API
and the web form, and nothing is recorded."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from access.roles import Role
from bev.models import Position
from parliament.models import LetterDraft

from .factories import add_liaisons, case_to_investment_preparation, fund_with_tranches, invest_in_case, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
LOANS = {
    "convertible_loan": {"conversion_terms": "Conversie bij de volgende financieringsronde."},
    "loan_with_warrants": {"warrant_terms": "Warrants op 3% van de aandelen."},
}


def token(page: str) -> str:
    found = re.search(r'name="submission" value="([0-9a-f]+)"', page)
    assert found, "no submission token on the page"
    return found.group(1)


@pytest.fixture
def ready(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)


@pytest.mark.parametrize("instrument", LOANS)
@pytest.mark.parametrize(("field", "value"), [("ownership_percent", "3"), ("shares", 30000)])
def test_the_api_refuses_a_stake_on_a_loan(api, manager, ready, instrument, field, value):
    response = api(manager).post(
        "/api/positions/",
        {"case": ready.pk, "instrument": instrument, "principal": "5000000.00", field: value, **LOANS[instrument]},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert "omgezet" in response.json()[field][0]
    assert not Position.objects.exists()


def test_the_web_form_refuses_a_stake_on_a_loan_at_the_field(client, manager, ready):
    web_session(client, manager)
    url = reverse("bev:case_positions", args=[ready.pk])
    data = {
        "instrument": "loan_with_warrants",
        "principal": "5000000",
        "ownership_percent": "3",
        "warrant_terms": "Warrants op 3% van de aandelen.",
        "submission": token(client.get(url).content.decode()),
    }
    page = client.post(url, data)
    assert page.status_code in (200, 400)
    assert "omgezet" in page.content.decode()
    assert not Position.objects.exists()


def test_the_letter_after_a_loan_states_no_stake(
    case, officer, manager, manager2, ready, make_user, django_capture_on_commit_callbacks
):
    add_liaisons(case, by=officer, liaisons=[make_user("kamer", Role.PARLIAMENTARY_LIAISON)])
    with django_capture_on_commit_callbacks(execute=True):
        invest_in_case(ready, proposer=manager, approver=manager2, amount=5 * M, instrument="loan_with_warrants")
    letter = LetterDraft.objects.get(chamber="tweede_kamer", kind="first_investment")
    assert "lening met warrants" in letter.body
    assert "Het belang van de Staat" not in letter.body
