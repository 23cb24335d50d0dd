"""Invest-NL's management fee (beheersvergoeding), charged to the fund."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from access.permissions import require

from ..constants import (
    Account,
    EntryKind,
)
from ..models import (
    JournalEntry,
)
from .ledger import _booking_date, _check_available, _figures, _key, _lock_fund, _post, _replayed, money


@transaction.atomic
def fee_charge(*, user, amount, idempotency_key: str, booked_on: date | None = None,
               description: str = "") -> JournalEntry:
    """The management fee: "Invest-NL [zal] een gepaste beheersvergoeding ontvangen. Deze vergoeding
    komt ten laste van het fondsbudget" (letter)."""
    require(user, "fund.book")
    amount, key = money(amount), _key(idempotency_key)
    fund = _lock_fund()
    if replay := _replayed(fund, key, kind=EntryKind.FEE, amount=amount, position=None):
        return replay
    booked_on = _booking_date(fund, booked_on)
    _check_available(_figures(fund), amount)
    return _post(fund=fund, kind=EntryKind.FEE, booked_on=booked_on, key=key, user=user, amount=amount,
                 description=description or _("Beheersvergoeding."),
                 lines=[(Account.MANAGEMENT_FEE, amount), (Account.CASH_AVAILABLE, -amount)])
