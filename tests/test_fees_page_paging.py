"""The fees page pages its list as the ledger does (50 a page, Django's Paginator): it showed the
newest 200 fees and silently dropped the rest. Its count counts them all, and a page number that is
not a page answers with a page, never a 500."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from bev.constants import ProposalStatus
from bev.models import FeeCharge
from bev.views import FEES_PAGE_SIZE

from .factories import fund_with_tranches, web_session

pytestmark = pytest.mark.django_db

MANY = 230


@pytest.fixture
def many_fees(manager):
    """230 proposed fees. Bulk-created through the model, not proposed through the service one by one
    (which checks the budget and audits each: far too slow for a list test); the page only reads them."""
    fund = fund_with_tranches(user=manager)
    FeeCharge.objects.bulk_create(
        FeeCharge(
            fund=fund,
            amount=Decimal("1000.00") + number,
            description=f"Vergoeding nummer {number:03d}.",
            idempotency_key=f"paging-{number}",
            proposed_by=manager,
            status=ProposalStatus.PROPOSED,
        )
        for number in range(1, MANY + 1)
    )
    return MANY


def numbers_on(client, query: str = "") -> list[int]:
    response = client.get(reverse("bev:fees") + query)
    assert response.status_code == 200, query
    return [int(n) for n in re.findall(r"Vergoeding nummer (\d{3})\.", response.content.decode())]


def test_every_fee_is_on_one_page_and_the_count_counts_them_all(client, manager, many_fees):
    web_session(client, manager)
    body = client.get(reverse("bev:fees")).content.decode()
    assert f"{MANY} beheersvergoedingen" in body
    pages = -(-MANY // FEES_PAGE_SIZE)
    assert f"Pagina 1 van {pages}" in body
    seen = []
    for number in range(1, pages + 1):
        on_page = numbers_on(client, f"?page={number}")
        assert len(on_page) == (FEES_PAGE_SIZE if number < pages else MANY - FEES_PAGE_SIZE * (pages - 1))
        seen += on_page
    assert seen == list(range(MANY, 0, -1))  # newest first, each once, none lost after the 200th
    assert numbers_on(client, "?page=2")[0] == MANY - FEES_PAGE_SIZE


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999999", "1.5", ""])
def test_a_page_number_that_is_no_page_answers_with_a_page(client, manager, many_fees, page):
    web_session(client, manager)
    assert numbers_on(client, f"?page={page}")


def test_a_nul_in_the_page_number_is_refused_as_any_nul_is_not_a_500(client, manager, many_fees):
    web_session(client, manager)
    assert client.get(reverse("bev:fees") + "?page=%00").status_code == 400
