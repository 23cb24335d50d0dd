"""Invested, realised, unrealised, MOIC and IRR from dated cash flows, against hand-computed cases."""

from datetime import date
from decimal import Decimal

import pytest

from bev import services
from bev.metrics import irr, moic
from bev.selectors import fund_overview, position_metrics
from tests.factories import case_to_investment_preparation, charge_fee, fund_with_tranches, invest_in_case, order_sale

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def position(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))  # received 1 December 2023
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(
        ready,
        proposer=manager,
        approver=manager2,
        amount=M,
        booked_on=date(2024, 1, 1),
        ownership_percent=Decimal("10"),
    )
    order_sale(
        ready, recorder=secretariat, confirmer=secretariat2
    )  # the exit gate's ground while invested (tests/test_exit_gate.py)
    return position


# --- the formulas by hand --------------------------------------------------------------------------
def test_irr_of_ten_percent_over_exactly_one_year():
    assert irr([(date(2025, 1, 1), -M), (date(2026, 1, 1), Decimal("1100000.00"))]) == Decimal("0.100000")


def test_irr_with_an_interim_dividend():
    # -1,000,000 + 100,000 / 1.1 + 1,100,000 / 1.21 = 0 (365 and 730 days)
    flows = [
        (date(2024, 1, 1), -M),
        (date(2024, 12, 31), Decimal("100000.00")),
        (date(2025, 12, 31), Decimal("1100000.00")),
    ]
    assert irr(flows) == Decimal("0.100000")


def test_irr_of_a_loss():
    assert irr([(date(2025, 1, 1), -M), (date(2026, 1, 1), Decimal("800000.00"))]) == Decimal("-0.200000")


def test_irr_is_undefined_without_money_back():
    assert irr([(date(2025, 1, 1), -M)]) is None
    assert moic(invested=Decimal("0"), returned=Decimal("0"), unrealised=Decimal("0")) is None


# --- from the ledger -------------------------------------------------------------------------------
def test_position_with_dividend_and_full_exit(manager, position):
    services.return_book(
        user=manager,
        position=position,
        kind="dividend",
        amount=Decimal("100000.00"),
        booked_on=date(2024, 12, 31),
        idempotency_key="div",
    )
    services.exit_book(
        user=manager,
        position=position,
        proceeds=Decimal("1100000.00"),
        fraction_sold_percent=100,
        exited_on=date(2025, 12, 31),
        idempotency_key="exit",
    )
    metrics = position_metrics(position)
    assert metrics["invested"] == M
    assert metrics["returns"] == Decimal("1200000.00")
    assert metrics["realised_result"] == Decimal("100000.00")  # proceeds minus cost; the dividend is income
    assert metrics["unrealised_value"] == 0
    assert metrics["moic"] == Decimal("1.2000")
    assert metrics["irr"] == Decimal("0.100000")


def test_unrealised_value_counts_at_the_latest_valuation(manager, position):
    services.valuation_record(
        user=manager,
        position=position,
        valued_on=date(2024, 6, 30),
        fair_value=Decimal("900000.00"),
        method="multiples",
    )
    services.valuation_record(
        user=manager,
        position=position,
        valued_on=date(2025, 12, 31),
        fair_value=Decimal("1210000.00"),
        method="recent_transaction",
    )
    metrics = position_metrics(position, as_of=date(2025, 12, 31))
    assert metrics["unrealised_value"] == Decimal("1210000.00")
    assert metrics["unrealised_result"] == Decimal("210000.00")
    assert metrics["moic"] == Decimal("1.2100")
    assert metrics["irr"] == Decimal("0.100000")  # 1.21 after 730 days
    assert position_metrics(position, as_of=date(2024, 12, 31))["unrealised_value"] == Decimal("900000.00")


def test_a_loan_repayment_lowers_the_cost_and_counts_as_a_return(manager, manager2, case, secretariat, secretariat2):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    loan = invest_in_case(
        ready,
        proposer=manager,
        approver=manager2,
        amount=2 * M,
        instrument="loan_with_warrants",
        booked_on=date(2024, 1, 1),
    )
    services.return_book(
        user=manager,
        position=loan,
        kind="interest",
        amount=Decimal("80000.00"),
        booked_on=date(2024, 12, 31),
        idempotency_key="int",
    )
    services.return_book(
        user=manager, position=loan, kind="repayment", amount=M, booked_on=date(2024, 12, 31), idempotency_key="rep"
    )
    metrics = position_metrics(loan)
    assert (metrics["invested"], metrics["cost_outstanding"], metrics["returns"]) == (2 * M, M, Decimal("1080000.00"))


def test_fund_totals(manager, position):
    charge_fee(user=manager, amount=Decimal("500000.00"), booked_on=date(2024, 6, 30), idempotency_key="fee")
    services.exit_book(
        user=manager,
        position=position,
        proceeds=Decimal("1500000.00"),
        fraction_sold_percent=100,
        exited_on=date(2025, 1, 1),
        idempotency_key="exit",
    )
    overview = fund_overview()
    assert overview["received"] == 50 * M
    assert overview["invested"] == M and overview["deployed"] == 0
    assert overview["fees"] == Decimal("500000.00")
    assert overview["returns"] == Decimal("1500000.00")
    assert overview["realised_result"] == Decimal("500000.00")
    assert overview["liquid"] == 50 * M - M - Decimal("500000.00") + Decimal("1500000.00")
    assert overview["available"] == overview["liquid"] and overview["reserved"] == 0
    assert overview["moic"] == Decimal("1.5000")
    assert overview["irr"] == Decimal("0.498339")  # 1.5 ** (365 / 366) - 1: 2024 is a leap year


def test_a_valuation_before_a_partial_sale_counts_for_the_part_still_held(manager, position):
    services.valuation_record(
        user=manager, position=position, valued_on=date(2024, 6, 30), fair_value=Decimal("2000000.00"), method="dcf"
    )
    services.exit_book(
        user=manager,
        position=position,
        proceeds=M,
        fraction_sold_percent=50,
        exited_on=date(2024, 12, 31),
        idempotency_key="half",
    )
    metrics = position_metrics(position)
    assert metrics["unrealised_value"] == M  # half of the 2m valuation
    assert metrics["cost_outstanding"] == M / 2 and metrics["realised_result"] == M / 2
    assert metrics["moic"] == Decimal("2.0000")
    services.valuation_record(
        user=manager,
        position=position,
        valued_on=date(2024, 12, 31),
        fair_value=Decimal("1200000.00"),
        method="recent_transaction",
    )
    assert position_metrics(position)["unrealised_value"] == Decimal("1200000.00")
