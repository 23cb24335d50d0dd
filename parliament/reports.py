"""The reports the 2023 letter promises.

- The annual transaction report: "Invest-NL rapporteert over de transacties in haar jaarverslag":
  every transaction of a year with instrument, amount and result (CSV, XLSX, PDF with a summary),
  the manager valid at the year's end (`bev.selectors.manager_on`: the manager is dated data, the
  2025 letter aims to integrate Invest-NL and Invest International per 1 januari 2028) and EZK's
  loan at the year's end and in the year (principal outstanding, interest accrued and paid, repaid,
  swept to the staatskas), each from the ledger.
- The evaluation two years after the start: werking, doelmatigheid en doeltreffendheid: the
  funnel of cases, time per stage, capital deployed/returned/swept, fees against deployed capital,
  the revolving ratio and the positions with MOIC/IRR (PDF with charts, XLSX).

Need-to-know: a report holds only the cases visible to the person who asked for it
(`Case.objects.visible_to(user)`); fund-wide totals only for people whose role may see the fund.
The annual report is never silently incomplete: its first page says either that it holds every
transaction of the fund in the year, or how many were withheld by need-to-know.
The investments and exits come from the letter outbox (`LetterRequest`), which the fund fills with
every executed transaction (and marks when one is reversed); what came back from the positions
(dividend, interest, repayment) from the ledger: the report's totals agree with the ledger.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from access.permissions import can
from bev.models import Position
from bev.selectors import (
    fund_overview,
    manager_on,
    positions_metrics,
    positions_stakes_on,
    returns_between,
    returns_between_count,
)
from cases.constants import MAIN_STAGES, State
from cases.models import Case, TimelineEvent
from core.exceptions import NotFound
from core.formatting import date_nl, euro, percent_nl
from core.spreadsheets import csv_bytes, xlsx_bytes

from . import services
from .models import EVALUATION_QUESTIONS, LetterRequest, Report, TransactionKind

ZERO = Decimal("0.00")
EXITS = {TransactionKind.PARTIAL_EXIT, TransactionKind.FULL_EXIT}
INVESTED = {TransactionKind.FIRST_INVESTMENT, TransactionKind.FOLLOW_ON_INVESTMENT}
REVERSAL_LABEL = "Tegenboeking"  # the report is Dutch, as the letters (a row undoing an earlier one)


def build_report(report: Report) -> Report:
    """Reports to parliament are Dutch, whatever language the asker's page was in: the task runs
    eagerly inside the request in the embedded default (`make run`), where that language is active,
    and the labels of choices (transaction kinds, instruments) are translated when they are written."""
    with translation.override("nl"):
        if report.kind == Report.Kind.ANNUAL_TRANSACTIONS:
            return build_annual_report(report)
        return build_evaluation_report(report)


# ---------------------------------------------------------------------------------------------
# Fund data (the fund app's selectors)
# ---------------------------------------------------------------------------------------------
def _positions_with_metrics(cases, as_of: date) -> list[dict]:
    positions = list(Position.objects.filter(case__in=cases).select_related("case").order_by("id"))
    metrics = positions_metrics(positions, as_of=as_of) if positions else {}
    return [{"position": p, "case": p.case, **metrics[p.pk]} for p in positions]


def _fund_totals(user, as_of: date) -> dict:
    if not can(user, "fund.view"):
        return {}
    try:
        return fund_overview(as_of=as_of)
    except NotFound:
        return {}


# ---------------------------------------------------------------------------------------------
# The annual transaction report
# ---------------------------------------------------------------------------------------------
ANNUAL_COLUMNS = [
    "Datum",
    "Casus",
    "Onderneming",
    "Soort transactie",
    "Instrument",
    "Bedrag (EUR)",
    # the position's stake and result on the report's peildatum (`annual_peildatum`), not after the
    # transaction in the row: a follow-on records no stake, so the stake after each transaction is not
    # on record (bev.selectors.position_stake_recorded_on); the columns say what they are
    "Belang op peildatum (%)",
    "Resultaat positie op peildatum (EUR)",
    "MOIC",
    "IRR (%)",
]


def _period(report: Report) -> tuple[date, date]:
    """The period of an annual report or an evaluation, which report_request always gives them."""
    if report.period_start is None or report.period_end is None:
        raise ValueError(f"report {report.pk} ({report.kind}) has no period")
    return report.period_start, report.period_end


def annual_peildatum(report: Report) -> date:
    """The day the positions' figures of an annual report (stake, result, MOIC, IRR) are measured on:
    the year's last day, or the day the report is made while the year has not ended (the figures are
    then today's, as `bev.metrics.holding_irr` measures). The service's own convention."""
    return min(_period(report)[1], timezone.localdate())


def annual_rows(report: Report) -> list[dict]:
    """The year's transactions, each with its position's stake and result on the peildatum, reconciled
    with the ledger: every investment and exit (the transactions parliament is told of, from the
    outbox), a reversal of one as a row of its own with the amount negative, on the reversal's date,
    and what came back from the positions (dividend, interest, repayment: `bev.selectors.returns_between`)."""
    user = report.requested_by
    period_start, period_end = _period(report)
    peildatum = annual_peildatum(report)
    cases = Case.objects.visible_to(user)
    in_period = Q(executed_on__gte=period_start, executed_on__lte=period_end)
    reversed_in_period = Q(reversed_on__gte=period_start, reversed_on__lte=period_end)
    requests = (
        LetterRequest.objects.filter(case__in=cases).filter(in_period | reversed_in_period).select_related("case")
    )
    positions = {row["position"].pk: row for row in _positions_with_metrics(cases, peildatum)}
    stakes = positions_stakes_on([row["position"] for row in positions.values()], peildatum)
    references = {}

    def row(*, on: date, case: Case, position_id, kind: str, kind_code: str, amount: Decimal) -> dict:
        position = positions.get(position_id) or {}
        p = position.get("position")
        return {
            "date": on,
            "case": case.reference,
            "company": case.target_name,
            "kind": kind,
            "kind_code": kind_code,
            "instrument": p.get_instrument_display() if p is not None else "",
            "amount": amount,
            "stake": stakes.get(p.pk) if p is not None else None,
            "result": (position.get("realised_result", ZERO) + position.get("unrealised_result", ZERO)) if p else None,
            "moic": position.get("moic"),
            "irr": (position["irr"] * 100).quantize(Decimal("0.1")) if position.get("irr") is not None else None,
            "peildatum": peildatum,
        }

    rows = []
    for request in requests:
        label = str(TransactionKind(request.kind).label)
        references[request.case_id] = request.case
        if period_start <= request.executed_on <= period_end:
            rows.append(
                row(
                    on=request.executed_on,
                    case=request.case,
                    position_id=request.position_id,
                    kind=label,
                    kind_code=request.kind,
                    amount=request.amount,
                )
            )
        if request.reversed_on and period_start <= request.reversed_on <= period_end:
            rows.append(
                row(
                    on=request.reversed_on,
                    case=request.case,
                    position_id=request.position_id,
                    kind=f"{REVERSAL_LABEL}: {label}",
                    kind_code=request.kind,
                    amount=-request.amount,
                )
            )
    returned = returns_between(start=period_start, end=period_end, case_ids=cases.values("pk"))
    missing = {r["case_id"] for r in returned} - set(references)
    references.update(Case.objects.in_bulk(missing))
    for r in returned:
        label = str(r["kind_label"])
        rows.append(
            row(
                on=r["date"],
                case=references[r["case_id"]],
                position_id=r["position_id"],
                kind=f"{REVERSAL_LABEL}: {label}" if r["reversal"] else label,
                kind_code=f"return:{r['kind']}",
                amount=r["amount"],
            )
        )
    rows.sort(key=lambda r: r["date"])  # stable: the outbox's and the ledger's own order within a day
    return rows


def _row_values(row: dict) -> list:
    return [
        row["date"],
        row["case"],
        row["company"],
        str(row["kind"]),
        row["instrument"],
        row["amount"],
        # as recorded stakes are (two decimals): a computed one read "25,000000" (found by trying the product)
        row["stake"].quantize(Decimal("0.01")) if row["stake"] is not None else None,
        row["result"],
        row["moic"],
        row["irr"],
    ]


def annual_csv(rows: list[dict]) -> bytes:
    return csv_bytes(ANNUAL_COLUMNS, [_row_values(row) for row in rows])  # text cells cannot be formulas


def _xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    return xlsx_bytes(sheets)  # text cells cannot be formulas


def annual_withheld(report: Report) -> tuple[int, int]:
    """(rows of the fund in the period, of which outside the requester's need-to-know): the rows
    `annual_rows` makes for everyone. Only the count leaves the cases that are withheld, never what they are."""
    start, end = _period(report)
    visible = Case.objects.visible_to(report.requested_by).values("pk")

    def count(case_ids=None) -> int:
        requests = LetterRequest.objects.all() if case_ids is None else LetterRequest.objects.filter(case__in=case_ids)
        executed = requests.filter(executed_on__gte=start, executed_on__lte=end).count()
        undone = requests.filter(reversed_on__gte=start, reversed_on__lte=end).count()
        return executed + undone + returns_between_count(start=start, end=end, case_ids=case_ids)

    total = count()
    return total, total - count(visible)


INCOME_CODES = {"return:dividend", "return:interest"}
PRINCIPAL_REPAID_CODES = {"return:repayment"}


def annual_summary(rows: list[dict]) -> dict:
    """The year's totals, each a sum of signed rows (a reversal counts against what it undid), so that
    they agree with the ledger: money invested (first and follow-on investments; a conversion turns
    money already invested into shares and adds none), proceeds of exits (sale proceeds: the cost of
    the part sold plus the result on it), and what came back from the positions otherwise (`returns`:
    dividend, interest and loan principal repaid), split into what it is: `income` (dividend and
    interest: earnings) and `principal_repaid` (money lent coming back: no earnings). A reader taking
    "opbrengsten" as income counted a repaid principal as earnings (bev.selectors.returns_split)."""
    invested = sum((r["amount"] for r in rows if r["kind_code"] in INVESTED), ZERO)
    proceeds = sum((r["amount"] for r in rows if r["kind_code"] in EXITS), ZERO)
    returns = sum((r["amount"] for r in rows if r["kind_code"].startswith("return:")), ZERO)
    income = sum((r["amount"] for r in rows if r["kind_code"] in INCOME_CODES), ZERO)
    principal_repaid = sum((r["amount"] for r in rows if r["kind_code"] in PRINCIPAL_REPAID_CODES), ZERO)
    per_kind: defaultdict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "amount": ZERO})
    for r in rows:
        per_kind[str(r["kind"])]["count"] += 1
        per_kind[str(r["kind"])]["amount"] += r["amount"]
    return {
        "transactions": len(rows),
        "invested": invested,
        "proceeds": proceeds,
        "returns": returns,  # income + principal_repaid (kept: stored summaries and readers have it)
        "income": income,
        "principal_repaid": principal_repaid,
        "per_kind": {label: {"label": label, **v} for label, v in per_kind.items()},
    }


#: The loan figures of the annual report, in the order shown (keys of `bev.selectors.fund_overview`).
LOAN_FIGURES = [
    ("loan_principal_outstanding", "Uitstaande hoofdsom lening EZK"),
    ("loan_interest_accrued", "Rente lening EZK opgebouwd"),
    ("loan_interest_paid", "Rente betaald aan EZK"),
    ("loan_interest_payable", "Rente nog te betalen aan EZK"),
    ("loan_repaid", "Afgelost aan EZK"),
    ("swept_to_treasury", "Afgedragen aan de staatskas (liquide middelen boven het maximum)"),
]
NOT_SET = "niet ingesteld"


def annual_fund(report: Report) -> dict:
    """The manager on the year's last day and, for people who may see the fund, the loan's figures at
    the year's end and their change in the year, from the ledger."""
    period_start, on = _period(report)
    section: dict = {"manager": manager_on(on) or NOT_SET, "manager_on": on}
    end = _fund_totals(report.requested_by, on)
    if end:
        start = _fund_totals(report.requested_by, period_start - timedelta(days=1))
        section["loan"] = {
            key: {"label": label, "year_end": end[key], "in_year": end[key] - start.get(key, ZERO)}
            for key, label in LOAN_FIGURES
        }
    return section


def _pdf(template: str, context: dict) -> bytes:
    from core.pdf import html_to_pdf

    return html_to_pdf(render_to_string(template, context))


def _a_date(value) -> date:
    """A date as the summary holds it: a date, or its ISO text once the summary was stored as JSON."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def completeness_text(summary: dict, year) -> str:
    """The statement on the annual report's first page (and its status page)."""
    if summary["withheld"]:
        return (
            f"Onvolledig: {summary['withheld']} van de {summary['fund_transactions']} transacties van de "
            f"voorziening in {year} vallen buiten uw need-to-know en zijn niet opgenomen. Een volledig "
            "jaaroverzicht maakt iemand die voor alle casussen van de voorziening is geautoriseerd."
        )
    return f"Volledig: alle {summary['fund_transactions']} transacties van de voorziening in {year} zijn opgenomen."


def annual_html(report: Report, rows: list[dict], summary: dict) -> str:
    return render_to_string(
        "parliament/report_annual.html",
        {
            "report": report,
            "rows": [_formatted(r) for r in rows],
            "summary": summary,
            "completeness": completeness_text(summary, report.year),
            "invested": euro(summary["invested"]),
            "proceeds": euro(summary["proceeds"]),
            "returns": euro(summary.get("returns", ZERO)),
            "income": euro(summary.get("income", ZERO)),
            "principal_repaid": euro(summary.get("principal_repaid", ZERO)),
            "per_kind": [
                {"label": v["label"], "count": v["count"], "amount": euro(v["amount"])}
                for v in summary["per_kind"].values()
            ],
            "manager": summary["fund"]["manager"],
            "manager_on": date_nl(_a_date(summary["fund"]["manager_on"])),
            "loan": [
                {"label": v["label"], "year_end": euro(v["year_end"]), "in_year": euro(v["in_year"])}
                for v in summary["fund"].get("loan", {}).values()
            ],
            "generated": date_nl(timezone.localdate()),
            "peildatum": date_nl(_a_date(summary["peildatum"])) if summary.get("peildatum") else "",
        },
    )


def build_annual_report(report: Report) -> Report:
    from core.pdf import html_to_pdf

    rows = annual_rows(report)
    services.report_progress(report=report, progress=30)
    # the day the rows' stake and result were measured on (named in the PDF)
    peildatum = rows[0]["peildatum"] if rows else annual_peildatum(report)
    summary = {**annual_summary(rows), "fund": annual_fund(report), "peildatum": peildatum}
    summary["fund_transactions"], summary["withheld"] = annual_withheld(report)
    summary["complete"] = summary["withheld"] == 0
    csv_bytes = annual_csv(rows)
    xlsx_bytes = _xlsx(
        [
            (f"Transacties {report.year}", ANNUAL_COLUMNS, [_row_values(r) for r in rows]),
            ("Volledigheid", ["Toelichting"], [[completeness_text(summary, report.year)]]),
        ]
    )
    services.report_progress(report=report, progress=60)
    pdf_bytes = html_to_pdf(annual_html(report, rows, summary))
    name = f"transacties-{report.year}"
    return services.report_finish(
        report=report,
        summary=summary,
        files={
            "csv_file": (f"{name}.csv", csv_bytes),
            "xlsx_file": (f"{name}.xlsx", xlsx_bytes),
            "pdf_file": (f"{name}.pdf", pdf_bytes),
        },
    )


def _formatted(row: dict) -> dict:
    return {
        **row,
        "date": date_nl(row["date"]),
        "amount": euro(row["amount"]),
        "stake": percent_nl(row["stake"]) if row["stake"] is not None else "–",
        "result": euro(row["result"]) if row["result"] is not None else "–",
        "moic": f"{row['moic']}".replace(".", ",") + "x" if row["moic"] is not None else "–",
        "irr": percent_nl(row["irr"], 1) if row["irr"] is not None else "–",
    }


# ---------------------------------------------------------------------------------------------
# The evaluation report
# ---------------------------------------------------------------------------------------------
def _aware(day: date, end: bool = False) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


# A case counts at a step of the funnel once it reached any state from that step on.
ADMITTED_STATES = {
    State.RISK_ASSESSMENT,
    State.CABINET_DECISION,
    State.INVESTMENT_PREPARATION,
    State.INVESTED,
    State.MONITORING,
    State.EXIT,
    State.CLOSED,
    State.NOT_DEPLOYED,
}
ASSESSED_STATES = ADMITTED_STATES - {State.RISK_ASSESSMENT}
DEPLOYED_STATES = {State.INVESTED, State.MONITORING, State.EXIT, State.CLOSED}


# The evaluation's figures as its readers name them (the report is Dutch, as the letter is); the
# workbook's rows and the PDF's charts read the same words, never the keys of the summary.
FUNNEL_LABELS = {
    "received": "Signalen ontvangen",
    "admitted": "Ontvankelijk",
    "assessed": "Risico-inschatting afgerond",
    "deployed": "Voorziening ingezet",
    "not_admissible": "Niet ontvankelijk",
    "not_deployed": "Afgesloten zonder inzet",
    "withdrawn": "Ingetrokken",
}
CAPITAL_LABELS = {
    "invested": "Geïnvesteerd (EUR)",
    "returned": "Teruggevloeid (EUR): dividend, rente, afgeloste hoofdsom en verkoopopbrengsten",
    "returned_income": "Waarvan inkomsten (EUR): dividend en rente",
    "deployed_fund": "Ingezet door het fonds (EUR)",
    "swept_to_treasury": "Naar de staatskas (EUR)",
    "fees": "Beheersvergoeding (EUR)",
    "fees_to_deployed_percent": "Beheersvergoeding als percentage van het ingezette bedrag",
    "revolving_ratio": "Teruggevloeid per geïnvesteerde euro",
}


def funnel(cases) -> dict:
    """Signals received, admitted (intake passed), assessed (assessment concluded), deployed: from
    the states each case reached (its timeline and its current state)."""
    reached = defaultdict(set)
    for case_id, state in cases.values_list("pk", "state"):
        reached[case_id].add(state)
    for case_id, to_state in TimelineEvent.objects.filter(case__in=cases).values_list("case_id", "to_state"):
        reached[case_id].add(to_state)

    def count(states) -> int:
        return sum(1 for seen in reached.values() if seen & set(states))

    return {
        "received": len(reached),
        "admitted": count(ADMITTED_STATES),
        "assessed": count(ASSESSED_STATES),
        "deployed": count(DEPLOYED_STATES),
        "not_admissible": count({State.NOT_ADMISSIBLE}),
        "not_deployed": count({State.NOT_DEPLOYED}),
        "withdrawn": count({State.WITHDRAWN}),
    }


def stage_durations(cases, *, until: datetime) -> dict[str, list[float]]:
    """Days spent in each stage, per stay, from the cases' timelines (a stay still open counts
    until the end of the period)."""
    days = defaultdict(list)
    current: dict[int, tuple[str, datetime]] = {}
    events = (
        TimelineEvent.objects.filter(case__in=cases, kind__in=["created", "transition"], at__lte=until)
        .order_by("case_id", "at", "id")
        .values_list("case_id", "kind", "to_state", "at")
    )
    for case_id, kind, to_state, at in events:
        if case_id in current:
            stage, since = current[case_id]
            days[stage].append((at - since).total_seconds() / 86400)
        current[case_id] = (to_state, at)
    for stage, since in current.values():
        if stage in MAIN_STAGES:
            days[stage].append((until - since).total_seconds() / 86400)
    return days


def duration_stats(days: dict[str, list[float]]) -> list[dict]:
    rows = []
    for stage in MAIN_STAGES:
        values = sorted(days.get(stage, []))
        if not values:
            rows.append(
                {
                    "stage": str(State(stage).label),
                    "count": 0,
                    "median": None,
                    "q1": None,
                    "q3": None,
                    "min": None,
                    "max": None,
                }
            )
            continue
        quartiles = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
        rows.append(
            {
                "stage": str(State(stage).label),
                "count": len(values),
                "median": round(statistics.median(values), 1),
                "q1": round(quartiles[0], 1),
                "q3": round(quartiles[2], 1),
                "min": round(values[0], 1),
                "max": round(values[-1], 1),
            }
        )
    return rows


def bar_chart(title: str, bars: list[tuple[str, float, str]], *, width: int = 460, bar_height: int = 18) -> dict:
    """Geometry of a horizontal bar chart, drawn by templates/parliament/bar_chart.svg."""
    label_width, gap, value_width = 170, 6, 90
    top = 24
    largest = max([float(v) for _, v, _ in bars] + [0]) or 1
    area = width - label_width - value_width
    rows = []
    for index, (label, value, text) in enumerate(bars):
        y = top + index * (bar_height + gap)
        rows.append(
            {
                "label": label,
                "text": text,
                "y": y,
                "text_y": y + bar_height - 5,
                "width": max(1, round(area * float(value) / largest)) if value else 0,
            }
        )
    height = top + len(bars) * (bar_height + gap) + 4
    return {
        "title": title,
        "rows": rows,
        "width": width,
        "height": height,
        "bar_height": bar_height,
        "label_width": label_width,
        "value_x": label_width + area + 6,
    }


def evaluation_data(report: Report) -> dict:
    user = report.requested_by
    period_start, period_end = _period(report)
    start, end = _aware(period_start), _aware(period_end, end=True)
    cases = Case.objects.visible_to(user).filter(signal_received_at__gte=start, signal_received_at__lte=end)
    flow = funnel(cases)
    durations = duration_stats(stage_durations(cases, until=min(end, timezone.now())))
    positions = _positions_with_metrics(Case.objects.visible_to(user), period_end)
    invested = sum((p["invested"] for p in positions), ZERO)
    returned = sum((p["returns"] for p in positions), ZERO)
    income = sum((p["income"] for p in positions), ZERO)
    fund = _fund_totals(user, period_end)
    fees = fund.get("fees")
    deployed = fund.get("deployed", invested) if fund else invested
    return {
        "funnel": flow,
        "durations": durations,
        "capital": {
            "invested": invested,  # in the positions of the cases this person may see
            "returned": returned,  # every euro back: income, principal repaid, sale proceeds
            "returned_income": income,  # of which dividend and interest (bev.selectors.returns_split)
            "deployed_fund": fund.get("deployed"),
            "swept_to_treasury": fund.get("swept_to_treasury"),
            "fees": fees,
            "fees_to_deployed_percent": (fees / deployed * 100).quantize(Decimal("0.01"))
            if fees is not None and deployed
            else None,
            "revolving_ratio": (returned / invested).quantize(Decimal("0.01")) if invested else None,
        },
        "positions": [
            {
                "case": p["case"].reference,
                "company": p["case"].target_name,
                "instrument": p["position"].get_instrument_display(),
                "status": "uitgetreden" if p["position"].is_exited else "open",
                "invested": p["invested"],
                "returns": p["returns"],
                "unrealised": p["unrealised_value"],
                "moic": p["moic"],
                "irr": (p["irr"] * 100).quantize(Decimal("0.1")) if p["irr"] is not None else None,
            }
            for p in positions
        ],
    }


def _num(value) -> float:
    return float(value or 0)


def _evaluation_schedule(on: date) -> dict | None:
    from .selectors import evaluation_on, evaluation_status

    schedule = evaluation_on(on)
    if schedule is None:
        return None
    return {
        "title": schedule.title,
        "instrument_start": date_nl(schedule.instrument_start),
        "due_on": date_nl(schedule.due_on),
        "status": evaluation_status(schedule, on=on),
        "completed_on": date_nl(schedule.completed_on) if schedule.completed_on else None,
    }


def build_evaluation_report(report: Report) -> Report:
    data = evaluation_data(report)
    services.report_progress(report=report, progress=40)
    flow, capital = data["funnel"], data["capital"]
    charts = [
        bar_chart(
            "Instroom en inzet (aantal casussen)",
            [
                ("Signalen ontvangen", flow["received"], str(flow["received"])),
                ("Ontvankelijk", flow["admitted"], str(flow["admitted"])),
                ("Risico-inschatting afgerond", flow["assessed"], str(flow["assessed"])),
                ("Voorziening ingezet", flow["deployed"], str(flow["deployed"])),
            ],
        ),
        bar_chart(
            "Mediane doorlooptijd per fase (dagen)",
            [
                (
                    row["stage"],
                    _num(row["median"]),
                    "–" if row["median"] is None else f"{row['median']}".replace(".", ","),
                )
                for row in data["durations"]
            ],
        ),
        bar_chart(
            "Kapitaal (EUR)",
            [
                ("Geïnvesteerd", _num(capital["invested"]), euro(capital["invested"])),
                ("Teruggevloeid", _num(capital["returned"]), euro(capital["returned"])),
                ("Naar de staatskas", _num(capital["swept_to_treasury"]), euro(capital["swept_to_treasury"])),
                ("Beheersvergoeding", _num(capital["fees"]), euro(capital["fees"])),
            ],
        ),
    ]
    chart_svgs = [render_to_string("parliament/bar_chart.svg", chart) for chart in charts]
    services.report_progress(report=report, progress=60)
    pdf_bytes = _pdf(
        "parliament/report_evaluation.html",
        {
            "report": report,
            "data": data,
            "charts": chart_svgs,
            "findings": {key: (report.findings or {}).get(key, "").strip() for key in EVALUATION_QUESTIONS},
            "questions": EVALUATION_QUESTIONS,
            "schedule": _evaluation_schedule(timezone.localdate()),
            "period": f"{date_nl(report.period_start)} tot en met {date_nl(report.period_end)}",
            "capital": {
                k: (euro(v) if isinstance(v, Decimal) and not k.endswith(("percent", "ratio")) else v)
                for k, v in capital.items()
            },
            "fees_percent": percent_nl(capital["fees_to_deployed_percent"]),
            "positions": [
                {
                    **p,
                    "invested": euro(p["invested"]),
                    "returns": euro(p["returns"]),
                    "unrealised": euro(p["unrealised"]),
                    "moic": f"{p['moic']}".replace(".", ",") + "x" if p["moic"] is not None else "–",
                    "irr": percent_nl(p["irr"], 1),
                }
                for p in data["positions"]
            ],
            "generated": date_nl(timezone.localdate()),
        },
    )
    services.report_progress(report=report, progress=80)
    xlsx_bytes = _xlsx(
        [
            ("Instroom", ["Stap", "Aantal"], [[FUNNEL_LABELS.get(k, k), v] for k, v in flow.items()]),
            (
                "Doorlooptijden",
                ["Fase", "Aantal", "Mediaan (dagen)", "Q1", "Q3", "Min", "Max"],
                [
                    [r["stage"], r["count"], r["median"], r["q1"], r["q3"], r["min"], r["max"]]
                    for r in data["durations"]
                ],
            ),
            ("Kapitaal", ["Grootheid", "Waarde"], [[CAPITAL_LABELS.get(k, k), v] for k, v in capital.items()]),
            (
                "Posities",
                [
                    "Casus",
                    "Onderneming",
                    "Instrument",
                    "Status",
                    "Geïnvesteerd",
                    "Teruggevloeid",
                    "Onger. waarde",
                    "MOIC",
                    "IRR (%)",
                ],
                [
                    [
                        p["case"],
                        p["company"],
                        str(p["instrument"]),
                        p["status"],
                        p["invested"],
                        p["returns"],
                        p["unrealised"],
                        p["moic"],
                        p["irr"],
                    ]
                    for p in data["positions"]
                ],
            ),
            (
                "Bevindingen",
                ["Vraag", "Bevinding van de evaluatoren"],
                [[label, (report.findings or {}).get(key, "")] for key, label in EVALUATION_QUESTIONS.items()],
            ),
        ]
    )
    name = f"evaluatie-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"
    return services.report_finish(
        report=report,
        summary={"funnel": flow, "capital": capital},
        files={"xlsx_file": (f"{name}.xlsx", xlsx_bytes), "pdf_file": (f"{name}.pdf", pdf_bytes)},
    )
