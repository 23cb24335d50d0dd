"""Guards of the case lifecycle, each named after the rule it checks.

Rules owned by other apps are asked through their selectors (the hooks below), imported lazily so
that `cases` does not depend on them at import time:
- assessments.selectors.approved_outcome_for_case(case_id) -> "deploy" | "do_not_deploy" | None
- assessments.selectors.risk_review_allows_exit(case_id) -> bool
- bev.selectors.case_has_disbursement(case_id) -> bool
- bev.selectors.case_positions_all_exited(case_id) -> bool
"""

from __future__ import annotations

from .constants import StateActorStatus, Urgency


def intake_is_complete(case) -> bool:
    """Intake establishes the scope ground, that existing instruments fall short and that market
    financing was explored (letter: the provision is the last resort, "wanneer risico's ... niet
    adequaat te ondervangen zijn door bestaande wetgeving of door het vinden van alternatieve
    financiering in de markt")."""
    return bool(
        case.scope_grounds
        and case.existing_instruments_shortfall.strip()
        and case.market_financing_explored is not None
        and case.target_name.strip()
        and case.acquirer_name.strip()
    )


def is_urgent(case) -> bool:
    """"Per direct" cases may skip the separate intake step (nothing forces a wait)."""
    return case.urgency == Urgency.IMMEDIATE


def urgent_and_intake_complete(case) -> bool:
    return is_urgent(case) and intake_is_complete(case)


def state_actor_not_excluded(case) -> bool:
    """Condition 2 (state-actor influence) cannot be met when the acquirer is known not to be one."""
    return case.state_actor_status != StateActorStatus.NOT_STATE_ACTOR


def has_approved_assessment_to_deploy(case) -> bool:
    from assessments.selectors import approved_outcome_for_case

    return approved_outcome_for_case(case.pk) == "deploy"


def has_approved_assessment_not_to_deploy(case) -> bool:
    from assessments.selectors import approved_outcome_for_case

    return approved_outcome_for_case(case.pk) == "do_not_deploy"


def cabinet_decided_to_deploy(case) -> bool:
    decision = case.confirmed_cabinet_decision()
    return decision is not None and decision.deploy


def cabinet_declined(case) -> bool:
    decision = case.confirmed_cabinet_decision()
    return decision is not None and not decision.deploy


def has_disbursement(case) -> bool:
    from bev.selectors import case_has_disbursement

    return case_has_disbursement(case.pk)


def risk_review_allows_exit(case) -> bool:
    from assessments.selectors import risk_review_allows_exit as allows

    return allows(case.pk)


def all_positions_exited(case) -> bool:
    from bev.selectors import case_positions_all_exited

    return case_positions_all_exited(case.pk)
