"""An edit of a case racing a transition: the edit checks which fields the state allows, and that the
case has not ended, on the case's row locked (`cases.services.case_update`), so an edit started while
a withdrawal commits is 409 and changes nothing, never a 500 (the save's lost-update check of
django-fsm, `ConcurrentTransition`) nor an edit of the ended case. Real connections and threads on
PostgreSQL, the interleaving forced (tests.concurrency.interleave)."""

from cases.constants import State
from cases.models import Case
from cases.services import case_transition, case_update
from core.exceptions import Conflict

from .concurrency import POSTGRES_ONLY, interleave
from .factories import make_case

pytestmark = POSTGRES_ONLY


def test_an_edit_racing_the_withdrawal_is_409_and_changes_nothing(officer):
    case = make_case(officer=officer)
    title = case.title
    withdrawn, edited = interleave(
        lambda: case_transition(
            user=officer, case=Case.objects.get(pk=case.pk), name="withdraw", reason="De overname gaat niet door."
        ),
        lambda: case_update(
            user=officer,
            case=Case.objects.get(pk=case.pk),
            data={"title": "Gewijzigd na het einde"},
            expected_version=Case.objects.get(pk=case.pk).version,
        ),
    )
    assert isinstance(withdrawn, Case) and withdrawn.state == State.WITHDRAWN, withdrawn
    assert isinstance(edited, Conflict) and edited.code in ("case_closed", "stale_version"), repr(edited)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.title) == (State.WITHDRAWN, title)
