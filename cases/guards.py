"""Guards of the case lifecycle, each named after the rule it checks.

Rules owned by apps above `cases` are asked through slots (`core.registry`) that those apps fill in
their `AppConfig.ready()`; `cases` never imports them, and the service refuses to start while a slot
is empty (system check core.E001):
- approved_outcome(case_id) -> "deploy" | "do_not_deploy" | None   (assessments)
- review_allows_exit(case_id) -> bool                                (assessments: the exit gate)
- has_disbursement_booked(case_id) -> bool                           (bev, the fund)
- positions_all_exited(case_id) -> bool                              (bev, the fund)
"""

from __future__ import annotations

from core.registry import Slot

from .constants import (
    HISTORICAL_TRANSACTION_BEFORE,
    SCOPE_GROUND_FACTS,
    ScopeGround,
    StateActorStatus,
    Urgency,
)

approved_outcome = Slot(
    "cases.guards.approved_outcome", "the outcome (deploy/do_not_deploy/None) of a case's approved risk assessment"
)
review_allows_exit = Slot(
    "cases.guards.review_allows_exit", "whether an approved risk review concluded that the case may be exited"
)
approved_outcome_since = Slot(
    "cases.guards.approved_outcome_since",
    "the outcome of the case's initial assessment approved after a moment, or None",
)
has_disbursement_booked = Slot("cases.guards.has_disbursement_booked", "whether a disbursement was booked on the case")
positions_all_exited = Slot("cases.guards.positions_all_exited", "whether every position of the case is fully exited")


def intake_is_complete(case) -> bool:
    """Intake establishes the scope ground with the facts it rests on, that existing instruments fall
    short and that market financing was explored (letter: the provision is the last resort, "wanneer
    risico's ... niet adequaat te ondervangen zijn door bestaande wetgeving of door het vinden van
    alternatieve financiering in de markt").

    The last-resort question follows the ground (letter, "Reikwijdte": the provision steps in "waar
    bestaand instrumentarium ontoereikend is of om de gevolgen van de inzet van het instrumentarium
    te mitigeren"): for grounds 1-3, why existing instruments fall short; for ground 4 (a Wet vifo
    decision blocks the financing) the instrument was used, so why its consequences cannot be
    mitigated otherwise, with the decision, the blocked financing and the threatened insolvency.
    Ground 3 needs the transaction's date, before 8 September 2020."""
    grounds = set(case.scope_grounds or [])
    if not grounds:
        return False
    if grounds - {ScopeGround.BLOCKED_STARTUP_FINANCING} and not case.existing_instruments_shortfall.strip():
        return False
    for ground in grounds:
        for name in SCOPE_GROUND_FACTS.get(ground, ()):
            value = getattr(case, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                return False
    if (
        ScopeGround.HISTORICAL_TRANSACTION in grounds
        and not case.historical_transaction_date < HISTORICAL_TRANSACTION_BEFORE
    ):
        return False
    return bool(case.market_financing_explored is not None and case.target_name.strip() and case.acquirer_name.strip())


def is_urgent(case) -> bool:
    """ "Per direct" cases may skip the separate intake step (nothing forces a wait)."""
    return case.urgency == Urgency.IMMEDIATE


def urgent_and_intake_complete(case) -> bool:
    return is_urgent(case) and intake_is_complete(case)


def state_actor_not_excluded(case) -> bool:
    """Condition 2 (state-actor influence) cannot be met when the acquirer is known not to be one."""
    return case.state_actor_status != StateActorStatus.NOT_STATE_ACTOR


def has_approved_assessment_to_deploy(case) -> bool:
    return approved_outcome(case.pk) == "deploy"


def has_approved_assessment_not_to_deploy(case) -> bool:
    return approved_outcome(case.pk) == "do_not_deploy"


def cabinet_decided_to_deploy(case) -> bool:
    decision = case.confirmed_cabinet_decision()
    return decision is not None and decision.deploy


def cabinet_declined(case) -> bool:
    decision = case.confirmed_cabinet_decision()
    return decision is not None and not decision.deploy


def has_disbursement(case) -> bool:
    return has_disbursement_booked(case.pk)


def cabinet_ordered_sale(case) -> bool:
    return case.confirmed_sale_order() is not None


def exit_is_authorised(case) -> bool:
    """The exit gate (letter, "Werking": "Zodra de risico's voor de nationale veiligheid tot op een
    beheersbaar niveau zijn gebracht, zal de overheid haar belang ... afbouwen"): the latest approved
    risk review concluded that the risk is manageable, or a confirmed kabinetsbesluit ordered the sale.
    The case's move to exit and every sale booked (bev.services.exits.exit_book) ask this."""
    return bool(review_allows_exit(case.pk)) or cabinet_ordered_sale(case)


def cabinet_decided_since_follow_on_request(case) -> bool:
    """A follow-on goes on only after the cabinet decided on it: a decision confirmed after the case
    was last sent back for a follow-on decision."""
    requested = (
        case.timeline.filter(transition="request_follow_on_decision")
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    return requested is not None and case.cabinet_decisions.filter(confirmed_at__gt=requested).exists()


def all_positions_exited(case) -> bool:
    return positions_all_exited(case.pk)
