"""The fund overview is cached between requests, but never shows a state the ledger has left."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from bev import services
from bev.selectors import fund_overview

from .factories import fund_with_tranches

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_booking_is_seen_at_once_by_the_next_overview(manager, django_assert_max_num_queries):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    assert not connection.in_atomic_block
    first = fund_overview()
    assert first["received"] == Decimal("50000000")
    with django_assert_max_num_queries(5):  # served from the cache: only the version lookups
        assert fund_overview() == first
    services.tranche_receive(user=manager, amount=Decimal("50000000"), idempotency_key="second",
                             received_on=date(2024, 6, 3))
    assert fund_overview()["received"] == Decimal("100000000")
    services.fee_charge(user=manager, amount=Decimal("250000"), idempotency_key="fee-1")
    assert fund_overview()["fees"] == Decimal("250000")
