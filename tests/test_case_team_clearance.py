"""Who may be on a case's team: only people cleared for the case's classification. A member below it
would see nothing of the case (Case.objects.visible_to) yet count as its assessor or fund manager
(DOMAIN "Confidentiality": need-to-know within clearance). One rule,
`access.selectors.people_who_may_hold_case_role`: the picker (web and `team-candidates`) does not
offer them and `case_team_add` refuses them; raising a case above a member's clearance is refused,
naming them."""

import pytest

from access.roles import Role
from audit.models import AuditRecord
from cases.models import Case, CaseTeamMember
from cases.services import case_team_add
from core.classification import Classification
from core.exceptions import RuleViolation

from .factories import make_case, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def junior(make_user):
    return make_user("junior", Role.RISK_ASSESSOR, clearance=Classification.VERTROUWELIJK, first_name="Joost")


@pytest.fixture
def senior(make_user):
    return make_user("senior", Role.RISK_ASSESSOR, clearance=Classification.GEHEIM, first_name="Sanne")


@pytest.fixture
def secret_case(officer):
    return make_case(officer=officer, classification=Classification.GEHEIM)


def _team(case):
    return sorted(CaseTeamMember.objects.filter(case=case).values_list("user__username", "role"))


def test_the_service_refuses_a_person_below_the_case_classification(officer, junior, secret_case):
    with pytest.raises(RuleViolation) as refused:
        case_team_add(user=officer, case=secret_case, member=junior, role=Role.RISK_ASSESSOR)
    assert refused.value.field == "role" and "machtiging" in refused.value.message
    assert _team(secret_case) == [("officer", Role.CASE_OFFICER)]


def test_the_api_refuses_them_at_the_field_as_it_refuses_an_unknown_name(api, officer, junior, senior, secret_case):
    client = api(officer)
    answers = [
        client.post(f"/api/cases/{secret_case.pk}/team/", {"username": name, "role": Role.RISK_ASSESSOR}, format="json")
        for name in ("junior", "bestaat-niet")
    ]
    assert answers[0].status_code == 400 and list(answers[0].json()) == ["role"]
    assert "machtiging" in answers[0].json()["role"][0]
    assert answers[0].content == answers[1].content  # no oracle of anyone's clearance (issue 22)
    assert _team(secret_case) == [("officer", Role.CASE_OFFICER)]
    assert not AuditRecord.objects.filter(event="case.team_add", case_id=secret_case.pk).exists()
    ok = client.post(f"/api/cases/{secret_case.pk}/team/", {"username": "senior", "role": Role.RISK_ASSESSOR})
    assert ok.status_code == 201


def test_the_picker_does_not_offer_them(api, client, officer, junior, senior, secret_case):
    names = [p["username"] for p in api(officer).get(f"/api/cases/{secret_case.pk}/team-candidates/").json()["results"]]
    assert "senior" in names and "junior" not in names
    web_session(client, officer)
    page = client.get(f"/cases/{secret_case.pk}/").content.decode()
    assert f'value="{senior.pk}:{Role.RISK_ASSESSOR}"' in page
    assert f'value="{junior.pk}:{Role.RISK_ASSESSOR}"' not in page
    tampered = client.post(f"/cases/{secret_case.pk}/team/", {"team-member": f"{junior.pk}:{Role.RISK_ASSESSOR}"})
    assert tampered.status_code == 400
    assert "Kies een persoon uit de lijst." in tampered.content.decode()
    assert _team(secret_case) == [("officer", Role.CASE_OFFICER)]


def test_a_case_at_their_level_takes_them(officer, junior):
    case = make_case(officer=officer, classification=Classification.VERTROUWELIJK)
    case_team_add(user=officer, case=case, member=junior, role=Role.RISK_ASSESSOR)
    assert ("junior", Role.RISK_ASSESSOR) in _team(case)


def test_raising_a_case_above_a_members_clearance_is_refused_naming_them(api, officer, junior):
    """The service's choice (docs/security.md): refuse and name who would lose sight, rather than let
    the case vanish from a working member's lists and tasks."""
    case = make_case(officer=officer, team={junior: Role.RISK_ASSESSOR}, classification=Classification.VERTROUWELIJK)
    client = api(officer)
    response = client.patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "classification": "geheim"}, format="json"
    )
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "classification_above_member_clearance" and body["field"] == "classification"
    assert body["extra"] == {"members": ["junior"]} and "Joost" in body["message"]
    assert Case.objects.get(pk=case.pk).classification == Classification.VERTROUWELIJK
    assert not AuditRecord.objects.filter(event="case.reclassify", case_id=case.pk).exists()
    # taken off the team first (its own audited step), the case is raised
    assert client.delete(f"/api/cases/{case.pk}/team/junior/").status_code == 204
    assert (
        client.patch(
            f"/api/cases/{case.pk}/", {"version": case.version, "classification": "geheim"}, format="json"
        ).status_code
        == 200
    )
    assert Case.objects.get(pk=case.pk).classification == Classification.GEHEIM


def test_an_inactive_member_does_not_block_raising(api, officer, junior):
    case = make_case(officer=officer, team={junior: Role.RISK_ASSESSOR}, classification=Classification.VERTROUWELIJK)
    junior.is_active = False
    junior.save()
    assert (
        api(officer)
        .patch(f"/api/cases/{case.pk}/", {"version": case.version, "classification": "geheim"}, format="json")
        .status_code
        == 200
    )
