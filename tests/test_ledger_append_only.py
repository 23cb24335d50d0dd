"""The ledger: balanced entries, never changed or deleted, corrected by reversing entries, and
idempotent retries that never book twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from bev import services
from bev.models import Disbursement, JournalEntry, JournalLine
from bev.selectors import account_history, fund_get, fund_overview, unbalanced_entries
from core.exceptions import Conflict, LimitExceeded
from tests.factories import (
    case_to_investment_preparation,
    charge_fee,
    fee_approver,
    fee_year_prepared,
    fund_establish_default,
    fund_with_tranches,
    order_sale,
    reverse_four_eyes,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def position(case, manager, secretariat, secretariat2):
    fund_establish_default()
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=Decimal("20"))


def test_every_movement_is_a_balanced_entry(manager, manager2, position):
    fund_with_tranches(user=manager)
    services.reservation_book(user=manager, position=position, amount=5 * M, idempotency_key="r")
    proposal = services.disbursement_propose(user=manager, position=position, amount=8 * M, idempotency_key="d")
    services.disbursement_approve(user=manager2, disbursement=proposal)
    services.return_book(user=manager, position=position, kind="dividend", amount=M, idempotency_key="div")
    charge_fee(user=manager, amount=M / 2, idempotency_key="fee")
    assert JournalEntry.objects.count() == 6
    assert unbalanced_entries() == []
    assert JournalLine.objects.aggregate(total=Sum("amount"))["total"].quantize(Decimal("0.01")) == 0
    disbursement = JournalEntry.objects.get(kind="disbursement")
    assert disbursement.created_by == manager and disbursement.approved_by == manager2
    lines = {line.account: line.amount for line in disbursement.lines.all()}
    assert lines == {"investments": 8 * M, "cash_reserved": -5 * M, "cash_available": -3 * M}


def test_entries_and_lines_cannot_be_changed_or_deleted_through_the_models(manager):
    entry = fund_with_tranches(user=manager, amounts=(M,)) and JournalEntry.objects.get()
    entry.description = "iets anders"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        JournalEntry.objects.filter(pk=entry.pk).update(description="x")
    with pytest.raises(TypeError):
        JournalLine.objects.all().delete()
    assert JournalEntry.objects.get().description != "iets anders"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE bev_journalline SET amount = amount * 2",
        "DELETE FROM bev_journalline",
        "UPDATE bev_journalentry SET description = 'x'",
    ],
)
def test_the_database_refuses_to_change_the_ledger(manager, statement):
    fund_with_tranches(user=manager, amounts=(M,))
    with pytest.raises(Exception, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert JournalLine.objects.aggregate(total=Sum("amount"))["total"].quantize(Decimal("0.01")) == 0


def test_a_mistake_is_corrected_by_a_reversing_entry(manager):
    fund_with_tranches(user=manager, amounts=(M,))
    wrong = charge_fee(user=manager, amount=Decimal("250000.00"), idempotency_key="fee-typo")
    reversal = reverse_four_eyes(wrong, proposer=manager, approver=fee_approver(), reason="Tikfout")
    assert reversal.reverses == wrong and reversal.kind == "fee"
    assert {line.account: line.amount for line in reversal.lines.all()} == {
        "management_fee": Decimal("-250000.00"),
        "cash_available": Decimal("250000.00"),
    }
    overview = fund_overview()
    assert (overview["fees"], overview["liquid"]) == (0, M)
    assert JournalEntry.objects.count() == 3  # the tranche, the mistake and its reversal: nothing deleted
    with pytest.raises(Conflict):
        services.reversal_propose(user=manager, entry=wrong, reason="nog eens", idempotency_key="rev-2")
    with pytest.raises(Conflict):
        services.entry_reverse(user=manager, entry=reversal, reason="terug", idempotency_key="rev-3")


def test_a_reversal_that_would_break_a_limit_is_refused(manager, manager2, position):
    tranche = fund_with_tranches(user=manager, amounts=(10 * M,)) and JournalEntry.objects.get(kind="tranche")
    proposal = services.disbursement_propose(user=manager, position=position, amount=4 * M, idempotency_key="d")
    services.disbursement_approve(user=manager2, disbursement=proposal)
    with pytest.raises(LimitExceeded):
        services.entry_reverse(user=manager, entry=tranche, reason="verkeerd", idempotency_key="rev")
    assert fund_overview()["received"] == 10 * M


def test_account_history_shows_the_running_balance(manager):
    fund_establish_default()
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t1", received_on=date(2023, 10, 2))
    charge_fee(user=manager, amount=M, idempotency_key="f1", booked_on=date(2024, 1, 31))
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t2", received_on=date(2024, 4, 2))
    history = account_history(fund=fund_get(), account="cash_available")
    assert [row["balance"] for row in history] == [50 * M, 49 * M, 99 * M]
    assert [
        row["balance"] for row in account_history(fund=fund_get(), account="cash_available", as_of=date(2024, 3, 1))
    ] == [50 * M, 49 * M]


# --- idempotent retries ---------------------------------------------------------------------------
def test_a_retried_tranche_books_once(manager):
    fund_establish_default()
    first = services.tranche_receive(user=manager, amount=50 * M, idempotency_key="tranche-2023")
    again = services.tranche_receive(user=manager, amount=50 * M, idempotency_key="tranche-2023")
    assert again.pk == first.pk and again.replayed
    assert fund_overview()["received"] == 50 * M


def test_the_same_key_for_a_different_booking_is_refused(manager):
    fund_establish_default()
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="k")
    with pytest.raises(Conflict):
        services.tranche_receive(user=manager, amount=40 * M, idempotency_key="k")
    # a fee proposal has its own keys (its booking's is "fee:<id>"): reused for another amount, refused
    fee_year_prepared(timezone.localdate().year)
    services.fee_propose(user=manager, amount=M, idempotency_key="k")
    with pytest.raises(Conflict):
        services.fee_propose(user=manager, amount=2 * M, idempotency_key="k")
    assert JournalEntry.objects.count() == 1


def test_a_retried_proposal_and_approval_book_once(manager, manager2, position):
    fund_with_tranches(user=manager)
    proposal = services.disbursement_propose(user=manager, position=position, amount=M, idempotency_key="p")
    assert services.disbursement_propose(user=manager, position=position, amount=M, idempotency_key="p") == proposal
    services.disbursement_approve(user=manager2, disbursement=proposal)
    services.disbursement_approve(user=manager2, disbursement=Disbursement.objects.get(pk=proposal.pk))
    assert JournalEntry.objects.filter(kind="disbursement").count() == 1
    assert fund_overview()["deployed"] == M


def test_a_retried_exit_and_return_book_once(manager, manager2, position, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    proposal = services.disbursement_propose(user=manager, position=position, amount=M, idempotency_key="p")
    services.disbursement_approve(user=manager2, disbursement=proposal)
    order_sale(
        position.case, recorder=secretariat, confirmer=secretariat2
    )  # the exit gate's ground while invested (tests/test_exit_gate.py)
    for _ in range(2):
        services.return_book(user=manager, position=position, kind="interest", amount=M / 10, idempotency_key="i")
        services.exit_book(
            user=manager, position=position, proceeds=M / 2, fraction_sold_percent=50, idempotency_key="x"
        )
    assert JournalEntry.objects.filter(kind="interest").count() == 1
    assert JournalEntry.objects.filter(kind="sale").count() == 1
    assert fund_overview()["returns"] == M / 10 + M / 2


def test_a_retried_api_booking_answers_200_with_the_same_entry(api, manager):
    fund_establish_default()
    client = api(manager)
    body = {"amount": "50000000.00", "received_on": "2023-10-02", "idempotency_key": "api-tranche"}
    first = client.post("/api/fund/tranches/", body, format="json")
    again = client.post("/api/fund/tranches/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert client.post("/api/fund/tranches/", {**body, "amount": "1.00"}, format="json").status_code == 409
