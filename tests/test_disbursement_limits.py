"""The letter's limits at their edges: exactly at the limit is booked, one cent over is refused with
a field error on "amount" and nothing is booked."""

from datetime import date
from decimal import Decimal

import pytest

from bev import services
from bev.models import JournalEntry, JournalLine
from bev.selectors import fund_overview
from core.exceptions import LimitExceeded, RuleViolation
from tests.factories import (
    case_to_investment_preparation,
    charge_fee,
    fund_establish_default,
    fund_with_tranches,
    order_sale,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
CENT = Decimal("0.01")


@pytest.fixture
def ready_case(case, secretariat, secretariat2):
    fund_establish_default()
    return case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)


@pytest.fixture
def position(ready_case, manager):
    return services.position_create(
        user=manager, case=ready_case, instrument="equity", ownership_percent=Decimal("30"), shares=3000
    )


def ledger_count():
    return JournalEntry.objects.count(), JournalLine.objects.count()


def propose_and_approve(position, proposer, approver, amount, key):
    disbursement = services.disbursement_propose(user=proposer, position=position, amount=amount, idempotency_key=key)
    return services.disbursement_approve(user=approver, disbursement=disbursement)


# --- tranches: never more than the committed €100m ----------------------------------------------
def test_tranches_up_to_exactly_the_committed_capital_are_received(manager):
    fund_with_tranches(user=manager, amounts=(50 * M, 50 * M))
    assert fund_overview()["received"] == 100 * M


def test_a_tranche_one_cent_over_the_committed_capital_is_refused(manager):
    fund_with_tranches(user=manager, amounts=(50 * M, 50 * M - CENT))
    before = ledger_count()
    with pytest.raises(LimitExceeded) as refused:
        services.tranche_receive(user=manager, amount=2 * CENT, idempotency_key="t3")
    assert refused.value.field == "amount"
    assert "toegezegde kapitaal" in refused.value.message
    assert ledger_count() == before
    services.tranche_receive(user=manager, amount=CENT, idempotency_key="t4")
    assert fund_overview()["received"] == 100 * M


# --- reservations and disbursements: never more than the available liquidity ---------------------
def test_a_reservation_of_exactly_the_available_liquidity_is_booked(manager, position):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    services.reservation_book(user=manager, position=position, amount=10 * M, idempotency_key="r1")
    overview = fund_overview()
    assert (overview["reserved"], overview["available"], overview["liquid"]) == (10 * M, 0, 10 * M)


def test_a_reservation_one_cent_over_the_available_liquidity_is_refused(manager, position):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    before = ledger_count()
    with pytest.raises(LimitExceeded) as refused:
        services.reservation_book(user=manager, position=position, amount=10 * M + CENT, idempotency_key="r1")
    assert refused.value.field == "amount"
    assert "Onvoldoende beschikbare liquiditeit" in refused.value.message
    assert ledger_count() == before


def test_reserved_money_is_not_available_to_another_position(manager, manager2, ready_case, position):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    other = services.position_create(user=manager, case=ready_case, instrument="equity", ownership_percent=5)
    services.reservation_book(user=manager, position=position, amount=6 * M, idempotency_key="r1")
    with pytest.raises(LimitExceeded):
        propose_and_approve(other, manager, manager2, 4 * M + CENT, "d-other")
    propose_and_approve(other, manager, manager2, 4 * M, "d-other-ok")
    assert fund_overview()["available"] == 0


def test_a_disbursement_may_use_its_own_reservation_plus_what_is_available(manager, manager2, position):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    services.reservation_book(user=manager, position=position, amount=6 * M, idempotency_key="r1")
    propose_and_approve(position, manager, manager2, 10 * M, "d1")
    overview = fund_overview()
    assert (overview["deployed"], overview["reserved"], overview["available"], overview["liquid"]) == (10 * M, 0, 0, 0)


def test_a_refusal_over_the_own_reservation_names_the_free_liquidity_and_the_reservation(manager, position):
    """Found by trying the product: with 36.75m reserved on the position and nothing else free, a 40m
    proposal was refused naming "beschikbaar is € 36.750.000,00 (liquide middelen minus reserveringen)":
    the figure was the position's own reservation, the explanation the fund's free liquidity."""
    fund_with_tranches(user=manager, amounts=(10 * M,))
    services.reservation_book(user=manager, position=position, amount=6 * M, idempotency_key="r1")
    with pytest.raises(LimitExceeded) as refused:
        services.disbursement_propose(user=manager, position=position, amount=10 * M + CENT, idempotency_key="d1")
    assert (
        "beschikbaar is € 10.000.000,00 (de vrije liquide middelen, € 4.000.000,00, plus de reservering van "
        "deze positie, € 6.000.000,00)" in refused.value.message
    ), refused.value.message


def test_a_disbursement_one_cent_over_is_refused_at_approval_and_nothing_is_booked(
    manager, manager2, position, ready_case
):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    proposal = services.disbursement_propose(user=manager, position=position, amount=10 * M, idempotency_key="d1")
    charge_fee(user=manager, amount=CENT, idempotency_key="fee")  # liquidity dropped since the proposal
    before = ledger_count()
    with pytest.raises(LimitExceeded) as refused:
        services.disbursement_approve(user=manager2, disbursement=proposal)
    assert refused.value.field == "amount"
    assert ledger_count() == before
    proposal.refresh_from_db()
    ready_case.refresh_from_db()
    assert proposal.status == "proposed" and ready_case.state == "investment_preparation"


def test_a_proposal_above_the_available_liquidity_is_refused_at_once(manager, position):
    fund_with_tranches(user=manager, amounts=(10 * M,))
    with pytest.raises(LimitExceeded) as refused:
        services.disbursement_propose(user=manager, position=position, amount=10 * M + CENT, idempotency_key="d1")
    assert refused.value.field == "amount"


def test_the_fee_is_charged_to_the_fund_within_its_liquidity(manager):
    fund_with_tranches(user=manager, amounts=(M,))
    charge_fee(user=manager, amount=M, idempotency_key="fee-1")
    with pytest.raises(LimitExceeded):
        charge_fee(user=manager, amount=CENT, idempotency_key="fee-2")
    overview = fund_overview()
    assert (overview["fees"], overview["liquid"]) == (M, 0)


# --- the sweep: liquid assets above €150m go back to the treasury --------------------------------
def invested_position(manager, manager2, position, amount):
    propose_and_approve(position, manager, manager2, amount, "d-sweep")
    return position


def test_returns_up_to_exactly_the_liquid_cap_stay_in_the_fund(manager, manager2, position, ready_case):
    fund_with_tranches(user=manager)
    invested_position(manager, manager2, position, 10 * M)
    services.return_book(user=manager, position=position, kind="dividend", amount=60 * M, idempotency_key="div")
    overview = fund_overview()
    assert overview["liquid"] == 150 * M
    assert overview["swept_to_treasury"] == 0
    assert not JournalEntry.objects.filter(kind="sweep").exists()


def test_one_cent_above_the_liquid_cap_is_swept_in_the_same_transaction(manager, manager2, position):
    fund_with_tranches(user=manager)
    invested_position(manager, manager2, position, 10 * M)
    entry = services.return_book(
        user=manager, position=position, kind="dividend", amount=60 * M + CENT, idempotency_key="div"
    )
    overview = fund_overview()
    assert overview["liquid"] == 150 * M
    assert overview["swept_to_treasury"] == CENT
    sweep = JournalEntry.objects.get(kind="sweep")
    assert sweep.idempotency_key == f"sweep:{entry.pk}" and sweep.booked_on == entry.booked_on


def test_a_large_exit_is_swept_down_to_the_cap(manager, manager2, position, ready_case, secretariat, secretariat2):
    from cases.models import Case

    fund_with_tranches(user=manager)
    invested_position(manager, manager2, position, 40 * M)
    Case.objects.filter(pk=ready_case.pk).update(state="monitoring")
    order_sale(ready_case, recorder=secretariat, confirmer=secretariat2)  # the exit gate (tests/test_exit_gate.py)
    exit_row = services.exit_book(
        user=manager, position=position, proceeds=130 * M, fraction_sold_percent=100, idempotency_key="exit"
    )
    overview = fund_overview()
    assert overview["liquid"] == 150 * M
    assert overview["swept_to_treasury"] == 40 * M  # 60m left + 130m proceeds - 150m cap
    assert overview["realised_result"] == exit_row.realised_result == 90 * M


def test_balances_on_an_earlier_date_come_from_the_ledger(manager):
    fund_establish_default()
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t1", received_on=date(2023, 10, 2))
    services.tranche_receive(user=manager, amount=50 * M, idempotency_key="t2", received_on=date(2024, 4, 2))
    charge_fee(user=manager, amount=M, idempotency_key="f", booked_on=date(2024, 12, 31))
    assert fund_overview(as_of=date(2023, 12, 31))["received"] == 50 * M
    assert fund_overview(as_of=date(2024, 6, 30))["liquid"] == 100 * M
    assert fund_overview(as_of=date(2025, 1, 1))["liquid"] == 99 * M
    assert fund_overview(as_of=date(2025, 1, 1))["manager"] == "Invest-NL"
    assert fund_overview(as_of=date(2023, 8, 1))["manager"] == ""


def test_a_booking_dated_before_the_latest_entry_is_refused(manager):
    fund_establish_default()
    services.tranche_receive(user=manager, amount=M, idempotency_key="t1", received_on=date(2024, 4, 2))
    with pytest.raises(RuleViolation) as refused:
        services.tranche_receive(user=manager, amount=M, idempotency_key="t2", received_on=date(2024, 4, 1))
    assert refused.value.field == "received_on"
    assert "(2 april 2024)" in str(refused.value.message), refused.value.message  # a date in words, not ISO


def test_a_full_exit_releases_what_is_still_reserved_without_counting_it_as_a_return(
    manager, manager2, position, ready_case, secretariat, secretariat2
):
    from bev.selectors import position_metrics
    from cases.models import Case

    fund_with_tranches(user=manager)
    services.reservation_book(user=manager, position=position, amount=15 * M, idempotency_key="res")
    invested_position(manager, manager2, position, 10 * M)  # 5m of the reservation left over
    Case.objects.filter(pk=ready_case.pk).update(state="monitoring")
    order_sale(ready_case, recorder=secretariat, confirmer=secretariat2)  # the exit gate (tests/test_exit_gate.py)
    services.exit_book(
        user=manager, position=position, proceeds=12 * M, fraction_sold_percent=100, idempotency_key="exit"
    )
    overview = fund_overview()
    assert overview["returns"] == 12 * M  # the proceeds, not proceeds + the 5m released
    assert overview["reserved"] == 0 and overview["liquid"] == 102 * M
    metrics = position_metrics(position)
    assert metrics["returns"] == 12 * M and metrics["moic"] == Decimal("1.2000") and metrics["reserved"] == 0
    release = JournalEntry.objects.get(kind="release", position=position)
    assert release.amount == 5 * M
