"""Two people acting on the same case at once: one wins, the other gets 409, nothing half-done.

Runs against PostgreSQL with real parallel connections."""

from cases import services
from cases.models import Case, TimelineEvent
from core.exceptions import Conflict

from .concurrency import POSTGRES_ONLY, race

pytestmark = POSTGRES_ONLY


def test_concurrent_transitions_one_wins(officer, officer2, case):
    services.case_transition(user=officer, case=case, name="start_intake")

    def withdraw():
        c = Case.objects.get(pk=case.pk)
        return services.case_transition(user=officer, case=c, name="withdraw", reason="teruggetrokken")

    def reject():
        c = Case.objects.get(pk=case.pk)
        return services.case_transition(user=officer2, case=c, name="reject_not_admissible", reason="buiten scope")

    results = race([withdraw, reject])
    wins = [r for r in results if isinstance(r, Case)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    case.refresh_from_db()
    assert case.state == wins[0].state
    assert TimelineEvent.objects.filter(case=case, kind="transition").count() == 2  # intake + the winner


def test_concurrent_steps_that_do_not_end_the_case_one_wins(officer, officer2, case):
    """The same on the one-statement path (`_write_transition_at_once`): the loser's UPDATE waits for the
    winner's row lock, finds the case moved on and writes nothing."""
    from audit.models import AuditRecord

    def start_intake(user):
        read = Case.objects.get(pk=case.pk)  # both read in signal before either moves it

        def step():
            return services.case_transition(user=user, case=read, name="start_intake")

        return step

    results = race([start_intake(officer), start_intake(officer2)])
    wins = [r for r in results if isinstance(r, Case)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert conflicts[0].code == "concurrent_transition"
    case.refresh_from_db()
    assert case.state == "intake"
    assert TimelineEvent.objects.filter(case=case, kind="transition").count() == 1
    assert AuditRecord.objects.filter(case_id=case.pk, action="transition").count() == 1


def test_concurrent_edits_of_the_same_version_one_wins(officer, officer2, case):
    version = case.version

    def edit(user, title):
        def run():
            c = Case.objects.get(pk=case.pk)
            return services.case_update(user=user, case=c, data={"title": title}, expected_version=version)

        return run

    results = race([edit(officer, "A"), edit(officer2, "B")])
    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    case.refresh_from_db()
    assert case.version == version + 1
    assert case.title in {"A", "B"}


def test_references_are_unique_under_concurrency(officer):
    from .factories import case_data

    def create():
        return services.case_create(user=officer, data=case_data())

    results = race([create for _ in range(8)])
    assert all(isinstance(r, Case) for r in results), results
    assert len({r.reference for r in results}) == 8
