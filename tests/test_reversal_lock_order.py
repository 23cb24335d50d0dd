"""The reversal of a case's last disbursement moves the case back (`undo_invested`, in the reversal's
transaction), so it writes the case's row as well as booking under the fund's lock. Every booking that
depends on the case's state or moves it takes the case's lock first and the fund's second
(`bev.services.positions._lock_case`: a disbursement's approval, a transition that ends the case); the
reversal must take them in the same order, or a disbursement approved on the same case at the same
moment deadlocks with it (PostgreSQL aborts one of the two: a server error).

Real connections and threads on PostgreSQL; the interleaving is forced: a transaction holds the case's
row as a disbursement's approval does first, the reversal's approval starts, and only when it waits
does that transaction ask for the fund's lock, as the approval does next."""

import threading
import time
from decimal import Decimal

from django.db import connection, connections, transaction

from bev.services import reversal_approve, reversal_propose
from bev.services.ledger import _lock_fund
from bev.services.positions import _lock_case
from cases.models import Case

from .concurrency import POSTGRES_ONLY, _waiting_on_a_lock
from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case

pytestmark = POSTGRES_ONLY

M = Decimal("1000000.00")


def test_reversing_the_last_disbursement_takes_the_case_before_the_fund(
    case, manager, manager2, secretariat, secretariat2
):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=10 * M)
    entry = position.entries.get(kind="disbursement")
    proposal = reversal_propose(user=manager, entry=entry, reason="Verkeerd bedrag.", idempotency_key="undo")

    results: dict[str, object] = {}
    holding = threading.Event()

    def approval_on_the_same_case():  # what a disbursement's approval does: the case, then the fund
        try:
            with transaction.atomic():
                _lock_case(position.case_id)
                holding.set()
                deadline = time.monotonic() + 10
                while not _waiting_on_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.05)
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '5s'")
                _lock_fund()
                results["approval"] = "locked both"
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts
            results["approval"] = exc
        finally:
            holding.set()
            connections.close_all()

    def reversal():
        try:
            holding.wait(10)
            results["reversal"] = reversal_approve(user=manager2, proposal=proposal)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts
            results["reversal"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approval_on_the_same_case), threading.Thread(target=reversal)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results["approval"] == "locked both", results["approval"]
    assert not isinstance(results["reversal"], Exception), results["reversal"]
    assert Case.objects.get(pk=position.case_id).state == "investment_preparation"
