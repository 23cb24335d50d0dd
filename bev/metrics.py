"""Return measures from dated cash flows, in Decimal (no floats anywhere near money).

- MOIC (multiple on invested capital) = (cash returned + unrealised value) / cash invested.
- IRR: the annual rate r at which the net present value of the dated cash flows is zero
  (XIRR convention: actual days / 365), the remaining holding counted at its latest valuation on
  the measuring date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext

RATE_PLACES = Decimal("0.000001")
MULTIPLE_PLACES = Decimal("0.0001")


def moic(*, invested: Decimal, returned: Decimal, unrealised: Decimal) -> Decimal | None:
    if invested <= 0:
        return None
    return ((returned + unrealised) / invested).quantize(MULTIPLE_PLACES)


def _npv(rate: Decimal, flows: list[tuple[date, Decimal]], start: date) -> Decimal:
    base = 1 + rate
    total = Decimal(0)
    for day, amount in flows:
        years = Decimal((day - start).days) / Decimal(365)
        total += amount / (base ** years)
    return total


def irr(flows: list[tuple[date, Decimal]]) -> Decimal | None:
    """None when undefined (no money out, or nothing back yet)."""
    flows = [(day, Decimal(amount)) for day, amount in flows if amount]
    if not any(a < 0 for _, a in flows) or not any(a > 0 for _, a in flows):
        return None
    start = min(day for day, _ in flows)
    with localcontext() as ctx:
        ctx.prec = 40
        low, high = Decimal("-0.999999"), Decimal("100")
        npv_low, npv_high = _npv(low, flows, start), _npv(high, flows, start)
        if npv_low == 0:
            return low.quantize(RATE_PLACES)
        if (npv_low > 0) == (npv_high > 0):
            return None  # no sign change in the range: no meaningful rate
        for _ in range(200):
            mid = (low + high) / 2
            npv_mid = _npv(mid, flows, start)
            if npv_mid == 0 or (high - low) < Decimal("1e-12"):
                break
            if (npv_mid > 0) == (npv_low > 0):
                low, npv_low = mid, npv_mid
            else:
                high = mid
        return ((low + high) / 2).quantize(RATE_PLACES)
