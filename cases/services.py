"""Services of the case file: every function that changes a case, each in one transaction, each
writing the timeline and the audit trail with the change."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Collection, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_fsm import ConcurrentTransition, can_proceed

from access.models import User
from access.notifications import notify_task
from access.permissions import can, require, require_four_eyes
from access.roles import Role, case_roles_for
from access.selectors import may_hold_case_role
from audit.models import AuditRecord
from audit.services import audit_log, audit_record, audit_written, diff
from core import fastpaths
from core.classification import Classification, rank, require_accredited
from core.exceptions import Conflict, NotFound, PermissionDenied, RuleViolation
from core.formatting import date_display, page_euro
from core.inserts import insert, insert_select_parts, stored

from . import guards, hooks
from .constants import (
    CASE_FACT_FIELDS,
    DECISION_STATES,
    END_STATES,
    ENDED_CASE_TEAM_ROLES,
    HISTORICAL_TRANSACTION_BEFORE,
    SALE_ORDER_STATES,
    SCOPE_GROUND_FACTS,
    STAGE_DAYS,
    TRANSITION_DESCRIPTIONS,
    WET_VIFO_IN_FORCE_SINCE,
    EventKind,
    Instrument,
    ScopeGround,
    State,
    StrategicCategory,
)
from .models import (
    CabinetDecision,
    Case,
    CaseCategory,
    CaseTeamMember,
    ReferenceCounter,
    StageClock,
    TimelineEvent,
)
from .selectors import cabinet_decision_refusal, team_members_who_may

# Fields a case officer may change, by state. Later states freeze the facts the decision rests on.
_SIGNAL_FIELDS = set(CASE_FACT_FIELDS)
# The facts of scope grounds 3 and 4 stay correctable while the risk assessment runs: the assessor
# confirms the ground on them (assessments.services.assessment_set_scope).
_SCOPE_FACT_FIELDS = {name for names in SCOPE_GROUND_FACTS.values() for name in names}
EDITABLE_FIELDS: dict[str, set[str]] = {
    State.SIGNAL: _SIGNAL_FIELDS,
    State.INTAKE: _SIGNAL_FIELDS,
    State.RISK_ASSESSMENT: {
        "title",
        "summary",
        "classification",
        "urgency",
        "acquirer_country",
        "state_actor_status",
        "intended_stake_percent",
        "intended_control",
        "transaction_value",
        "expected_closing_date",
        "target_sector",
        "categories",
        *_SCOPE_FACT_FIELDS,
    },
    State.CABINET_DECISION: {"title", "summary", "classification", "urgency", "expected_closing_date"},
    State.INVESTMENT_PREPARATION: {"title", "summary", "classification", "urgency"},
    State.INVESTED: {"title", "summary", "classification"},
    State.MONITORING: {"title", "summary", "classification"},
    State.EXIT: {"title", "summary", "classification"},
    State.FOLLOW_ON_DECISION: {"title", "summary", "classification"},
}
TRACKED_FIELDS = sorted(_SIGNAL_FIELDS - {"categories"})


def _snapshot(case: Case) -> dict[str, Any]:
    data = {name: getattr(case, name) for name in TRACKED_FIELDS}
    data["categories"] = sorted(case.categories)
    return data


def _record_event(
    *,
    case: Case,
    actor: User | None,
    kind: str,
    transition: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        kind=kind,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def case_note_record(*, case: Case, actor: User, data: dict) -> TimelineEvent:
    """A note on the case's timeline from another part of the service (an assessment's step);
    called inside that part's transaction, which also writes its audit record."""
    return _record_event(case=case, actor=actor, kind=EventKind.NOTE, data=data)


def _validate_choices(values: Iterable[str] | None, choices: Collection[str], field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in choices]
    if unknown:
        raise ValidationError({field: _("Onbekende waarde(n): %(v)s.") % {"v": ", ".join(map(str, unknown))}})
    return values


def scope_fact_errors(case: Case) -> dict[str, str]:
    """The recorded facts of scope grounds 3 and 4 that contradict the letter, by field.

    Ground 3 (letter, "Reikwijdte"): "Historische transacties van vóór 8 september 2020 die
    hedendaags onder de Wet vifo zouden vallen": a transaction on or after 8 September 2020 is not
    one. Ground 4 rests on "een toetsingsbesluit op grond van de Wet vifo": such a decision is not
    dated before the Wet vifo came into force, nor in the future. (Missing facts are the intake's
    concern: cases.guards.intake_is_complete.)"""
    errors = {}
    today = timezone.localdate()
    grounds = set(case.scope_grounds or [])
    when = case.historical_transaction_date
    if when is not None and ScopeGround.HISTORICAL_TRANSACTION in grounds and when >= HISTORICAL_TRANSACTION_BEFORE:
        errors["historical_transaction_date"] = _(
            "Reikwijdtegrond 3 geldt alleen voor transacties van vóór 8 september 2020 (Kamerbrief 2023, "
            "Reikwijdte: “Historische transacties van vóór 8 september 2020”). Deze transactie is van "
            "%(date)s: kies een andere grond."
        ) % {"date": when.strftime("%d-%m-%Y")}
    elif when is not None and when > today:
        errors["historical_transaction_date"] = _("Een historische transactie ligt niet in de toekomst.")
    decided = case.vifo_decision_date
    if decided is not None and decided < WET_VIFO_IN_FORCE_SINCE:
        errors["vifo_decision_date"] = _(
            "Een toetsingsbesluit op grond van de Wet vifo is niet van vóór "
            "1 juni 2023, de dag waarop de wet in werking trad."
        )
    elif decided is not None and decided > today:
        errors["vifo_decision_date"] = _("Een genomen toetsingsbesluit ligt niet in de toekomst.")
    return errors


# A signal is received now or earlier. A form filled in on a device whose clock runs a little ahead
# (or a time typed to the minute a moment before it comes) is allowed this much; beyond it the time
# is a typo ("2030" for "2023"), which would put the signal at the end of every list sorted by it and
# start the stage deadlines in the future.
SIGNAL_CLOCK_SKEW = timedelta(minutes=5)


def signal_time_errors(case: Case) -> dict[str, str]:
    """A signal received later than now (plus `SIGNAL_CLOCK_SKEW`), by field."""
    received = case.signal_received_at
    if received is not None and received > timezone.now() + SIGNAL_CLOCK_SKEW:
        return {
            "signal_received_at": _("Een signaal kan niet in de toekomst zijn ontvangen (het is nu %(now)s).")
            # the time as the page writes dates ("7 december 2026 06:49"), not "07-12-2026", which the
            # date field's own hint (YYYY-MM-DD) contradicted
            % {"now": date_format(timezone.localtime(), "j F Y H:i")}
        }
    return {}


def country_errors(case: Case) -> dict[str, str]:
    """An acquirer's country that is no ISO 3166-1 country, by field: the model takes any two capitals
    ("XX" was accepted through the API), the web form offers the list (django-countries, as
    `cases.forms.country_choices`). Asked when the country is given, so a code stored before the rule
    is not held against other changes of the case."""
    code = case.acquirer_country
    if code and code not in countries:
        return {"acquirer_country": _("„%(code)s” is geen landcode van ISO 3166-1, bijv. CN.") % {"code": code}}
    return {}


def _next_reference(year: int) -> str:
    counter, _created = ReferenceCounter.objects.select_for_update(no_key=True).get_or_create(year=year)
    ReferenceCounter.objects.filter(pk=year).update(last_number=F("last_number") + 1)
    counter.refresh_from_db()
    return f"BEV-{year}-{counter.last_number:04d}"


# ---------------------------------------------------------------------------------------------
# Classification (issue 20): what this deployment may hold, whom it leaves able to see the case
# ---------------------------------------------------------------------------------------------
def _require_classification_allowed(
    *, user: User, case: Case, level: str, team_clearances: Iterable[User] | None = None
) -> None:
    """A case's classification stays within the deployment's accreditation (400) and never above
    the clearance of the person setting it, nor above every team member's (409: nobody could see
    the case any more; DOMAIN "Confidentiality": need-to-know within clearance)."""
    require_accredited(level)
    if rank(level) > user.clearance_rank:
        raise Conflict(
            _("U kunt een casus niet hoger rubriceren dan uw eigen machtiging (%(clearance)s).")
            % {"clearance": user.get_clearance_display()},
            code="classification_above_own_clearance",
            field="classification",  # at the form's field, not above the form (found by trying the product)
        )
    if team_clearances is None:
        team_clearances = [
            m.user for m in CaseTeamMember.objects.filter(case=case, user__is_active=True).select_related("user")
        ]
    if not any(rank(level) <= member.clearance_rank for member in team_clearances):
        raise Conflict(
            _(
                "Niemand in het casusteam heeft een machtiging voor %(level)s: de casus zou voor iedereen "
                "onzichtbaar worden."
            )
            % {"level": Classification(level).label},
            code="classification_above_team_clearance",
        )


def _reclassify(*, user: User, case: Case, before: str, after: str, reason: str) -> str:
    """Check a change of the case's classification; lowering needs the right
    `case.lower_classification` (as documents need `document.lower_classification`) and a reason."""
    reason = (reason or "").strip()
    if rank(after) < rank(before):
        require_accredited(after)
        if not can(user, "case.lower_classification", case=case):
            raise PermissionDenied(
                _("Alleen een daartoe bevoegde gebruiker mag de rubricering van een casus verlagen."),
                code="permission_denied",
                field="classification",
            )
        if not reason:
            raise RuleViolation(_("Geef een reden op om de rubricering te verlagen."), field="classification_reason")
    else:
        _require_classification_allowed(user=user, case=case, level=after)
        _require_team_cleared(case=case, level=after)
    return reason


def _require_team_cleared(*, case: Case, level: str) -> None:
    """Raising a case above an active member's clearance is refused (409, naming them), not done
    with them losing sight: the case would vanish mid-work from its assessor's or fund manager's
    lists and tasks while they still count as its team. Whoever raises it first takes them off the
    team or has an administrator raise their clearance: each its own audited step. The service's own
    choice (docs/security.md, "Classification changes"); the team rule it keeps is
    `access.selectors.people_who_may_hold_case_role`."""
    short = (
        CaseTeamMember.objects.filter(case=case, user__is_active=True, user__clearance_rank__lt=rank(level))
        .select_related("user")
        .order_by("user__username")
    )
    members = [m.user for m in short]
    if members:
        raise Conflict(
            _(
                "Niet iedereen in het casusteam heeft een machtiging voor %(level)s: %(members)s. Haal hen "
                "eerst uit het team of laat hun machtiging verhogen."
            )
            % {"level": Classification(level).label, "members": ", ".join(str(m) for m in members)},
            code="classification_above_member_clearance",
            field="classification",
            extra={"members": [m.username for m in members]},
        )


# ---------------------------------------------------------------------------------------------
# Create and update
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def case_create(*, user: User, data: dict[str, Any]) -> Case:
    """Record a signal as a new case; its author joins the case team as case officer."""
    require(user, "case.create")
    data = dict(data)
    categories = _validate_choices(data.pop("categories", []), StrategicCategory.values, "categories")
    data["scope_grounds"] = _validate_choices(data.get("scope_grounds", []), ScopeGround.values, "scope_grounds")
    unknown = set(data) - _SIGNAL_FIELDS
    if unknown:
        raise ValidationError({name: _("Dit veld bestaat niet.") for name in unknown})
    case = Case(created_by=user, **data)
    case.reference = "pending"
    case.full_clean(exclude=["reference", "created_by", "state"])
    if errors := {**scope_fact_errors(case), **signal_time_errors(case), **country_errors(case)}:
        raise ValidationError(errors)
    _require_classification_allowed(user=user, case=case, level=case.classification, team_clearances=[user])
    case.reference = _next_reference(timezone.localdate().year)
    case.save()
    CaseCategory.objects.bulk_create([CaseCategory(case=case, category=c) for c in categories])
    CaseTeamMember.objects.create(case=case, user=user, role=Role.CASE_OFFICER, added_by=user)
    _record_event(case=case, actor=user, kind=EventKind.CREATED, to_state=case.state)
    _start_clock(case=case, stage=case.state)
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="case.create",
        obj=case,
        case_id=case.pk,
        changes=diff({}, _snapshot(case)),
    )
    return case


def _stale_version() -> Conflict:
    """The case changed since the version the change was made on (409)."""
    return Conflict(
        _("De casus is intussen door iemand anders gewijzigd. Laad de casus opnieuw."), code="stale_version"
    )


@transaction.atomic
def case_update(
    *,
    user: User,
    case: Case,
    data: dict[str, Any],
    expected_version: int | None,
    classification_reason: str = "",
) -> Case:
    """Change the fields the current state allows. `expected_version` is the version the change was
    made on: required (400 at `version` without it: a change that names none would overwrite a
    concurrent edit unseen); a stale one gets 409. A change of classification is checked by
    `_reclassify` and is its own step on the timeline and in the trail."""
    require(user, "case.update", case=case)
    if expected_version is None:
        raise RuleViolation(
            _(
                "Geef de versie van de casus op die u hebt gewijzigd; zonder versie kan een gelijktijdige wijziging verloren gaan."
            ),
            field="version",
        )
    # On the case's row locked (a transition waits): the state the fields are allowed by is the one
    # saved with them. A copy read before a transition committed is stale: 409, not the save's
    # ConcurrentTransition (a 500).
    state = _locked_case_state(case)
    if state in END_STATES:
        raise Conflict(_("Een beëindigde casus kan niet meer worden gewijzigd."), code="case_closed")
    if state != case.state:
        raise _stale_version()
    allowed = EDITABLE_FIELDS.get(case.state, set())
    refused = sorted(set(data) - allowed)
    if refused:
        raise ValidationError(
            {
                name: _("Dit veld kan in de status '%(state)s' niet worden gewijzigd.")
                % {"state": case.get_state_display()}
                for name in refused
            }
        )
    version = expected_version
    before = _snapshot(case)
    data = dict(data)
    categories = None
    if "categories" in data:
        categories = _validate_choices(data.pop("categories"), StrategicCategory.values, "categories")
    if "scope_grounds" in data:
        data["scope_grounds"] = _validate_choices(data["scope_grounds"], ScopeGround.values, "scope_grounds")
    reclassified: dict[str, Any] | None = None
    if data.get("classification", case.classification) != case.classification:
        if data["classification"] not in Classification.values:
            raise ValidationError({"classification": _("Onbekende rubricering.")})
        reason = _reclassify(
            user=user, case=case, before=case.classification, after=data["classification"], reason=classification_reason
        )
        reclassified = {
            "classification": {"before": case.classification, "after": data["classification"]},
            "reason": reason,
        }
    for name, value in data.items():
        setattr(case, name, value)
    proposed = {name: getattr(case, name) for name in TRACKED_FIELDS}
    proposed["categories"] = sorted(categories) if categories is not None else before["categories"]
    if not reclassified and not diff(before, proposed):
        # Nothing changes (every value as it was): no save and no new version. It used to move the
        # version and the change time on with nothing in the trail to say why.
        if not Case.objects.filter(pk=case.pk, version=version).exists():
            raise _stale_version()
        return case
    case.full_clean(exclude=["state"])
    # A future signal time is refused when it is given, not held against other changes of a case
    # recorded before the rule.
    if errors := {
        **scope_fact_errors(case),
        **(signal_time_errors(case) if "signal_received_at" in data else {}),
        **(country_errors(case) if "acquirer_country" in data else {}),
    }:
        raise ValidationError(errors)
    case.save(update_fields=list(data) + ["classification_rank", "updated_at"] if data else ["updated_at"])
    if categories is not None:
        CaseCategory.objects.filter(case=case).exclude(category__in=categories).delete()
        existing = set(CaseCategory.objects.filter(case=case).values_list("category", flat=True))
        CaseCategory.objects.bulk_create([CaseCategory(case=case, category=c) for c in categories if c not in existing])
    # Optimistic lock: only one of two concurrent editors of the same version wins.
    if not Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1):
        raise _stale_version()
    case.version = version + 1
    changes = diff(before, _snapshot(case))
    changes.pop("classification", None)  # its own step, below
    if changes:
        _record_event(case=case, actor=user, kind=EventKind.UPDATED, data={"fields": sorted(changes)})
        audit_log(
            actor=user,
            action=AuditRecord.Action.UPDATE,
            event="case.update",
            obj=case,
            case_id=case.pk,
            changes=changes,
        )
    if reclassified:
        _record_event(
            case=case,
            actor=user,
            kind=EventKind.UPDATED,
            reason=reclassified["reason"],
            data={"fields": ["classification"], "classification": reclassified["classification"]},
        )
        audit_log(
            actor=user,
            action=AuditRecord.Action.UPDATE,
            event="case.reclassify",
            obj=case,
            case_id=case.pk,
            changes=reclassified,
        )
    return case


# ---------------------------------------------------------------------------------------------
# The lifecycle
# ---------------------------------------------------------------------------------------------
def transition_method(case: Case, name: str) -> Any:
    method = getattr(case, name, None)
    if name.startswith("_") or method is None or not hasattr(method, "_django_fsm"):
        raise RuleViolation(_("Onbekende statusovergang '%(name)s'.") % {"name": name}, field="transition")
    return method


def _target_label(meta: Any) -> str:
    """Where a transition leads, as people read it (its target state's label; the targets joined
    where it has several)."""
    targets = dict.fromkeys(str(t.target) for t in meta.transitions.values())
    return " / ".join(str(State(target).label) for target in targets if target in State.values)


def unmet_guards(case: Case, name: str) -> list[str]:
    """The names of the rules that block a transition from the current state."""
    meta = transition_method(case, name)._django_fsm
    found = meta.get_transition(case.state)
    if found is None:
        return []
    return [condition.__name__ for condition in found.conditions if not condition(case)]


def case_transition(*, user: User, case: Case, name: str, reason: str = "", data: dict | None = None) -> Case:
    """Move a case along its lifecycle.

    404 is the caller's business (need-to-know); here: unknown name 400, role 403, wrong state or
    unmet rule 409, missing reason 400, someone else first 409. Nothing changes on refusal.

    The checks only read; the writes (the case, its timeline event, the stage clocks, the audit record)
    are one transaction: on PostgreSQL with the fast paths one statement, atomic by itself (issue 25:
    no BEGIN and COMMIT round trips); a transition that ends the case writes that statement and the
    fund's release (`hooks.case_ended`) in one transaction."""
    method = transition_method(case, name)
    meta = method._django_fsm
    if not meta.has_transition(case.state):
        raise Conflict(
            _("De stap naar „%(target)s” is niet mogelijk vanuit de status „%(state)s”.")
            % {"target": _target_label(meta), "state": case.get_state_display()},
            code="invalid_state",
        )
    found = meta.get_transition(case.state)
    if not found.has_perm(case, user):
        raise PermissionDenied(
            _("Uw rol in deze casus staat de stap naar „%(target)s” niet toe.") % {"target": State(found.target).label}
        )
    if not can_proceed(method):
        blocked = unmet_guards(case, name)
        raise Conflict(
            _("Niet voldaan aan: %(rules)s.") % {"rules": "; ".join(guards.guard_label(rule) for rule in blocked)},
            code="guard_failed",
            extra={"unmet": blocked},  # the rules' names, for API clients
        )
    reason = (reason or "").strip()
    if found.custom.get("reason_required") and not reason:
        raise RuleViolation(_("Een reden is verplicht voor deze overgang."), field="reason")
    from_state = case.state
    method()
    case.version += 1
    if case.state in END_STATES:
        case.closed_at = timezone.now()
    if not fastpaths.enabled() or connection.vendor != "postgresql":
        return _transition_in_transaction(
            user=user, case=case, name=name, from_state=from_state, reason=reason, data=data or {}
        )
    record = _transition_record(user=user, case=case, name=name, from_state=from_state, reason=reason)
    ends = case.state in END_STATES
    # A step that ends the case: the fund releases what is still reserved, in the same transaction.
    with transaction.atomic() if ends else contextlib.nullcontext():
        if not _write_transition_at_once(
            case=case, actor=user, name=name, from_state=from_state, reason=reason, data=data or {}, record=record
        ):
            raise _concurrent_transition()
        audit_written(record)
        if ends:
            hooks.case_ended(case=case, user=user, reason=reason)
    return case


def _concurrent_transition() -> Conflict:
    return Conflict(
        _("De casus is intussen door iemand anders gewijzigd. Laad de casus opnieuw."), code="concurrent_transition"
    )


def _transition_record(*, user: User, case: Case, name: str, from_state: str, reason: str) -> AuditRecord:
    """The transition's audit record (not yet written): who moved the case from where to where, and why."""
    return audit_record(
        actor=user,
        action=AuditRecord.Action.TRANSITION,
        event=f"case.{name}",
        obj=case,
        case_id=case.pk,
        changes={"state": {"before": from_state, "after": case.state}, "reason": reason},
    )


@transaction.atomic
def _transition_in_transaction(*, user: User, case: Case, name: str, from_state: str, reason: str, data: dict) -> Case:
    """The transition's writes statement by statement, in one transaction (and the fund's release when
    it ends the case): the plain path (fast paths off, or SQLite)."""
    if not _save_transition(case, from_state=from_state):
        raise _concurrent_transition()
    record = _transition_record(user=user, case=case, name=name, from_state=from_state, reason=reason)
    _record_transition(case=case, actor=user, name=name, from_state=from_state, reason=reason, data=data, record=record)
    audit_written(record)
    if case.state in END_STATES:  # the fund releases what is still reserved, in this transaction
        hooks.case_ended(case=case, user=user, reason=reason)
    return case


# What a transition changes, while the case is still in the state the transition left (the lost-update
# check of django-fsm's ConcurrentTransitionMixin, in the same statement).
_TRANSITION_UPDATE = (
    'UPDATE "cases_case" SET "state" = %s, "version" = %s, "closed_at" = %s, "updated_at" = %s '
    'WHERE "id" = %s AND "state" = %s'
)


def _save_transition(case: Case, *, from_state: str) -> bool:
    """Write the case's state, version and dates (only what a transition changes: a full-row save would
    also write back every other field as this request read it, over a concurrent edit); False when
    someone else moved the case first. With the fast paths one prepared statement (the ORM's save
    builds and compiles its UPDATE every time, issue 25), else django-fsm's save."""
    if not fastpaths.enabled():
        try:
            case.save(update_fields=["state", "version", "closed_at", "updated_at"])
        except ConcurrentTransition:
            return False
        return True
    case.updated_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _TRANSITION_UPDATE, [case.state, case.version, case.closed_at, case.updated_at, case.pk, from_state]
        )
        if cursor.rowcount != 1:
            return False
    case._update_initial_state()  # as django-fsm's save: a later save of this instance checks the new state
    return True


def _transition_rows(
    *, case: Case, actor: User, name: str, from_state: str, reason: str, data: dict, now: datetime
) -> tuple[TimelineEvent, StageClock | None]:
    """A transition's timeline event and the new stage's clock (None where the stage has no deadline),
    not yet written."""
    event = TimelineEvent(
        case=case,
        at=now,
        actor=actor,
        kind=EventKind.TRANSITION,
        transition=name,
        from_state=from_state,
        to_state=case.state,
        reason=reason,
        data=data,
    )
    due = stage_due_at(case, case.state, now)
    clock = StageClock(case=case, stage=case.state, started_at=now, due_at=due) if due is not None else None
    return event, clock


def _record_transition(
    *, case: Case, actor: User, name: str, from_state: str, reason: str, data: dict, record: AuditRecord
) -> None:
    """The rows a transition writes besides the case, one statement each (the plain path; the fast path
    writes them with the case's UPDATE in `_write_transition_at_once`): its timeline event, the left
    stage's clock completed, the new stage's clock started (where the stage has a deadline) and its
    audit record (`record`, from audit_record; the caller calls audit_written after)."""
    now = timezone.now()
    event, clock = _transition_rows(
        case=case, actor=actor, name=name, from_state=from_state, reason=reason, data=data, now=now
    )
    event.save(force_insert=True)
    _complete_clock(case=case, stage=from_state, at=now)
    if clock is not None:
        clock.save(force_insert=True)
    insert(record)


def _write_transition_at_once(
    *, case: Case, actor: User, name: str, from_state: str, reason: str, data: dict, record: AuditRecord
) -> bool:
    """Every write of a transition in one data-modifying WITH (PostgreSQL, the fast path): the case's
    UPDATE with its lost-update check (as `_TRANSITION_UPDATE`), and only when it moved the case, the
    left stage's clock completed, the new one started, the audit record and the timeline event. One
    statement is one transaction (in autocommit) or part of the caller's: all or nothing. False, and nothing written, when someone else moved the case first."""
    now = case.updated_at = timezone.now()
    event, clock = _transition_rows(
        case=case, actor=actor, name=name, from_state=from_state, reason=reason, data=data, now=now
    )
    event_sql, event_params = insert_select_parts(event, source="moved")
    record_sql, record_params = insert_select_parts(record, source="moved")
    parts = [
        f"moved AS ({_TRANSITION_UPDATE} RETURNING id)",
        f"completed AS ({_CLOCK_COMPLETION_IF_MOVED})",
        f"audited AS ({record_sql} RETURNING id)",
    ]
    params: list[Any] = [case.state, case.version, case.closed_at, now, case.pk, from_state]
    params += [now, from_state, *record_params]
    if clock is not None:
        clock_sql, clock_params = insert_select_parts(clock, source="moved")
        parts.append(f"started AS ({clock_sql} RETURNING id)")
        params += clock_params
    returning = "id, (SELECT id FROM audited), " + ("(SELECT id FROM started)" if clock is not None else "NULL")
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} {event_sql} RETURNING {returning}", [*params, *event_params])
        row = cursor.fetchone()
    if row is None:  # the UPDATE found the case no longer in `from_state`: nothing was written
        return False
    event_id, record_id, clock_id = row
    case._update_initial_state()  # as django-fsm's save: a later save of this instance checks the new state
    stored(event, event_id)
    stored(record, record_id)
    if clock is not None:
        stored(clock, clock_id)
    return True


_CLOCK_COMPLETION_IF_MOVED = (
    'UPDATE "cases_stageclock" SET "completed_at" = %s '
    'WHERE "case_id" = (SELECT id FROM moved) AND "stage" = %s AND "completed_at" IS NULL'
)


def available_transitions(*, user: User, case: Case) -> list[dict[str, Any]]:
    """Transitions this person may take now (their role allows it and every rule is met)."""
    result = []
    for t in case.get_available_user_state_transitions(user):
        result.append(
            {
                "name": t.name,
                "target": t.target,
                "target_label": State(str(t.target)).label,
                "reason_required": bool(t.custom.get("reason_required")),
                "description": str(TRANSITION_DESCRIPTIONS.get(t.name, "")),
            }
        )
    return result


def blocked_transitions(*, user: User, case: Case) -> list[dict[str, Any]]:
    """Transitions this person's role allows from the current state but whose rules are not met yet."""
    result = []
    for t in case.get_all_state_transitions():
        if t.source != case.state or not t.has_perm(case, user):
            continue
        unmet = [c.__name__ for c in t.conditions if not c(case)]
        if unmet:
            result.append({"name": t.name, "target": t.target, "unmet": unmet})
    return result


# ---------------------------------------------------------------------------------------------
# The case team (need-to-know)
# ---------------------------------------------------------------------------------------------
def _require_role_fits(*, member: User, role: str) -> None:
    """Separation of duties (issue 20): a person holds on a case only a role that their organisational
    role allows (`access.roles.CASE_ROLES_BY_ORGANISATION_ROLE`). 400, at the field `role`."""
    if role not in Role.values:
        raise RuleViolation(_("Onbekende rol."), field="role")
    if role not in case_roles_for(member.role):
        raise RuleViolation(
            _("%(user)s is %(org)s en kan in een casus niet de rol %(role)s krijgen (scheiding van functies).")
            % {
                "user": member.username,
                "org": Role(member.role).label if member.role in Role.values else member.role,
                "role": Role(role).label,
            },
            field="role",
        )


def _earlier_team_roles(*, case: Case, member: User) -> list[str]:
    """The roles `member` held on this case before (from the timeline, which is append-only)."""
    events = (
        TimelineEvent.objects.filter(case=case, kind=EventKind.TEAM).order_by("at", "id").values_list("data", flat=True)
    )
    roles = []
    for data in events:
        if member.username in (data.get("added"), data.get("changed")):
            roles.append(data.get("role") or data.get("to"))
    return [r for r in roles if r]


def _team_candidate_refused(case: Case) -> RuleViolation:
    """One answer for "no such (active) person", "this person may not hold that role" and "not
    cleared for the case's classification": the team form does not tell who exists, nor anyone's
    organisational role or clearance (issue 22)."""
    return RuleViolation(
        _(
            "Onbekende gebruiker, of deze persoon kan in een casus niet deze rol krijgen (scheiding van "
            "functies), of heeft geen machtiging voor de rubricering van deze casus (%(level)s)."
        )
        % {"level": case.get_classification_display()},
        field="role",
    )


def _locked_case_state(case: Case) -> str:
    """Lock the case's row (FOR NO KEY UPDATE: the lock a transition's UPDATE takes, and the first
    lock it takes, so a service that takes it first keeps the transitions' lock order) and return its
    state as it is now: a check against it holds until the transaction ends (a transition waits)."""
    return str(Case.objects.select_for_update(no_key=True).filter(pk=case.pk).values_list("state", flat=True).get())


def _lock_team(*, user: User, case: Case) -> tuple[str, int]:
    """Begin a team change: lock the case row, check the permission on the team as it is now and
    return the case's state and classification rank as they are under the lock.

    The lock is FOR NO KEY UPDATE, the lock a transition's UPDATE takes and the first one it takes,
    so taking it first here keeps the transitions' lock order (then the member's row). Every team
    change of the case waits for the others and for a transition in flight: the state returned (to
    `_require_team_open`) and the team the permission is checked on hold until this transaction
    ends. Without it, a member added while a withdrawal commits sits on the ended case's team."""
    state, classification_rank = (
        Case.objects.select_for_update(no_key=True).filter(pk=case.pk).values_list("state", "classification_rank").get()
    )
    case.forget_team()  # the permission is checked on the team read under the lock
    require(user, "case.manage_team", case=case)
    return str(state), int(classification_rank)


def _require_team_open(*, state: str, roles: Iterable[str]) -> None:
    """A team change on an ended case (closed, withdrawn, not admissible, not deployed) is 409
    `case_closed`, unless every role it touches is in ENDED_CASE_TEAM_ROLES. `state` is the one read
    under the case's lock (`_lock_team`), not the caller's copy."""
    if state in END_STATES and not all(role in ENDED_CASE_TEAM_ROLES for role in roles):
        raise Conflict(
            _(
                "De casus is beëindigd (%(state)s): het casusteam blijft zoals het was; alleen een "
                "auditor kan nog worden toegevoegd of verwijderd."
            )
            % {"state": State(state).label},
            code="case_closed",
        )


@transaction.atomic
def case_team_add(*, user: User, case: Case, member: User | None, role: str) -> CaseTeamMember:
    """Put a person on the case team in a role their organisational role allows, cleared for the
    case's classification; on an ended case only an auditor (ENDED_CASE_TEAM_ROLES). Re-adding someone
    who was removed is allowed and shows on the timeline with the roles they held before; it is no
    way around four eyes, which compares persons over the whole case history (issue 20).

    `member` is None when the username entered names no active person: refused exactly as a person
    whose organisational role does not allow `role` (or who is locked out), and only after the
    permission check."""
    state, classification_rank = _lock_team(user=user, case=case)
    if role not in Role.values:
        raise RuleViolation(_("Onbekende rol."), field="role")
    _require_team_open(state=state, roles=[role])
    # The one rule of who may join in a role (active, not locked out, the function fits, cleared for
    # the case's classification), which the team's people picker offers from too
    # (access.selectors.people_who_may_hold_case_role), on the person's row as it is now, locked (after
    # the case's): an administrator lowering their clearance meanwhile waits and then sees this case
    # (access.services.user_require_clearance_covers_teams).
    if member is not None:
        list(User.objects.select_for_update(no_key=True).filter(pk=member.pk).values_list("pk"))
    if member is None or not may_hold_case_role(person=member, case_role=role, classification_rank=classification_rank):
        raise _team_candidate_refused(case)
    if CaseTeamMember.objects.filter(case=case, user=member).exists():
        raise Conflict(_("Deze persoon staat al in het casusteam."), code="already_member")
    earlier = _earlier_team_roles(case=case, member=member)
    row = CaseTeamMember.objects.create(case=case, user=member, role=role, added_by=user)
    case.forget_team()
    data: dict[str, Any] = {"added": member.username, "role": role}
    if earlier:
        data["earlier_roles"] = earlier
    _record_event(case=case, actor=user, kind=EventKind.TEAM, data=data)
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="case.team_add",
        obj=case,
        case_id=case.pk,
        changes={
            "team": {"before": None, "after": f"{member.username}:{role}"},
            **({"earlier_roles": earlier} if earlier else {}),
        },
    )
    return row


@transaction.atomic
def case_team_change_role(*, user: User, case: Case, member: User, role: str) -> CaseTeamMember:
    """Change a member's role on the case: its own audited step (not remove-and-add). The member
    keeps no power of the old role; what they did in it stays theirs for four eyes (issue 20)."""
    state, _rank = _lock_team(user=user, case=case)
    row = (
        CaseTeamMember.objects.select_for_update(no_key=True).filter(case=case, user=member).first()
        if member is not None
        else None
    )
    if row is None:  # no such person, or not on the team: one answer (issue 22)
        raise NotFound(_("Deze persoon staat niet in het casusteam."))
    if member.pk == user.pk:
        raise RuleViolation(_("U kunt uw eigen rol in het casusteam niet wijzigen."), field="role")
    _require_team_open(state=state, roles=[row.role, role])
    _require_role_fits(member=member, role=role)
    before = row.role
    if before == role:
        raise RuleViolation(_("%(user)s heeft deze rol al.") % {"user": member.username}, field="role")
    row.role = role
    row.save(update_fields=["role"])
    case.forget_team()
    _record_event(
        case=case, actor=user, kind=EventKind.TEAM, data={"changed": member.username, "from": before, "to": role}
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="case.team_change_role",
        obj=case,
        case_id=case.pk,
        changes={"team_role": {"before": f"{member.username}:{before}", "after": f"{member.username}:{role}"}},
    )
    return row


@transaction.atomic
def case_team_remove(*, user: User, case: Case, member: User) -> None:
    state, _rank = _lock_team(user=user, case=case)
    if member is not None and member.pk == user.pk:
        raise RuleViolation(_("U kunt uzelf niet uit het casusteam verwijderen."), field="user")
    row = CaseTeamMember.objects.filter(case=case, user=member).first() if member is not None else None
    if row is None:  # no such person, or not on the team: one answer (issue 22)
        raise NotFound(_("Deze persoon staat niet in het casusteam."))
    _require_team_open(state=state, roles=[row.role])
    row.delete()
    case.forget_team()
    _record_event(case=case, actor=user, kind=EventKind.TEAM, data={"removed": member.username, "role": row.role})
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="case.team_remove",
        obj=case,
        case_id=case.pk,
        changes={"team": {"before": f"{member.username}:{row.role}", "after": None}},
    )


# ---------------------------------------------------------------------------------------------
# The kabinetsbesluit (four eyes: entered by one, confirmed by another)
# ---------------------------------------------------------------------------------------------
# While the State holds a stake the cabinet may order its sale (cases.guards.exit_is_authorised).


def _require_follow_on_reassessment(case: Case) -> None:
    """A follow-on beyond the kabinetsbesluit is decided on a fresh risk assessment: an initial
    assessment approved, with the outcome "deploy", after the case was sent back for the decision
    (letter: "Op basis van deze risico-inschatting beslist het kabinet over de inzet van de
    voorziening"; "Steeds zal kritisch worden bekeken ... strategisch gedrag van bedrijven")."""
    requested = (
        case.timeline.filter(transition="request_follow_on_decision")
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    if requested is None or guards.approved_outcome_since(case.pk, requested) != "deploy":
        raise Conflict(
            _(
                "Een vervolginvestering wordt besloten op een nieuwe risico-inschatting: keur eerst een "
                "(herziene) risico-inschatting goed die tot inzet adviseert, met de toetsen opnieuw "
                "beantwoord."
            ),
            code="follow_on_assessment_required",
        )


def _decision_instruments(values: object) -> list[str]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ValidationError({"instruments": _("Geef een lijst van instrumenten op.")})
    values = _validate_choices(values, Instrument.values, "instruments")
    return [v for v in Instrument.values if v in values]  # in the letter's order


@transaction.atomic
def cabinet_decision_record(
    *,
    user: User,
    case: Case,
    meeting_date: date,
    reference: str,
    deploy: bool,
    conditions: str = "",
    notes: str = "",
    instruments: list[str] | None = None,
    max_amount: Decimal | None = None,
    lapses_on: date | None = None,
    orders_sale: bool = False,
) -> CabinetDecision:
    """Record the kabinetsbesluit. A decision to deploy states what the cabinet allowed: the
    instrument(s), the maximum amount for the case and optionally the date after which it lapses
    (letter, "Invest-NL als beheerder": "draag ik zorg dat het kabinetsbesluit om te investeren door
    Invest-NL effectief ten uitvoer wordt gebracht"); the fund holds the money in the case to it.
    While the stake is held, a decision may instead order its sale (`orders_sale`: one of the two
    grounds of the exit gate, cases.guards.exit_is_authorised).

    The state and the pending decision are checked on the case's row locked (`_locked_case_state`):
    two secretaries recording at once leave one decision to confirm, and a decision racing the
    transition that ends or moves the case is recorded before it or refused."""
    require(user, "cabinet_decision.record", case=case)
    state = _locked_case_state(case)
    if orders_sale and deploy:
        raise RuleViolation(_("Een besluit tot verkoop van het belang is geen besluit tot inzet."), field="deploy")
    # One rule with the case page's form and "Mijn werk" (cases.selectors.cabinet_decision_refusal).
    # A rejected decision waits for nobody: the case may get a new one (cabinet_decision_reject).
    refusal = cabinet_decision_refusal(case=case, state=state, orders_sale=orders_sale)
    if refusal == "invalid_state" and orders_sale:
        raise Conflict(
            _("Een kabinetsbesluit tot verkoop wordt vastgelegd zolang de Staat een belang houdt."),
            code="invalid_state",
        )
    if refusal == "invalid_state":
        raise Conflict(
            _("Een kabinetsbesluit wordt vastgelegd wanneer de casus bij het kabinet ligt."), code="invalid_state"
        )
    if refusal == "pending_decision":
        raise Conflict(_("Er staat al een kabinetsbesluit klaar voor bevestiging."), code="pending_decision")
    if refusal == "decision_already_confirmed":
        raise Conflict(
            _(
                "Het kabinetsbesluit over deze ronde is al bevestigd: er wordt geen tweede vastgelegd. Een nieuw "
                "besluit over inzet volgt pas wanneer de casus terugkomt voor een vervolginvestering."
            ),
            code="decision_already_confirmed",
        )
    if deploy and state == State.FOLLOW_ON_DECISION:
        _require_follow_on_reassessment(case)
    instruments = _decision_instruments(instruments if instruments is not None else [])
    if deploy:
        errors = {}
        if not instruments:
            errors["instruments"] = _("Een besluit tot inzet noemt het instrument of de instrumenten.")
        if max_amount in (None, ""):
            errors["max_amount"] = _("Een besluit tot inzet noemt het maximale bedrag voor de casus.")
        if errors:
            raise ValidationError(errors)
    else:
        refused = [
            name
            for name, value in (("instruments", instruments), ("max_amount", max_amount), ("lapses_on", lapses_on))
            if value not in (None, "", [])
        ]
        if refused:
            raise ValidationError(
                {name: _("Alleen een besluit tot inzet noemt instrumenten, bedrag en vervaldatum.") for name in refused}
            )
    decision = CabinetDecision(
        case=case,
        meeting_date=meeting_date,
        reference=reference,
        deploy=deploy,
        orders_sale=orders_sale,
        conditions=conditions,
        notes=notes,
        recorded_by=user,
        instruments=instruments,
        max_amount=max_amount if max_amount not in (None, "") else None,
        lapses_on=lapses_on or None,
    )
    decision.full_clean()
    # "Op basis van deze risico-inschatting beslist het kabinet over de inzet van de voorziening"
    # (letter, "Afwegingskader"): what is recorded is a decision taken, and the Kamerbrief states "heeft
    # het kabinet op <datum> besloten". A meeting after today (Amsterdam's date) has not taken place.
    if decision.meeting_date > timezone.localdate():
        raise ValidationError(
            {"meeting_date": _("De ministerraad heeft op die datum nog niet vergaderd: leg een genomen besluit vast.")}
        )
    # The cabinet decides on what is laid before it ("Op basis van deze risico-inschatting beslist het
    # kabinet", letter, "Afwegingskader"): a meeting before the case came into its present state (the
    # step to the cabinet, or the holding a sale is ordered of) cannot have decided on it, and the
    # Kamerbrief would state that date ("heeft het kabinet op <datum> besloten").
    laid_before = case.timeline.filter(to_state=state).order_by("-at", "-id").values_list("at", flat=True).first()
    if laid_before is not None and decision.meeting_date < timezone.localtime(laid_before).date():
        raise ValidationError(
            {
                "meeting_date": _(
                    "De ministerraad kan niet vóór %(date)s over deze casus hebben besloten: toen kwam de casus "
                    "in de status „%(state)s”."
                )
                % {"date": date_display(laid_before), "state": State(state).label}
            }
        )
    if decision.lapses_on and decision.lapses_on < decision.meeting_date:
        raise ValidationError({"lapses_on": _("De vervaldatum ligt vóór de datum van de ministerraad.")})
    _require_within_fund(decision.max_amount)
    decision.save()
    _record_event(
        case=case,
        actor=user,
        kind=EventKind.CABINET_DECISION,
        data={
            "decision": decision.pk,
            "deploy": deploy,
            "orders_sale": orders_sale,
            "reference": reference,
            "step": "recorded",
        },
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="cabinet_decision.record",
        obj=decision,
        case_id=case.pk,
        changes=diff(
            {},
            {
                "meeting_date": meeting_date,
                "reference": reference,
                "deploy": deploy,
                "orders_sale": orders_sale,
                "conditions": conditions,
                "instruments": instruments,
                "max_amount": decision.max_amount,
                "lapses_on": decision.lapses_on,
            },
        ),
    )
    # Four eyes: the secretariat's others are told a decision waits for their confirmation.
    notify_task(
        recipients=team_members_who_may(case=case, action="cabinet_decision.confirm", exclude=[user.pk]),
        kind=gettext_lazy("Vier ogen: kabinetsbesluit bevestigen"),
        reference=case.reference,
        path=reverse("cases:decision_confirm", args=[case.pk, decision.pk]),
    )
    return decision


def _require_within_fund(max_amount: Decimal | None) -> None:
    """A decision to deploy names a maximum for the case that the fund can ever invest: "De maximale
    omvang van de voorziening bedraagt 150 miljoen euro in liquide middelen" (letter; the fund's
    configured figure, cases.hooks.fund_maximum_size; what it has received is less, 100 miljoen, but
    returns flow back into it up to that maximum). A higher maximum could never be invested and reads
    as a slip of the pen in a decision the Kamerbrief quotes; 400 at `max_amount`."""
    if max_amount is None:
        return
    limit = hooks.fund_maximum_size()
    if limit is not None and max_amount > limit:
        raise ValidationError(
            {
                "max_amount": _(
                    "Het maximale bedrag ligt boven de maximale omvang van de voorziening (%(limit)s in "
                    "liquide middelen): zoveel kan de voorziening nooit inzetten."
                )
                % {"limit": page_euro(limit, cents=True)}
            }
        )


def decision_stage_allows_confirmation(*, state: str, orders_sale: bool) -> bool:
    """Whether a case in `state` is at the stage its pending decision (a sale order or not) is
    confirmed in; the web pages offer "Bevestigen" only then (the service checks it locked)."""
    return state in (SALE_ORDER_STATES if orders_sale else DECISION_STATES)


def decision_stage_allows_rejection(*, state: str) -> bool:
    """Whether a case in `state` takes the rejection of its pending decision: any open state
    (cabinet_decision_reject); the web pages offer "Afwijzen" only then."""
    return state not in END_STATES


def _require_decision_stage(*, state: str, orders_sale: bool) -> None:
    """A kabinetsbesluit is confirmed in the stage it was recorded in: at the cabinet (a decision to
    deploy or not), or while the stake is held (an order to sell). An ended case (closed, withdrawn,
    not admissible, not deployed) takes no decision any more: what the cabinet decides on is the case
    the risk assessment put before it ("Op basis van deze risico-inschatting beslist het kabinet",
    letter, "Afwegingskader"), and a case withdrawn meanwhile has none."""
    if state in END_STATES:
        raise Conflict(
            _("De casus is beëindigd (%(state)s): een kabinetsbesluit wordt niet meer bevestigd.")
            % {"state": State(state).label},
            code="case_closed",
        )
    if not decision_stage_allows_confirmation(state=state, orders_sale=orders_sale):
        raise Conflict(
            _("In de status '%(state)s' wordt dit kabinetsbesluit niet bevestigd.") % {"state": State(state).label},
            code="invalid_state",
        )


def _require_undecided(decision: CabinetDecision) -> None:
    """A decision is confirmed or rejected once: the second secretary's word on it is final."""
    if decision.confirmed_at is not None:
        raise Conflict(_("Dit kabinetsbesluit is al bevestigd."), code="already_confirmed")
    if decision.rejected_at is not None:
        raise Conflict(
            _("Dit kabinetsbesluit is afgewezen; leg zo nodig een nieuw besluit vast."), code="already_rejected"
        )


@transaction.atomic
def cabinet_decision_confirm(*, user: User, decision: CabinetDecision) -> CabinetDecision:
    """The second secretary confirms. The state is checked on the case's row locked, taken before the
    decision's (the transitions' lock order): a withdrawal racing the confirmation commits first and
    the confirmation is refused, or waits for it."""
    state = _locked_case_state(decision.case)
    decision = CabinetDecision.objects.select_for_update(no_key=True).get(pk=decision.pk)
    require(user, "cabinet_decision.confirm", case=decision.case)
    _require_undecided(decision)
    _require_decision_stage(state=state, orders_sale=decision.orders_sale)
    # Four eyes by person: who recorded the decision never confirms it, whatever their role now.
    require_four_eyes(
        user,
        involved=[decision.recorded_by_id],
        message=_("Vier ogen: wie het besluit vastlegde, kan het niet zelf bevestigen."),
    )
    decision.confirmed_by = user
    decision.confirmed_at = timezone.now()
    decision.save(update_fields=["confirmed_by", "confirmed_at"])
    _record_event(
        case=decision.case,
        actor=user,
        kind=EventKind.CABINET_DECISION,
        data={
            "decision": decision.pk,
            "deploy": decision.deploy,
            "orders_sale": decision.orders_sale,
            "step": "confirmed",
        },
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.APPROVE,
        event="cabinet_decision.confirm",
        obj=decision,
        case_id=decision.case_id,
        changes={"confirmed_by": {"before": None, "after": user.username}},
    )
    return decision


@transaction.atomic
def cabinet_decision_reject(*, user: User, decision: CabinetDecision, reason: str) -> CabinetDecision:
    """The second secretary rejects a decision recorded wrongly (another maximum, another case's
    conditions), with a reason: four eyes that can only confirm would bind the case to the mistake.
    The decision is kept, marked rejected (who, when, why), and binds nothing: every reading of the
    case's decision asks for a confirmed one (Case.confirmed_cabinet_decision, cases.guards, the fund's
    bev.services.ledger._governing_decision_query, the letters), and the case may get a new decision
    recorded (cabinet_decision_record's `pending_decision` ignores it).

    Unlike the confirmation, any open state takes it: a pending decision that no longer fits the
    case's stage (the case moved on) can be neither confirmed nor replaced, and rejecting it is the way
    out. An ended case takes no step on its decisions (409 `case_closed`). Locks as the confirmation."""
    state = _locked_case_state(decision.case)
    decision = CabinetDecision.objects.select_for_update(no_key=True).get(pk=decision.pk)
    require(user, "cabinet_decision.reject", case=decision.case)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Geef de reden van de afwijzing op."), field="reason")
    _require_undecided(decision)
    if not decision_stage_allows_rejection(state=state):
        raise Conflict(
            _("De casus is beëindigd (%(state)s): een kabinetsbesluit wordt niet meer afgewezen.")
            % {"state": State(state).label},
            code="case_closed",
        )
    # Four eyes by person, as the confirmation: who recorded the decision does not judge it.
    require_four_eyes(
        user,
        involved=[decision.recorded_by_id],
        message=_("Vier ogen: wie het besluit vastlegde, kan het niet zelf afwijzen."),
    )
    decision.rejected_by = user
    decision.rejected_at = timezone.now()
    decision.rejection_reason = reason
    decision.full_clean()
    decision.save(update_fields=["rejected_by", "rejected_at", "rejection_reason"])
    _record_event(
        case=decision.case,
        actor=user,
        kind=EventKind.CABINET_DECISION,
        reason=reason,
        data={
            "decision": decision.pk,
            "deploy": decision.deploy,
            "orders_sale": decision.orders_sale,
            "reference": decision.reference,
            "step": "rejected",
        },
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="cabinet_decision.reject",
        obj=decision,
        case_id=decision.case_id,
        changes={
            "rejected_by": {"before": None, "after": user.username},
            "rejection_reason": {"before": "", "after": reason},
        },
    )
    # The recorder learns of it while still on the team (the reason is on the case page, not in the mail).
    notify_task(
        recipients=[
            member
            for member in team_members_who_may(case=decision.case, action="cabinet_decision.record")
            if member.pk == decision.recorded_by_id
        ],
        kind=gettext_lazy("Kabinetsbesluit afgewezen: opnieuw vastleggen"),
        reference=decision.case.reference,
        path=reverse("cases:detail", args=[decision.case_id]) + "#cabinet-decision",
    )
    return decision


# ---------------------------------------------------------------------------------------------
# Deadlines and suspension (opschorting)
# ---------------------------------------------------------------------------------------------
def stage_due_at(case: Case, stage: str, start: datetime) -> datetime | None:
    days = STAGE_DAYS.get(stage, {}).get(case.urgency)
    if days is None:
        return None
    due = start + timedelta(days=days)
    if case.expected_closing_date:
        closing = timezone.make_aware(datetime.combine(case.expected_closing_date, time(hour=9)))
        due = min(due, max(closing, start))
    return due


def _start_clock(*, case: Case, stage: str) -> StageClock | None:
    now = timezone.now()
    due = stage_due_at(case, stage, now)
    if due is None:
        return None
    return StageClock.objects.create(case=case, stage=stage, started_at=now, due_at=due)


def _complete_clock(*, case: Case, stage: str, at: datetime | None = None) -> None:
    StageClock.objects.filter(case=case, stage=stage, completed_at__isnull=True).update(
        completed_at=at or timezone.now()
    )


def current_clock(case: Case) -> StageClock | None:
    return case.clocks.filter(stage=case.state, completed_at__isnull=True).order_by("-started_at").first()


@transaction.atomic
def case_suspend(*, user: User, case: Case, reason: str) -> StageClock:
    require(user, "case.suspend", case=case)
    if not (reason or "").strip():
        raise RuleViolation(_("Een reden is verplicht bij opschorting."), field="reason")
    clock = current_clock(case)
    if clock is None:
        raise Conflict(_("Deze fase heeft geen termijn om op te schorten."), code="no_deadline")
    clock = StageClock.objects.select_for_update(no_key=True).get(pk=clock.pk)
    if clock.is_suspended:
        raise Conflict(_("De termijn is al opgeschort."), code="already_suspended")
    clock.suspended_since = timezone.now()
    clock.suspension_reason = reason.strip()
    clock.save(update_fields=["suspended_since", "suspension_reason"])
    _record_event(case=case, actor=user, kind=EventKind.SUSPENDED, reason=reason.strip(), data={"stage": clock.stage})
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="case.suspend",
        obj=case,
        case_id=case.pk,
        changes={"suspended": {"before": False, "after": True}, "reason": reason.strip()},
    )
    return clock


@transaction.atomic
def case_resume(*, user: User, case: Case, reason: str) -> StageClock:
    """Resume the stage's clock; its due date moves by the time it was suspended."""
    require(user, "case.suspend", case=case)
    if not (reason or "").strip():
        raise RuleViolation(_("Een reden is verplicht bij hervatting."), field="reason")
    clock = current_clock(case)
    if clock is None or not clock.is_suspended:
        raise Conflict(_("De termijn is niet opgeschort."), code="not_suspended")
    clock = StageClock.objects.select_for_update(no_key=True).get(pk=clock.pk)
    # Checked again under the lock: a resume that committed while this one waited for it has
    # ended the suspension (mypy found the unguarded subtraction; it raised TypeError, a 500).
    if clock.suspended_since is None:
        raise Conflict(_("De termijn is niet opgeschort."), code="not_suspended")
    paused = timezone.now() - clock.suspended_since
    old_due = clock.due_at
    clock.due_at = clock.due_at + paused
    clock.suspended_since = None
    clock.save(update_fields=["due_at", "suspended_since"])
    _record_event(
        case=case,
        actor=user,
        kind=EventKind.RESUMED,
        reason=reason.strip(),
        data={"stage": clock.stage, "suspended_seconds": int(paused.total_seconds())},
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="case.resume",
        obj=case,
        case_id=case.pk,
        changes={
            "due_at": {"before": old_due.isoformat(), "after": clock.due_at.isoformat()},
            "reason": reason.strip(),
        },
    )
    return clock


def _mail_overdue(recipients: list[str], reference: str, stage: str) -> None:
    """Tell the team a stage is overdue. The mail names only the reference: case content stays
    inside the service."""
    from django.core.mail import send_mail

    if recipients:
        send_mail(
            subject=_("[BEV] Termijn verstreken: %(reference)s") % {"reference": reference},
            message=_("De termijn van de fase '%(stage)s' van casus %(reference)s is verstreken.")
            % {"stage": State(stage).label, "reference": reference},
            from_email=None,
            recipient_list=recipients,
            fail_silently=True,
        )


def flag_overdue_stages(*, now: datetime | None = None) -> list[StageClock]:
    """Flag each running, unsuspended stage past its due date once, and notify the case team."""

    now = now or timezone.now()
    flagged = []
    overdue = StageClock.objects.filter(
        completed_at__isnull=True, suspended_since__isnull=True, overdue_flagged_at__isnull=True, due_at__lt=now
    ).select_related("case")
    for clock in overdue:
        with transaction.atomic():
            if not StageClock.objects.filter(pk=clock.pk, overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=now
            ):
                continue  # another worker flagged it first
            case = clock.case
            _record_event(
                case=case,
                actor=None,
                kind=EventKind.OVERDUE,
                data={"stage": clock.stage, "due_at": clock.due_at.isoformat()},
            )
            audit_log(
                actor=None,
                action=AuditRecord.Action.OTHER,
                event="case.overdue",
                obj=case,
                case_id=case.pk,
                changes={"stage": clock.stage},
            )
            recipients = [e for e in case.team.values_list("user__email", flat=True) if e]
            transaction.on_commit(functools.partial(_mail_overdue, recipients, case.reference, clock.stage))
            flagged.append(clock)
    return flagged
