"""Return measures from dated cash flows, in Decimal (no floats anywhere near money).

- MOIC (multiple on invested capital) = (cash returned + unrealised value) / cash invested.
- IRR: the annual rate r at which the net present value of the dated cash flows is zero
  (XIRR convention: actual days / 365), the remaining holding counted at its latest valuation on
  the measuring date. The IRR the service states (a position's detail and the API, the fund
  overview, the annual and evaluation reports) is `holding_irr`, one rule for all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, localcontext

from django.utils import timezone

RATE_PLACES = Decimal("0.000001")
MULTIPLE_PLACES = Decimal("0.0001")

# The shortest span of cash flows (the first one to the last, the value still held counted on the
# measuring date) over which an IRR is stated. An annual rate over a shorter span extrapolates a
# few days' or weeks' change in value to a year (a position invested and valued 25 days apart
# showed 302.1 % in the annual report); the GIPS standards likewise do not annualise returns over
# less than a year. The service's own convention, not a rule of the letter (docs/security.md).
MIN_IRR_SPAN_DAYS = 365


def moic(*, invested: Decimal, returned: Decimal, unrealised: Decimal) -> Decimal | None:
    if invested <= 0:
        return None
    return ((returned + unrealised) / invested).quantize(MULTIPLE_PLACES)


def _npv(rate: Decimal, flows: list[tuple[date, Decimal]], start: date) -> Decimal:
    base = 1 + rate
    total = Decimal(0)
    for day, amount in flows:
        years = Decimal((day - start).days) / Decimal(365)
        total += amount / (base**years)
    return total


def _float_root(flows: list[tuple[date, Decimal]], start: date, low: float, high: float) -> float | None:
    """Where the NPV changes sign, located in floats (fast, approximate): only to narrow the range
    the Decimal bisection below searches; None if floats cannot tell."""
    points = [((day - start).days / 365, float(amount)) for day, amount in flows]

    def npv(rate: float) -> float:
        return sum(amount / (1 + rate) ** years for years, amount in points)

    try:
        npv_low = npv(low)
        if (npv_low > 0) == (npv(high) > 0):
            return None
        for _ in range(200):
            mid = (low + high) / 2
            if mid in (low, high):
                break
            if (npv(mid) > 0) == (npv_low > 0):
                low = mid
            else:
                high = mid
    except (OverflowError, ZeroDivisionError):
        return None
    return (low + high) / 2


def irr(flows: list[tuple[date, Decimal]]) -> Decimal | None:
    """None when undefined (no money out, or nothing back yet).

    Bisection in Decimal to 1e-12 between -99.9999 % and 10,000 %; the range is first narrowed
    around the root found in floats (each Decimal NPV takes fractional powers at 40 digits: 50 steps
    cost milliseconds per position). If the narrow range does not hold the sign change, the whole
    range is searched, so the answer is the Decimal bisection's either way."""
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
        guess = _float_root(flows, start, float(low), float(high))
        if guess is not None:
            margin = Decimal("1e-10") * max(Decimal(1), abs(Decimal(repr(guess))))
            near_low = max(low, Decimal(repr(guess)) - margin)
            near_high = min(high, Decimal(repr(guess)) + margin)
            npv_near_low = _npv(near_low, flows, start)
            if npv_near_low == 0:
                return near_low.quantize(RATE_PLACES)
            if (npv_near_low > 0) == (npv_low > 0) and (_npv(near_high, flows, start) > 0) != (npv_low > 0):
                low, high, npv_low = near_low, near_high, npv_near_low
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


def holding_irr(flows: Mapping[date, Decimal], *, unrealised: Decimal, on: date) -> Decimal | None:
    """The IRR of a holding (a position, or the fund's positions together) as the service states it
    everywhere: its daily cash flows seen from the fund (money out negative), with the value still held
    (`unrealised`) counted on the measuring date `on`, never later than today (a report over a year
    not yet ended measures today, as the API does). None when no rate is meaningful: the flows span
    less than MIN_IRR_SPAN_DAYS, or they give no rate (no money out, nothing back, no sign change:
    `irr`)."""
    on = min(on, timezone.localdate())
    dated = {day: Decimal(amount) for day, amount in flows.items() if amount}
    if unrealised:
        dated[on] = dated.get(on, Decimal(0)) + unrealised
    dated = {day: amount for day, amount in dated.items() if amount}
    if not dated or (max(dated) - min(dated)).days < MIN_IRR_SPAN_DAYS:
        return None
    return irr(sorted(dated.items()))
