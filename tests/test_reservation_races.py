"""A reservation racing the end of its case: the end (withdrawn, not deployed, closed) releases what is
still reserved for the case in the transition's transaction (`cases.hooks.case_ended`,
tests/test_case_end_releases_reservation.py). A reservation committed after that release would leave
money earmarked for an ended case. `bev.services.reservation_book` locks the case's row before the
fund's, in a transition's order: the reservation is booked before the end (and released by it) or
sees the end and is refused (409 `invalid_state`). Real connections and threads on PostgreSQL, the
interleaving forced: one has run but not committed when the other starts."""

from decimal import Decimal

import pytest

from bev import services
from bev.models import Position
from bev.selectors import position_balances
from cases.constants import State
from cases.models import Case
from cases.services import case_transition
from core.exceptions import Conflict

from .concurrency import POSTGRES_ONLY, interleave
from .factories import case_to_investment_preparation, fund_with_tranches

pytestmark = POSTGRES_ONLY

M = Decimal("1000000.00")


@pytest.fixture
def position(case, manager, secretariat, secretariat2):
    """An equity stake being prepared, nothing reserved for it yet."""
    fund_with_tranches(user=manager)
    prepared = case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=30 * M, instruments=("equity",)
    )
    return services.position_create(
        user=manager, case=prepared, instrument="equity", ownership_percent=Decimal("25"), shares=2500
    )


def _withdraw(officer, case_id):
    return lambda: case_transition(
        user=officer, case=Case.objects.get(pk=case_id), name="withdraw", reason="De overnemer trok zich terug."
    )


def _reserve(manager, position_id):
    # the position as a request reads it, its case still being prepared when it starts
    return lambda: services.reservation_book(
        user=manager,
        position=Position.objects.select_related("case").get(pk=position_id),
        amount=10 * M,
        idempotency_key="race-10",
    )


def _reserved(position):
    return position_balances(position_ids=[position.pk])[position.pk]["reserved"]


def test_a_reservation_after_the_withdrawal_began_is_refused(officer, manager, position):
    withdrawn, reserved = interleave(_withdraw(officer, position.case_id), _reserve(manager, position.pk))
    assert isinstance(withdrawn, Case) and withdrawn.state == State.WITHDRAWN, withdrawn
    assert isinstance(reserved, Conflict) and reserved.code == "invalid_state", reserved
    assert Case.objects.get(pk=position.case_id).state == State.WITHDRAWN
    assert _reserved(position) == 0


def test_a_reservation_before_the_withdrawal_is_released_by_it(officer, manager, position):
    reserved, withdrawn = interleave(_reserve(manager, position.pk), _withdraw(officer, position.case_id))
    assert not isinstance(reserved, Exception), reserved
    assert isinstance(withdrawn, Case) and withdrawn.state == State.WITHDRAWN, withdrawn
    assert _reserved(position) == 0  # booked, then released by the end
