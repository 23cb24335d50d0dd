"""Services of the fund: every movement of money, each in one transaction.

Split by subdomain (as Zulip's `zerver/actions/`): `ledger` is the only writer of the ledger (money,
the fund lock, the limits, the sweep); `fund`, `fees`, `positions`, `disbursements`, `exits`,
`corrections`, `holdings`, `follow_ups` and `loan` (EZK's loan: tranche schedule, terms, interest;
interest paid and principal repaid under four eyes) call it. `four_eyes` is the one step that decides
a four-eyes proposal (a management fee, a reversal, a repayment or an interest payment to EZK) for
their services. Callers import from `bev.services`.
"""

from .corrections import (  # noqa: F401
    entry_reverse,
    reversal_approve,
    reversal_propose,
    reversal_reject,
)
from .disbursements import (  # noqa: F401
    disbursement_approve,
    disbursement_propose,
    disbursement_reject,
)
from .exits import (  # noqa: F401
    RETURN_ACCOUNTS,
    RETURN_SCALE_MULTIPLE,
    exit_book,
    return_book,
)
from .fees import (  # noqa: F401
    fee_approve,
    fee_budget_set,
    fee_propose,
    fee_reject,
)
from .follow_ups import (  # noqa: F401
    follow_up_add,
    follow_up_set_status,
)
from .fund import (  # noqa: F401
    fund_establish,
    fund_sweep,
    manager_change,
    tranche_receive,
)
from .holdings import (  # noqa: F401
    conversion_record,
    dilution_record,
    valuation_record,
)
from .ledger import (  # noqa: F401
    AMOUNT_CEILING,
    CENT,
    DISBURSEMENT_STATES,
    EXIT_STATES,
    PERCENT_PLACES,
    POSITION_STATES,
    ledger_verify,
    money,
)
from .loan import (  # noqa: F401
    loan_interest_accrue,
    loan_interest_payment_approve,
    loan_interest_payment_propose,
    loan_interest_payment_reject,
    loan_repayment_approve,
    loan_repayment_propose,
    loan_repayment_reject,
    loan_terms_record,
    tranche_schedule_override,
)
from .positions import (  # noqa: F401
    position_create,
    reservation_book,
    reservation_release,
    reservations_release_on_case_end,
)
from .proposals import (  # noqa: F401
    investment_proposal_approve,
    investment_proposal_propose,
    investment_proposal_reject,
)
