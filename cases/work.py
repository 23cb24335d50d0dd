"""What waits on a person in the case file ("Mijn werk", core.extensions.work_sources), and the helpers
the higher apps' sources use: the person's open cases with their role on each and the running
stage's deadline, read in two queries whatever the number of cases.

A task is a dict: `kind` (what to do), `title` (the case), `what` (a detail), `url` (the page of the
action), `due_at` (aware datetime or None), `overdue`, `urgent`. A task appears only for the person
it waits on: their role on the case team (which must fit their organisational role, as in
`access.permissions.can`) does the next step, and under four eyes they are not the one who
prepared it. Optional steps that are always possible (withdrawing a case, ending it as not
admissible, a follow-on request) are no tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.roles import Role, case_roles_for, roles_for
from core.extensions import work_round_memo

from . import guards
from .constants import DECISION_STATES, OPEN_STATES, SALE_ORDER_STATES, State, Urgency
from .models import CabinetDecision, Case, CaseTeamMember, StageClock
from .selectors import cabinet_decision_refusal

# Steps a person may take but that nobody waits for.
OPTIONAL_TRANSITIONS = {"withdraw", "reject_not_admissible", "request_follow_on_decision"}
# The lifecycle's own work per state, when the rules for the next step are not met yet: who does it.
PREPARATION = {
    State.INTAKE: (Role.CASE_OFFICER, gettext_lazy("Intake aanvullen")),
}
# Each step as a task.
STEP_LABELS = {
    "start_intake": gettext_lazy("Intake starten"),
    "start_assessment": gettext_lazy("Risico-inschatting starten"),
    "fast_track_to_assessment": gettext_lazy("Per direct naar de risico-inschatting"),
    "submit_to_cabinet": gettext_lazy("Aan het kabinet voorleggen"),
    "conclude_not_deployed": gettext_lazy("Afsluiten: geen inzet"),
    "start_investment_preparation": gettext_lazy("Investering laten voorbereiden"),
    "record_cabinet_declined": gettext_lazy("Afsluiten: kabinet besloot tot geen inzet"),
    "mark_invested": gettext_lazy("Als geïnvesteerd markeren"),
    "undo_invested": gettext_lazy("Terug naar de voorbereiding van de investering"),
    "start_monitoring": gettext_lazy("Monitoring starten"),
    "resume_after_follow_on_decision": gettext_lazy("Monitoring hervatten"),
    "start_exit": gettext_lazy("Exit starten"),
    "close": gettext_lazy("Casus afsluiten"),
}


if TYPE_CHECKING:

    class MyCase(Case):
        """For the type checker only: a case as `my_cases` gives it."""

        my_role: str | None
        clock: StageClock | None


def my_cases(*, user, states=None) -> list[MyCase]:
    """The open cases whose file this person may open, each with `my_role` (their role on its team,
    None where their organisational role no longer allows it) and `clock` (the running stage's
    StageClock or None). Two queries, once per gathering of the person's work (core.extensions.work_round):
    every source reads them."""
    memo = work_round_memo()
    key = ("cases.work.my_cases", user.pk, tuple(states or OPEN_STATES))
    if memo is not None and key in memo:
        return memo[key]
    membership = CaseTeamMember.objects.filter(case=OuterRef("pk"), user_id=user.pk).values("role")[:1]
    cases = cast(
        "list[MyCase]",
        list(
            Case.objects.case_file_visible_to(user)
            .filter(state__in=states or OPEN_STATES)
            .annotate(my_role=Subquery(membership))
            .order_by("id")[:500]
        ),
    )
    allowed = case_roles_for(getattr(user, "role", ""))
    clocks = {}
    if cases:
        for clock in StageClock.objects.filter(case__in=[c.pk for c in cases], completed_at__isnull=True):
            clocks[clock.case_id] = clock
    for case in cases:
        if case.my_role not in allowed:
            case.my_role = None
        running = clocks.get(case.pk)
        case.clock = running if running is not None and running.stage == case.state else None
    if memo is not None:
        memo[key] = cases
    return cases


def deadline(case: Case) -> dict:
    """The running stage's due date of a case from `my_cases`, and whether it passed."""
    clock = getattr(case, "clock", None)
    if clock is None:
        return {"due_at": None, "overdue": False}
    return {"due_at": clock.due_at, "overdue": not clock.is_suspended and clock.due_at < timezone.now()}


def task(*, case: Case, kind: str, what: str, url: str, **due) -> dict:
    due = due or deadline(case)
    return {
        "kind": kind,
        "title": f"{case.reference} {case.title}",
        "what": what,
        "url": url,
        "due_at": due.get("due_at"),
        "overdue": bool(due.get("overdue")),
        "urgent": case.urgency == Urgency.IMMEDIATE,
    }


def may(case: MyCase, action: str) -> bool:
    """`access.permissions.can(user, action, case=case)` for a case from `my_cases`: its `my_role` is
    the person's role on the team where their organisational role allows it, so the team is not read
    again for every case."""
    return case.my_role is not None and case.my_role in roles_for(action)


def _may_transition(role: str | None, transition) -> bool:
    """The transition's permission (cases.models._may) for a role, without reading the team again."""
    action = transition.permission.__name__.removeprefix("may_")
    return role is not None and role in roles_for(f"case.transition.{action}")


def _next_steps(case: MyCase) -> list:
    """The lifecycle's steps out of the case's state that this person's role may take and whose
    rules are met (the guards are read only for these)."""
    steps = []
    for t in case.get_all_state_transitions():
        if t.source != case.state or t.name in OPTIONAL_TRANSITIONS or not _may_transition(case.my_role, t):
            continue
        if all(condition(case) for condition in t.conditions):
            steps.append(t)
    return steps


def work_items(*, user) -> list[dict]:
    """Lifecycle steps that wait on this person, and the kabinetsbesluit to record or confirm."""
    items: list[dict] = []
    cases = [c for c in my_cases(user=user) if c.my_role is not None]
    decision_cases = [c.pk for c in cases if c.state in DECISION_STATES or c.state in SALE_ORDER_STATES]
    decisions: dict[int, list[CabinetDecision]] = {}
    if decision_cases:
        for decision in CabinetDecision.objects.filter(case__in=decision_cases).order_by("recorded_at", "id"):
            decisions.setdefault(decision.case_id, []).append(decision)
    with guards.facts_for(c.pk for c in cases):  # each fact the guards ask read once for all cases
        for case in cases:
            items += _case_items(user, case, decisions)
    return items


def _case_items(user, case: MyCase, decisions: dict[int, list[CabinetDecision]]) -> list[dict]:
    """The case's next lifecycle steps for this person, or its preparation, and the kabinetsbesluit."""
    items: list[dict] = []
    detail = reverse("cases:detail", args=[case.pk])
    if case.state in DECISION_STATES and case.my_role == Role.CABINET_SECRETARIAT:
        items += _decision_items(user, case, decisions.get(case.pk, []))
    elif case.state in SALE_ORDER_STATES and case.my_role == Role.CABINET_SECRETARIAT:
        # a decision ordering the stake's sale, recorded while it is held, waits for its confirmation
        items += _confirmation_items(user, case, [d for d in decisions.get(case.pk, []) if d.orders_sale])
    steps = _next_steps(case)
    if steps:
        items.append(
            task(
                case=case,
                kind=_("Statusovergang"),
                what=" / ".join(str(STEP_LABELS.get(t.name, State(t.target).label)) for t in steps),
                url=detail + "#actions",
            )
        )
    elif case.state in PREPARATION and PREPARATION[case.state][0] == case.my_role:
        items.append(
            task(
                case=case,
                kind=str(PREPARATION[case.state][1]),
                what=case.get_state_display(),
                url=detail + "#actions",
            )
        )
    return items


def _decision_items(user, case: Case, decisions: list[CabinetDecision]) -> list[dict]:
    """The secretariat: record the kabinetsbesluit while none is recorded for this round; confirm one
    another recorded (four eyes). Nothing while their own recording waits for a colleague. A rejected
    decision waits for nobody: the task to record one comes back, saying why the last was rejected."""
    refusal = cabinet_decision_refusal(case=case, state=case.state, orders_sale=False, decisions=decisions)
    if refusal == "pending_decision":
        return _confirmation_items(user, case, decisions)
    if refusal is not None:  # the decision of this round is confirmed (cases.selectors)
        return []
    latest = decisions[-1] if decisions else None
    what = case.get_state_display()
    if latest is not None and latest.rejected_at is not None:
        what = _("%(ref)s afgewezen: %(reason)s") % {
            "ref": latest.reference,
            "reason": Truncator(latest.rejection_reason).chars(120),
        }
    return [
        task(
            case=case,
            kind=_("Kabinetsbesluit vastleggen"),
            what=what,
            url=reverse("cases:detail", args=[case.pk]) + "#cabinet-decision",
        )
    ]


def _confirmation_items(user, case: Case, decisions: list[CabinetDecision]) -> list[dict]:
    """Confirm the decision another secretary recorded (four eyes); nothing for its recorder."""
    pending = [d for d in decisions if d.is_pending]
    if not pending or pending[-1].recorded_by_id == user.pk:
        return []
    decision = pending[-1]
    return [
        task(
            case=case,
            kind=_("Vier ogen: kabinetsbesluit bevestigen"),
            what=decision.reference,
            url=reverse("cases:decision_confirm", args=[case.pk, decision.pk]),
        )
    ]
