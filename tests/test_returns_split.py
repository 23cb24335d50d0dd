"""What came back from the positions, said as what it is (acceptance testing: "Opbrengsten ontvangen"
on the fund page and `returns` in the API held a € 1m loan principal repaid and the proceeds of a sale,
which a reader at EZK or in parliament took as earnings).

`returns` keeps its meaning (every euro received from the positions: MOIC's money back) and the
overview and a position's metrics split it (bev.selectors.returns_split): income (dividend, interest)
and money back (principal repaid, sale proceeds = cost of the part sold + realised result). The fund
page and the position page show the parts, never the total as "opbrengsten"."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bev import services
from bev.selectors import fund_overview, position_get, position_metrics, positions_metrics

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, order_sale, web_session

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


@pytest.fixture
def book(case, manager, manager2, secretariat, secretariat2):
    """A loan with warrants of 2m (80k interest, 1m principal repaid) and an equity stake of 1m (100k
    dividend, sold in full for 1.5m) in one case."""
    fund_with_tranches(user=manager, amounts=(50 * M,))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    loan = services.position_create(
        user=manager,
        case=ready,
        instrument="loan_with_warrants",
        principal=2 * M,
        interest_rate_percent=Decimal("4"),
        warrant_terms="Warrants op 5%.",
    )
    stake = invest_in_case(ready, proposer=manager, approver=manager2, amount=M, ownership_percent=Decimal("10"))
    paid = services.disbursement_propose(user=manager, position=loan, amount=2 * M, idempotency_key="loan")
    services.disbursement_approve(user=manager2, disbursement=paid)
    services.return_book(user=manager, position=loan, kind="interest", amount=Decimal("80000"), idempotency_key="i")
    services.return_book(user=manager, position=loan, kind="repayment", amount=M, idempotency_key="r")
    services.return_book(user=manager, position=stake, kind="dividend", amount=Decimal("100000"), idempotency_key="d")
    order_sale(ready, recorder=secretariat, confirmer=secretariat2)
    services.exit_book(
        user=manager, position=stake, proceeds=Decimal("1500000"), fraction_sold_percent=100, idempotency_key="x"
    )
    loan.refresh_from_db()
    stake.refresh_from_db()
    return loan, stake


SPLIT = {
    "returns": Decimal("2680000.00"),  # everything received, as before
    "income": Decimal("180000.00"),
    "dividend": Decimal("100000.00"),
    "interest": Decimal("80000.00"),
    "principal_and_sale_proceeds": Decimal("2500000.00"),
    "principal_repaid": Decimal("1000000.00"),
    "sale_proceeds": Decimal("1500000.00"),
    "sale_cost": Decimal("1000000.00"),
    "realised_result": Decimal("500000.00"),
}


def _split(figures: dict) -> dict:
    return {key: figures.get(key) for key in SPLIT}


def test_the_fund_overview_splits_what_came_back_into_income_and_money_back(book):
    assert _split(fund_overview()) == SPLIT
    # on a date, from the ledger's lines: the same
    assert _split(fund_overview(as_of=timezone.localdate())) == SPLIT
    # before anything came back: nothing
    before = fund_overview(as_of=timezone.localdate() - timedelta(days=400))
    assert all(before[key] == 0 for key in SPLIT)


def test_a_positions_metrics_split_them_the_same_way(book):
    loan, stake = book
    loan_figures = {
        "returns": Decimal("1080000.00"),
        "income": Decimal("80000.00"),
        "dividend": Decimal("0.00"),
        "interest": Decimal("80000.00"),
        "principal_and_sale_proceeds": M,
        "principal_repaid": M,
        "sale_proceeds": Decimal("0.00"),
        "sale_cost": Decimal("0.00"),
        "realised_result": Decimal("0.00"),
    }
    stake_figures = {
        "returns": Decimal("1600000.00"),
        "income": Decimal("100000.00"),
        "dividend": Decimal("100000.00"),
        "interest": Decimal("0.00"),
        "principal_and_sale_proceeds": Decimal("1500000.00"),
        "principal_repaid": Decimal("0.00"),
        "sale_proceeds": Decimal("1500000.00"),
        "sale_cost": M,
        "realised_result": Decimal("500000.00"),
    }
    # one position's detail (one statement), several today (running figures), on a date (the lines)
    assert _split(position_metrics(loan)) == loan_figures
    assert _split(position_metrics(stake)) == stake_figures
    today = positions_metrics([loan, stake])
    assert (_split(today[loan.pk]), _split(today[stake.pk])) == (loan_figures, stake_figures)
    dated = positions_metrics([loan, stake], as_of=timezone.localdate())
    assert (_split(dated[loan.pk]), _split(dated[stake.pk])) == (loan_figures, stake_figures)


def test_a_reversed_interest_payment_comes_off_the_income(book, manager):
    from bev.models import JournalEntry

    loan, _stake = book
    interest = JournalEntry.objects.get(position=loan, kind="interest")
    services.entry_reverse(user=manager, entry=interest, reason="Dubbel geboekt", idempotency_key="rev-i")
    assert fund_overview()["income"] == Decimal("100000.00")
    assert fund_overview()["returns"] == Decimal("2600000.00")
    assert position_metrics(loan)["interest"] == Decimal("0.00")


def test_the_api_keeps_returns_and_adds_its_parts(api, book, manager):
    loan, _stake = book
    body = api(manager).get("/api/fund/").json()
    assert {key: Decimal(body[key]) for key in SPLIT} == SPLIT
    metrics = api(manager).get(f"/api/positions/{loan.pk}/").json()["metrics"]
    assert Decimal(metrics["returns"]) == Decimal("1080000.00")
    assert Decimal(metrics["income"]) == Decimal("80000.00")
    assert Decimal(metrics["principal_repaid"]) == M


def test_the_pages_show_income_and_money_back_not_opbrengsten(client, book, manager):
    loan, _stake = book
    web_session(client, manager)
    page = client.get(reverse("bev:fund")).content.decode()
    assert "Opbrengsten ontvangen" not in page and "€ 2.680.000" not in page
    assert _card("figure-income", "€ 180.000", "Inkomsten uit posities (dividend, rente)") in page
    assert _card("figure-money-back", "€ 2.500.000", "Terugontvangen (aflossing, verkoopopbrengst)") in page
    assert "€ 1.000.000 afgeloste hoofdsom van leningen en € 1.500.000 verkoopopbrengst" in page
    position_page = client.get(reverse("bev:position", args=[loan.pk])).content.decode()
    assert ">Opbrengsten<" not in position_page
    assert _card("figure-income", "€ 80.000", "Inkomsten (dividend, rente)") in position_page
    assert _card("figure-money-back", "€ 1.000.000", "Terugontvangen (aflossing, verkoopopbrengst)") in position_page
    # booking a dividend, interest or a repayment is booking money received, not "opbrengst"
    assert "Opbrengst boeken" not in position_page and "Soort opbrengst" not in position_page
    assert "Ontvangst boeken (dividend, rente, aflossing)" in position_page and "Soort ontvangst" in position_page


def _card(card_id: str, figure: str, label: str) -> str:
    return f'id="{card_id}"><span class="figure">{figure}</span><span class="label">{label}</span>'


def test_the_position_detail_still_reads_in_one_statement(book, manager):
    """The split of a position's detail comes from the same UNION as its other figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    loan, _stake = book
    position = position_get(user=manager, position_id=loan.pk, audit_read=False)
    with CaptureQueriesContext(connection) as ctx:
        position_metrics(position)
    assert len(ctx.captured_queries) == 1
