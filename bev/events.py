"""The fact that a fund transaction was executed, for the apps above the fund to react to.

`transaction_executed(event)` sends the Django signal `executed`, synchronously and inside the fund
transaction's database transaction: a receiver's writes (the letter outbox of `parliament`, which
connects in its `AppConfig.ready()`) commit or roll back with the booking. The fund does not know
who listens; the system check `bev.E001` refuses to start when nobody does, since the 2023 letter
requires that parliament is informed after every transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.checks import Error, register
from django.dispatch import Signal

if TYPE_CHECKING:
    from access.models import User

# Sent with `event=TransactionExecuted(...)`.
executed = Signal()


@dataclass(frozen=True)
class TransactionExecuted:
    kind: str  # "first_investment" | "follow_on_investment" | "conversion" | "partial_exit" | "full_exit"
    case_id: int
    position_id: int
    amount: Decimal  # euros: invested amount, or sale proceeds for exits
    executed_on: date
    user_id: int
    source_key: str  # unique per executed transaction (e.g. "journal:<entry id>"), for idempotency
    actor: User | None = field(default=None, compare=False, repr=False)  # the user of user_id, if at hand


@dataclass(frozen=True)
class TransactionReversed:
    """A booking the apps above heard of (`source_key`) was undone by a reversing entry."""

    case_id: int
    source_key: str  # the executed transaction's key ("journal:<id of the reversed entry>")
    reversal_entry_id: int
    reversed_on: date
    reason: str
    user_id: int


# Sent with `event=TransactionReversed(...)`, inside the reversal's transaction, as `executed`.
reversed_ = Signal()


def transaction_reversed(event: TransactionReversed) -> None:
    reversed_.send(sender=TransactionReversed, event=event)


def transaction_executed(event: TransactionExecuted) -> None:
    """Tell the listeners, inside the caller's transaction; a receiver's error rolls the booking back."""
    executed.send(sender=TransactionExecuted, event=event)


@register()
def someone_listens(app_configs=None, **kwargs):
    if executed.has_listeners(TransactionExecuted):
        return []
    return [
        Error(
            "Nobody receives bev.events.executed: executed transactions would not reach parliament.",
            hint="Install the parliament app (it connects the receiver in its AppConfig.ready()).",
            id="bev.E001",
        )
    ]
