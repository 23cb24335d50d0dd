"""Issue 23: the case team's people picker. The team form (and `GET /api/cases/{id}/team-candidates/`)
offers the people the service would take in a role (active, not locked out, of that function, not on
the team yet), as "Name — organisation — role"; only to whoever may change the team; a value it did
not offer is refused at the field and changes nothing."""

import html
import re

import pytest
from axes.models import AccessAttempt

from access.roles import Role
from cases.models import CaseTeamMember

from .factories import make_case, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    """Colleagues around a case: two who may join, and four who may not be offered."""
    return {
        "jan": make_user("j.devries", Role.RISK_ASSESSOR, first_name="Jan", last_name="de Vries", organisation="EZK"),
        "fatima": make_user(
            "f.amrani", Role.DEPARTMENT_ADVISOR, first_name="Fatima", last_name="Amrani", organisation="JenV"
        ),
        "gone": make_user(
            "p.vertrokken", Role.RISK_ASSESSOR, first_name="Piet", last_name="Vertrokken", is_active=False
        ),
        "locked": make_user("k.geblokkeerd", Role.RISK_ASSESSOR, first_name="Karin", last_name="Geblokkeerd"),
        "member": make_user("m.lid", Role.RISK_ASSESSOR, first_name="Mila", last_name="Lid", organisation="EZK"),
        "reader": make_user("a.auditor", Role.AUDITOR, first_name="Aad", last_name="Auditor", organisation="ADR"),
    }


NOT_OFFERED = ("Piet Vertrokken", "Karin Geblokkeerd", "Mila Lid")


def _lock_out(username: str) -> None:
    """django-axes' record of five wrong logins for `username` from one address: locked out now."""
    AccessAttempt.objects.create(
        username=username,
        ip_address="192.0.2.66",
        user_agent="",
        http_accept="",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )


@pytest.fixture
def team_case(officer, people):
    _lock_out("k.geblokkeerd")
    return make_case(officer=officer, team={people["member"]: Role.RISK_ASSESSOR, people["reader"]: Role.AUDITOR})


def _picker(page: str) -> dict[str, list[str]]:
    """The team form's <select>: organisation -> its options' texts."""
    select = re.search(r'<select name="team-member".*?</select>', page, re.S)
    assert select, "no people picker on the page"
    return {
        html.unescape(label): [html.unescape(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", body)]
        for label, body in re.findall(r'<optgroup label="(.*?)">(.*?)</optgroup>', select.group(0), re.S)
    }


def _state(case):
    return sorted(CaseTeamMember.objects.filter(case=case).values_list("user_id", "role"))


# ------------------------------------------------------------------------------------------------
# Web: who is offered, and how
# ------------------------------------------------------------------------------------------------
def test_the_team_form_offers_eligible_people_with_name_organisation_and_role(client, officer, people, team_case):
    web_session(client, officer)
    page = client.get(f"/cases/{team_case.pk}/").content.decode()
    picker = _picker(page)
    assert picker["EZK"] == ["Jan de Vries — EZK — EZK-risicobeoordelaar"]
    assert picker["JenV"] == ["Fatima Amrani — JenV — Departementaal adviseur"]
    offered = " ".join(o for options in picker.values() for o in options)
    for name in NOT_OFFERED:  # inactive, locked out, on the team already
        assert name not in offered
    assert str(officer) not in offered and "Aad Auditor" not in offered  # on the team: not offered again
    # labelled, its hint before it and tied to it; the filter box is there for the script to show
    assert re.search(r'<label for="id_team-member">Persoon en rol', page)
    assert page.index('id="id_team-member_helptext"') < page.index('<select name="team-member"')
    assert 'aria-describedby="id_team-member_helptext"' in page
    assert 'data-person-filter-for="id_team-member" hidden' in page and "js/person-picker.js" in page


def test_a_person_offered_is_added_in_the_role_shown(client, officer, people, team_case):
    web_session(client, officer)
    jan = people["jan"]
    response = client.post(f"/cases/{team_case.pk}/team/", {"team-member": f"{jan.pk}:{Role.RISK_ASSESSOR}"})
    assert response.status_code == 302
    assert CaseTeamMember.objects.get(case=team_case, user=jan).role == Role.RISK_ASSESSOR
    page = client.get(f"/cases/{team_case.pk}/").content.decode()
    assert "Jan de Vries" not in " ".join(o for options in _picker(page).values() for o in options)


def test_a_tampered_choice_is_a_form_error_and_changes_nothing(client, officer, people, team_case, make_user):
    web_session(client, officer)
    before = _state(team_case)
    manager = make_user("fondsbeheerder", Role.FUND_MANAGER)
    tampered = {
        "no such person": f"999999:{Role.RISK_ASSESSOR}",
        "inactive": f"{people['gone'].pk}:{Role.RISK_ASSESSOR}",
        "locked out": f"{people['locked'].pk}:{Role.RISK_ASSESSOR}",
        "on the team": f"{people['member'].pk}:{Role.RISK_ASSESSOR}",
        "wrong function": f"{manager.pk}:{Role.RISK_ASSESSOR}",
        "a role not theirs": f"{people['jan'].pk}:{Role.CASE_OFFICER}",
        "not a value": "j.devries",
    }
    answers = {
        what: client.post(f"/cases/{team_case.pk}/team/", {"team-member": value}) for what, value in tampered.items()
    }
    for what, response in answers.items():
        body = response.content.decode()
        assert response.status_code == 400, what
        assert '<div class="field-error" id="id_team-member_error"><p>Kies een persoon uit de lijst.</p>' in body, what
    # one answer whoever it names (issue 22): the error summary is the same for all
    summaries = {
        re.search(r'<div class="error-summary".*?</div>', r.content.decode(), re.S).group(0) for r in answers.values()
    }
    assert len(summaries) == 1
    assert _state(team_case) == before


# ------------------------------------------------------------------------------------------------
# Need-to-know: only whoever may change the team sees the list
# ------------------------------------------------------------------------------------------------
def test_a_member_who_may_not_manage_the_team_sees_no_list_and_cannot_post(client, people, team_case):
    member = people["member"]  # a risk assessor on the team: case.manage_team is not theirs
    web_session(client, member)
    response = client.get(f"/cases/{team_case.pk}/")
    assert response.context["team_form"] is None  # the list is not even read for them
    page = response.content.decode()
    assert page.count("Jan de Vries") == 0 and "Fatima Amrani" not in page
    assert 'name="team-member"' not in page
    jan = people["jan"]
    refused = client.post(f"/cases/{team_case.pk}/team/", {"team-member": f"{jan.pk}:{Role.RISK_ASSESSOR}"})
    assert refused.status_code == 403 and "Jan de Vries" not in refused.content.decode()
    assert not CaseTeamMember.objects.filter(case=team_case, user=jan).exists()


def test_someone_off_the_team_gets_404(client, api, outsider, people, team_case):
    web_session(client, outsider)
    jan = people["jan"]
    assert client.get(f"/cases/{team_case.pk}/").status_code == 404
    assert (
        client.post(f"/cases/{team_case.pk}/team/", {"team-member": f"{jan.pk}:{Role.RISK_ASSESSOR}"}).status_code
        == 404
    )
    response = api(outsider).get(f"/api/cases/{team_case.pk}/team-candidates/")
    assert response.status_code == 404 and "Jan" not in response.content.decode()


# ------------------------------------------------------------------------------------------------
# API: GET /api/cases/{id}/team-candidates/
# ------------------------------------------------------------------------------------------------
def test_the_api_lists_the_candidates_paginated(api, officer, people, team_case):
    response = api(officer).get(f"/api/cases/{team_case.pk}/team-candidates/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"] == [
        {
            "id": people["jan"].pk,
            "username": "j.devries",
            "name": "Jan de Vries",
            "organisation": "EZK",
            "roles": [{"role": Role.RISK_ASSESSOR, "label": "EZK-risicobeoordelaar"}],
        },
        {
            "id": people["fatima"].pk,
            "username": "f.amrani",
            "name": "Fatima Amrani",
            "organisation": "JenV",
            "roles": [{"role": Role.DEPARTMENT_ADVISOR, "label": "Departementaal adviseur"}],
        },
    ]
    only = api(officer).get(f"/api/cases/{team_case.pk}/team-candidates/", {"role": Role.DEPARTMENT_ADVISOR}).json()
    assert [p["username"] for p in only["results"]] == ["f.amrani"]
    paged = api(officer).get(f"/api/cases/{team_case.pk}/team-candidates/", {"page_size": 1}).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1 and paged["next"]


def test_the_api_refuses_an_unknown_role_at_its_field(api, officer, team_case):
    response = api(officer).get(f"/api/cases/{team_case.pk}/team-candidates/", {"role": "koning"})
    assert response.status_code == 400 and list(response.json()) == ["role"]


def test_the_api_gives_no_names_to_a_member_who_may_not_manage_the_team(api, people, team_case):
    response = api(people["member"]).get(f"/api/cases/{team_case.pk}/team-candidates/")
    assert response.status_code == 403
    assert "Jan" not in response.content.decode() and "Fatima" not in response.content.decode()


def test_the_service_refuses_a_locked_out_person_as_it_refuses_an_unknown_one(api, officer, people, team_case):
    """The picker and the service read one rule: a locked-out account is not taken through the API either."""
    before = _state(team_case)
    answers = [
        api(officer).post(
            f"/api/cases/{team_case.pk}/team/", {"username": name, "role": Role.RISK_ASSESSOR}, format="json"
        )
        for name in ("k.geblokkeerd", "bestaat-niet")
    ]
    assert {(r.status_code, r.content) for r in answers} == {(answers[1].status_code, answers[1].content)}
    assert answers[0].status_code == 400 and list(answers[0].json()) == ["role"]
    assert _state(team_case) == before
    AccessAttempt.objects.filter(username="k.geblokkeerd").delete()  # the lock lifted: taken again
    again = api(officer).post(
        f"/api/cases/{team_case.pk}/team/", {"username": "k.geblokkeerd", "role": Role.RISK_ASSESSOR}, format="json"
    )
    assert again.status_code == 201


def test_a_team_member_named_candidates_can_still_be_removed(api, officer, team_case, make_user):
    """The candidates list has its own path (`team-candidates/`), so `team/{username}/` reaches
    every member, whatever their username."""
    make_user("candidates", Role.RISK_ASSESSOR)
    client = api(officer)
    added = client.post(f"/api/cases/{team_case.pk}/team/", {"username": "candidates", "role": Role.RISK_ASSESSOR})
    assert added.status_code == 201, added.content
    assert client.delete(f"/api/cases/{team_case.pk}/team/candidates/").status_code == 204
    assert not CaseTeamMember.objects.filter(case=team_case, user__username="candidates").exists()
