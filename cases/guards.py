"""Guards of the case lifecycle, each named after the rule it checks.

Rules owned by apps above `cases` are asked through slots (`core.registry`) that those apps fill in
their `AppConfig.ready()`; `cases` never imports them, and the service refuses to start while a slot
is empty (system check core.E001):
- approved_outcome(case_id) -> "deploy" | "do_not_deploy" | None   (assessments)
- review_allows_exit(case_id) -> bool                                (assessments: the exit gate)
- has_disbursement_booked(case_id) -> bool                           (bev, the fund: one that stands)
- positions_all_exited(case_id) -> bool                              (bev, the fund)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.utils.translation import gettext_lazy

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
# The same for many cases at once ({case id: outcome}), for lists that ask the guards of every case
# ("Mijn werk"); the single form answers from it, so the rule is stated once.
approved_outcomes = Slot(
    "cases.guards.approved_outcomes", "{case id: outcome} of the approved risk assessments of many cases"
)
cases_allowing_exit = Slot(
    "cases.guards.cases_allowing_exit", "{case id: True} of the cases whose latest approved risk review allows exit"
)
cases_with_disbursement = Slot("cases.guards.cases_with_disbursement", "{case id: True} of cases with a disbursement")
cases_all_exited = Slot("cases.guards.cases_all_exited", "{case id: True} of cases whose positions are all exited")


# ---------------------------------------------------------------------------------------------
# Facts read once for many cases
# ---------------------------------------------------------------------------------------------
class _Facts:
    """What the guards of a list of cases ask, each fact read for all of them the first time one
    case asks it (one query per fact, not one per case)."""

    def __init__(self, case_ids: Iterable[int]) -> None:
        self.case_ids = sorted(set(case_ids))
        self.read: dict[str, dict[int, Any]] = {}

    def of(self, name: str, case_id: int, read_all: Callable[[list[int]], dict[int, Any]]) -> Any:
        if name not in self.read:
            self.read[name] = read_all(self.case_ids)
        return self.read[name].get(case_id)


_facts: ContextVar[_Facts | None] = ContextVar("cases.guards.facts", default=None)


@contextmanager
def facts_for(case_ids: Iterable[int]) -> Iterator[None]:
    """Within, the guards of these cases answer from facts read once for all of them (the lists that
    ask the guards of every case: "Mijn werk", cases.work). Read-only use: a guard after a change
    inside would answer from before it."""
    token = _facts.set(_Facts(case_ids))
    try:
        yield
    finally:
        _facts.reset(token)


def _confirmed_decisions(case_ids: list[int]) -> dict[int, list]:
    """{case id: its confirmed kabinetsbesluiten, latest first} (Case.confirmed_cabinet_decision)."""
    from .models import CabinetDecision

    decisions: dict[int, list] = {}
    for decision in CabinetDecision.objects.filter(case_id__in=case_ids, confirmed_at__isnull=False).order_by(
        "-confirmed_at", "-id"
    ):
        decisions.setdefault(decision.case_id, []).append(decision)
    return decisions


def _latest_confirmed(case, *, orders_sale: bool):
    """The latest confirmed decision on deploying (or ordering the sale), from the facts where the
    case is among them, else from the case (Case.confirmed_cabinet_decision, confirmed_sale_order)."""
    facts = _facts.get()
    if facts is None or case.pk not in facts.case_ids:
        return case.confirmed_sale_order() if orders_sale else case.confirmed_cabinet_decision()
    decisions = facts.of("confirmed_decisions", case.pk, _confirmed_decisions) or []
    return next((d for d in decisions if d.orders_sale == orders_sale), None)


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


def _asked(case, one: Slot, many: Slot) -> Any:
    """A slot's answer for a case: from the facts read for many cases where it is among them."""
    facts = _facts.get()
    if facts is None or case.pk not in facts.case_ids:
        return one(case.pk)
    return facts.of(many.name, case.pk, many)


def _approved_outcome(case) -> str | None:
    return _asked(case, approved_outcome, approved_outcomes)


def has_approved_assessment_to_deploy(case) -> bool:
    return _approved_outcome(case) == "deploy"


def has_approved_assessment_not_to_deploy(case) -> bool:
    return _approved_outcome(case) == "do_not_deploy"


def cabinet_decided_to_deploy(case) -> bool:
    decision = _latest_confirmed(case, orders_sale=False)
    return decision is not None and decision.deploy


def cabinet_declined(case) -> bool:
    decision = _latest_confirmed(case, orders_sale=False)
    return decision is not None and not decision.deploy


def has_disbursement(case) -> bool:
    return bool(_asked(case, has_disbursement_booked, cases_with_disbursement))


def nothing_invested(case) -> bool:
    """No disbursement into the case's positions stands: none was booked, or every one was reversed."""
    return not has_disbursement(case)


def cabinet_ordered_sale(case) -> bool:
    return _latest_confirmed(case, orders_sale=True) is not None


def exit_is_authorised(case) -> bool:
    """The exit gate (letter, "Werking": "Zodra de risico's voor de nationale veiligheid tot op een
    beheersbaar niveau zijn gebracht, zal de overheid haar belang ... afbouwen"): the latest approved
    risk review concluded that the risk is manageable, or a confirmed kabinetsbesluit ordered the sale.
    The case's move to exit and every sale booked (bev.services.exits.exit_book) ask this."""
    return bool(_asked(case, review_allows_exit, cases_allowing_exit)) or cabinet_ordered_sale(case)


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
    return bool(_asked(case, positions_all_exited, cases_all_exited))


# What each guard means, as people read it: the case page's "not possible yet" list and a refused
# transition's message (cases.services.case_transition; the API also gives the names, `unmet`).
GUARD_LABELS = {
    "intake_is_complete": gettext_lazy(
        "intake compleet (reikwijdtegrond met de feiten van grond 3 of 4, "
        "tekortschieten bestaande instrumenten of bij grond 4 waarom de gevolgen van het "
        "toetsingsbesluit niet anders te mitigeren zijn, marktfinanciering verkend, "
        "onderneming en investeerder bekend)"
    ),
    "urgent_and_intake_complete": gettext_lazy("urgentie „per direct” en intake compleet"),
    "state_actor_not_excluded": gettext_lazy("investeerder niet uitgesloten als statelijke actor"),
    "has_approved_assessment_to_deploy": gettext_lazy("goedgekeurde risico-inschatting met advies tot inzet"),
    "has_approved_assessment_not_to_deploy": gettext_lazy("goedgekeurde risico-inschatting met advies geen inzet"),
    "cabinet_decided_to_deploy": gettext_lazy("bevestigd kabinetsbesluit tot inzet"),
    "cabinet_declined": gettext_lazy("bevestigd kabinetsbesluit om niet in te zetten"),
    "has_disbursement": gettext_lazy("een uitgevoerde storting in een positie"),
    "nothing_invested": gettext_lazy("elke storting in de posities is tegengeboekt"),
    "exit_is_authorised": gettext_lazy(
        "goedgekeurde risicoheroverweging die het risico beheersbaar acht, of bevestigd kabinetsbesluit tot verkoop"
    ),
    "all_positions_exited": gettext_lazy("alle posities volledig afgebouwd"),
    "cabinet_decided_since_follow_on_request": gettext_lazy("bevestigd kabinetsbesluit over de vervolginvestering"),
}


def guard_label(name: str) -> str:
    """A guard's rule in words (`GUARD_LABELS`); a guard without a label reads as its name."""
    return str(GUARD_LABELS.get(name, name.replace("_", " ")))
