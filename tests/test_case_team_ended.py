"""An ended case's team (closed, withdrawn, not admissible, not deployed) stays as it was: the service
refuses adding, removing or changing a member (409 `case_closed`), not only the page that hides the
form. The one exception is the read-only oversight role: an auditor is still added (and removed) for
the evaluation the letter announces ("Evaluatieparagraaf"), as an auditor sees a case only from its
team (cases.constants.ENDED_CASE_TEAM_ROLES)."""

import pytest

from access.roles import Role
from audit.models import AuditRecord
from cases.constants import State
from cases.models import CaseTeamMember
from cases.services import case_team_add, case_team_change_role, case_team_remove, case_transition
from core.exceptions import Conflict

from .factories import make_case, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn(officer, assessor):
    case = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR})
    case_transition(user=officer, case=case, name="withdraw", reason="De overname gaat niet door.")
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN
    return case


@pytest.fixture
def reader(make_user):
    return make_user("evaluator", Role.AUDITOR, first_name="Eva", last_name="Luator", organisation="ADR")


def _team(case):
    return sorted(CaseTeamMember.objects.filter(case=case).values_list("user__username", "role"))


def _team_events(case):
    return AuditRecord.objects.filter(case_id=case.pk, event__startswith="case.team_").count()


def test_the_service_refuses_team_changes_on_an_ended_case(officer, assessor, make_user, withdrawn):
    other = make_user("other", Role.RISK_ASSESSOR)
    before, events = _team(withdrawn), _team_events(withdrawn)
    for change in (
        lambda: case_team_add(user=officer, case=withdrawn, member=other, role=Role.RISK_ASSESSOR),
        lambda: case_team_remove(user=officer, case=withdrawn, member=assessor),
        lambda: case_team_change_role(user=officer, case=withdrawn, member=assessor, role=Role.AUDITOR),
    ):
        with pytest.raises(Conflict) as refused:
            change()
        assert refused.value.code == "case_closed"
    assert _team(withdrawn) == before and _team_events(withdrawn) == events


def test_the_api_refuses_them_with_409(api, officer, assessor, make_user, withdrawn):
    make_user("other", Role.RISK_ASSESSOR)
    client = api(officer)
    before = _team(withdrawn)
    answers = [
        client.post(f"/api/cases/{withdrawn.pk}/team/", {"username": "other", "role": Role.RISK_ASSESSOR}),
        client.delete(f"/api/cases/{withdrawn.pk}/team/assessor/"),
        client.patch(f"/api/cases/{withdrawn.pk}/team/assessor/", {"role": Role.CASE_OFFICER}, format="json"),
    ]
    for response in answers:
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "case_closed" and "beëindigd" in response.json()["message"]
    assert _team(withdrawn) == before
    # the picker offers nobody but the oversight role
    candidates = client.get(f"/api/cases/{withdrawn.pk}/team-candidates/").json()["results"]
    assert candidates == []


def test_an_auditor_is_still_added_and_removed_for_oversight(api, officer, reader, withdrawn):
    client = api(officer)
    offered = client.get(f"/api/cases/{withdrawn.pk}/team-candidates/").json()["results"]
    assert [(p["username"], [r["role"] for r in p["roles"]]) for p in offered] == [("evaluator", [Role.AUDITOR])]
    added = client.post(f"/api/cases/{withdrawn.pk}/team/", {"username": "evaluator", "role": Role.AUDITOR})
    assert added.status_code == 201, added.content
    assert api(reader).get(f"/api/cases/{withdrawn.pk}/").status_code == 200
    assert client.delete(f"/api/cases/{withdrawn.pk}/team/evaluator/").status_code == 204
    assert ("evaluator", Role.AUDITOR) not in _team(withdrawn)


def test_the_web_form_offers_only_auditors_and_refuses_anyone_else(client, officer, reader, make_user, withdrawn):
    other = make_user("other", Role.RISK_ASSESSOR)
    web_session(client, officer)
    page = client.get(f"/cases/{withdrawn.pk}/").content.decode()
    assert f'value="{reader.pk}:{Role.AUDITOR}"' in page and f'value="{other.pk}:' not in page
    assert "alleen een auditor kan nog worden toegevoegd" in page
    refused = client.post(f"/cases/{withdrawn.pk}/team/", {"team-member": f"{other.pk}:{Role.RISK_ASSESSOR}"})
    assert refused.status_code == 400 and "Kies een persoon uit de lijst." in refused.content.decode()
    assert ("other", Role.RISK_ASSESSOR) not in _team(withdrawn)
    added = client.post(f"/cases/{withdrawn.pk}/team/", {"team-member": f"{reader.pk}:{Role.AUDITOR}"})
    assert added.status_code == 302
    assert ("evaluator", Role.AUDITOR) in _team(withdrawn)
