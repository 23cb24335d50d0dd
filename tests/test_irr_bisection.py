"""The IRR narrows its Decimal bisection around a root found in floats; the answer must be the one
the bisection over the whole range gives, for any cash flows."""

from datetime import date, timedelta
from decimal import Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from bev.metrics import RATE_PLACES, _npv, irr


def irr_by_full_bisection(flows):
    """The first release's algorithm: bisection in Decimal over -99.9999 % .. 10,000 % to 1e-12."""
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
            return None
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


cents = st.integers(min_value=-(10**10), max_value=3 * 10**10).map(lambda c: Decimal(c) / 100)
flow_lists = st.tuples(
    st.integers(min_value=1, max_value=10**10).map(lambda c: -Decimal(c) / 100),  # the investment
    st.lists(st.tuples(st.integers(min_value=0, max_value=3000), cents), min_size=1, max_size=8),
).map(lambda t: [(date(2023, 6, 1), t[0])] + [(date(2023, 6, 1) + timedelta(days=d), a) for d, a in t[1]])


@settings(max_examples=150, deadline=None)
@given(flow_lists)
def test_the_narrowed_bisection_gives_the_full_bisections_rate(flows):
    assert irr(flows) == irr_by_full_bisection(flows)


def test_known_rates():
    m = Decimal("1000000.00")
    assert irr([(date(2025, 1, 1), -m), (date(2026, 1, 1), Decimal("1100000.00"))]) == Decimal("0.100000")
    assert irr([(date(2024, 1, 1), -m), (date(2024, 1, 2), 50 * m)]) == irr_by_full_bisection(
        [(date(2024, 1, 1), -m), (date(2024, 1, 2), 50 * m)]
    )  # beyond the float guess's comfort: same answer
