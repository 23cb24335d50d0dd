"""What became of a correction, on the ledger page. A rejected proposal to reverse a booking used to
vanish from "Voorstellen tot tegenboeking": its proposer never read who rejected it or why. A
reversed entry's "Tegenboeken" just disappeared. Now the page lists the proposals rejected in the
last 30 days (who rejected, the reason; to whoever sees the case, its proposer among them), and tags
an entry reversed ("Tegengeboekt", with the date and the reversing entry) or with a proposal open,
read in the page's own query: the number of queries does not grow with the entries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.roles import Role
from bev import services as fund
from bev.models import JournalEntry

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
WHY = "Het bedrag klopt met het besluit van de ministerraad."


@pytest.fixture
def disbursement(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, proposal_amount=40 * M)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=15 * M, booked_on=date(2026, 2, 2))
    return JournalEntry.objects.get(position=position, kind="disbursement", reverses__isnull=True)


def _ledger(client, user) -> str:
    client.logout()
    return web_session(client, user).get(reverse("bev:ledger")).content.decode()


def test_the_proposer_reads_who_rejected_the_proposal_and_why(client, disbursement, manager, manager2, make_user):
    proposal = fund.reversal_propose(user=manager, entry=disbursement, reason="Verkeerd bedrag", idempotency_key="r")
    assert "Tegenboeking voorgesteld" in _ledger(client, manager)
    fund.reversal_reject(user=manager2, proposal=proposal, reason=WHY)
    page = _ledger(client, manager)
    assert "Afgewezen voorstellen (laatste 30 dagen)" in page
    assert WHY in page and "uw voorstel" in page
    assert str(manager2) in page.split("Afgewezen voorstellen")[1]
    assert "Tegenboeking voorgesteld" not in page  # nothing open any more: "Tegenboeken" is offered again
    assert reverse("bev:entry_reverse", args=[disbursement.pk]) in page
    # need-to-know: a fund manager off the case's team reads no reason
    stranger = make_user("elders", Role.FUND_MANAGER)
    assert WHY not in _ledger(client, stranger)


def test_a_reversed_entry_is_tagged_with_its_reversal(client, disbursement, manager, manager2):
    proposal = fund.reversal_propose(user=manager, entry=disbursement, reason="Verkeerd bedrag", idempotency_key="r")
    reversal = fund.reversal_approve(user=manager2, proposal=proposal).reversal
    page = _ledger(client, manager)
    assert '<span class="tag">Tegengeboekt</span>' in page
    assert f"door boeking #{reversal.pk}" in page
    assert reverse("bev:entry_reverse", args=[disbursement.pk]) not in page


def test_the_ledger_page_reads_the_same_number_of_queries_however_many_entries_are_reversed(
    client, disbursement, manager, manager2
):
    position = disbursement.position

    def book_and_reverse(n):
        entry = fund.return_book(user=manager, position=position, kind="dividend", amount=M, idempotency_key=f"d{n}")
        fund.entry_reverse(user=manager, entry=entry, reason="Dubbel geboekt", idempotency_key=f"d{n}-rev")
        rejected = fund.reversal_propose(user=manager, entry=disbursement, reason="Verkeerd", idempotency_key=f"p{n}")
        fund.reversal_reject(user=manager2, proposal=rejected, reason=WHY)

    def count():
        client.get(reverse("bev:ledger"))  # the menu's counts read once per change (core.work_count)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("bev:ledger")).status_code == 200
        return len(queries)

    web_session(client, manager)
    book_and_reverse(1)
    few = count()
    for n in range(2, 7):
        book_and_reverse(n)
    assert count() == few
    assert client.get(reverse("bev:ledger")).content.decode().count(">Tegengeboekt<") == 6
