"""What a case transition writes (issue 25, "Writes"): the case's state, version and dates and nothing
else, so a transition taken on a case read before someone else's edit keeps that edit; and a fixed
number of statements per transition, whatever the case's history."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.selectors import case_get
from cases.services import case_transition, case_update
from core import fastpaths
from tests.factories import make_case

pytestmark = pytest.mark.django_db

# Statements per POST /api/cases/{id}/transitions/ (authenticated as force_authenticate does; a token
# adds one): the case with its categories and its team's roles (the permission) in one statement
# (cases.selectors.case_to_change), then on PostgreSQL with the fast paths every write in one more
# (the case's UPDATE, the timeline event, the stage clocks, the audit record: a data-modifying WITH,
# atomic by itself, no savepoint); with the fast paths off the test's savepoint, the case's UPDATE,
# the event, the old clock completed, the new one started, the audit record and the release.
TRANSITION_BUDGET = 2
TRANSITION_BUDGET_PLAIN = 8  # core.fastpaths off
# A transition that ends the case also asks the fund what is still reserved for it (cases.hooks.case_ended:
# one read of its positions when it has none), in the transaction of its writes: with the fast paths the
# same one WITH, the read, and the transaction around them (here the test's savepoint and its release).
ENDING = {"withdraw": 3}
ENDING_PLAIN = {"withdraw": 1}


def test_a_transition_keeps_an_edit_made_after_the_case_was_read(officer):
    case = make_case(officer=officer)
    read_before = case_get(user=officer, case_id=case.pk, audit_read=False)
    case_update(
        user=officer,
        case=Case.objects.get(pk=case.pk),
        data={"title": "Nieuwe titel na het lezen"},
        expected_version=Case.objects.get(pk=case.pk).version,
    )
    case_transition(user=officer, case=read_before, name="start_intake")
    case.refresh_from_db()
    assert (case.state, case.title) == ("intake", "Nieuwe titel na het lezen")


def test_a_transition_updates_only_what_it_changes_in_a_fixed_number_of_statements(api, officer):
    case = make_case(officer=officer)
    client = api(officer)
    for name, reason in [("start_intake", ""), ("start_assessment", ""), ("withdraw", "Teruggetrokken.")]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"/api/cases/{case.pk}/transitions/", {"name": name, "reason": reason}, format="json"
            )
        assert response.status_code == 200, response.content
        if fastpaths.enabled():
            budget = TRANSITION_BUDGET + ENDING.get(name, 0)
        else:
            budget = TRANSITION_BUDGET_PLAIN + ENDING_PLAIN.get(name, 0)
        assert len(queries) <= budget, [q["sql"][:120] for q in queries]
        updates = [m.group(1) for q in queries if (m := re.search(r'UPDATE "cases_case" SET (.*?) WHERE', q["sql"]))]
        assert len(updates) == 1
        assigned = updates[0]
        columns = {part.split(" = ", 1)[0].strip('"') for part in assigned.split(", ")}
        assert columns == {"state", "version", "updated_at", "closed_at"}, assigned
    case.refresh_from_db()
    assert case.state == "withdrawn" and case.closed_at is not None
    assert response.json()["state"] == "withdrawn" and response.json()["version"] == case.version


def test_a_transition_writes_its_event_the_stage_clocks_and_its_audit_record(api, officer):
    """The timeline event, the clocks and the audit record, written in one statement with the fast
    paths: the left stage's clock completed, the new stage's started with its deadline, none for an
    end state; the record of who moved the case from where to where, and why."""
    from audit.models import AuditRecord
    from cases.models import StageClock, TimelineEvent
    from cases.services import stage_due_at

    case = make_case(officer=officer)
    client = api(officer)
    for name, reason in [("start_intake", ""), ("start_assessment", ""), ("withdraw", "Teruggetrokken.")]:
        before = Case.objects.get(pk=case.pk).state
        response = client.post(f"/api/cases/{case.pk}/transitions/", {"name": name, "reason": reason}, format="json")
        assert response.status_code == 200, response.content
        event = TimelineEvent.objects.filter(case=case).latest("id")
        assert (event.kind, event.transition, event.from_state, event.to_state, event.reason, event.actor) == (
            "transition",
            name,
            before,
            response.json()["state"],
            reason,
            officer,
        )
        left = StageClock.objects.filter(case=case, stage=before).latest("id")
        assert left.completed_at == event.at
        started = StageClock.objects.filter(case=case, stage=event.to_state)
        if event.to_state == "withdrawn":
            assert not started.exists()
        else:
            [clock] = started
            assert (clock.started_at, clock.completed_at) == (event.at, None)
            assert clock.due_at == stage_due_at(case, event.to_state, event.at)
        record = AuditRecord.objects.filter(case_id=case.pk).latest("id")
        assert (record.action, record.event, record.actor, record.object_id) == (
            "transition",
            f"case.{name}",
            officer,
            str(case.pk),
        )
        assert record.changes == {"state": {"before": before, "after": event.to_state}, "reason": reason}
    assert not StageClock.objects.filter(case=case, completed_at__isnull=True).exists()


def test_a_transition_on_a_case_someone_else_moved_first_is_refused_and_writes_nothing(officer):
    """The lost-update check: the case's UPDATE applies only while the case is still in the state the
    transition leaves; else 409 and no timeline event, clock or audit record."""
    from audit.models import AuditRecord
    from cases.models import StageClock, TimelineEvent
    from core.exceptions import Conflict

    case = case_transition(user=officer, case=make_case(officer=officer), name="start_intake")
    stale = Case.objects.get(pk=case.pk)  # read in intake
    case_transition(user=officer, case=Case.objects.get(pk=case.pk), name="withdraw", reason="Teruggetrokken.")
    counts = (TimelineEvent.objects.count(), StageClock.objects.count(), AuditRecord.objects.count())
    with pytest.raises(Conflict) as refused:
        case_transition(user=officer, case=stale, name="reject_not_admissible", reason="Buiten de reikwijdte.")
    assert refused.value.code == "concurrent_transition"
    assert (TimelineEvent.objects.count(), StageClock.objects.count(), AuditRecord.objects.count()) == counts
    assert Case.objects.get(pk=case.pk).state == "withdrawn"


def test_a_step_that_does_not_end_the_case_is_refused_as_well_when_someone_else_moved_it_first(officer):
    """The same lost-update check on the one-statement path (a transition that does not end the case,
    on PostgreSQL with the fast paths: `_write_transition_at_once`): the event, the clocks and the audit
    record are written only when the case's UPDATE moved it."""
    from audit.models import AuditRecord
    from cases.models import StageClock, TimelineEvent
    from core.exceptions import Conflict

    case = make_case(officer=officer)
    stale = Case.objects.get(pk=case.pk)  # read in signal
    case_transition(user=officer, case=Case.objects.get(pk=case.pk), name="start_intake")
    counts = (TimelineEvent.objects.count(), StageClock.objects.count(), AuditRecord.objects.count())
    open_clocks = list(StageClock.objects.filter(case=case, completed_at__isnull=True).values_list("pk", flat=True))
    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(Conflict) as refused:
        case_transition(user=officer, case=stale, name="start_intake")
    assert refused.value.code == "concurrent_transition"
    assert (TimelineEvent.objects.count(), StageClock.objects.count(), AuditRecord.objects.count()) == counts
    assert list(StageClock.objects.filter(case=case, completed_at__isnull=True).values_list("pk", flat=True)) == (
        open_clocks
    )
    assert (Case.objects.get(pk=case.pk).state, Case.objects.get(pk=case.pk).version) == ("intake", version)
