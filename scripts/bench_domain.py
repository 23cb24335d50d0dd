"""The benchmark's view of the fund (bev), the assessments and the letters to parliament.

Seeding uses the owning apps' services (through the helpers in tests/factories.py where they
exist). Each function checks that the code it needs is there and otherwise says what is missing, so
the report names a scenario that could not be measured instead of faking it."""

from __future__ import annotations

import io
import os
import random
import statistics
import subprocess
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Share of the cases past risk assessment whose assessment (and risk review) is driven through the
# assessments services; the others take that one step directly (counted in the report), because a
# full afwegingskader run is ~20 service calls and would dominate the seeding time.
ASSESSMENT_SHARE = float(os.environ.get("BENCH_ASSESSMENT_SHARE", "0.2"))
# The seeding processes take turns in the assessments and fund services, which deadlock against
# each other under concurrency (seen while seeding; reported): both lock a shared row FOR UPDATE
# (`bev.services.ledger._lock_fund`: the fund row; `assessments.services.common._lock`: through
# select_related("framework", "case") also the framework version row) and then wait for the audit
# chain's advisory lock, while a transaction holding that lock inserts a row referencing the same
# shared row (a position, an assessment), whose deferred foreign-key check at COMMIT needs
# FOR KEY SHARE on it, which FOR UPDATE blocks. Created before the seeding processes fork.
import multiprocessing  # noqa: E402

SERVICE_TURN = multiprocessing.get_context("fork").Lock()


# ---------------------------------------------------------------------------------------------
# Seeding hooks, called from scripts/bench_seed.py while a case walks its path
# ---------------------------------------------------------------------------------------------
def _hook_assessment(*, case, users, deploy: bool, rng):
    if rng.random() >= ASSESSMENT_SHARE:
        return
    from tests.factories import approve_assessment

    with SERVICE_TURN:
        approve_assessment(
            case,
            lead=users["bench_assessor"],
            approver=users["bench_assessor2"],
            outcome="deploy" if deploy else "do_not_deploy",
        )


def _hook_risk_review(*, case, users, rng):
    if rng.random() >= ASSESSMENT_SHARE:
        return
    from tests.factories import approve_risk_review

    with SERVICE_TURN:
        approve_risk_review(case, lead=users["bench_assessor"], approver=users["bench_assessor2"], manageable=True)


def _hook_invest(*, case, users, rng):
    """A position, one disbursement (four eyes; approving it moves the case to invested) and one or
    two valuations."""
    with SERVICE_TURN:
        _invest(case=case, users=users, rng=rng)


def _invest(*, case, users, rng):
    """One to three positions (shares first, then a convertible loan or a loan with warrants, the
    letter's instruments), each with its first disbursement and one or two valuations."""
    from bev import services

    case.refresh_from_db()
    if case.state != "investment_preparation":  # positions are recorded while the investment is prepared
        return
    # Invest-NL's investment proposal under the kabinetsbesluit, approved by EZK's case officer
    # before anything is reserved or disbursed.
    proposal = services.investment_proposal_propose(
        user=users["bench_manager"],
        case=case,
        instrument="equity",
        amount=Decimal("1000000.00"),
        terms="Minderheidsbelang.",
        valuation_basis="Laatste financieringsronde.",
    )
    services.investment_proposal_approve(user=users["bench_officer"], proposal=proposal)
    pending = []
    for k in range(rng.choice([1, 2, 2, 3])):
        instrument = "equity" if k == 0 else rng.choice(["convertible_loan", "loan_with_warrants"])
        amount = Decimal(rng.randint(10, 30) * 1000)
        terms = (
            {"ownership_percent": Decimal(rng.randint(5, 49))}
            if instrument == "equity"
            else {
                "principal": amount,
                "interest_rate_percent": Decimal("4.0"),
                **(
                    {"conversion_terms": "Converteerbaar tegen de prijs van de volgende financieringsronde."}
                    if instrument == "convertible_loan"
                    else {"warrant_terms": "Warrants op 5% van de aandelen, uitoefenprijs nominaal."}
                ),
            }
        )
        position = services.position_create(user=users["bench_manager"], case=case, instrument=instrument, **terms)
        proposal = services.disbursement_propose(
            user=users["bench_manager"], position=position, amount=amount, idempotency_key=f"bench-first-{position.pk}"
        )
        pending.append((position, proposal))
    # Approving the first disbursement moves the case to invested; every position is recorded before.
    for position, proposal in pending:
        services.disbursement_approve(user=users["bench_manager2"], disbursement=proposal)
        # Valued on the day of the first disbursement (booked today): a valuation dated before the
        # first investment is refused (bev.services.holdings).
        for _ in range(rng.randint(1, 2)):
            services.valuation_record(
                user=users["bench_manager"],
                position=position,
                valued_on=date.today(),
                fair_value=proposal.amount * Decimal(rng.randint(80, 130)) / 100,
                method=rng.choice(["cost", "recent_transaction", "multiples", "dcf"]),
            )


def _hook_exit_positions(*, case, users, rng):
    from assessments.selectors import risk_review_allows_exit
    from bev import services
    from bev.models import Position
    from bev.selectors import position_balances
    from tests.factories import order_sale

    with SERVICE_TURN:
        if not risk_review_allows_exit(case.pk):  # the exit gate: a manageable review, or the cabinet orders it
            order_sale(case, recorder=users["bench_secretariat"], confirmer=users["bench_secretariat2"])
        for position in Position.objects.filter(case=case, exited_on__isnull=True):
            cost = position_balances(position_ids=[position.pk])[position.pk]["cost"]
            services.exit_book(
                user=users["bench_manager"],
                position=position,
                proceeds=(cost * Decimal(rng.randint(90, 140)) / 100).quantize(Decimal("0.01")),
                fraction_sold_percent=Decimal("100"),
                idempotency_key=f"bench-exit-{position.pk}",
            )


HOOKS = {
    "assessment": _hook_assessment,
    "invest": _hook_invest,
    "risk_review": _hook_risk_review,
    "exit_positions": _hook_exit_positions,
}


# ---------------------------------------------------------------------------------------------
# Seeding before and after the cases
# ---------------------------------------------------------------------------------------------
def prepare(*, users: dict) -> dict:
    """The fund with both tranches received (through the services), before any case invests."""
    from tests.factories import fund_with_tranches

    fund_with_tranches(user=users["bench_manager"])
    return {"fund": "established, two tranches of EUR 50m received"}


def seed(*, users: dict, scale: float, rng: random.Random, budget_s: float = 120) -> dict:
    """After the cases: letters drafted from the fund's transactions, and the ledger topped up to
    its target size (through the services for `budget_s`, then bulk-loaded as balanced pairs)."""
    result: dict = {}
    from bev.models import JournalEntry, Position, Valuation

    result["positions"] = Position.objects.count()
    result["valuations"] = Valuation.objects.count()
    result["letters"] = _make_letters(limit=max(10, int(50 * scale)))
    target = max(500, int(50_000 * scale))
    t0 = time.perf_counter()
    by_service = _ledger_through_services(users=users, target=target, rng=rng, budget_s=budget_s)
    result["ledger_entries_by_service_top_up"] = by_service
    result["ledger_service_top_up_seconds"] = round(time.perf_counter() - t0, 1)
    result["ledger_entries_bulk_loaded"] = _ledger_bulk(users=users, target=target, rng=rng)
    result["ledger_entries"] = JournalEntry.objects.count()
    return result


def _make_letters(*, limit: int) -> int:
    """What the outbox worker does: pending letter requests become drafts (parliament's services)."""
    from parliament.services import letter_drafts_make, pending_letter_request_ids

    made = 0
    for request_id in pending_letter_request_ids(limit=limit):
        made += len(letter_drafts_make(request_id=request_id))
    return made


def _open_positions(limit: int = 5000):
    from bev.models import Position
    from bev.services import DISBURSEMENT_STATES

    return list(
        Position.objects.filter(exited_on__isnull=True, case__state__in=DISBURSEMENT_STATES)
        .select_related("case")
        .order_by("id")[:limit]
    )


def _ledger_through_services(*, users, target: int, rng, budget_s: float) -> int:
    """Reservations and their releases through the services (each one entry), within the budget."""
    from bev import services
    from bev.models import JournalEntry

    positions = _open_positions()
    if not positions:
        return 0
    made, i = 0, 0
    deadline = time.monotonic() + budget_s
    while time.monotonic() < deadline and JournalEntry.objects.count() < target - 1:
        for _ in range(50):
            position = positions[i % len(positions)]
            amount = Decimal(rng.randint(1, 50) * 100)
            services.reservation_book(
                user=users["bench_manager"], position=position, amount=amount, idempotency_key=f"bench-res-{i}"
            )
            services.reservation_release(
                user=users["bench_manager"], position=position, amount=amount, idempotency_key=f"bench-rel-{i}"
            )
            made += 2
            i += 1
    return made


def _ledger_bulk(*, users, target: int, rng) -> int:
    """The rest of the ledger as reservation/release pairs of equal amounts on open positions: each
    pair leaves every balance as it was, so every limit holds at every entry, as if booked by
    `reservation_book` and `reservation_release` (COPY, clearly counted as bulk-loaded)."""
    from django.db import connection
    from django.utils import timezone

    from bev.models import Fund, JournalEntry, JournalLine
    from bev.services.ledger import running_balances_rebuild

    missing = target - JournalEntry.objects.count()
    if missing <= 0:
        return 0
    positions = _open_positions()
    fund = Fund.objects.get(code="BEV")
    today = timezone.localdate()
    last = JournalEntry.objects.order_by("-booked_on").values_list("booked_on", flat=True).first() or today
    booked_on = max(today, last)
    pairs = (missing + 1) // 2
    user_id = users["bench_manager"].pk
    now = timezone.now().isoformat()
    entry_table, line_table = JournalEntry._meta.db_table, JournalLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{entry_table}', 'id')) FROM generate_series(1, %s)", [pairs * 2]
        )
        ids = [row[0] for row in cursor.fetchall()]
    entries, lines = io.StringIO(), io.StringIO()
    for n in range(pairs):
        position = positions[rng.randrange(len(positions))]
        amount = f"{rng.randint(1, 50) * 100}.00"
        for k, (kind, reserved_sign, desc) in enumerate(
            (("reservation", "", "Reservering (bench)"), ("release", "-", "Vrijval (bench)"))
        ):
            entry_id = ids[2 * n + k]
            entries.write(
                "\t".join(
                    [
                        str(entry_id),
                        str(fund.pk),
                        kind,
                        booked_on.isoformat(),
                        desc,
                        amount,
                        f"bench-bulk-{entry_id}",
                        str(position.pk),
                        str(position.case_id),
                        "\\N",
                        str(user_id),
                        "\\N",
                        now,
                    ]
                )
                + "\n"
            )
            other = "-" if reserved_sign == "" else ""
            lines.write(
                "\t".join(
                    [
                        str(entry_id),
                        str(fund.pk),
                        "cash_reserved",
                        str(position.pk),
                        kind,
                        booked_on.isoformat(),
                        reserved_sign + amount,
                    ]
                )
                + "\n"
            )
            lines.write(
                "\t".join(
                    [
                        str(entry_id),
                        str(fund.pk),
                        "cash_available",
                        str(position.pk),
                        kind,
                        booked_on.isoformat(),
                        other + amount,
                    ]
                )
                + "\n"
            )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {entry_table} (id, fund_id, kind, booked_on, description, amount, "
            "idempotency_key, position_id, case_id, reverses_id, created_by_id, approved_by_id, "
            "created_at) FROM STDIN"
        ) as copy:
            copy.write(entries.getvalue())
        with cursor.cursor.copy(
            f"COPY {line_table} (entry_id, fund_id, account, position_id, kind, booked_on, amount) FROM STDIN"
        ) as copy:
            copy.write(lines.getvalue())
    # The running balances (the accounts', the positions' figures and flows) are the ledger's sums
    # again: `_post` keeps them for every booking, a COPY does not.
    running_balances_rebuild()
    return pairs * 2


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------
def scenarios(*, users: dict, rng: random.Random) -> list[dict]:
    from bench_load import Request

    out = []
    if _url_exists("/api/assessments/"):
        from assessments.models import Assessment

        ids = list(Assessment.objects.values_list("pk", flat=True)[:2000])
        out.append(
            {
                "name": "assessment_view",
                "kind": "read",
                "user": "bench_assessor",
                "label": "Assessment view",
                "requests": [Request("GET", f"/api/assessments/{pk}/") for pk in ids],
            }
            if ids
            else {"name": "assessment_view", "missing": "no assessments were seeded"}
        )
    else:
        out.append({"name": "assessment_view", "missing": "assessments API not found"})
    if _url_exists("/api/fund/"):
        from bev.models import Position

        out.append(
            {
                "name": "fund_overview",
                "kind": "read",
                "user": "bench_manager",
                "label": "Fund overview",
                "requests": [Request("GET", "/api/fund/")],
            }
        )
        ids = list(Position.objects.values_list("pk", flat=True)[:2000])
        rng.shuffle(ids)
        out.append(
            {
                "name": "position_detail",
                "kind": "read",
                "user": "bench_manager",
                "label": "Position detail",
                "requests": [Request("GET", f"/api/positions/{pk}/") for pk in ids],
            }
            if ids
            else {"name": "position_detail", "missing": "no positions were seeded"}
        )
        out.append(
            {
                "name": "disbursement",
                "kind": "write",
                "user": "bench_manager2",
                "label": "Disbursement (approve = book, four eyes)",
                "prepare": _disbursement_requests,
            }
        )
    else:
        out += [
            {"name": n, "missing": "bev API not found"} for n in ("fund_overview", "position_detail", "disbursement")
        ]
    letters = _letter_ids()
    if letters and _url_exists(f"/api/letters/{letters[0]}/docx/"):
        reqs = [Request("GET", f"/api/letters/{pk}/{fmt}/") for pk in letters[:50] for fmt in ("docx", "pdf")]
        out.append(
            {
                "name": "kamerbrief_render",
                "kind": "render",
                "user": "bench_liaison",
                "label": "Kamerbrief render (DOCX and PDF download)",
                "requests": reqs,
            }
        )
    else:
        out.append({"name": "kamerbrief_render", "missing": "no letter drafts or no letters API"})
    return out


def _url_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
        return True
    except Resolver404:
        return False


def _letter_ids() -> list[int]:
    from parliament.models import LetterDraft

    return list(LetterDraft.objects.order_by("id").values_list("pk", flat=True)[:200])


def _hot_pool(duration: float) -> int:
    """Proposals for one hot-path measurement: more than the run can book (about 150/s were seen), so
    every request books one and none is an idempotent repeat that would flatter the figure."""
    return int(max(150, duration * 200))


def propose_disbursements(*, count: int, users: dict | None = None, tag: str = "") -> list:
    """Proposals (through the service) waiting for the second manager's approval."""
    from bench_seed import ensure_users_readonly

    from bev import services

    users = users or ensure_users_readonly()
    positions = _open_positions()
    made = []
    stamp = f"{tag}{time.time_ns()}"
    for i in range(count):
        position = positions[i % len(positions)]
        made.append(
            services.disbursement_propose(
                user=users["bench_manager"],
                position=position,
                amount=Decimal("1.00"),
                idempotency_key=f"bench-{stamp}-{i}",
            )
        )
    return made


# Approvals per second a level's pool of proposals is sized for, as the transition pool is
# (bench_curve.TRANSITION_STEPS_PER_S): above what 16 clients have booked on 2 CPUs, so no level runs
# through it and repeats (an idempotent 200 that would flatter the figure). When one still does, the
# report notes "pool ... exhausted" beside the level.
DISBURSEMENT_APPROVALS_PER_S = 600


def disbursement_pool_size(duration: float) -> int:
    """Proposals one level of `duration` seconds needs (BENCH_DISBURSEMENTS_PER_LEVEL overrides)."""
    return int(os.environ.get("BENCH_DISBURSEMENTS_PER_LEVEL", 0)) or max(
        100, int(duration * DISBURSEMENT_APPROVALS_PER_S)
    )


def _disbursement_requests(concurrency: int, duration: float) -> list:
    from bench_load import Request

    count = disbursement_pool_size(duration)
    return [
        Request("POST", f"/api/disbursements/{d.pk}/approve/", "{}")
        for d in propose_disbursements(count=count, tag=f"api{concurrency}-")
    ]


# ---------------------------------------------------------------------------------------------
# Letter rendering, in-process
# ---------------------------------------------------------------------------------------------
def letter_rendering(repeat: int = 5) -> dict:
    from parliament.models import LetterDraft
    from parliament.rendering import letter_docx, letter_pdf

    letter = LetterDraft.objects.order_by("id").first()
    if letter is None:
        return {"missing": "no letter drafts (no fund transaction produced a letter request)"}
    out = {"letter": letter.pk}
    for fmt, render in (("docx", letter_docx), ("pdf", letter_pdf)):
        render(letter)  # warm-up: fonts, templates
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            content = render(letter)
            times.append(time.perf_counter() - t0)
        times.sort()
        out[fmt] = {
            "median_s": round(statistics.median(times), 3),
            "p95_s": round(times[-1], 3),
            "runs": repeat,
            "bytes": len(content),
        }
    return out


# ---------------------------------------------------------------------------------------------
# The ledger's hot path, three ways
# ---------------------------------------------------------------------------------------------
def ledger_three_ways(*, server, tokens: dict, duration: float, database_url: str, clients: int = 16) -> dict:
    if not _url_exists("/api/disbursements/1/approve/"):
        return {"missing": "bev disbursement services/API not found"}
    out: dict = {"clients": clients, "duration_s": duration}
    out["pgbench"] = _pgbench(database_url=database_url, clients=clients, duration=duration)
    out["service"] = _service_threads(clients=clients, duration=duration)
    from bench_load import Request, run_wrk

    server.settle(tokens["bench_lead"])
    proposals = propose_disbursements(count=_hot_pool(duration), tag="apihot-")
    result = run_wrk(
        base_url=server.url,
        scenario="disbursement_api",
        token=tokens["bench_manager2"],
        requests=[Request("POST", f"/api/disbursements/{d.pk}/approve/", "{}") for d in proposals],
        concurrency=clients,
        duration=duration,
    )
    out["api"] = {
        "throughput": result.throughput,
        "p50_ms": result.p50_ms,
        "p95_ms": result.p95_ms,
        "errors": result.errors,
        "requests": result.requests,
        "note": (f"pool of {len(proposals)} proposals exhausted" if result.requests > len(proposals) else ""),
    }
    out["limit_breaches"] = limit_breaches()
    return out


_PGBENCH_PROPOSALS = 500


def _pgbench(*, database_url: str, clients: int, duration: float) -> dict:
    from urllib.parse import urlparse

    from bev.models import Fund

    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    if not bins:
        return {"missing": "pgbench not installed (Debian postgresql-15)"}
    fund = Fund.objects.get(code="BEV")
    from bench_seed import ensure_users_readonly

    users = ensure_users_readonly()
    # Proposals on as many positions; each transaction locks one and sets it booked (as the service
    # does to the proposal it approves) and books on its position.
    proposals = propose_disbursements(count=_PGBENCH_PROPOSALS, users=users, tag="pgbench-")
    key_prefix, user = proposals[0].idempotency_key[:-1], users["bench_manager2"]
    assert all(p.idempotency_key == f"{key_prefix}{i}" for i, p in enumerate(proposals))
    url = urlparse(database_url)
    env = {
        **os.environ,
        "PGPASSWORD": url.password or "",
        "PGHOST": url.hostname or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "postgres",
        "PGDATABASE": url.path.lstrip("/"),
    }
    script = ROOT / "scripts" / "bench" / "disbursement.sql"
    cmd = [
        str(bins[-1]),
        "-n",
        "-c",
        str(clients),
        "-j",
        "2",
        "-T",
        str(int(duration)),
        "-f",
        str(script),
        "-D",
        f"fund_id={fund.pk}",
        "-D",
        f"user_id={user.pk}",
        "-D",
        f"key_prefix='{key_prefix}'",
        "-D",
        f"proposals={len(proposals)}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=duration + 60)
    out = {"command": " ".join(cmd[1:])}
    for line in proc.stdout.splitlines():
        if line.startswith("tps = "):
            out["throughput"] = round(float(line.split()[2]), 1)
        elif line.startswith("latency average"):
            out["latency_avg_ms"] = float(line.split("=")[1].split()[0])
        elif line.startswith("number of failed transactions"):
            out["failed"] = int(line.split(":")[1].split()[0])
        elif line.startswith("number of transactions actually processed"):
            out["transactions"] = int(line.split(":")[1].split("/")[0])
    if "throughput" not in out:
        out["error"] = (proc.stderr or proc.stdout)[-500:]
    return out


def _service_threads(*, clients: int, duration: float) -> dict:
    """`disbursement_approve` called from `clients` threads, each with its own connection."""
    from bench_seed import ensure_users_readonly
    from django.db import connection

    from audit.context import acting
    from bev import services

    users = ensure_users_readonly()
    proposals = propose_disbursements(count=_hot_pool(duration), users=users, tag="svc-")
    lock = threading.Lock()
    queue = list(reversed(proposals))
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = [0.0]

    def work():
        try:
            with acting(channel="command"):
                while time.perf_counter() < stop_at[0]:
                    with lock:
                        if not queue:
                            return
                        proposal = queue.pop()
                    t0 = time.perf_counter()
                    try:
                        services.disbursement_approve(user=users["bench_manager2"], disbursement=proposal)
                        with lock:
                            latencies.append(time.perf_counter() - t0)
                    except Exception as exc:  # noqa: BLE001 - counted and reported
                        with lock:
                            errors.append(exc.__class__.__name__)
        finally:
            connection.close()

    connection.close()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    stop_at[0] = started + duration
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q):
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1) if latencies else None

    return {
        "throughput": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "booked": len(latencies),
        "note": "proposal pool exhausted" if not queue and elapsed < duration * 0.95 else "",
    }


def limit_breaches() -> int:
    """Entries after which a limit did not hold: available liquidity below zero, or more received
    than committed (running balances over the whole ledger, in booking order)."""
    from django.db import connection

    from bev.models import Fund, JournalLine

    fund = Fund.objects.get(code="BEV")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH per_entry AS (
                SELECT entry_id,
                       SUM(amount) FILTER (WHERE account = 'cash_available') AS available,
                       SUM(amount) FILTER (WHERE account = 'ministry_loan') AS loan
                FROM {JournalLine._meta.db_table} WHERE fund_id = %s GROUP BY entry_id),
            running AS (
                SELECT entry_id,
                       SUM(COALESCE(available, 0)) OVER (ORDER BY entry_id) AS available,
                       -SUM(COALESCE(loan, 0)) OVER (ORDER BY entry_id) AS received
                FROM per_entry)
            SELECT COUNT(*) FROM running WHERE available < 0 OR received > %s""",
            [fund.pk, fund.committed_limit],
        )
        return cursor.fetchone()[0]
