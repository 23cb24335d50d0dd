"""A reservation made for a case that then ends without investing (withdrawn, not deployed, closed)
went nowhere: the fund's available liquidity stayed reduced until someone thought of releasing it.
The case's end now releases what is still reserved, through the ledger (a `release` entry per
position, audited as `ledger.release`, with the end and its reason), in the transition's own
database transaction (`cases.hooks.case_ended`, filled by bev: cases does not import the fund)."""

from decimal import Decimal

import pytest

from audit.models import AuditRecord
from bev import services
from bev.constants import EntryKind
from bev.models import JournalEntry
from bev.selectors import fund_overview
from cases.constants import State
from cases.models import Case
from cases.services import case_transition

from .factories import case_to_investment_preparation, fund_with_tranches

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def reserved(case, manager, secretariat, secretariat2):
    """€30m of the letter's €100m fund reserved for an equity stake being prepared."""
    fund_with_tranches(user=manager)
    prepared = case_to_investment_preparation(
        case, recorder=secretariat, confirmer=secretariat2, max_amount=30 * M, instruments=("equity",)
    )
    position = services.position_create(
        user=manager, case=prepared, instrument="equity", ownership_percent=Decimal("25"), shares=2500
    )
    services.reservation_book(user=manager, position=position, amount=30 * M, idempotency_key="r-30")
    services.reservation_release(user=manager, position=position, amount=5 * M, idempotency_key="r-5-back")
    overview = fund_overview()
    assert (overview["reserved"], overview["available"]) == (25 * M, 75 * M)
    return position


def test_withdrawing_the_case_releases_what_is_still_reserved(api, officer, reserved):
    response = api(officer).post(
        f"/api/cases/{reserved.case_id}/transitions/",
        {"name": "withdraw", "reason": "De overnemer trok zich terug."},
        format="json",
    )
    assert response.status_code in (200, 201), response.content
    assert Case.objects.get(pk=reserved.case_id).state == State.WITHDRAWN
    overview = fund_overview()
    assert (overview["reserved"], overview["available"]) == (0, 100 * M)
    release = JournalEntry.objects.filter(position=reserved, kind=EntryKind.RELEASE).exclude(idempotency_key="r-5-back")
    entry = release.get()
    assert entry.amount == 25 * M and entry.created_by == officer and entry.case_id == reserved.case_id
    assert "Ingetrokken" in entry.description and "De overnemer trok zich terug." in entry.description
    record = AuditRecord.objects.get(event="ledger.release", object_id=str(entry.pk))
    assert record.actor_username == "officer" and record.case_id == reserved.case_id


def test_the_ledger_shows_the_release_with_its_reason(api, officer, manager, reserved):
    case_transition(
        user=officer, case=Case.objects.get(pk=reserved.case_id), name="withdraw", reason="Dreiging weggenomen."
    )
    rows = api(manager).get("/api/fund/ledger/", {"kind": EntryKind.RELEASE}).json()["results"]
    released = [r for r in rows if "beëindigd" in r["description"]]
    assert len(released) == 1
    assert Decimal(released[0]["amount"]) == 25 * M and "Dreiging weggenomen." in released[0]["description"]


def test_a_case_that_ends_with_nothing_reserved_books_nothing(officer, case):
    case_transition(user=officer, case=case, name="withdraw", reason="Geen signaal meer.")
    assert Case.objects.get(pk=case.pk).state == State.WITHDRAWN
    assert not JournalEntry.objects.exists()
