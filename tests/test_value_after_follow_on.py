"""A valuation made before a follow-on investment cannot have valued it: the money put in after the
valuation date counts at cost on top of it, and capital returned after it (a reversed disbursement)
comes off it. The tester's walk (`make run`): € 20 mln invested, valued at € 22 mln, then a follow-on of
€ 50 mln booked; the position's detail said unrealised value € 22 mln, result -€ 48 mln and MOIC
0,3143, the fund's MOIC dropped and the annual report showed a loss on its rows. One rule for every
read (`bev.selectors.balances._value_after`): the position's API and page, the page's chart, the fund
overview, the reports and the IRR."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from bev import services
from bev.metrics import irr
from bev.models import Disbursement
from bev.selectors import fund_overview, position_metrics, position_value_history

from .factories import (
    add_liaisons,
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
    order_sale,
    reverse_four_eyes,
    web_session,
)

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
# the first investment more than a year ago (an IRR is stated over a year or more: MIN_IRR_SPAN_DAYS)
INVESTED_ON, VALUED_ON, FOLLOW_ON = date(2025, 9, 1), date(2026, 6, 30), date(2026, 9, 1)


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def position(case, officer, manager, manager2, secretariat, secretariat2, kamer):
    """€ 20 mln invested, valued at € 22 mln, then a follow-on of € 50 mln (the tester's figures)."""
    add_liaisons(case, by=officer, liaisons=[kamer])
    fund_with_tranches(user=manager)  # 2 x € 50 mln received
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(
        ready, proposer=manager, approver=manager2, amount=20 * M, booked_on=INVESTED_ON, ownership_percent=20
    )
    services.valuation_record(user=manager, position=position, valued_on=VALUED_ON, fair_value=22 * M, method="dcf")
    proposal = services.disbursement_propose(user=manager, position=position, amount=50 * M, idempotency_key="follow")
    services.disbursement_approve(user=manager2, disbursement=proposal, booked_on=FOLLOW_ON)
    return position


def test_the_follow_on_counts_at_cost_on_top_of_the_earlier_valuation(api, manager, position):
    metrics = api(manager).get(f"/api/positions/{position.pk}/").json()["metrics"]
    assert Decimal(metrics["invested"]) == 70 * M
    assert Decimal(metrics["unrealised_value"]) == 72 * M  # 22 valued + 50 put in after
    assert Decimal(metrics["unrealised_result"]) == 2 * M  # was -48 mln
    assert Decimal(metrics["moic"]) == Decimal("1.0286")  # was 0.3143
    # the same figure on a date, read from the lines, and before the follow-on the valuation alone
    assert position_metrics(position, as_of=FOLLOW_ON)["unrealised_value"] == 72 * M
    assert position_metrics(position, as_of=date(2026, 8, 31))["unrealised_value"] == 22 * M
    overview = fund_overview()
    assert (overview["unrealised_value"], overview["invested"]) == (72 * M, 70 * M)
    assert overview["moic"] == Decimal("1.0286")
    assert fund_overview(as_of=FOLLOW_ON)["unrealised_value"] == 72 * M


def test_capital_returned_after_the_valuation_comes_off_it_and_a_later_sale_takes_its_share(
    manager, manager2, position, secretariat, secretariat2
):
    follow_on = Disbursement.objects.get(idempotency_key="follow").entry
    reverse_four_eyes(
        follow_on, proposer=manager, approver=manager2, reason="Dubbel geboekt", booked_on=date(2026, 9, 2)
    )
    metrics = position_metrics(position)
    assert (metrics["invested"], metrics["unrealised_value"]) == (20 * M, 22 * M)
    proposal = services.disbursement_propose(user=manager, position=position, amount=50 * M, idempotency_key="again")
    services.disbursement_approve(user=manager2, disbursement=proposal, booked_on=date(2026, 9, 3))
    assert position_metrics(position)["unrealised_value"] == 72 * M
    # the exit gate's ground; an order to sell stops new money (tests/test_sale_order_stops_new_money.py)
    order_sale(position.case, recorder=secretariat, confirmer=secretariat2)
    services.exit_book(
        user=manager,
        position=position,
        proceeds=40 * M,
        fraction_sold_percent=50,
        exited_on=date(2026, 10, 1),
        idempotency_key="half",
    )
    assert position_metrics(position)["unrealised_value"] == 36 * M  # half of (22 + 50)
    assert position_value_history(position)[-1] == (date(2026, 10, 1), 36 * M)


def test_the_irr_counts_the_follow_on_at_cost(position):
    today = timezone.localdate()
    expected = irr([(INVESTED_ON, -20 * M), (FOLLOW_ON, -50 * M), (today, 72 * M)])
    assert expected > 0  # the false loss (€ 22 mln back for € 70 mln) gave a large negative rate
    assert position_metrics(position)["irr"] == expected


def test_the_position_page_headline_and_chart_state_the_same_value(
    client, manager, position, secretariat, secretariat2
):
    assert position_value_history(position) == [(VALUED_ON, 22 * M), (FOLLOW_ON, 72 * M)]
    web_session(client, manager)
    page = client.get(reverse("bev:position", args=[position.pk])).content.decode()
    assert '<span class="figure">€ 72.000.000</span>' in page
    assert "Reële waarde: nu € 72.000.000." in page
    # after a partial sale the chart steps down with the headline (it stated the valuation as entered)
    order_sale(position.case, recorder=secretariat, confirmer=secretariat2)  # the exit gate's ground
    services.exit_book(
        user=manager,
        position=position,
        proceeds=40 * M,
        fraction_sold_percent=50,
        exited_on=date(2026, 10, 1),
        idempotency_key="half",
    )
    page = client.get(reverse("bev:position", args=[position.pk])).content.decode()
    assert '<span class="figure">€ 36.000.000</span>' in page
    assert "Reële waarde: nu € 36.000.000." in page


def test_the_annual_report_shows_no_false_loss(api, kamer, position, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = api(kamer).post("/api/reports/", {"kind": "annual_transactions", "year": 2026}).json()
    content = api(kamer).get(f"/api/reports/{report['id']}/download/csv/").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(rows) == 2  # the header and the follow-on (the first investment was in 2025)
    results = {row[7] for row in rows[1:]}
    assert results == {"2000000,00"}, rows
