"""Corrections: a reversing entry, never an edit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from access.models import User
from access.permissions import require
from core.exceptions import Conflict, LimitExceeded, RuleViolation

from ..constants import (
    REVERSIBLE_KINDS,
    Account,
)
from ..models import (
    Fund,
    JournalEntry,
)
from ..selectors import ZERO, ledger_totals, position_balances
from .ledger import _booking_date, _key, _lock_fund, _post, _replayed, _sweep_excess


# ------------------------------------------------------------------------------------------------
# Corrections: a reversing entry, never an edit
# ------------------------------------------------------------------------------------------------
@transaction.atomic
def entry_reverse(
    *, user: User, entry: JournalEntry, reason: str, idempotency_key: str, booked_on: date | None = None
) -> JournalEntry:
    """Correct a mistake by booking the entry's mirror image. The limits hold afterwards too."""
    require(user, "fund.book")
    if entry.position is not None:
        require(user, "fund.book", case=entry.position.case)
    key = _key(idempotency_key)
    if not (reason or "").strip():
        raise RuleViolation(_("Een reden is verplicht."), field="reason")
    fund = _lock_fund()
    if replay := _replayed(fund, key, kind=entry.kind, amount=entry.amount, position=entry.position):
        if replay.reverses_id != entry.pk:
            raise Conflict(
                _("Deze idempotentiesleutel is al gebruikt voor een andere boeking."), code="idempotency_key_reused"
            )
        return replay
    if entry.reverses_id is not None or entry.kind not in REVERSIBLE_KINDS:
        raise Conflict(_("Deze boeking kan niet worden tegengeboekt."), code="not_reversible")
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise Conflict(_("Deze boeking is al tegengeboekt."), code="already_reversed")
    booked_on = _booking_date(fund, booked_on)
    mirror = [(line.account, -line.amount) for line in entry.lines.all()]
    _check_reversal_keeps_limits(fund, entry, mirror)
    reversal = _post(
        fund=fund,
        kind=entry.kind,
        booked_on=booked_on,
        key=key,
        user=user,
        amount=entry.amount,
        position=entry.position,
        reverses=entry,
        description=_("Tegenboeking van #%(id)s: %(reason)s") % {"id": entry.pk, "reason": reason.strip()},
        lines=mirror,
    )
    _sweep_excess(fund=fund, user=user, booked_on=booked_on, cause=reversal)
    return reversal


def _check_reversal_keeps_limits(fund: Fund, entry: JournalEntry, mirror: list[tuple[str, Decimal]]) -> None:
    totals = ledger_totals(fund=fund)
    for account, amount in mirror:
        totals[account] += amount
    if totals[Account.CASH_AVAILABLE] < 0:
        raise LimitExceeded(
            _("Tegenboeken zou de beschikbare liquiditeit negatief maken."), field="amount", code="available_liquidity"
        )
    if totals[Account.MINISTRY_LOAN] > 0:
        raise LimitExceeded(
            _("Tegenboeken zou meer terugdraaien dan er is ontvangen."),
            field="amount",
            code="reversal_exceeds_received",
        )
    if totals[Account.MINISTRY_LOAN] + totals[Account.EZK_LOAN_REPAID] > 0:  # bev.services.loan
        raise LimitExceeded(
            _("Tegenboeken zou de uitstaande hoofdsom van de lening negatief maken."),
            field="amount",
            code="loan_principal_outstanding",
        )
    if totals[Account.EZK_INTEREST_PAYABLE] > 0:
        raise LimitExceeded(
            _("Tegenboeken zou meer rente betaald maken dan er is opgebouwd."),
            field="amount",
            code="loan_interest_payable",
        )
    if entry.position_id:
        balance = position_balances(position_ids=[entry.position_id])[entry.position_id]
        changes = dict(mirror)
        if balance["reserved"] + changes.get(Account.CASH_RESERVED, ZERO) < 0:
            raise LimitExceeded(
                _("Tegenboeken zou de reservering van de positie negatief maken."),
                field="amount",
                code="position_reservation",
            )
        if balance["cost"] + changes.get(Account.INVESTMENTS, ZERO) < 0:
            raise LimitExceeded(
                _("Tegenboeken zou de kostprijs van de positie negatief maken."), field="amount", code="position_cost"
            )
