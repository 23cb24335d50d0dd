# bev/events.py
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class TransactionExecuted:
    kind: str            # "first_investment" | "follow_on_investment" | "conversion" | "partial_exit" | "full_exit"
    case_id: int
    position_id: int
    amount: Decimal      # euros: invested amount, or sale proceeds for exits
    executed_on: date
    user_id: int
    source_key: str      # unique per executed transaction (e.g. "journal:<entry id>"), for idempotency
    actor: object = field(default=None, compare=False, repr=False)  # the user of user_id, if at hand


def transaction_executed(event: TransactionExecuted) -> None:
    try:
        from bev.parliament.services import letter_requests_create
    except ImportError:
        return
    letter_requests_create(event=event, actor=event.actor)
