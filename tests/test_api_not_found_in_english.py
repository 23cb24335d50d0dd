"""A person who reads the service in English gets its refusals in English: the "not found" answers of
the fund, the positions, the proposals, the cabinet decisions and the letters were plain Dutch strings
(no gettext), so an English client read "Positie niet gevonden." beside English field errors."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "method", "path", "english"),
    [
        ("manager", "get", "/api/fund/accounts/no_such_account/", "Unknown account."),
        ("manager", "get", "/api/positions/987654/", "Position not found."),
        ("manager", "post", "/api/disbursements/987654/approve/", "Disbursement not found."),
        # EZK's case officer decides these (a fund manager's role never may: 403 before any lookup)
        ("officer", "post", "/api/investment-proposals/987654/approve/", "Investment proposal not found."),
        ("manager", "post", "/api/fund/reversals/987654/approve/", "Reversal proposal not found."),
        ("officer", "post", "/api/fund/fees/987654/approve/", "Management fee not found."),
    ],
)
def test_fund_refusals_in_english(api, request, who, method, path, english):
    client = api(request.getfixturevalue(who))
    answer = getattr(client, method)(path, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 404, answer.content
    assert answer.json()["message"] == english


def test_a_cabinet_decision_not_found_in_english(api, secretariat, case):
    answer = api(secretariat).post(
        f"/api/cases/{case.pk}/cabinet-decisions/987654/confirm/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 404, answer.content
    assert answer.json()["message"] == "Cabinet decision not found."


def test_the_same_refusal_in_dutch_by_default(api, manager):
    answer = api(manager).get("/api/positions/987654/", HTTP_ACCEPT_LANGUAGE="nl")
    assert answer.status_code == 404
    assert answer.json()["message"] == "Positie niet gevonden."
