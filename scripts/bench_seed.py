"""Seeding the benchmark's data set (used by scripts/bench.py; Django is set up by the caller).

Cases, timeline events, cabinet decisions, assessments, positions, valuations and ledger entries are
made through the services, so every rule of the letter holds in the data the benchmark reads. Where
a lifecycle step needs another app's rule (an approved assessment, a disbursement, a risk review)
and that app does not provide the service yet, the case is moved by setting its state directly; such
steps are counted and reported as `direct_state_steps`, and their timeline event says so.

Only the audit trail is bulk-loaded (COPY), with a valid hash chain computed by audit.chain.
"""

from __future__ import annotations

import io
import json
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

from audit.chain import HASHED_FIELDS  # stdlib only: importable before django.setup()

# Share of the cases per end state (the rest of the lifecycle follows from the path to it).
STATE_MIX = {
    "signal": 0.08,
    "intake": 0.08,
    "not_admissible": 0.12,
    "withdrawn": 0.10,
    "risk_assessment": 0.12,
    "not_deployed": 0.10,
    "cabinet_decision": 0.06,
    "investment_preparation": 0.06,
    "invested": 0.06,
    "monitoring": 0.12,
    "exit": 0.04,
    "closed": 0.06,
}
# The transitions that lead from signal to each state.
PATHS = {
    "signal": [],
    "intake": ["start_intake"],
    "not_admissible": ["start_intake", "reject_not_admissible"],
    "withdrawn": ["start_intake", "withdraw"],
    "risk_assessment": ["start_intake", "start_assessment"],
    "not_deployed": ["start_intake", "start_assessment", "conclude_not_deployed"],
    "cabinet_decision": ["start_intake", "start_assessment", "submit_to_cabinet"],
    "investment_preparation": ["start_intake", "start_assessment", "submit_to_cabinet", "start_investment_preparation"],
    "invested": [
        "start_intake",
        "start_assessment",
        "submit_to_cabinet",
        "start_investment_preparation",
        "mark_invested",
    ],
    "monitoring": [
        "start_intake",
        "start_assessment",
        "submit_to_cabinet",
        "start_investment_preparation",
        "mark_invested",
        "start_monitoring",
    ],
    "exit": [
        "start_intake",
        "start_assessment",
        "submit_to_cabinet",
        "start_investment_preparation",
        "mark_invested",
        "start_monitoring",
        "start_exit",
    ],
    "closed": [
        "start_intake",
        "start_assessment",
        "submit_to_cabinet",
        "start_investment_preparation",
        "mark_invested",
        "start_monitoring",
        "start_exit",
        "close",
    ],
}
TARGET_OF = {
    "start_intake": "intake",
    "reject_not_admissible": "not_admissible",
    "withdraw": "withdrawn",
    "start_assessment": "risk_assessment",
    "conclude_not_deployed": "not_deployed",
    "submit_to_cabinet": "cabinet_decision",
    "start_investment_preparation": "investment_preparation",
    "mark_invested": "invested",
    "start_monitoring": "monitoring",
    "start_exit": "exit",
    "close": "closed",
}
REASONS = {
    "reject_not_admissible": "Valt onder de Wet vifo; bestaande instrumenten volstaan.",
    "withdraw": "De overnemer heeft het bod ingetrokken.",
    "conclude_not_deployed": "Risico-inschatting: geen inzet nodig.",
}
# Bench users: (username, role). Everyone is on every case team; `bench_lead` is the reader of the
# read scenarios and sees every case, the worst case for the list.
BENCH_USERS = [
    ("bench_lead", "case_officer"),
    ("bench_officer", "case_officer"),
    ("bench_assessor", "risk_assessor"),
    ("bench_assessor2", "risk_assessor"),
    ("bench_secretariat", "cabinet_secretariat"),
    ("bench_secretariat2", "cabinet_secretariat"),
    ("bench_manager", "fund_manager"),
    ("bench_manager2", "fund_manager"),
    ("bench_liaison", "parliamentary_liaison"),
    ("bench_auditor", "auditor"),
]
TEAM_ROLES = {
    "bench_lead": "case_officer",
    "bench_assessor": "risk_assessor",
    "bench_assessor2": "risk_assessor",
    "bench_secretariat": "cabinet_secretariat",
    "bench_secretariat2": "cabinet_secretariat",
    "bench_manager": "fund_manager",
    "bench_manager2": "fund_manager",
    "bench_liaison": "parliamentary_liaison",
}
SECTORS = [
    "Halfgeleiders",
    "Fotonica",
    "Drinkwater",
    "Betalingsverkeer",
    "Datacenters",
    "Defensie-elektronica",
    "Kwantumtechnologie",
    "Havenlogistiek",
    "Energienetten",
    "Biotechnologie",
]
COUNTRIES = ["CN", "RU", "IR", "KP", "BY", "AE", "SA", "QA", "TR", "VE"]
CATEGORY_VALUES = [
    "vital_provider",
    "sensitive_technology",
    "highly_sensitive_technology",
    "wbni",
    "defence_intelligence_supplier",
]


@dataclass
class SeedStats:
    cases: int = 0
    transitions_by_service: int = 0
    direct_state_steps: int = 0
    direct_steps_by_transition: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------
def ensure_users() -> dict:

    from access.models import User

    users = {}
    for username, role in BENCH_USERS:
        user, _created = User.objects.get_or_create(
            username=username, defaults={"role": role, "clearance": "geheim", "email": f"{username}@bench.example"}
        )
        if user.role != role or user.clearance != "geheim":
            user.role, user.clearance = role, "geheim"
            user.save()
        users[username] = user
    return users


def tokens(users: dict) -> dict:
    """A fresh API token per bench user (only a token's digest is stored, so an earlier run's key
    cannot be read back; each run replaces it)."""
    from access.services import api_token_create

    return {name: api_token_create(user=user, otp_verified=True)[1] for name, user in users.items()}


# ---------------------------------------------------------------------------------------------
# Cases through the services
# ---------------------------------------------------------------------------------------------
# The facts grounds 3 and 4 rest on (letter, "Reikwijdte"; cases.guards.intake_is_complete): without
# them the intake is incomplete and the case cannot move on.
GROUND_FACTS = {
    "historical_transaction": {"historical_transaction_date": date(2019, 6, 1)},
    "blocked_startup_financing": {
        "vifo_decision_date": date(2024, 3, 1),
        "vifo_decision_reference": "BTI-2024-0001",
        "vifo_blocked_financing": "Serie-B-ronde van een statelijk gelieerd fonds, verboden na toetsing.",
        "vifo_insolvency_threat": "Zonder de ronde is de kas binnen zes maanden op.",
        "vifo_mitigation_shortfall": "Geen private partij bereid de ronde over te nemen binnen de termijn.",
    },
}


def case_payload(rng: random.Random, n: int) -> dict:
    from django.utils import timezone

    sector = rng.choice(SECTORS)
    ground = rng.choice(
        ["not_in_screening", "essential_supplier", "historical_transaction", "blocked_startup_financing"]
    )
    return {
        "title": f"Voorgenomen overname {sector.lower()}bedrijf #{n}",
        "summary": "Signaal over een voorgenomen investering door een partij op aanwijzing van een statelijke actor.",
        "classification": rng.choice(["intern", "zaakvertrouwelijk", "vertrouwelijk", "confidentieel"]),
        "signal_source": rng.choice(["wet_vifo_bti", "intelligence", "ministry", "company", "invest_nl"]),
        "signal_received_at": timezone.now() - timedelta(days=rng.randint(1, 3 * 365), minutes=rng.randint(0, 1440)),
        "urgency": "immediate" if rng.random() < 0.15 else "normal",
        "target_name": f"{sector} Nederland {n} B.V.",
        "target_kvk_number": f"{10000000 + n:08d}"[-8:],
        "target_sector": sector,
        "categories": rng.sample(CATEGORY_VALUES, rng.randint(1, 2)),
        "acquirer_name": f"Holding {rng.randint(1, 999)} Ltd.",
        "acquirer_country": rng.choice(COUNTRIES),
        "state_actor_status": rng.choice(["state_actor", "on_instructions"]),
        "intended_stake_percent": Decimal(rng.randint(10, 100)),
        "intended_control": "Meerderheid van de stemrechten",
        "transaction_value": Decimal(rng.randint(1, 400) * 250_000),
        "expected_closing_date": date.today() + timedelta(days=rng.randint(30, 365)),
        "scope_grounds": [ground],
        **GROUND_FACTS.get(ground, {}),
        "existing_instruments_considered": ["wet_vifo"],
        "existing_instruments_shortfall": "Toeleverancier valt (nog) niet onder de Wet vifo.",
        "market_financing_explored": True,
        "market_financing_notes": "Geen private partij bereid binnen de termijn.",
    }


def _actor_for(transition: str, users: dict):
    from access.roles import PERMISSIONS

    allowed = PERMISSIONS[f"case.transition.{transition}"]
    for username, role in TEAM_ROLES.items():
        if role in allowed:
            return users[username]
    raise RuntimeError(f"no bench user may {transition}")


def _enable(transition: str, case, users: dict, rng: random.Random, stats: SeedStats) -> None:
    """Do, through the owning app's services, what the rule guarding `transition` asks for.

    Silently does nothing when that app has no such service yet; the transition then falls back to
    a direct state step (counted)."""
    from datetime import date as _date

    from cases import services as case_services

    if transition in ("submit_to_cabinet", "conclude_not_deployed"):
        hook = _hook("assessment")
        if hook:
            hook(case=case, users=users, deploy=(transition == "submit_to_cabinet"), rng=rng)
    elif transition == "start_investment_preparation":
        decision = case_services.cabinet_decision_record(
            user=users["bench_secretariat"],
            case=case,
            meeting_date=_date.today(),
            reference=f"MR-{case.pk}",
            deploy=True,
            instruments=["equity", "convertible_loan", "loan_with_warrants"],
            max_amount=Decimal("100000000.00"),
            conditions="Afbouw zodra het risico beheersbaar is.",
        )
        case_services.cabinet_decision_confirm(user=users["bench_secretariat2"], decision=decision)
    elif transition == "mark_invested":
        hook = _hook("invest")
        if hook:
            hook(case=case, users=users, rng=rng)
    elif transition == "start_exit":
        hook = _hook("risk_review")
        if hook:
            hook(case=case, users=users, rng=rng)
    elif transition == "close":
        hook = _hook("exit_positions")
        if hook:
            hook(case=case, users=users, rng=rng)


def _hook(name: str):
    """Seeding hooks into other apps (scripts/bench_domain.py), when their services exist."""
    import bench_domain

    return bench_domain.HOOKS.get(name)


def _direct_step(case, transition: str, actor, stats: SeedStats) -> None:
    """Set the state without the guard, because the rule's owner has no service yet: labelled."""
    from django.db.models import F
    from django.utils import timezone

    from cases.constants import END_STATES
    from cases.models import Case, TimelineEvent

    target = TARGET_OF[transition]
    updates = {"state": target, "version": F("version") + 1}
    if target in END_STATES:
        updates["closed_at"] = timezone.now()
    Case.objects.filter(pk=case.pk).update(**updates)
    TimelineEvent.objects.create(
        case=case,
        at=timezone.now(),
        actor=actor,
        kind="transition",
        transition=transition,
        from_state=case.state,
        to_state=target,
        data={"bench_seed": "state set directly: the guarding app has no service yet"},
    )
    stats.direct_state_steps += 1
    stats.direct_steps_by_transition[transition] = stats.direct_steps_by_transition.get(transition, 0) + 1
    case.refresh_from_db()


def seed_case(*, n: int, target: str, users: dict, rng: random.Random, stats: SeedStats):
    from cases import services as case_services
    from core.exceptions import Conflict

    data = case_payload(rng, n)
    if target == "pool":  # a case kept in `signal` for the transition scenario
        data["title"] = f"Signaal transitiepool #{n}"
        target = "signal"
    case = case_services.case_create(user=users["bench_officer"], data=data)
    for username, role in TEAM_ROLES.items():
        case_services.case_team_add(user=users["bench_officer"], case=case, member=users[username], role=role)
    stats.cases += 1
    for transition in PATHS[target]:
        actor = _actor_for(transition, users)
        _enable(transition, case, users, rng, stats)
        case.refresh_from_db()
        if case.state == TARGET_OF[transition]:  # the enabling service moved the case itself
            stats.transitions_by_service += 1
            continue
        try:
            case = case_services.case_transition(
                user=actor, case=case, name=transition, reason=REASONS.get(transition, "")
            )
            stats.transitions_by_service += 1
        except Conflict as exc:
            if exc.code != "guard_failed":
                raise
            _direct_step(case, transition, actor, stats)
    return case


def plan_states(n_cases: int, rng: random.Random) -> list[str]:
    states = []
    for state, share in STATE_MIX.items():
        states += [state] * int(round(n_cases * share))
    while len(states) < n_cases:
        states.append("signal")
    states = states[:n_cases]
    rng.shuffle(states)
    return states


def seed_cases_worker(args) -> dict:
    """One seeding process: its share of the cases (called in a fresh process via multiprocessing)."""
    start, targets, seed = args
    import django

    django.setup()
    from django.db import OperationalError

    from audit.context import acting

    users = ensure_users_readonly()
    rng = random.Random(seed)
    stats = SeedStats()
    with acting(channel="command"):
        for offset, target in enumerate(targets):
            try:
                seed_case(n=start + offset, target=target, users=users, rng=rng, stats=stats)
            except OperationalError as exc:  # a deadlock between services: counted, the case stays where it got
                stats.notes.append(f"case #{start + offset}: {str(exc).splitlines()[0]}")
    from django.db import connection

    connection.close()
    return stats.__dict__


def ensure_users_readonly() -> dict:
    from access.models import User

    return {u.username: u for u in User.objects.filter(username__in=[name for name, _ in BENCH_USERS])}


def top_up_timeline(*, target_events: int, users: dict, rng: random.Random, budget_s: float) -> int:
    """More timeline events through the services: suspend and resume running stage clocks."""
    from django.db.models import F

    from audit.context import acting
    from cases import services as case_services
    from cases.models import Case, StageClock, TimelineEvent
    from core.exceptions import Conflict

    made = 0
    deadline = time.monotonic() + budget_s
    with acting(channel="command"):
        case_ids = list(
            StageClock.objects.filter(completed_at__isnull=True, suspended_since__isnull=True, stage=F("case__state"))
            .exclude(case__title__contains="transitiepool")
            .values_list("case_id", flat=True)
        )
        rng.shuffle(case_ids)
        i = 0
        while TimelineEvent.objects.count() < target_events and case_ids and time.monotonic() < deadline:
            for _ in range(200):
                case = Case.objects.get(pk=case_ids[i % len(case_ids)])
                i += 1
                actor = users["bench_lead"]
                try:
                    case_services.case_suspend(
                        user=actor, case=case, reason="Wachten op informatie van de onderneming."
                    )
                    case_services.case_resume(user=actor, case=case, reason="Informatie ontvangen.")
                except Conflict:
                    continue
                made += 2
    return made


# ---------------------------------------------------------------------------------------------
# The audit trail: bulk-loaded with a valid chain
# ---------------------------------------------------------------------------------------------
# The columns the COPY writes: the hashed ones (audit.chain.HASHED_FIELDS, what `record_hash` hashes),
# then the chain's own.
AUDIT_COLUMNS = [*HASHED_FIELDS, "seq", "prev_hash", "hash"]


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def bulk_load_audit(
    *, count: int, users: dict, case_refs: list, rng: random.Random, start, end, batch: int = 50_000
) -> dict:
    """Append `count` sealed audit records continuing the existing chain, timestamps spread from start
    to end. What the services wrote is sealed first (`audit_chain_seal`), so the loaded records follow it.

    Run before the services seed (history: the past years) and once after (a top-up to the target
    size, stamped just after the last live record), so ids and timestamps stay in the same order."""
    from django.db import connection

    from audit.chain import GENESIS, record_hash
    from audit.models import AuditRecord
    from audit.services import audit_chain_seal

    started = time.perf_counter()
    if count <= 0:
        return {"added": 0, "seconds": 0.0}
    audit_chain_seal()
    head = AuditRecord.objects.order_by("-seq").filter(seq__isnull=False).values_list("seq", "hash").first()
    next_seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
    next_id = (AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    people = [(u.pk, u.username) for u in users.values()]
    step = (end - start) / count
    ts = start.astimezone(dt_timezone.utc)
    table = AuditRecord._meta.db_table
    kinds = [
        ("read", "case.read"),
        ("read", "case.read"),
        ("read", "case.read"),
        ("update", "case.update"),
        ("export", "report.export"),
        ("login", "access.login"),
        ("download", "document.download"),
    ]
    added = 0
    while added < count:
        n = min(batch, count - added)
        buf = io.StringIO()
        for _ in range(n):
            actor_id, username = people[rng.randrange(len(people))]
            action, event = kinds[rng.randrange(len(kinds))]
            pk, reference, title = case_refs[rng.randrange(len(case_refs))]
            is_login = action == "login"
            values = {
                "id": next_id,
                "timestamp": ts,
                "actor_id": actor_id,
                "actor_username": username,
                "action": action,
                "event": event,
                "object_type": "access.user" if is_login else "cases.case",
                "object_id": str(actor_id) if is_login else str(pk),
                "object_repr": username if is_login else f"{reference} {title}"[:200],
                "case_id": None if is_login else pk,
                "request_id": f"{rng.getrandbits(128):032x}",
                "ip_address": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                "channel": "api" if rng.random() < 0.6 else "web",
                "changes": ({"summary": {"before": "oud", "after": "nieuw"}} if action == "update" else {}),
            }
            digest = record_hash(values, prev_hash)
            copied = {**values, "timestamp": ts.isoformat(), "changes": json.dumps(values["changes"])}
            row = [*(copied[name] for name in HASHED_FIELDS), next_seq, prev_hash, digest]
            buf.write("\t".join(_copy_text(v) for v in row))
            buf.write("\n")
            prev_hash = digest
            next_id += 1
            next_seq += 1
            ts = ts + step
            ts = ts.replace(microsecond=ts.microsecond)  # keep microsecond precision (what the DB stores)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(AUDIT_COLUMNS)}) FROM STDIN") as copy:
                copy.write(buf.getvalue())
        added += n
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, next_id - 1])
    return {"added": added, "seconds": round(time.perf_counter() - started, 1)}


# ---------------------------------------------------------------------------------------------
# Copies of service-made cases (the bulk of the case count)
# ---------------------------------------------------------------------------------------------
# The services make ~15-25 calls per case (create, team, transitions, assessment, cabinet decision,
# fund); 10,000 such cases take longer on a small machine than the whole benchmark may. So a
# smaller set is made through the services, weighted towards the states that hold fund positions,
# and the rest of the count are copies of service-made cases in states that hold no money
# (with their timeline, team, categories, deadlines and cabinet decisions), moved back in time.
FUND_STATES = {"invested", "monitoring", "exit", "closed"}
SERVICE_MIX = {
    "signal": 0.02,
    "intake": 0.02,
    "not_admissible": 0.02,
    "withdrawn": 0.02,
    "risk_assessment": 0.02,
    "not_deployed": 0.03,
    "cabinet_decision": 0.02,
    "investment_preparation": 0.03,
    "invested": 0.20,
    "monitoring": 0.34,
    "exit": 0.12,
    "closed": 0.16,
}


def plan_mix(n: int, mix: dict, rng: random.Random) -> list[str]:
    total = sum(mix.values())
    states = []
    for state, share in mix.items():
        states += [state] * int(round(n * share / total))
    while len(states) < n:
        states.append("signal")
    states = states[:n]
    rng.shuffle(states)
    return states


def clone_cases(
    *, count: int, pool: int, rng: random.Random, pool_mark: str, batch: int = 500, reference_tag: str = "K"
) -> dict:
    """`count` copies of service-made cases in money-free states, following STATE_MIX; the first
    `pool` are signal cases marked for the transition scenario. Their references are
    BEV-<year>-<reference_tag><serial>: each call (the scale curve grows in steps) takes its own tag."""
    from datetime import timedelta as _td

    from cases.models import CabinetDecision, Case, CaseCategory, CaseTeamMember, StageClock, TimelineEvent

    started = time.perf_counter()
    free_mix = {s: share for s, share in STATE_MIX.items() if s not in FUND_STATES}
    templates: dict[str, list[int]] = {}
    for pk, state in (
        Case.objects.exclude(title__contains=pool_mark).exclude(state__in=FUND_STATES).values_list("pk", "state")
    ):
        templates.setdefault(state, []).append(pk)
    if not templates:
        return {"cloned": 0}
    wanted = ["signal"] * pool + plan_mix(
        max(0, count - pool), {s: v for s, v in free_mix.items() if s in templates}, rng
    )
    case_fields = [f.attname for f in Case._meta.concrete_fields if f.attname not in ("id",)]
    made = events = 0
    year_counter: dict[int, int] = {}
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        picks = [rng.choice(templates.get(state) or templates["signal"]) for state in chunk]
        ids = set(picks)
        rows = {r["id"]: r for r in Case.objects.filter(pk__in=ids).values("id", *case_fields)}
        kids = {}
        for model, fields in (
            (TimelineEvent, ["at", "actor_id", "kind", "transition", "from_state", "to_state", "reason", "data"]),
            (CaseTeamMember, ["user_id", "role", "added_by_id"]),
            (CaseCategory, ["category"]),
            (
                StageClock,
                [
                    "stage",
                    "started_at",
                    "due_at",
                    "suspended_since",
                    "suspension_reason",
                    "completed_at",
                    "overdue_flagged_at",
                ],
            ),
            (
                CabinetDecision,
                [
                    "meeting_date",
                    "reference",
                    "deploy",
                    "conditions",
                    "notes",
                    "recorded_by_id",
                    "confirmed_by_id",
                    "confirmed_at",
                ],
            ),
        ):
            grouped: dict[int, list] = {}
            for r in model.objects.filter(case_id__in=ids).values("case_id", *fields):
                grouped.setdefault(r.pop("case_id"), []).append(r)
            kids[model] = grouped
        new_cases, shifts = [], []
        for n, (pk, state) in enumerate(zip(picks, chunk)):
            row = dict(rows[pk])
            row.pop("id")
            shift = _td(days=rng.randint(30, 3 * 365), minutes=rng.randint(0, 1440))
            year = (row["signal_received_at"] - shift).year
            year_counter[year] = year_counter.get(year, 0) + 1
            row["reference"] = f"BEV-{year}-{reference_tag}{year_counter[year]:05d}"
            for name in ("signal_received_at", "closed_at"):
                if row.get(name):
                    row[name] = row[name] - shift
            if start + n < pool:
                row["title"] = f"Signaal {pool_mark} #{start + n}"
            new_cases.append(Case(**row))
            shifts.append(shift)
        created = Case.objects.bulk_create(new_cases)
        children = {model: [] for model in kids}
        for template_pk, case, shift in zip(picks, created, shifts):
            for model, grouped in kids.items():
                for r in grouped.get(template_pk, []):
                    r = dict(r)
                    for name in (
                        "at",
                        "started_at",
                        "due_at",
                        "suspended_since",
                        "completed_at",
                        "overdue_flagged_at",
                        "confirmed_at",
                    ):
                        if r.get(name):
                            r[name] = r[name] - shift
                    children[model].append(model(case_id=case.pk, **r))
        for model, objs in children.items():
            model.objects.bulk_create(objs, batch_size=5000)
        events += len(children[TimelineEvent])
        made += len(created)
    return {"cloned": made, "cloned_timeline_events": events, "seconds": round(time.perf_counter() - started, 1)}


def bulk_notes(*, target_events: int, rng: random.Random) -> int:
    """Timeline notes (rule-free, no state change) up to the target, when the services and the
    copies fell short of it; counted in the report."""
    from django.utils import timezone

    from cases.models import Case, TimelineEvent

    missing = target_events - TimelineEvent.objects.count()
    if missing <= 0:
        return 0
    ids = list(Case.objects.values_list("pk", flat=True))
    now = timezone.now()
    objs = [
        TimelineEvent(
            case_id=ids[rng.randrange(len(ids))],
            at=now - timedelta(days=rng.randint(0, 900)),
            kind="note",
            data={"note": "Overleg met de onderneming gevoerd."},
        )
        for _ in range(missing)
    ]
    TimelineEvent.objects.bulk_create(objs, batch_size=5000)
    return missing


def clone_cases_sql(*, count: int, pool: int, rng: random.Random, pool_mark: str, reference_tag: str) -> dict:
    """What `clone_cases` does, in SQL (the scale curve's growth to 100,000 cases: the ORM's copy
    costs ~14 model instances per case in Python). The copies are chosen and moved back in time
    here; PostgreSQL copies each case row and every row of its timeline, team, categories,
    deadlines and cabinet decisions (every column, the times moved back by the same shift)."""
    from django.db import connection, transaction

    from cases.models import CabinetDecision, Case, CaseCategory, CaseTeamMember, StageClock, TimelineEvent

    started = time.perf_counter()
    free_mix = {s: share for s, share in STATE_MIX.items() if s not in FUND_STATES}
    templates: dict[str, list[int]] = {}
    for pk, state in (
        Case.objects.exclude(title__contains=pool_mark).exclude(state__in=FUND_STATES).values_list("pk", "state")
    ):
        templates.setdefault(state, []).append(pk)
    if not templates or count <= 0:
        return {"cloned": 0}
    wanted = ["signal"] * pool + plan_mix(
        max(0, count - pool), {s: v for s, v in free_mix.items() if s in templates}, rng
    )
    buf = io.StringIO()
    for n, state in enumerate(wanted):
        template = rng.choice(templates.get(state) or templates["signal"])
        shift_s = rng.randint(30, 3 * 365) * 86400 + rng.randint(0, 1440) * 60
        buf.write(f"{n}\t{template}\t{shift_s}\t{'t' if n < pool else 'f'}\n")
    q = connection.ops.quote_name

    def columns(model, skip=("id",)):
        return [
            f.column for f in model._meta.concrete_fields if f.column not in skip and not getattr(f, "generated", False)
        ]

    times = {
        "signal_received_at",
        "closed_at",
        "at",
        "started_at",
        "due_at",
        "suspended_since",
        "completed_at",
        "overdue_flagged_at",
        "confirmed_at",
    }
    case_table = q(Case._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_clone (n int, template_id bigint, shift_s bigint, pool boolean) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY bench_clone (n, template_id, shift_s, pool) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        cursor.execute("ALTER TABLE bench_clone ADD COLUMN new_id bigint")
        cursor.execute(
            f"UPDATE bench_clone SET new_id = nextval(pg_get_serial_sequence('{Case._meta.db_table}', 'id'))"
        )
        case_cols = columns(Case)
        exprs = []
        for col in case_cols:
            if col == "reference":
                exprs.append(
                    f"'BEV-' || extract(year FROM c.signal_received_at - m.shift)::int || '-{reference_tag}' || "
                    "lpad((row_number() OVER (PARTITION BY extract(year FROM c.signal_received_at - m.shift) "
                    "ORDER BY m.n))::text, 5, '0')"
                )
            elif col == "title":
                exprs.append(f"CASE WHEN m.pool THEN 'Signaal {pool_mark} ' || m.n ELSE c.title END")
            elif col in times:
                exprs.append(f"c.{q(col)} - m.shift")
            else:
                exprs.append(f"c.{q(col)}")
        shifted = "(SELECT *, make_interval(secs => shift_s) AS shift FROM bench_clone)"
        cursor.execute(
            f"INSERT INTO {case_table} (id, {', '.join(q(c) for c in case_cols)}) "
            f"SELECT m.new_id, {', '.join(exprs)} FROM {shifted} m JOIN {case_table} c ON c.id = m.template_id"
        )
        made = cursor.rowcount
        children = {}
        for model in (TimelineEvent, CaseTeamMember, CaseCategory, StageClock, CabinetDecision):
            cols = columns(model)
            exprs = [
                "m.new_id" if col == "case_id" else (f"x.{q(col)} - m.shift" if col in times else f"x.{q(col)}")
                for col in cols
            ]
            table = q(model._meta.db_table)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(q(c) for c in cols)}) SELECT {', '.join(exprs)} "
                f"FROM {shifted} m JOIN {table} x ON x.case_id = m.template_id"
            )
            children[model._meta.model_name] = cursor.rowcount
    return {
        "cloned": made,
        "cloned_children": children,
        "seconds": round(time.perf_counter() - started, 1),
        "how": "SQL (INSERT ... SELECT)",
    }
