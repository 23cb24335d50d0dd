"""The fund overview's figures read only the lines that change the holdings, not the whole ledger.

The scale curve of issue 25 (docs/benchmarks/README.md) showed the overview's cache miss growing
with the ledger: its one read of the holdings' lines (`bev.selectors.overview._figure_rows`) scanned
every line, reservations and releases included. The partial index `bev_line_portfolio` holds only
the portfolio kinds' lines. A plan, not a timing: the planner is asked to avoid sequential scans
(as it does on a large ledger) and must then read that index."""

import pytest
from django.db import connection, transaction

from bev.constants import PORTFOLIO_KINDS
from bev.models import JournalLine
from bev.selectors.balances import _position_sum_rows

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_overview_reads_the_holdings_lines_through_their_own_index():
    lines = _position_sum_rows(JournalLine.objects.filter(fund=1, kind__in=PORTFOLIO_KINDS))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = lines.explain()
    assert "bev_line_portfolio" in plan, plan
