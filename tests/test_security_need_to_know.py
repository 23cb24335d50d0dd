"""Need-to-know and clearance on lists, counts and search: a case is visible only to its team,
and only to members cleared for its classification; for everyone else it does not exist."""

import pytest

from access.roles import Role
from cases.models import Case
from cases.services import case_team_remove, case_update
from core.classification import Classification
from core.exceptions import Conflict

from .factories import lower_clearance, make_case

pytestmark = pytest.mark.django_db


def _ids(response):
    body = response.json()
    return [c["id"] for c in body["results"]], body["count"]


@pytest.fixture
def cases(officer, make_user):
    low = make_user("low", Role.CASE_OFFICER, clearance=Classification.GEHEIM)
    mine = make_case(
        officer=officer,
        team={low: Role.CASE_OFFICER},
        title="Casus Vertrouwelijk",
        classification=Classification.VERTROUWELIJK,
        target_name="Alpha Sensors B.V.",
    )
    secret = make_case(
        officer=officer,
        team={low: Role.CASE_OFFICER},
        title="Casus Geheim",
        classification=Classification.GEHEIM,
        target_name="Alpha Quantum B.V.",
    )
    lower_clearance(low, Classification.VERTROUWELIJK)  # after joining: the team takes only the cleared
    return {"low": low, "mine": mine, "secret": secret}


def test_lists_counts_and_search_hide_cases_above_clearance(api, cases):
    low = api(cases["low"])
    assert _ids(low.get("/api/cases/")) == ([cases["mine"].pk], 1)
    assert _ids(low.get("/api/cases/?search=Alpha")) == ([cases["mine"].pk], 1)
    assert _ids(low.get("/api/cases/?search=Quantum")) == ([], 0)
    assert _ids(low.get("/api/cases/?classification=geheim")) == ([], 0)
    assert low.get(f"/api/cases/{cases['secret'].pk}/").status_code == 404
    assert low.get(f"/api/cases/{cases['secret'].reference}/").status_code == 404
    assert low.get(f"/api/cases/{cases['secret'].pk}/timeline/").status_code == 404


def test_the_cleared_author_sees_both(api, officer, cases):
    ids, count = _ids(api(officer).get("/api/cases/?search=Alpha"))
    assert sorted(ids) == sorted([cases["mine"].pk, cases["secret"].pk]) and count == 2


def test_people_outside_the_team_see_nothing_not_even_a_count(api, outsider, cases):
    assert _ids(api(outsider).get("/api/cases/")) == ([], 0)
    assert _ids(api(outsider).get("/api/cases/?search=Alpha")) == ([], 0)
    for case in (cases["mine"], cases["secret"]):
        assert api(outsider).get(f"/api/cases/{case.pk}/").status_code == 404


def test_a_missing_case_and_a_hidden_case_answer_alike(api, outsider, cases):
    hidden = api(outsider).get(f"/api/cases/{cases['mine'].pk}/")
    missing = api(outsider).get("/api/cases/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_a_superuser_outside_the_team_sees_nothing(api, make_user, cases):
    root = make_user("root", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    assert _ids(api(root).get("/api/cases/")) == ([], 0)
    assert api(root).get(f"/api/cases/{cases['mine'].pk}/").status_code == 404


def test_raising_the_classification_above_a_member_is_refused_not_hidden(api, officer, cases):
    """Not silently hidden from a member below the new level: refused, naming them
    (tests/test_case_team_clearance.py; docs/security.md "Classification changes")."""
    with pytest.raises(Conflict) as refused:
        case_update(
            user=officer,
            case=cases["mine"],
            data={"classification": Classification.GEHEIM},
            expected_version=cases["mine"].version,
        )
    assert refused.value.code == "classification_above_member_clearance"
    assert _ids(api(cases["low"]).get("/api/cases/")) == ([cases["mine"].pk], 1)


def test_leaving_the_team_ends_access(api, officer, cases):
    case = cases["mine"]
    case_team_remove(user=officer, case=Case.objects.get(pk=case.pk), member=cases["low"])
    assert _ids(api(cases["low"]).get("/api/cases/")) == ([], 0)
    assert api(cases["low"]).get(f"/api/cases/{case.pk}/").status_code == 404


def test_an_inactive_member_sees_nothing(cases):
    low = cases["low"]
    low.is_active = False
    low.save()
    assert not Case.objects.visible_to(low).exists()


def test_lowering_clearance_takes_effect_at_once(api, cases):
    low = cases["low"]
    low.clearance = Classification.INTERN
    low.save()
    assert _ids(api(low).get("/api/cases/")) == ([], 0)
