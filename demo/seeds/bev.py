"""Demo data for the fund: the SPV, its manager history, the two tranches of the subordinated loan
(letter: €50m in 2023 and €50m in 2024) and a management fee. Idempotent: every booking carries
a fixed idempotency key, so a second run books nothing."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from bev import selectors, services
from bev.selectors import manager_on

POLICY_OWNER = "Ministerie van Economische Zaken en Klimaat"
TRANCHES = [
    ("demo-tranche-2023", Decimal("50000000.00"), date(2023, 10, 2), "Eerste tranche (2023)"),
    ("demo-tranche-2024", Decimal("50000000.00"), date(2024, 4, 2), "Tweede tranche (2024)"),
]
FEE = ("demo-fee-2024", Decimal("750000.00"), date(2024, 12, 31), "Beheersvergoeding Invest-NL 2024")


def seed(*, users, stdout) -> None:
    fund = services.fund_establish(
        name="Beschermingsvoorziening Economische Veiligheid SPV",
        policy_owner=POLICY_OWNER,
        manager_name="Invest-NL",
        manager_from=date(2023, 9, 1),
    )
    manager = users["fonds"]
    for key, amount, received_on, description in TRANCHES:
        services.tranche_receive(
            user=manager, amount=amount, received_on=received_on, description=description, idempotency_key=key
        )
    key, amount, booked_on, description = FEE
    # The year's fee budget (administrator), the fee proposed by Invest-NL and approved by EZK.
    if not selectors.fee_year(year=booked_on.year)["budget_set"]:
        services.fee_budget_set(
            user=users["beheer"],
            year=booked_on.year,
            amount=Decimal("1000000.00"),
            notes="Gepaste beheersvergoeding, ten laste van het fondsbudget.",
        )
    fee = services.fee_propose(
        user=manager, amount=amount, booked_on=booked_on, description=description, idempotency_key=key
    )
    if fee.status == "proposed":
        services.fee_approve(user=users["casus"], fee=fee)
    manager_name = manager_on(timezone.localdate()) or "niet ingesteld"  # the manager is dated data
    stdout.write(f"Fonds: {fund.name} (beheerder {manager_name}), tranches en beheersvergoeding geboekt.")
