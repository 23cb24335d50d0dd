"""Lowering a person's clearance below a case on whose team they are (not ended) is refused, naming
the cases: they would lose sight of it mid-work yet still count as its assessor or fund manager, and
the team rule (cleared for the classification) would no longer hold. As raising a case above a
member's clearance is refused naming them (tests/test_case_classification_changes.py). The admin
shows it as an error at the field `clearance` and changes nothing; the service
(`access.services.user_save_by_admin`) checks it again, under the person's row lock, which a team add
takes too (the race on PostgreSQL below). An ended case's frozen team does not block it."""

import pytest
from django.core.exceptions import ValidationError

from access.models import User
from access.roles import Role
from access.services import account_snapshot, user_save_by_admin
from audit.models import AuditRecord
from cases.models import Case, CaseTeamMember
from cases.services import case_team_add, case_transition
from core.classification import Classification
from core.exceptions import RuleViolation

from .concurrency import POSTGRES_ONLY, interleave
from .factories import make_case, web_session


@pytest.fixture
def beheer(make_user):
    return make_user("beheer", Role.ADMINISTRATOR, is_staff=True)


def _change_form(user, **changes):
    return {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "role": user.role,
        "clearance": user.clearance,
        "organisation": "EZ",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    } | changes


def _lower(actor, user, level):
    user = User.objects.get(pk=user.pk)
    before = account_snapshot(user)
    user.clearance = level
    return user_save_by_admin(actor=actor, user=user, before=before)


def _audited(user):
    return AuditRecord.objects.filter(event="user.update", object_id=str(user.pk)).count()


@pytest.mark.django_db
def test_the_admin_refuses_a_clearance_below_an_open_case_of_the_team(client, beheer, officer, assessor):
    case = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR})  # vertrouwelijk
    other = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR}, classification=Classification.INTERN)
    web_session(client, beheer)
    response = client.post(
        f"/admin/access/user/{assessor.pk}/change/", _change_form(assessor, clearance=Classification.INTERN)
    )
    assert response.status_code == 200, response.status_code  # the form again, with the error
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["clearance"], errors
    assert case.reference in errors["clearance"][0] and other.reference not in errors["clearance"][0]
    assert User.objects.get(pk=assessor.pk).clearance == Classification.GEHEIM
    assert _audited(assessor) == 0
    # to a level that still covers every open case of the team: saved and audited
    response = client.post(
        f"/admin/access/user/{assessor.pk}/change/", _change_form(assessor, clearance=Classification.VERTROUWELIJK)
    )
    assert response.status_code == 302
    assert User.objects.get(pk=assessor.pk).clearance == Classification.VERTROUWELIJK and _audited(assessor) == 1


@pytest.mark.django_db
def test_the_service_refuses_it_too(beheer, officer, assessor):
    case = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR})
    with pytest.raises(ValidationError) as refused:
        _lower(beheer, assessor, Classification.INTERN)
    assert case.reference in refused.value.message_dict["clearance"][0]
    assert User.objects.get(pk=assessor.pk).clearance == Classification.GEHEIM and _audited(assessor) == 0


@pytest.mark.django_db
def test_an_ended_case_or_a_deactivation_does_not_block_it(beheer, officer, assessor, assessor2):
    case = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR, assessor2: Role.RISK_ASSESSOR})
    deactivated = User.objects.get(pk=assessor2.pk)
    before = account_snapshot(deactivated)
    deactivated.is_active, deactivated.clearance = False, Classification.INTERN
    user_save_by_admin(actor=beheer, user=deactivated, before=before)
    assert User.objects.get(pk=assessor2.pk).clearance == Classification.INTERN
    case_transition(user=officer, case=case, name="withdraw", reason="De overname gaat niet door.")
    _lower(beheer, assessor, Classification.INTERN)
    assert User.objects.get(pk=assessor.pk).clearance == Classification.INTERN


def _postgres_only(test):
    for mark in POSTGRES_ONLY:
        test = mark(test)
    return test


@pytest.mark.parametrize("first", ["lowering", "team_add"])
@_postgres_only
def test_a_team_add_racing_the_lowering_leaves_nobody_below_the_case(first, beheer, officer, assessor):
    case = make_case(officer=officer)

    def lowering():
        return _lower(beheer, assessor, Classification.INTERN)

    def team_add():
        return case_team_add(
            user=officer,
            case=Case.objects.get(pk=case.pk),
            member=User.objects.get(pk=assessor.pk),
            role=Role.RISK_ASSESSOR,
        )

    steps = {"lowering": lowering, "team_add": team_add}
    second = "team_add" if first == "lowering" else "lowering"
    results = dict(zip((first, second), interleave(steps[first], steps[second]), strict=True))
    on_team = CaseTeamMember.objects.filter(case=case, user=assessor).exists()
    clearance = User.objects.get(pk=assessor.pk).clearance
    assert not (on_team and clearance == Classification.INTERN), results
    if first == "lowering":  # the add waited for the lowering and saw it
        assert isinstance(results["team_add"], RuleViolation), results
    else:  # the lowering waited for the add and saw the case
        assert isinstance(results["lowering"], ValidationError), results
