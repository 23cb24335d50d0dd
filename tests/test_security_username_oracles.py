"""Issue 22: where a username is entered (the case team, web and API; the advisor of a consultation;
the owner of a position's right or condition) the answer is the same for "no such person" as for a
person who exists but may not be chosen (wrong organisational role, inactive, not on the team), so
nobody learns which usernames exist."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from access.roles import Role
from assessments.services import assessment_start
from cases.models import CaseTeamMember
from cases.services import case_team_add

from .factories import (
    case_to_investment_preparation,
    fill_initial_assessment,
    fund_with_tranches,
    invest_in_case,
    make_case,
    start_risk_assessment,
    web_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(make_user):
    """Persons who exist but may not be chosen here: a fund manager (wrong function for most case
    roles), an inactive case officer, and a case officer who is simply not on the team."""
    make_user("fondsbeheerder", Role.FUND_MANAGER)
    make_user("vertrokken", Role.CASE_OFFICER, is_active=False)
    make_user("buitenstaander", Role.CASE_OFFICER)


def _same(responses: dict) -> None:
    bodies = {name: (r.status_code, r.content) for name, r in responses.items()}
    assert len(set(bodies.values())) == 1, bodies


def test_the_team_api_answers_alike_for_unknown_and_unchoosable_people(api, officer, others):
    case = make_case(officer=officer)
    before = list(CaseTeamMember.objects.filter(case=case).values_list("user_id", "role"))
    answers = {
        name: api(officer).post(f"/api/cases/{case.pk}/team/", {"username": name, "role": role}, format="json")
        for name, role in (
            ("bestaat-niet", Role.RISK_ASSESSOR),
            ("fondsbeheerder", Role.RISK_ASSESSOR),
            ("vertrokken", Role.CASE_OFFICER),
        )
    }
    _same(answers)
    assert answers["bestaat-niet"].status_code == 400 and "role" in answers["bestaat-niet"].json()
    assert list(CaseTeamMember.objects.filter(case=case).values_list("user_id", "role")) == before


def test_who_may_not_manage_the_team_learns_nothing_either(api, officer, assessor, others):
    case = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR})
    _same(
        {
            name: api(assessor).post(
                f"/api/cases/{case.pk}/team/", {"username": name, "role": Role.CASE_OFFICER}, format="json"
            )
            for name in ("bestaat-niet", "buitenstaander")
        }
    )
    _same(
        {
            name: api(assessor).delete(f"/api/cases/{case.pk}/team/{name}/")
            for name in ("bestaat-niet", "buitenstaander")
        }
    )


def test_changing_or_removing_a_non_member_answers_alike(api, officer, others):
    case = make_case(officer=officer)
    for call in (
        lambda name: api(officer).delete(f"/api/cases/{case.pk}/team/{name}/"),
        lambda name: api(officer).patch(
            f"/api/cases/{case.pk}/team/{name}/", {"role": Role.CASE_OFFICER}, format="json"
        ),
    ):
        answers = {name: call(name) for name in ("bestaat-niet", "buitenstaander")}
        _same(answers)
        assert answers["bestaat-niet"].status_code == 404


def _error_summary(response) -> str:
    return re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S).group(0)


def test_the_web_team_form_answers_alike(client, officer, others):
    """The form is a people picker now (issue 23): whatever person and role it is sent that it did
    not offer, the answer is one and the same."""
    from access.models import User

    case = make_case(officer=officer)
    web_session(client, officer)
    ids = dict(User.objects.values_list("username", "pk"))
    answers = {
        name: client.post(f"/cases/{case.pk}/team/", {"team-member": f"{ids.get(name, 999999)}:{role}"})
        for name, role in (
            ("bestaat-niet", Role.RISK_ASSESSOR),
            ("fondsbeheerder", Role.RISK_ASSESSOR),
            ("vertrokken", Role.CASE_OFFICER),
        )
    }
    assert {r.status_code for r in answers.values()} == {400}
    assert len({_error_summary(r) for r in answers.values()}) == 1
    assert "Kies een persoon uit de lijst" in _error_summary(answers["bestaat-niet"])


def test_the_consultation_api_answers_alike(api, officer, assessor, case, make_user, others):
    advisor = make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="JenV")
    make_user("adviseur-elders", Role.DEPARTMENT_ADVISOR, organisation="BZ")  # not on this case's team
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)

    def ask(name):
        return api(assessor).post(
            f"/api/assessments/{assessment.pk}/consultations/",
            {
                "ministry": "jenv",
                "advisor": name,
                "question": "Deelt JenV de inschatting?",
                "covers": ["state_actor_influence"],
                "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
            },
            format="json",
        )

    answers = {name: ask(name) for name in ("bestaat-niet", "adviseur-elders", "buitenstaander", "assessor")}
    _same(answers)
    assert answers["bestaat-niet"].status_code == 400 and list(answers["bestaat-niet"].json()) == ["advisor"]
    assert ask("adviseur").status_code == 201


def test_the_owner_of_a_right_answers_alike(api, case, manager, manager2, secretariat, secretariat2, others):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=Decimal("1000000.00"))
    answers = {
        name: api(manager).post(
            f"/api/positions/{position.pk}/conditions/",
            {"description": "Kwartaalrapportage", "owner": name},
            format="json",
        )
        for name in ("bestaat-niet", "buitenstaander", "vertrokken")
    }
    _same(answers)
    assert answers["bestaat-niet"].status_code == 400 and list(answers["bestaat-niet"].json()) == ["owner"]
