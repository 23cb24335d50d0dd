"""Reads of the fund, split by subdomain: balances, the overview, the ledger, positions, and what
the case lifecycle asks. Callers import from `bev.selectors`."""

from .balances import (  # noqa: F401
    CASH_ACCOUNTS,
    CASH_FLOW_KINDS,
    CENT,
    ZERO,
    LatestValuation,
    fund_get,
    fund_maximum_size,
    ledger_totals,
    ledger_totals_from_lines,
    liquidity,
    position_balances,
    returns_split,
    running_balance_mismatches,
)
from .ledger import (  # noqa: F401
    CASE_TEXT_HIDDEN,
    account_history,
    entry_case_shown,
    entry_description,
    entry_get,
    fund_holds_money_of_cases_from,
    ledger_entries,
    position_disbursements,
    returns_between,
    returns_between_count,
    unbalanced_entries,
    with_reversal_state,
)
from .lifecycle import (  # noqa: F401
    case_has_disbursement,
    case_open_cabinet_conditions,
    case_positions_all_exited,
    cases_positions_all_exited,
    cases_with_disbursement,
)
from .loan import (  # noqa: F401
    loan_figures,
    loan_interest_payment_get,
    loan_interest_payment_list,
    loan_repayment_get,
    loan_repayment_list,
    loan_terms_list,
    loan_terms_on,
    manager_on,
    planned_through,
    repayments_due,
)
from .overview import (  # noqa: F401
    FIGURES_WAIT_SECONDS,
    fee_list,
    fee_year,
    fund_overview,
)
from .positions import (  # noqa: F401
    FOLLOW_UPS,
    disbursement_get,
    position_get,
    position_list,
    position_loan_state,
    position_metrics,
    position_principal_repaid,
    position_stake_recorded_on,
    position_summary,
    position_value_history,
    positions_metrics,
    positions_stakes_on,
    sale_of_source,
)
from .proposals import (  # noqa: F401
    REJECTED_REVERSALS_DAYS,
    approved_proposal_amount,
    investment_proposal_get,
    investment_proposal_list,
    reversal_proposal_get,
    reversal_proposal_list,
    reversal_proposals_rejected_recently,
)
