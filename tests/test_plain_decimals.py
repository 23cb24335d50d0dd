"""Amounts and percentages are plain digits: an optional sign, digits, an optional decimal point.
Python's Decimal() also reads "1_000" (1000) and "2e7" (20 million): `{"amount": "2e7"}` proposed
€ 20.000.000,00 and `"intended_stake_percent": "1e1"` recorded 10 %. Refused at the field, in every
serializer (core.api.numbers), as a string or as a JSON number with an exponent, and in the web
forms' money and percentage fields (core.forms); nothing is stored."""

import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework import exceptions

from bev import services
from bev.models import InvestmentProposal, JournalEntry
from cases.models import Case
from core.api.parsers import GuardedJSONParser

from .factories import case_data, case_to_investment_preparation, fund_with_tranches, signal_form_post, web_session

M = Decimal("1000000.00")
NOT_PLAIN = ["1_000", "2e7", "10E5", "1e1", "2E+7", "1_000.50", "Infinity", "0x10"]
MESSAGE = "Geef een getal in cijfers op"
PROPOSAL = {"instrument": "equity", "terms": "20% van de aandelen", "valuation_basis": "Pre-money € 20 mln"}


@pytest.fixture
def decided(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=10 * M, instruments=["equity"], propose=False
    )


def post_raw(client, url, body: str):
    return client.post(url, body, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("typed", NOT_PLAIN)
def test_an_amount_not_in_plain_digits_is_refused_at_the_field(api, manager, decided, typed):
    body = {"case": decided.pk, **PROPOSAL, "amount": typed}
    response = api(manager).post("/api/investment-proposals/", body, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["amount"] and MESSAGE in response.json()["amount"][0]
    assert not InvestmentProposal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("literal", ["1e7", "2E7", "1e+6", "5e-1", "-1E6", "1.5e6"])
def test_a_json_number_with_an_exponent_is_refused_at_the_field(api, manager, decided, literal):
    body = json.dumps({"case": decided.pk, **PROPOSAL})[:-1] + f', "amount": {literal}}}'
    response = post_raw(api(manager), "/api/investment-proposals/", body)
    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["amount"] and MESSAGE in response.json()["amount"][0]
    assert not InvestmentProposal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("literal", "meant"),
    [("2000000", "2000000.00"), ("2000000.5", "2000000.50"), ('"2000000.50"', "2000000.50"), ('" 25. "', "25.00")],
)
def test_plain_numbers_and_strings_stay_accepted(api, manager, decided, literal, meant):
    body = json.dumps({"case": decided.pk, **PROPOSAL})[:-1] + f', "amount": {literal}}}'
    response = post_raw(api(manager), "/api/investment-proposals/", body)
    assert response.status_code == 201, response.json()
    assert InvestmentProposal.objects.get().amount == Decimal(meant)


@pytest.mark.django_db
def test_a_reservation_in_exponent_notation_books_nothing(api, manager, decided):
    position = services.position_create(user=manager, case=decided, instrument="equity", ownership_percent=20)
    url = f"/api/positions/{position.pk}/reservations/"
    response = api(manager).post(url, {"amount": "2e7", "idempotency_key": "r1"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["amount"], response.json()
    response = post_raw(api(manager), url, '{"amount": 1e3, "idempotency_key": "r2"}')
    assert response.status_code == 400 and list(response.json()) == ["amount"], response.json()
    assert not JournalEntry.objects.filter(kind="reservation").exists()


def _case_body(**overrides):
    data = case_data(**overrides)
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if not isinstance(v, (list, bool, str)) else v)
        for k, v in data.items()
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("transaction_value", "2e7"),
        ("transaction_value", "25_000_000"),
        ("intended_stake_percent", "1e1"),
        ("intended_stake_percent", "5_1"),
    ],
)
def test_the_case_facts_take_plain_digits_only(api, officer, field, typed):
    response = api(officer).post("/api/cases/", _case_body(**{field: typed}), format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()) == [field] and MESSAGE in response.json()[field][0]
    body = json.dumps(_case_body())[:-1] + f', "{field}": 1e1}}'
    response = post_raw(api(officer), "/api/cases/", body)
    assert response.status_code == 400 and list(response.json()) == [field], response.json()
    assert not Case.objects.exists()
    assert api(officer).post("/api/cases/", _case_body(), format="json").status_code == 201


def test_the_parser_names_where_the_exponent_is_and_leaves_strings_alone():
    parser = GuardedJSONParser()
    with pytest.raises(exceptions.ValidationError) as refused:
        parser.parse(io.BytesIO(b'{"title": "1e7", "rows": [{"a": 1}, {"a": 1E2}]}'))
    assert list(refused.value.detail) == ["rows.1.a"]
    with pytest.raises(exceptions.ValidationError) as refused:
        parser.parse(io.BytesIO(b"2e3"))
    assert list(refused.value.detail) == ["non_field_errors"]
    body = '{"title": "Fonds 2e7 \\"1e3\\" 1_000", "n": -12.50, "m": 0, "t": true, "f": false, "x": null}'
    assert parser.parse(io.BytesIO(body.encode())) == json.loads(body)


# -- the web forms ----------------------------------------------------------------------------
@pytest.mark.parametrize("typed", NOT_PLAIN + ["1_0,5", "25 %%"])
def test_a_percentage_not_in_plain_digits_is_refused_in_the_web_form(typed):
    from bev.forms import ExitForm

    form = ExitForm(data={"idempotency_key": "k", "proceeds": "1.000", "fraction_sold_percent": typed})
    assert not form.is_valid() and "fraction_sold_percent" in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "typed"), [("intended_stake_percent", "1e1"), ("transaction_value", "2e7")])
def test_the_new_signal_refuses_exponents_at_the_field(officer, field, typed):
    post = signal_form_post(**{"intended_stake_percent": "51", field: typed})
    response = web_session(Client(), officer).post(reverse("cases:create"), post)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Case.objects.exists()


@pytest.mark.parametrize("typed", ["1_0", "1e0", "0x1"])
def test_an_integer_not_in_plain_digits_is_refused_at_the_field(api, officer, case, typed):
    """`int()` read "1_0" as 10: a case change naming version "1_0" was a 409 for a version nobody
    typed (core.api.numbers). Digits of other scripts are refused before (core.input_rules)."""
    response = api(officer).patch(f"/api/cases/{case.pk}/", {"version": typed, "title": "x"}, format="json")
    assert response.status_code == 400, response.content
    assert "geheel getal" in response.json()["version"][0]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.title, stored.version) == (case.title, case.version)


def test_an_integer_as_a_json_number_or_in_plain_digits_stays_accepted(api, officer, case):
    for title, version in (("Eerste", case.version), ("Tweede", str(case.version + 1))):
        response = api(officer).patch(f"/api/cases/{case.pk}/", {"version": version, "title": title}, format="json")
        assert response.status_code == 200, response.content
