"""The approved investment proposal's amount holds under concurrency as the kabinetsbesluit's maximum
does: it is checked under the fund lock (`bev.services.ledger._check_approved_proposals`). Two
reservations of €15m under a €20m proposal, the interleaving forced (one has booked but not committed
when the other starts): one is booked, the other refused. Real connections and threads on PostgreSQL."""

from decimal import Decimal

from bev import services
from bev.models import Position
from bev.selectors import position_balances
from core.exceptions import LimitExceeded

from .concurrency import POSTGRES_ONLY, interleave
from .test_investment_proposal_limit import position  # noqa: F401  (the €20m-approved position)

pytestmark = POSTGRES_ONLY

M = Decimal("1000000.00")


def _reserve(manager, position_id, key):
    return lambda: services.reservation_book(
        user=manager,
        position=Position.objects.select_related("case").get(pk=position_id),
        amount=15 * M,
        idempotency_key=key,
    )


def test_two_reservations_racing_stay_within_the_approved_proposal(manager, position):
    first, then = interleave(_reserve(manager, position.pk, "race-1"), _reserve(manager, position.pk, "race-2"))
    assert not isinstance(first, Exception), first
    assert isinstance(then, LimitExceeded) and then.code == "investment_proposal_limit", then
    assert position_balances(position_ids=[position.pk])[position.pk]["reserved"] == 15 * M
