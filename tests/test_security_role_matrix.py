"""The role-by-action matrix, through the API: for each role on the case team, each lifecycle
transition and each case action is either allowed (it gets past the permission check) or 403.

What a role may do comes from access/roles.py; the expectations for the letter's key duties are
written out below so that a change to the matrix is a deliberate one."""

import pytest
from django.utils import timezone

from access.permissions import can
from access.roles import PERMISSIONS, Role
from cases.constants import State
from cases.models import Case
from core.classification import Classification

from .factories import lower_clearance, make_case

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)


@pytest.fixture
def team(officer, make_user):
    """One person per role on a case (the officer who made it, plus one of each other role)."""
    people = {Role.CASE_OFFICER: officer}
    for role in ROLES:
        if role != Role.CASE_OFFICER:
            people[role] = make_user(f"m_{role}", role)
    case = make_case(officer=officer, team={u: r for r, u in people.items() if r != Role.CASE_OFFICER})
    return case, people


def _place(case, state):
    """Put the case in `state` (test set-up; the lifecycle's own rules are tested in test_case_lifecycle)."""
    Case.objects.filter(pk=case.pk).update(state=state, closed_at=None)


def _transitions():
    """(name, a source state) for every transition declared on Case."""
    seen = {}
    for t in Case(state=State.SIGNAL).get_all_state_transitions():
        if t.source not in ("*", "+"):
            seen.setdefault(t.name, t.source)
    return sorted(seen.items())


@pytest.mark.parametrize("name,source", _transitions())
def test_each_role_may_take_a_transition_or_gets_403(api, team, name, source):
    case, people = team
    allowed = (
        PERMISSIONS[f"case.transition.{name}"]
        if f"case.transition.{name}" in PERMISSIONS
        else PERMISSIONS[f"case.transition.{'start_assessment' if name == 'fast_track_to_assessment' else name}"]
    )
    for role, user in people.items():
        _place(case, source)
        response = api(user).post(
            f"/api/cases/{case.pk}/transitions/", {"name": name, "reason": "Matrix-test."}, format="json"
        )
        if role in allowed:
            assert response.status_code in (200, 409), (role, name, response.status_code, response.json())
        else:
            # A department advisor does not open the case file at all (only their consultation).
            refused = 404 if role == Role.DEPARTMENT_ADVISOR else 403
            assert response.status_code == refused, (role, name, response.status_code)
            assert Case.objects.get(pk=case.pk).state == source


CASE_ACTIONS = {
    # action: (method, path suffix, payload, state to be in)
    "case.update": ("patch", "", {"summary": "Matrix"}, State.INTAKE),
    "case.manage_team": ("post", "team/", {"username": "matrix_newcomer", "role": Role.CASE_OFFICER}, State.INTAKE),
    "case.suspend": ("post", "suspend/", {"reason": "Wachten op informatie."}, State.INTAKE),
    "cabinet_decision.record": (
        "post",
        "cabinet-decisions/",
        {
            "meeting_date": "2026-11-20",
            "reference": "MR-1",
            "deploy": True,
            "instruments": ["equity"],
            "max_amount": "25000000.00",
        },
        State.CABINET_DECISION,
    ),
}


@pytest.mark.parametrize("action", sorted(CASE_ACTIONS))
def test_each_role_may_do_a_case_action_or_gets_403(api, team, make_user, action):
    case, people = team
    make_user("matrix_newcomer", Role.CASE_OFFICER)
    method, suffix, payload, state = CASE_ACTIONS[action]
    for role, user in people.items():
        _place(case, state)
        if action == "case.update":  # the version the change is made on (required)
            payload = {**payload, "version": Case.objects.get(pk=case.pk).version}
        response = getattr(api(user), method)(f"/api/cases/{case.pk}/{suffix}", payload, format="json")
        if role in PERMISSIONS[action]:
            assert response.status_code in (200, 201, 409), (role, action, response.status_code, response.json())
        else:
            refused = 404 if role == Role.DEPARTMENT_ADVISOR else 403
            assert response.status_code == refused, (role, action, response.status_code)


def test_only_case_officers_file_a_signal(api, team):
    from .factories import case_data

    _case, people = team
    payload = case_data(
        signal_received_at=timezone.now().isoformat(), expected_closing_date=timezone.localdate().isoformat()
    )
    for role, user in people.items():
        status = api(user).post("/api/cases/", payload, format="json").status_code
        assert status == (201 if role == Role.CASE_OFFICER else 403), role


def test_only_auditors_and_administrators_read_and_verify_the_trail(api, team):
    _case, people = team
    for role, user in people.items():
        expected = 200 if role in (Role.AUDITOR, Role.ADMINISTRATOR) else 403
        assert api(user).get("/api/audit/").status_code == expected, role
        assert api(user).get("/api/audit/verifications/").status_code == expected, role
        assert api(user).post("/api/audit/verifications/").status_code == (202 if expected == 200 else 403), role


def test_case_actions_use_the_role_on_the_team_not_the_organisational_role(team, make_user):
    """A fund manager by organisation acts on a case only from its team, and there only in the role of
    their own function (separation of duties: tests/test_case_team_roles.py)."""
    case, people = team
    person = make_user("dual", Role.FUND_MANAGER)
    from cases.services import case_team_add
    from core.exceptions import RuleViolation

    assert not can(person, "case.transition.mark_invested", case=case)  # not on this team
    assert can(person, "fund.book")  # fund-wide actions follow the organisational role
    with pytest.raises(RuleViolation):
        case_team_add(user=people[Role.CASE_OFFICER], case=case, member=person, role=Role.CASE_OFFICER)
    case_team_add(user=people[Role.CASE_OFFICER], case=case, member=person, role=Role.FUND_MANAGER)
    assert can(person, "case.transition.mark_invested", case=case)
    assert not can(person, "case.transition.withdraw", case=case)


def test_nobody_acts_on_a_case_above_their_clearance(api, officer, make_user):
    low = make_user("low_officer", Role.CASE_OFFICER, clearance=Classification.GEHEIM)
    case = make_case(officer=officer, team={low: Role.CASE_OFFICER}, classification=Classification.GEHEIM)
    lower_clearance(low, Classification.INTERN)
    response = api(low).post(f"/api/cases/{case.pk}/transitions/", {"name": "start_intake"}, format="json")
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.SIGNAL


# The letter's division of duties, written out (access/roles.py must agree).
KEY_DUTIES = {
    "case.create": {Role.CASE_OFFICER},  # EZK case officers receive signals and file cases
    "assessment.score": {Role.RISK_ASSESSOR},  # EZK draws up the risk assessment
    "assessment.approve": {Role.RISK_ASSESSOR},
    "assessment.answer_advice": {Role.DEPARTMENT_ADVISOR},  # other ministries are consulted (afstemming)
    "cabinet_decision.record": {Role.CABINET_SECRETARIAT},  # the cabinet decides
    "cabinet_decision.confirm": {Role.CABINET_SECRETARIAT},
    "cabinet_decision.reject": {Role.CABINET_SECRETARIAT},  # the second secretary may also say no
    "fund.book": {Role.FUND_MANAGER},  # Invest-NL executes through the SPV
    "fund.approve_disbursement": {Role.FUND_MANAGER},
    "letter.send": {Role.PARLIAMENTARY_LIAISON},  # EZK informs the Kamer
    "audit.view": {Role.AUDITOR, Role.ADMINISTRATOR},
    "audit.verify": {Role.AUDITOR, Role.ADMINISTRATOR},
}


@pytest.mark.parametrize("action", sorted(KEY_DUTIES))
def test_the_matrix_follows_the_letters_division_of_duties(action):
    assert set(PERMISSIONS[action]) == KEY_DUTIES[action]


def test_auditors_change_nothing():
    """Auditors and evaluators are read-only (DOMAIN: "read-only")."""
    writes = [
        a
        for a, roles in PERMISSIONS.items()
        if Role.AUDITOR in roles
        and not a.endswith((".view", ".list", ".verify", ".view_audit"))
        and a not in ("report.generate",)
    ]
    assert writes == []


def test_an_unknown_action_is_refused_loudly(officer):
    with pytest.raises(KeyError):
        can(officer, "case.do_anything")
