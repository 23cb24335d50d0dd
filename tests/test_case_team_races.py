"""An ended case's team is frozen (409 `case_closed`, tests/test_case_team_ended.py), and that holds
under concurrency too: a team change racing the transition that ends the case either happened before
the end or is refused, never a member added, removed or moved on the ended case. The team services
lock the case row first (`cases.services._lock_team`), the lock a transition's UPDATE takes first.
Real connections and threads on PostgreSQL; the interleaving the race hopes for is forced: the
withdrawal has run but not committed when the team change starts."""

import pytest

from access.roles import Role
from audit.models import AuditRecord
from cases.constants import State
from cases.models import Case, CaseTeamMember
from cases.services import case_team_add, case_team_change_role, case_team_remove, case_transition
from core.exceptions import Conflict

from .concurrency import POSTGRES_ONLY, interleave
from .factories import make_case

pytestmark = POSTGRES_ONLY


@pytest.fixture
def open_case(officer, assessor, assessor2):
    return make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR, assessor2: Role.RISK_ASSESSOR})


def _team(case):
    return sorted(CaseTeamMember.objects.filter(case=case).values_list("user__username", "role"))


def _withdraw(officer, case_id):
    return lambda: case_transition(
        user=officer, case=Case.objects.get(pk=case_id), name="withdraw", reason="De overname gaat niet door."
    )


CHANGES = {
    "add": lambda officer, case, people: case_team_add(
        user=officer, case=case, member=people["other"], role=Role.RISK_ASSESSOR
    ),
    "remove": lambda officer, case, people: case_team_remove(user=officer, case=case, member=people["assessor"]),
    # assessor2 changed function (an administrator's change): their role on the team is put right
    "change_role": lambda officer, case, people: case_team_change_role(
        user=officer, case=case, member=people["assessor2"], role=Role.CASE_OFFICER
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_team_change_racing_the_withdrawal_is_refused(change, officer, assessor, assessor2, make_user, open_case):
    assessor2.role = Role.CASE_OFFICER
    assessor2.save(update_fields=["role"])
    people = {"other": make_user("other", Role.RISK_ASSESSOR), "assessor": assessor, "assessor2": assessor2}
    before = _team(open_case)
    team_events = AuditRecord.objects.filter(case_id=open_case.pk, event__startswith="case.team_").count()

    def team_change():  # the case as a request would read it: still open when it starts
        return CHANGES[change](officer, Case.objects.get(pk=open_case.pk), people)

    withdrawn, changed = interleave(_withdraw(officer, open_case.pk), team_change)
    assert isinstance(withdrawn, Case) and withdrawn.state == State.WITHDRAWN, withdrawn
    assert isinstance(changed, Conflict) and changed.code == "case_closed", changed
    assert Case.objects.get(pk=open_case.pk).state == State.WITHDRAWN
    assert _team(open_case) == before
    assert AuditRecord.objects.filter(case_id=open_case.pk, event__startswith="case.team_").count() == team_events


def test_a_team_change_first_happens_before_the_end(officer, make_user, open_case):
    """The other order: the change holds the case's row, the withdrawal waits for it (no deadlock) and
    ends the case with the member added before."""
    other = make_user("other", Role.RISK_ASSESSOR)
    added, withdrawn = interleave(
        lambda: case_team_add(
            user=officer, case=Case.objects.get(pk=open_case.pk), member=other, role=Role.RISK_ASSESSOR
        ),
        _withdraw(officer, open_case.pk),
    )
    assert isinstance(added, CaseTeamMember), added
    assert isinstance(withdrawn, Case) and withdrawn.state == State.WITHDRAWN, withdrawn
    assert ("other", Role.RISK_ASSESSOR) in _team(open_case)
