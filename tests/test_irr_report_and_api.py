"""One IRR everywhere (`bev.metrics.holding_irr`): the position's detail in the API and the annual
report's CSV said different things for the same positions. The tester's walk: two positions invested
today (or days apart) and valued today had "irr": null in the API and 302.1 % and 227.9 % in the 2026
annual report, which measured the value still held on 31 December, a date not yet passed. Now a
report measures today as the API does, and no IRR is stated over cash flows spanning less than a
year (MIN_IRR_SPAN_DAYS): an annual rate over a few weeks is no measure of anything."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from access.roles import Role
from bev import selectors, services
from bev.metrics import MIN_IRR_SPAN_DAYS, holding_irr

from .factories import add_liaisons, case_to_investment_preparation, fund_with_tranches

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def positions(case, officer, manager, manager2, secretariat, secretariat2, kamer):
    """Three equity positions in one case, each valued today: `long` invested 400 days ago at € 10 mln
    and € 2 mln more today (valued € 13 mln), `weeks` 25 days ago (this year) at € 8 mln (valued € 9 mln),
    `today` today at € 6 mln (valued € 7 mln)."""
    add_liaisons(case, by=officer, liaisons=[kamer])
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    today = timezone.localdate()
    weeks = min(25, today.timetuple().tm_yday - 1)  # days apart, within this year
    made = {}
    for name in ("long", "weeks", "today"):
        made[name] = services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=5)
    # the follow-on in `long` today: a transaction of this year, so this year's report has its row
    for key, (name, days_ago, amount) in enumerate(
        [("long", 400, 10 * M), ("weeks", weeks, 8 * M), ("today", 0, 6 * M), ("long", 0, 2 * M)]
    ):
        proposal = services.disbursement_propose(
            user=manager, position=made[name], amount=amount, idempotency_key=f"irr-{key}"
        )
        services.disbursement_approve(user=manager2, disbursement=proposal, booked_on=today - timedelta(days=days_ago))
    for name, value in (("long", 13 * M), ("weeks", 9 * M), ("today", 7 * M)):
        services.valuation_record(user=manager, position=made[name], valued_on=today, fair_value=value, method="dcf")
    return made


def annual_irr_by_amount(api, kamer, year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = api(kamer).post("/api/reports/", {"kind": "annual_transactions", "year": year}).json()
    content = api(kamer).get(f"/api/reports/{report['id']}/download/csv/").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][-1] == "IRR (%)"
    return {Decimal(row[5].replace(",", ".")): row[-1].replace(",", ".") for row in rows[1:]}


def api_irr(api, user, position):
    return api(user).get(f"/api/positions/{position.pk}/").json()["metrics"]["irr"]


def test_the_report_and_the_api_state_the_same_irr(api, manager, kamer, positions, django_capture_on_commit_callbacks):
    # invested today or 25 days ago and valued today: no IRR, in the API and in the report of the year
    assert api_irr(api, manager, positions["today"]) is None
    assert api_irr(api, manager, positions["weeks"]) is None
    irr_by_amount = annual_irr_by_amount(api, kamer, timezone.localdate().year, django_capture_on_commit_callbacks)
    assert irr_by_amount[6 * M] == "" and irr_by_amount[8 * M] == ""

    # over more than a year: the same rate, the report of the year not yet ended measuring today as the API does
    rate = Decimal(api_irr(api, manager, positions["long"]))
    assert Decimal("0.05") < rate < Decimal("0.10")  # € 12 mln became € 13 mln, most of it over 400 days
    assert Decimal(irr_by_amount[2 * M]) == (rate * 100).quantize(Decimal("0.1"))


def test_every_read_of_the_metrics_agrees(positions):
    today = timezone.localdate()
    for position in positions.values():
        detail = selectors.position_metrics(position)["irr"]
        year_end = selectors.positions_metrics(list(positions.values()), as_of=date(today.year, 12, 31))
        assert year_end[position.pk]["irr"] == detail
    overview = selectors.fund_overview()
    assert overview["irr"] == selectors.fund_overview(as_of=date(today.year, 12, 31))["irr"]
    assert overview["irr"] is not None  # the fund's flows span the 400 days of the first position


def test_the_span_rule():
    start = date(2025, 1, 1)
    a_year = start + timedelta(days=MIN_IRR_SPAN_DAYS)
    assert holding_irr({start: -M}, unrealised=Decimal("1100000.00"), on=a_year) == Decimal("0.100000")
    assert holding_irr({start: -M}, unrealised=Decimal("1100000.00"), on=a_year - timedelta(days=1)) is None
    assert holding_irr({start: -M}, unrealised=Decimal("1100000.00"), on=start) is None  # the same day
    # a holding sold within the year: its flows span less than a year, whenever it is measured
    assert holding_irr({start: -M, start + timedelta(days=30): 2 * M}, unrealised=Decimal(0), on=a_year) is None
    # a measuring date not yet passed measures today
    later = timezone.localdate() + timedelta(days=30)
    first = timezone.localdate() - timedelta(days=MIN_IRR_SPAN_DAYS)
    assert holding_irr({first: -M}, unrealised=2 * M, on=later) == holding_irr(
        {first: -M}, unrealised=2 * M, on=timezone.localdate()
    )
