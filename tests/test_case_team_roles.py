"""Separation of duties on the case team (issue 20, section 1).

A person holds on a case only a role their organisational role allows
(`access.roles.CASE_ROLES_BY_ORGANISATION_ROLE`); anything else is 400 at the field `role` and
changes nothing. Changing a member's role is its own audited step, shown on the timeline; the member
keeps no power of the old role. Re-adding a removed member shows the roles they held before."""

import pytest

from access.roles import CASE_ROLES_BY_ORGANISATION_ROLE, Role
from audit.models import AuditRecord
from cases.constants import EventKind
from cases.models import Case, CaseTeamMember, TimelineEvent
from core.classification import Classification
from core.exceptions import PermissionDenied, RuleViolation

from .factories import make_case, web_session

pytestmark = pytest.mark.django_db

PAIRS = [(org, case_role) for org in Role.values for case_role in Role.values]


def _state(case):
    return (
        list(CaseTeamMember.objects.filter(case=case).order_by("user_id").values_list("user_id", "role")),
        TimelineEvent.objects.filter(case=case).count(),
        AuditRecord.objects.filter(case_id=case.pk).count(),
    )


@pytest.mark.parametrize(("organisation_role", "case_role"), PAIRS)
def test_a_person_gets_only_a_case_role_their_organisational_role_allows(
    api, make_user, officer, organisation_role, case_role
):
    case = make_case(officer=officer)
    person = make_user("person", organisation_role)
    before = _state(case)
    response = api(officer).post(
        f"/api/cases/{case.pk}/team/", {"username": "person", "role": case_role}, format="json"
    )
    if case_role in CASE_ROLES_BY_ORGANISATION_ROLE[organisation_role]:
        assert response.status_code == 201, response.json()
        assert Case.objects.get(pk=case.pk).role_of(person) == case_role
    else:
        assert response.status_code == 400, response.json()
        assert "scheiding van functies" in response.json()["role"][0]
        assert _state(case) == before


def test_the_table_gives_each_organisational_role_its_own_function_and_administrators_no_acting_role():
    assert set(CASE_ROLES_BY_ORGANISATION_ROLE) == set(Role.values)
    for organisation_role, case_roles in CASE_ROLES_BY_ORGANISATION_ROLE.items():
        assert case_roles == {organisation_role}
    acting = {
        Role.CASE_OFFICER,
        Role.RISK_ASSESSOR,
        Role.CABINET_SECRETARIAT,
        Role.FUND_MANAGER,
        Role.PARLIAMENTARY_LIAISON,
    }
    assert not CASE_ROLES_BY_ORGANISATION_ROLE[Role.ADMINISTRATOR] & acting
    assert not CASE_ROLES_BY_ORGANISATION_ROLE[Role.AUDITOR] & acting


def test_three_case_officers_cannot_take_a_case_from_signal_to_disbursement(api, make_user):
    """The incident of issue 20: case officers made each other assessor, secretariat and fund
    manager. It fails at its first step, and nothing changes."""
    first = make_user("first", Role.CASE_OFFICER)
    make_user("second", Role.CASE_OFFICER)
    make_user("third", Role.CASE_OFFICER, clearance=Classification.INTERN)
    case = make_case(officer=first)
    before = _state(case)
    for username, role in (
        ("second", Role.RISK_ASSESSOR),
        ("third", Role.RISK_ASSESSOR),
        ("second", Role.CABINET_SECRETARIAT),
        ("third", Role.FUND_MANAGER),
        ("first", Role.FUND_MANAGER),
    ):
        response = api(first).post(f"/api/cases/{case.pk}/team/", {"username": username, "role": role}, format="json")
        assert response.status_code in (400, 409), (username, role, response.json())
    assert _state(case) == before
    assert Case.objects.get(pk=case.pk).role_of(first) == Role.CASE_OFFICER


# ------------------------------------------------------------------------------------------------
# Changing a member's role
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def moved(make_user):
    """A risk assessor who moved to case intake: the administrator changed their organisational role."""
    person = make_user("moved", Role.RISK_ASSESSOR)
    return person


def test_a_role_change_is_its_own_audited_step_on_the_timeline(api, officer, moved):
    case = make_case(officer=officer, team={moved: Role.RISK_ASSESSOR})
    moved.role = Role.CASE_OFFICER
    moved.save(update_fields=["role"])
    response = api(officer).patch(f"/api/cases/{case.pk}/team/moved/", {"role": Role.CASE_OFFICER}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["role"] == Role.CASE_OFFICER
    record = AuditRecord.objects.get(event="case.team_change_role", case_id=case.pk)
    assert record.actor_id == officer.pk
    assert record.changes["team_role"] == {"before": "moved:risk_assessor", "after": "moved:case_officer"}
    assert not AuditRecord.objects.filter(event="case.team_remove", case_id=case.pk).exists()
    event = TimelineEvent.objects.filter(case=case, kind=EventKind.TEAM).last()
    assert event.data == {"changed": "moved", "from": Role.RISK_ASSESSOR, "to": Role.CASE_OFFICER}
    timeline = api(officer).get(f"/api/cases/{case.pk}/timeline/").json()
    assert timeline[-1]["data"]["changed"] == "moved"


def test_a_role_change_must_fit_the_organisational_role_and_changes_nothing_when_refused(api, officer, moved):
    case = make_case(officer=officer, team={moved: Role.RISK_ASSESSOR})
    before = _state(case)
    response = api(officer).patch(f"/api/cases/{case.pk}/team/moved/", {"role": Role.FUND_MANAGER}, format="json")
    assert response.status_code == 400 and "role" in response.json()
    unknown = api(officer).patch(f"/api/cases/{case.pk}/team/moved/", {"role": "boss"}, format="json")
    assert unknown.status_code == 400 and "role" in unknown.json()
    assert _state(case) == before


def test_only_a_team_manager_changes_roles(api, officer, moved, assessor):
    case = make_case(officer=officer, team={moved: Role.RISK_ASSESSOR, assessor: Role.RISK_ASSESSOR})
    moved.role = Role.CASE_OFFICER
    moved.save(update_fields=["role"])
    response = api(assessor).patch(f"/api/cases/{case.pk}/team/moved/", {"role": Role.CASE_OFFICER}, format="json")
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).role_of(moved) == Role.RISK_ASSESSOR


def test_a_member_whose_role_changed_keeps_no_power_of_the_old_role(officer, moved, assessor):
    from assessments.services import assessment_start
    from cases.services import case_team_change_role

    from .factories import start_risk_assessment

    case = make_case(officer=officer, team={moved: Role.RISK_ASSESSOR, assessor: Role.RISK_ASSESSOR})
    start_risk_assessment(case, officer=officer)
    moved.role = Role.CASE_OFFICER
    moved.save(update_fields=["role"])
    case_team_change_role(user=officer, case=case, member=moved, role=Role.CASE_OFFICER)
    case = Case.objects.get(pk=case.pk)
    with pytest.raises(PermissionDenied):
        assessment_start(user=moved, case=case)
    assert case.role_of(moved) == Role.CASE_OFFICER


def test_a_membership_the_organisational_role_no_longer_allows_carries_no_power(officer, moved):
    """The administrator moved the person to another function; until the team is put right, their
    old case role does nothing."""
    from assessments.services import assessment_start

    from .factories import start_risk_assessment

    case = make_case(officer=officer, team={moved: Role.RISK_ASSESSOR})
    start_risk_assessment(case, officer=officer)
    moved.role = Role.CASE_OFFICER
    moved.save(update_fields=["role"])
    with pytest.raises(PermissionDenied):
        assessment_start(user=moved, case=Case.objects.get(pk=case.pk))


def test_nobody_changes_their_own_role(officer):
    from cases.services import case_team_change_role

    case = make_case(officer=officer)
    with pytest.raises(RuleViolation):
        case_team_change_role(user=officer, case=case, member=officer, role=Role.CASE_OFFICER)


def test_re_adding_a_removed_member_shows_the_roles_they_held_before(api, officer, assessor):
    case = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR})
    assert api(officer).delete(f"/api/cases/{case.pk}/team/assessor/").status_code == 204
    removed = TimelineEvent.objects.filter(case=case, kind=EventKind.TEAM).last()
    assert removed.data == {"removed": "assessor", "role": Role.RISK_ASSESSOR}
    again = api(officer).post(
        f"/api/cases/{case.pk}/team/", {"username": "assessor", "role": Role.RISK_ASSESSOR}, format="json"
    )
    assert again.status_code == 201
    added = TimelineEvent.objects.filter(case=case, kind=EventKind.TEAM).last()
    assert added.data["earlier_roles"] == [Role.RISK_ASSESSOR]
    record = AuditRecord.objects.filter(event="case.team_add", case_id=case.pk).order_by("id").last()
    assert record.changes["earlier_roles"] == [Role.RISK_ASSESSOR]


# ------------------------------------------------------------------------------------------------
# The web UI offers the same controls
# ------------------------------------------------------------------------------------------------
def test_the_web_team_form_shows_the_refusal_as_a_form_error(client, officer, make_user):
    case = make_case(officer=officer)
    web_session(client, officer)
    colleague = make_user("colleague", Role.CASE_OFFICER)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'value="{colleague.pk}:{Role.CASE_OFFICER}"' in page  # offered in their own function only
    assert f'value="{colleague.pk}:{Role.FUND_MANAGER}"' not in page
    before = _state(case)
    response = client.post(f"/cases/{case.pk}/team/", {"team-member": f"{colleague.pk}:{Role.FUND_MANAGER}"})
    assert response.status_code == 400
    assert "Kies een persoon uit de lijst." in response.content.decode()
    assert _state(case) == before


def test_the_web_page_changes_a_role_and_shows_it_on_the_timeline(client, officer, moved):
    case = make_case(officer=officer, team={moved: Role.RISK_ASSESSOR})
    web_session(client, officer)
    refused = client.post(f"/cases/{case.pk}/team/{moved.pk}/role/", {f"role-{moved.pk}-role": Role.FUND_MANAGER})
    assert refused.status_code == 400 and "scheiding van functies" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).role_of(moved) == Role.RISK_ASSESSOR
    moved.role = Role.CASE_OFFICER
    moved.save(update_fields=["role"])
    done = client.post(f"/cases/{case.pk}/team/{moved.pk}/role/", {f"role-{moved.pk}-role": Role.CASE_OFFICER})
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).role_of(moved) == Role.CASE_OFFICER
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Rol van moved gewijzigd" in page
