"""Searching the case list: in the reference, title, target, acquirer and KvK number, in any case,
every term; nothing matches across two fields, and % and _ are plain characters."""

import pytest
from django.urls import reverse

from tests.factories import make_case, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(officer):
    return {
        "chips": make_case(
            officer=officer,
            title="Overname chipleverancier",
            target_name="Fotonica Delft B.V.",
            acquirer_name="Red River Holdings",
            target_kvk_number="11112222",
        ),
        "water": make_case(
            officer=officer,
            title="Belang in drinkwaterbedrijf",
            target_name="Aqua 100% B.V.",
            acquirer_name="Blue_Lake Capital",
            target_kvk_number="33334444",
        ),
    }


def found(client, query: str) -> set[str]:
    body = client.get("/api/cases/", {"search": query}).json()
    return {row["title"] for row in body["results"]}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("fotonica", {"Overname chipleverancier"}),  # target, lower case
        ("CHIPLEVERANCIER", {"Overname chipleverancier"}),  # title, upper case
        ("river hold", {"Overname chipleverancier"}),  # acquirer, two terms
        ("33334444", {"Belang in drinkwaterbedrijf"}),  # KvK number
        ("BEV-", {"Overname chipleverancier", "Belang in drinkwaterbedrijf"}),  # reference
        ("fotonica drinkwater", set()),  # every term must occur
        ('"delft b.v."', {"Overname chipleverancier"}),  # a quoted phrase
        ("B.V. Red", {"Overname chipleverancier"}),  # terms in different fields
        ("100%", {"Belang in drinkwaterbedrijf"}),
        ("%", {"Belang in drinkwaterbedrijf"}),  # a literal percent sign, not "anything"
        ("blue_lake", {"Belang in drinkwaterbedrijf"}),
        ("e_b", set()),  # a literal underscore, not "any character" (waterbedrijf)
    ],
)
def test_search_terms(api, officer, cases, query, expected):
    assert found(api(officer), query) == expected


def test_a_term_does_not_match_across_two_fields(api, officer, cases):
    # title ends "...chipleverancier", the target starts "Fotonica": nothing holds "leverancierfotonica"
    assert found(api(officer), "leverancierfotonica") == set()
    assert found(api(officer), "chipleverancier fotonica") == {"Overname chipleverancier"}


def test_the_search_follows_a_changed_name(api, officer, cases):
    from cases.services import case_update

    case = cases["water"]
    case_update(user=officer, case=case, data={"target_name": "Waterleiding Oost N.V."}, expected_version=case.version)
    assert found(api(officer), "waterleiding") == {"Belang in drinkwaterbedrijf"}
    assert found(api(officer), "aqua") == set()


def test_search_sees_only_visible_cases(api, officer, outsider, cases):
    assert found(api(outsider), "fotonica") == set()


def test_the_web_list_searches_the_same_way(client, officer, cases):
    web_session(client, officer)
    body = client.get(reverse("cases:list"), {"q": "FOTONICA delft"}).content.decode()
    assert "Overname chipleverancier" in body and "Belang in drinkwaterbedrijf" not in body
