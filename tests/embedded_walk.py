"""Each role's main job on the embedded default (`make run`: SQLite, eager Celery), as a newcomer
walks it after `manage.py seed_demo`: the demo users log in through the real login form (password and
a printed backup code), open every page their menu links to, and take a case built from the 2023
letter's figures from signal to a kabinetsbesluit, a position and a disbursement (four eyes with the
second demo manager), the Kamerbrief (DOCX, PDF), the annual report, a document, the audit trail and
its verification, and the fund's ledger (CSV, XLSX).

Run by tests/test_embedded_default.py in a subprocess with DJANGO_SETTINGS_MODULE=config.settings.local
and a throw-away SQLite database and var directory; runnable by hand the same way:

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 DOCUMENT_STORAGE_ROOT=/tmp/demo-docs \\
        .venv/bin/python tests/embedded_walk.py

Exits non-zero at the first answer that is a server error or a wrong result."""

from __future__ import annotations

import os
import re
import sys
import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

PASSWORD = "bev-demo-wachtwoord"
_codes: dict[str, int] = {}
_seen_pages: set[tuple[str, str]] = set()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def answer(response, expected, what):
    body = getattr(response, "content", b"")[:1500]
    check(response.status_code == expected, f"{what}: {response.status_code}, expected {expected}: {body!r}")
    return response


def login(username: str) -> Client:
    """The login form as a newcomer fills it: username, the demo password, a printed backup code."""
    from demo.seeds.access import DEMO_BACKUP_CODES

    client = Client(raise_request_exception=True, HTTP_HOST="127.0.0.1:8000")  # as `make run` serves
    index = _codes.get(username, 0)
    _codes[username] = index + 1
    response = client.post(
        "/login/",
        {"username": username, "password": PASSWORD, "otp_token": DEMO_BACKUP_CODES[index % len(DEMO_BACKUP_CODES)]},
    )
    check(response.status_code == 302, f"login {username}: {response.status_code} {response.content[:800]!r}")
    check("/login/" not in response["Location"], f"login {username} went to {response['Location']}")
    client.username = username  # type: ignore[attr-defined]
    return client


def pages(client: Client, path: str = "/", depth: int = 1) -> None:
    """Open `path` and every page of this site it links to (the menu and what the page offers), to
    `depth` levels: none may answer a server error."""
    todo, done = [(path, 0)], set()
    while todo:
        path, level = todo.pop(0)
        if path in done or (client.username, path) in _seen_pages:
            continue
        done.add(path)
        _seen_pages.add((client.username, path))
        response = client.get(path)
        check(response.status_code < 500, f"{client.username} GET {path}: {response.status_code}")
        if level >= depth or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            if not href.startswith(("/static/", "/i18n/", "/logout", "/admin/logout", "/api/docs", "/api/schema")):
                todo.append((href, level + 1))


def api(client, method, path, expected, data=None, **kwargs):
    call = getattr(client, method)
    if data is not None and "format" not in kwargs:
        response = call(path, data, content_type="application/json")
    else:
        response = call(path, data, **kwargs) if data is not None else call(path)
    answer(response, expected, f"{client.username} {method.upper()} {path}")
    return response.json() if response.get("Content-Type", "").startswith("application/json") else response


def move(client, case_id, name, reason=""):
    result = api(client, "post", f"/api/cases/{case_id}/transitions/", 200, {"name": name, "reason": reason})
    return result["state"]


def signal(title: str) -> dict:
    """A signal from the 2023 letter's own example: a sensitive-technology supplier."""
    today = timezone.localdate()
    return {
        "title": title,
        "summary": "Signaal over een voorgenomen overname door een partij op aanwijzing van een statelijke actor.",
        "classification": "vertrouwelijk",
        "signal_source": "wet_vifo_bti",
        "signal_received_at": (timezone.now() - timedelta(days=1)).isoformat(),
        "urgency": "normal",
        "target_name": "Voorbeeld Photonics B.V.",
        "target_kvk_number": "12345678",
        "target_sector": "Halfgeleiders",
        "categories": ["sensitive_technology", "defence_intelligence_supplier"],
        "acquirer_name": "Example State Holdings Ltd.",
        "acquirer_country": "CN",
        "state_actor_status": "on_instructions",
        "intended_stake_percent": "51.00",
        "intended_control": "Meerderheid van de stemrechten",
        "transaction_value": "25000000.00",
        "expected_closing_date": (today + timedelta(days=60)).isoformat(),
        "scope_grounds": ["essential_supplier"],
        "existing_instruments_considered": ["wet_vifo"],
        "existing_instruments_shortfall": "Toeleverancier valt (nog) niet onder de Wet vifo.",
        "market_financing_explored": True,
        "market_financing_notes": "Geen private partij bereid binnen de termijn.",
    }


def web_signal(client: Client) -> int:
    """The case officer's first job in the web UI: the "Nieuw signaal" form, a team member added on the
    case page and the first step taken there. Returns the case's id."""
    data = signal("Voorgenomen overname sensorfabrikant (web)")
    data["signal_received_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data["market_financing_explored"] = "true"
    response = client.post("/cases/new/", data)
    check(response.status_code == 302, f"web signal: {response.status_code} {response.content[-3000:]!r}")
    case_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    page = answer(client.get(response["Location"]), 200, "the new case's page").content.decode()
    # The people picker offers the demo's risk assessor ("name — organisation — role").
    from access.models import User

    choice = f"{User.objects.get(username='risico').pk}:risk_assessor"
    check(f'<option value="{choice}"' in page, "the team's people picker offers the risk assessor")
    response = client.post(f"/cases/{case_id}/team/", {"team-member": choice})
    check(response.status_code == 302, f"web team add: {response.status_code}")
    response = client.post(f"/cases/{case_id}/transitions/start_intake/", {"start_intake-reason": ""})
    check(response.status_code == 302, f"web transition: {response.status_code}")
    from cases.models import Case

    case = Case.objects.get(pk=case_id)
    check(case.state == "intake", f"the web step moved the case: {case.state}")
    check(case.team.filter(user__username="risico").exists(), "the web form added the assessor")
    return case_id


def concurrent_signals(client: Client, threads: int = 4, each: int = 3) -> None:
    """Officials working at once (runserver answers each request in its own thread): every signal is
    recorded (no "database is locked"), each with its own reference."""
    answers: list = []

    def record(number: int) -> None:
        worker = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1:8000")
        worker.cookies = client.cookies
        try:
            for n in range(each):
                response = worker.post(
                    "/api/cases/", signal(f"Gelijktijdig signaal {number}-{n}"), content_type="application/json"
                )
                answers.append((response.status_code, response.content[:300]))
                answers.append((worker.get("/api/cases/?page_size=5").status_code, b""))
        finally:
            connection.close()

    workers = [threading.Thread(target=record, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    check(all(code in (200, 201) for code, _body in answers), f"concurrent signals: {answers}")
    from cases.models import Case

    references = list(Case.objects.filter(title__startswith="Gelijktijdig").values_list("reference", flat=True))
    check(len(references) == len(set(references)) == threads * each, f"each its own reference: {references}")


def main() -> None:
    check(connection.vendor == "sqlite", f"the embedded default runs on SQLite, not {connection.vendor}")
    check(settings.CELERY_TASK_ALWAYS_EAGER, "the embedded default runs Celery tasks eagerly")
    today = timezone.localdate()

    officer, assessor, assessor2 = login("casus"), login("risico"), login("risico2")
    secretariat, secretariat2 = login("kabinet"), login("kabinet2")
    manager, manager2 = login("fonds"), login("fonds2")
    liaison, liaison2 = login("kamer"), login("kamer2")
    auditor, admin, advisor = login("auditor"), login("beheer"), login("adviseur")

    # Every page each role's menu (and its work list) links to.
    for client in (officer, assessor, secretariat, manager, liaison, auditor, admin, advisor):
        pages(client, "/", depth=1)

    # --- the case officer records a signal from the letter's example and forms the team ------------
    response = officer.get("/cases/new/")
    answer(response, 200, "new signal page")
    case = api(officer, "post", "/api/cases/", 201, signal("Voorgenomen overname chipleverancier (embedded)"))
    case_id = case["id"]
    for username, role in (
        ("risico", "risk_assessor"),
        ("risico2", "risk_assessor"),
        ("kabinet", "cabinet_secretariat"),
        ("kabinet2", "cabinet_secretariat"),
        ("fonds", "fund_manager"),
        ("fonds2", "fund_manager"),
        ("kamer", "parliamentary_liaison"),
        ("kamer2", "parliamentary_liaison"),
        ("auditor", "auditor"),
    ):
        api(officer, "post", f"/api/cases/{case_id}/team/", 201, {"username": username, "role": role})
    answer(officer.get(f"/cases/{case_id}/"), 200, "case page")
    listing = api(officer, "get", "/api/cases/?search=embedded", 200)
    check([row["id"] for row in listing["results"]] == [case_id], f"the case list finds the new case: {listing}")
    answer(officer.get("/cases/?q=embedded"), 200, "case list page with a search")
    check(move(officer, case_id, "start_intake") == "intake", "intake")
    check(move(officer, case_id, "start_assessment") == "risk_assessment", "risk assessment")

    # --- the risk assessors score the afwegingskader (four eyes) ------------------------------------
    assessment = api(assessor, "post", "/api/assessments/", 201, {"case": case_id, "kind": "initial"})
    aid = assessment["id"]
    api(
        assessor,
        "put",
        f"/api/assessments/{aid}/scope/",
        200,
        {"scope_ground": "essential_supplier", "confirmed": True, "rationale": "Valt (nog) niet onder de Wet vifo."},
    )
    for row in assessment["conditions"]:
        api(
            assessor,
            "put",
            f"/api/assessments/{aid}/conditions/{row['code']}/",
            200,
            {"status": "met", "rationale": "Onderbouwd met de bronnen in het dossier."},
        )
    for row in assessment["checks"]:
        api(
            assessor,
            "put",
            f"/api/assessments/{aid}/checks/{row['code']}/",
            200,
            {"answer": "yes", "rationale": "Beoordeeld en doorstaan."},
        )
    board = api(assessor, "get", f"/api/assessments/{aid}/scores/", 200)
    for row in board:
        if row.get("kind", "core") == "core":
            api(
                assessor,
                "post",
                f"/api/assessments/{aid}/scores/",
                201,
                {"indicator": row["code"], "level": 3, "rationale": "Score 3 op basis van het dossier."},
            )
    api(
        assessor,
        "put",
        f"/api/assessments/{aid}/no-consultation-reason/",
        200,
        {"reason": "Geen ander departement betrokken: alleen EZK-beleid geraakt."},
    )
    answer(assessor.get(f"/assessments/{aid}/"), 200, "assessment page")
    api(assessor, "post", f"/api/assessments/{aid}/submit/", 200, {})
    approved = api(assessor2, "post", f"/api/assessments/{aid}/approve/", 200, {"comments": "Akkoord."})
    check(approved["result"]["outcome"] == "deploy", f"the assessment concludes to deploy: {approved['result']}")
    check(move(assessor, case_id, "submit_to_cabinet") == "cabinet_decision", "to the cabinet")

    # --- the cabinet decides (four eyes) ------------------------------------------------------------
    decision = api(
        secretariat,
        "post",
        f"/api/cases/{case_id}/cabinet-decisions/",
        201,
        {
            "meeting_date": today.isoformat(),
            "reference": "MR-2026-EMB",
            "deploy": True,
            "instruments": ["equity"],
            "max_amount": "25000000.00",
            "conditions": "Zetel in de raad van commissarissen",
        },
    )
    api(secretariat2, "post", f"/api/cases/{case_id}/cabinet-decisions/{decision['id']}/confirm/", 200, {})
    decisions = api(secretariat, "get", f"/api/cases/{case_id}/cabinet-decisions/", 200)
    rows = decisions["results"] if isinstance(decisions, dict) else decisions
    check(any(row["confirmed_by"] == "kabinet2" for row in rows), f"the decision is confirmed: {rows}")
    check(move(secretariat, case_id, "start_investment_preparation") == "investment_preparation", "preparation")

    # --- Invest-NL: the proposal (EZK approves), a position, a disbursement (four eyes) ------------
    fund_before = api(manager, "get", "/api/fund/", 200)
    proposal = api(
        manager,
        "post",
        "/api/investment-proposals/",
        201,
        {
            "case": case_id,
            "instrument": "equity",
            "amount": "12500000.00",
            "terms": "25% van de aandelen, zetel RvC",
            "valuation_basis": "Pre-money € 37,5 mln (laatste ronde)",
        },
    )
    api(officer, "post", f"/api/investment-proposals/{proposal['id']}/approve/", 200, {})
    position = api(
        manager,
        "post",
        "/api/positions/",
        201,
        {"case": case_id, "instrument": "equity", "shares": 250000, "ownership_percent": "25"},
    )
    proposed = api(
        manager,
        "post",
        f"/api/positions/{position['id']}/disbursements/",
        201,
        {"amount": "12500000.00", "idempotency_key": "embedded-disbursement-1"},
    )
    api(manager, "post", f"/api/disbursements/{proposed['id']}/approve/", 403, {})  # four eyes
    api(manager2, "post", f"/api/disbursements/{proposed['id']}/approve/", 200, {})
    case = api(officer, "get", f"/api/cases/{case_id}/", 200)
    check(case["state"] == "invested", f"the first disbursement moved the case: {case['state']}")
    fund_after = api(manager, "get", "/api/fund/", 200)
    deployed = Decimal(fund_after["deployed"]) - Decimal(fund_before["deployed"])
    available = Decimal(fund_before["available"]) - Decimal(fund_after["available"])
    check(deployed == available == Decimal("12500000.00"), f"the fund moved by the disbursement: {fund_after}")
    answer(manager.get(f"/fund/positions/{position['id']}/"), 200, "position page")
    answer(manager.get(f"/fund/cases/{case_id}/"), 200, "case's fund page")
    answer(manager.get("/fund/"), 200, "fund page")

    # The ledger balances: every entry's lines sum to zero, and the exports carry the disbursement.
    from bev.selectors import running_balance_mismatches, unbalanced_entries

    check(not list(unbalanced_entries()), "every ledger entry balances")
    check(not running_balance_mismatches(), f"the running balances are the ledger's: {running_balance_mismatches()}")
    csv = answer(manager.get("/fund/ledger/?export=csv"), 200, "ledger CSV")
    check(b"12500000" in csv.content.replace(b".", b"").replace(b",", b""), "the ledger CSV has the disbursement")
    xlsx = answer(manager.get("/fund/ledger/?export=xlsx"), 200, "ledger XLSX")
    check(xlsx.content[:2] == b"PK", "the ledger XLSX is a spreadsheet")

    # --- the management fee: the administrator sets the year's budget, Invest-NL proposes, EZK approves;
    # what is left is money with cents, as on PostgreSQL (SQLite sums as floats: core.sqlite_backend)
    api(admin, "post", "/api/fund/fee-budgets/", 201, {"year": today.year, "amount": "1000000.00", "notes": "Budget"})
    fee = api(manager, "post", "/api/fund/fees/", 201, {"amount": "400000.10", "idempotency_key": "embedded-fee-1"})
    api(officer, "post", f"/api/fund/fees/{fee['id']}/approve/", 200, {})
    refused = api(manager, "post", "/api/fund/fees/", 409, {"amount": "600000.00", "idempotency_key": "embedded-fee-2"})
    check(refused["extra"]["left"] == "599999.90", f"the fee budget's remainder: {refused}")
    check(api(manager, "get", "/api/fund/", 200)["fee_left"] == "599999.90", "the fund page's fee remainder")

    # --- parliament: the drafts are there (eager Celery), reviewed, DOCX and PDF --------------------
    letters = api(liaison, "get", f"/api/letters/?case={case_id}", 200)
    letters = letters["results"] if isinstance(letters, dict) else letters
    check(len(letters) == 2, f"a Kamerbrief draft for each chamber: {letters}")
    letter_id = letters[0]["id"]
    answer(liaison.get(f"/letters/{letter_id}/"), 200, "letter page")
    answer(liaison.get(f"/letters/{letter_id}/edit/"), 200, "letter edit page")
    docx = answer(liaison.get(f"/letters/{letter_id}/download/docx/"), 200, "letter DOCX")
    check(docx.content[:2] == b"PK", "the DOCX is a zip")
    pdf = answer(liaison.get(f"/letters/{letter_id}/download/pdf/"), 200, "letter PDF")
    check(pdf.content.startswith(b"%PDF"), "the PDF starts with %PDF")
    api(liaison, "patch", f"/api/letters/{letter_id}/", 200, {"our_reference": "DGBI / 26000001"})
    api(liaison, "post", f"/api/letters/{letter_id}/submit/", 200, {})
    api(liaison2, "post", f"/api/letters/{letter_id}/approve/", 200, {})

    # --- the annual report (built eagerly in the request) --------------------------------------------
    report = api(liaison, "post", "/api/reports/", 202, {"kind": "annual_transactions", "year": today.year})
    report = api(liaison, "get", f"/api/reports/{report['id']}/", 200)
    check(report["status"] == "done", f"the annual report is built: {report}")
    for fmt, start in (("csv", b""), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        download = answer(liaison.get(f"/api/reports/{report['id']}/download/{fmt}/"), 200, f"report {fmt}")
        check(download.content.startswith(start), f"the report's {fmt}")
    answer(liaison.get("/letters/reports/"), 200, "reports page")

    # --- a valuation, then the cabinet orders a partial sale: what is still held is valued at the sold
    # fraction's every decimal (SQLite rounded a sale's percentage to a money column's two once)
    api(
        manager,
        "post",
        f"/api/positions/{position['id']}/valuations/",
        201,
        {"valued_on": today.isoformat(), "fair_value": "13750000.00", "method": "dcf"},
    )
    sale = api(
        secretariat,
        "post",
        f"/api/cases/{case_id}/cabinet-decisions/",
        201,
        {"meeting_date": today.isoformat(), "reference": "MR-2026-EMB-VERKOOP", "deploy": False, "orders_sale": True},
    )
    api(secretariat2, "post", f"/api/cases/{case_id}/cabinet-decisions/{sale['id']}/confirm/", 200, {})
    api(
        manager,
        "post",
        f"/api/positions/{position['id']}/exits/",
        201,
        {"proceeds": "1700000.00", "fraction_sold_percent": "12.345678", "idempotency_key": "embedded-exit-1"},
    )
    held = (Decimal("13750000.00") * (100 - Decimal("12.345678")) / 100).quantize(Decimal("0.01"))
    metrics = api(manager, "get", f"/api/positions/{position['id']}/", 200)["metrics"]
    check(Decimal(metrics["unrealised_value"]) == held, f"the position's value after the sale: {metrics}")
    from bev.models import Position
    from bev.selectors import positions_metrics

    many = positions_metrics(list(Position.objects.all()))[position["id"]]["unrealised_value"]
    check(many == held, f"the value read with every position's: {many}, not {held}")

    # --- a document: upload, download ---------------------------------------------------------------
    from django.core.files.uploadedfile import SimpleUploadedFile

    memo = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    document = api(
        officer,
        "post",
        f"/api/cases/{case_id}/documents/",
        201,
        {
            "file": SimpleUploadedFile("memo.pdf", memo, content_type="application/pdf"),
            "title": "Memo",
            "document_type": "memo",
        },
        format="multipart",
    )
    download = answer(
        officer.get(f"/documents/cases/{case_id}/{document['id']}/versions/1/download/"), 200, "document download"
    )
    check(b"".join(download.streaming_content if download.streaming else [download.content]) == memo, "same bytes")
    answer(officer.get(f"/documents/cases/{case_id}/"), 200, "case documents page")

    # --- the auditor: the trail, its export and the chain's verification ---------------------------
    pages(auditor, "/audit/", depth=1)
    trail = api(auditor, "get", f"/api/cases/{case_id}/audit/", 200)
    check(trail["count"] if isinstance(trail, dict) else len(trail), "the case's audit trail has records")
    answer(auditor.get("/audit/export.csv"), 200, "audit CSV")
    verification = api(auditor, "post", "/api/audit/verifications/", 202, {})
    verification = api(auditor, "get", f"/api/audit/verifications/{verification['id']}/", 200)
    check(verification["status"] == "done" and verification["ok"], f"the chain verifies: {verification}")
    check(verification["unsealed"] == 0 and verification["checked"] > 100, f"every record sealed: {verification}")

    # The new case's own pages, as each role on its team.
    for client in (officer, assessor, secretariat, manager, liaison, auditor):
        pages(client, f"/cases/{case_id}/", depth=1)
    web_signal(officer)
    concurrent_signals(officer)
    print("embedded walk: ok")


if __name__ == "__main__":
    main()
