"""Recording the kabinetsbesluit checks the case's state and that no decision waits for
confirmation, then writes: under concurrency both checks hold because they are made on the case's
row locked (`cases.services._locked_case_state`, the lock a transition's UPDATE takes first). Two
secretaries recording at once leave one decision to confirm (the other 409 `pending_decision`); a
decision racing the withdrawal is refused (409 `invalid_state`), never recorded on the withdrawn case.
Real connections and threads on PostgreSQL, the interleaving forced (tests.concurrency.interleave)."""

from datetime import date

import pytest

from cases.constants import State
from cases.models import CabinetDecision, Case
from cases.services import cabinet_decision_record, case_transition
from core.exceptions import Conflict

from .concurrency import POSTGRES_ONLY, interleave

pytestmark = POSTGRES_ONLY


@pytest.fixture
def at_cabinet(case):
    Case.objects.filter(pk=case.pk).update(state=State.CABINET_DECISION)
    return Case.objects.get(pk=case.pk)


def _record(user, case_id, reference):
    return lambda: cabinet_decision_record(
        user=user,
        case=Case.objects.get(pk=case_id),  # as a request reads it: at the cabinet, nothing pending
        meeting_date=date(2026, 3, 6),
        reference=reference,
        deploy=False,
    )


def test_two_secretaries_recording_at_once_leave_one_decision(secretariat, secretariat2, at_cabinet):
    first, second = interleave(
        _record(secretariat, at_cabinet.pk, "MR-2026-11"), _record(secretariat2, at_cabinet.pk, "MR-2026-12")
    )
    assert isinstance(first, CabinetDecision), first
    assert isinstance(second, Conflict) and second.code == "pending_decision", second
    assert list(CabinetDecision.objects.filter(case=at_cabinet).values_list("reference", flat=True)) == ["MR-2026-11"]


def test_a_decision_racing_the_withdrawal_is_refused(officer, secretariat, at_cabinet):
    withdrawn, recorded = interleave(
        lambda: case_transition(
            user=officer, case=Case.objects.get(pk=at_cabinet.pk), name="withdraw", reason="De overname gaat niet door."
        ),
        _record(secretariat, at_cabinet.pk, "MR-2026-13"),
    )
    assert isinstance(withdrawn, Case) and withdrawn.state == State.WITHDRAWN, withdrawn
    assert isinstance(recorded, Conflict) and recorded.code == "invalid_state", recorded
    assert not CabinetDecision.objects.filter(case=at_cabinet).exists()
