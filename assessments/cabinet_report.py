"""The risk assessment report for the cabinet (risico-inschatting voor de ministerraad), rendered
as DOCX (python-docx) and PDF (WeasyPrint, from templates/assessments/cabinet_report.html).

Letter, "Afwegingskader": "EZK stelt in eerste aanleg de risico-inschatting voor de nationale
veiligheid op. [...] Op basis van deze risico-inschatting beslist het kabinet over de inzet van de
voorziening." The report is what the cabinet decides on, so it carries the whole assessment: the
case, the scope ground, both conditions, the indicator scores with the framework version, the
checks, the ministries' advice, and the outcome with its explanation.

Both formats are rendered from one outline (`report_outline`) built from the context dict of
`assessments.selectors.assessment_report_context`, so they always say the same thing. Every page
carries the classification marking (DOCX header and footer; PDF @page margin boxes).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from core.classification import Classification
from core.formatting import date_nl, euro, percent_nl

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# WeasyPrint reports every layout step at INFO; one report is one line in our own log, not twenty.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

LETTER_BASIS = (
    "Op basis van deze risico-inschatting beslist het kabinet over de inzet van de voorziening "
    "(Kamerbrief Beschermingsvoorziening Economische Veiligheid, 2023, ‘Afwegingskader’)."
)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    table: Table | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    subtitle: str
    marking: str
    reference: str
    meta: list[tuple[str, str]]
    sections: list[Section]
    basis: str = LETTER_BASIS


def _text(value) -> str:
    """A value as Dutch text: dates in words, amounts in euros, booleans as ja/nee, None as –."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, (datetime, date)):
        return date_nl(value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            parsed = datetime.fromisoformat(value)
            return date_nl(parsed if len(value) > 10 else parsed.date())
        except ValueError:
            return value
    return str(value)


def _number(value) -> str:
    """A decimal in Dutch notation (3,00); anything that is not a number as text."""
    if value is None or value == "":
        return "–"
    try:
        return f"{Decimal(str(value)):f}".replace(".", ",")
    except ArithmeticError:
        return str(value)


INDICATOR_KINDS: dict[str | None, StrOrPromise] = {"core": gettext_lazy("kern"), "broader": gettext_lazy("breder")}


def classification_marking(level: str) -> str:
    try:
        return str(Classification(level).label).upper()
    except ValueError:
        return str(level).upper()


def _evidence_lines(evidence) -> list[str]:
    lines = []
    for item in evidence or []:
        if isinstance(item, dict):
            lines.append(
                " – ".join(
                    str(v)
                    for v in (
                        item.get("title") or item.get("label"),
                        item.get("source"),
                        item.get("reference") or item.get("url"),
                    )
                    if v
                )
            )
        elif item:
            lines.append(str(item))
    return [line for line in lines if line]


def _country(code: str | None) -> str | None:
    return (countries.name(code) or code) if code else code


def _case_section(case: dict) -> Section:
    facts = [
        (_("Kenmerk"), _text(case.get("reference"))),
        (_("Titel"), _text(case.get("title"))),
        (_("Urgentie"), _text(case.get("urgency_label") or case.get("urgency"))),
        (_("Doelonderneming"), _text(case.get("target_name"))),
        (_("KvK-nummer"), _text(case.get("target_kvk_number"))),
        (_("Sector"), _text(case.get("target_sector"))),
        (_("Strategisch belang"), ", ".join(map(str, case.get("categories") or [])) or "–"),
        (_("Beoogde investeerder/overnemer"), _text(case.get("acquirer_name"))),
        # The country's name (the report is written with Dutch active: "China"), as the Kamerbrief's annex
        # names it; it showed the code ("CN").
        (_("Land van de investeerder"), _text(_country(case.get("acquirer_country")))),
        (_("Statelijke actor"), _text(case.get("state_actor_status_label") or case.get("state_actor_status"))),
        (
            _("Beoogd belang"),
            percent_nl(Decimal(str(case["intended_stake_percent"])))
            if case.get("intended_stake_percent") not in (None, "")
            else "–",
        ),
        (
            _("Transactiewaarde"),
            euro(Decimal(str(case["transaction_value"]))) if case.get("transaction_value") not in (None, "") else "–",
        ),
        (_("Verwachte sluitingsdatum"), _text(case.get("expected_closing_date"))),
    ]
    paragraphs = [case["summary"]] if case.get("summary") else []
    return Section(heading=_("1. Samenvatting van de casus"), paragraphs=paragraphs, facts=facts)


def _scope_section(scope: dict) -> Section:
    confirmed = scope.get("confirmed")
    return Section(
        heading=_("2. Reikwijdte"),
        facts=[
            (_("Reikwijdtegrond"), _text(scope.get("ground_label") or scope.get("ground"))),
            (_("Bevestigd"), _text(confirmed) if confirmed is not None else _("nog niet vastgesteld")),
        ],
        paragraphs=[scope["rationale"]] if scope.get("rationale") else [],
    )


def _conditions_section(conditions: list[dict], justification: str = "") -> Section:
    rows = [
        [
            _text(c.get("label") or c.get("label_nl") or c.get("code")),
            _text(c.get("status_label") or c.get("status")),
            _text(c.get("rationale")),
        ]
        for c in conditions
    ]
    notes = [
        f"{c.get('label') or c.get('code')}: {line}" for c in conditions for line in _evidence_lines(c.get("evidence"))
    ]
    return Section(
        heading=_("3. Noodzakelijke voorwaarden"),
        paragraphs=[
            _(
                "Beide voorwaarden moeten zijn vervuld: (1) de voorziene investering of overname heeft "
                "risico’s voor de nationale veiligheid tot gevolg, en (2) er is sprake van directe of "
                "indirecte invloed van een statelijke actor."
            )
        ]
        + (
            [
                _("Voorwaarde 1 is voldaan geacht terwijl alle indicatoren laag zijn. Onderbouwing: %(text)s")
                % {"text": justification}
            ]
            if justification
            else []
        ),
        table=Table([_("Voorwaarde"), _("Oordeel"), _("Onderbouwing")], rows),
        notes=notes,
    )


def _indicator_rationale(row: dict) -> str:
    settlement = row.get("settlement")
    if settlement:
        return _("Vastgesteld door %(who)s: %(why)s") % {
            "who": settlement.get("settled_by_name") or settlement.get("settled_by", ""),
            "why": settlement.get("rationale", ""),
        }
    rationales = [
        f"{s.get('assessor_name') or s.get('assessor')}: {s.get('rationale')}"
        for s in row.get("scores") or []
        if s.get("rationale")
    ]
    return " / ".join(rationales) or "–"


def _indicators_section(indicators: list[dict], framework: dict, context: dict | None = None) -> Section:
    context = context or {}
    rows = []
    for row in indicators:
        scores = ", ".join(
            f"{s.get('assessor_name') or s.get('assessor')}: {s.get('level_label') or s.get('level')}"
            for s in row.get("scores") or []
        )
        rows.append(
            [
                _text(row.get("label") or row.get("label_nl") or row.get("code")),
                str(INDICATOR_KINDS.get(row.get("kind"), row.get("kind") or "–")),
                _number(row.get("weight")),
                scores or "–",
                _text(row.get("final_level_label") or row.get("final_level")),
                _indicator_rationale(row),
            ]
        )
    version = _("Afwegingskader versie %(number)s – %(name)s") % {
        "number": framework.get("number", "?"),
        "name": framework.get("name", ""),
    }
    paragraphs = [version]
    if framework.get("derived_from_letter"):
        paragraphs.append(
            _(
                "De brief noemt de indicatoren, maar geen gewichten of drempels; die zijn in deze "
                "versie van het afwegingskader aannames."
            )
        )
    if context.get("risk_rule") == "highest_core":
        deciding = ", ".join(_text(d.get("label")) for d in context.get("deciding_indicators") or [])
        paragraphs.append(
            _(
                "De kernindicatoren zijn alternatieven (de brief: “systeemrelevant en/of van "
                "strategisch belang”): de hoogste bepaalt het risiconiveau; gewichten worden niet "
                "gebruikt. Bepalend: %(items)s."
            )
            % {"items": deciding or "–"}
        )
        goal = context.get("policy_goal") or {}
        if goal.get("crucial"):
            paragraphs.append(
                _(
                    "De onderneming is cruciaal voor het realiseren van beleidsdoelen; de bredere "
                    "indicator telt daarom mee (alleen verhogend): %(why)s"
                )
                % {"why": _text(goal.get("rationale"))}
            )
        else:
            paragraphs.append(
                _(
                    "De bredere indicator telt niet mee: niet vastgesteld dat de onderneming cruciaal is "
                    "voor het realiseren van beleidsdoelen (de brief: “uitsluitend”)."
                )
            )
    return Section(
        heading=_("4. Indicatoren"),
        paragraphs=paragraphs,
        table=Table(
            [_("Indicator"), _("Soort"), _("Gewicht"), _("Scores"), _("Vastgesteld niveau"), _("Onderbouwing")], rows
        ),
    )


def _checks_section(checks: list[dict]) -> Section:
    rows = [
        [
            _text(c.get("question_nl") or c.get("label") or c.get("code")),
            _text(c.get("answer_label") or c.get("answer")),
            _text(c.get("rationale")),
        ]
        for c in checks
    ]
    return Section(
        heading=_("5. Toetsen"),
        paragraphs=[
            _(
                "Altijd kritisch getoetst: is inzet echt noodzakelijk (bestaande instrumenten en "
                "marktfinanciering schieten tekort; laatste redmiddel) en is er geen strategisch gedrag "
                "van de onderneming om onnodig een beroep op de voorziening te doen."
            )
        ],
        table=Table([_("Toets"), _("Antwoord"), _("Onderbouwing")], rows),
    )


def _advice_section(advice: list[dict], no_consultation_reason: str = "") -> Section:
    rows = []
    for item in advice:
        if item.get("status") == "waived":
            text = _("Afgezien: %(reason)s") % {"reason": item.get("waiver_reason", "")}
        else:
            text = _text(item.get("advice"))
        rows.append(
            [
                _text(item.get("ministry_label") or item.get("ministry")),
                _text(item.get("position_label") or item.get("status_label")),
                text,
                _text(item.get("response")) if item.get("response") else "–",
                _text(item.get("answered_at") or item.get("waived_at")),
            ]
        )
    paragraphs = [] if rows else [_("Er is geen advies van andere departementen gevraagd.")]
    if not rows and no_consultation_reason:
        paragraphs.append(_("Reden: %(reason)s") % {"reason": no_consultation_reason})
    return Section(
        heading=_("6. Advies van de betrokken departementen"),
        paragraphs=paragraphs,
        table=Table([_("Departement"), _("Standpunt"), _("Advies"), _("Reactie EZK"), _("Datum")], rows)
        if rows
        else None,
    )


def _outcome_section(context: dict) -> Section:
    facts = [
        (_("Uitkomst"), _text(context.get("outcome_label") or context.get("outcome"))),
        (_("Risiconiveau"), _text(context.get("risk_level_label") or context.get("risk_level"))),
        (
            _("Hoogste indicatorniveau") if context.get("risk_rule") == "highest_core" else _("Gewogen risicoscore"),
            _number(context.get("risk_score")),
        ),
    ]
    if (context.get("assessment") or {}).get("kind") == "risk_review" and context.get("risk_manageable") is not None:
        facts.append((_("Risico beheersbaar"), _text(context["risk_manageable"])))
    notes = [f"{r.get('label')}: {r.get('text')}" for r in context.get("reasons") or []]
    notes += [f"{r.get('label')}: {r.get('text')}" for r in context.get("missing") or []]
    return Section(
        heading=_("7. Uitkomst en toelichting"),
        facts=facts,
        paragraphs=[context["explanation"]] if context.get("explanation") else [],
        notes=notes,
    )


def report_outline(context: dict) -> Outline:
    """The report's content, in order, from the assessment report context."""
    case = context.get("case") or {}
    assessment = context.get("assessment") or {}
    framework = context.get("framework") or {}
    meta = [
        (_("Casus"), f"{case.get('reference', '')} – {case.get('title', '')}"),
        (_("Soort"), _text(assessment.get("kind_label") or _("Risico-inschatting"))),
        (_("Revisie"), _text(assessment.get("revision"))),
        (
            _("Afwegingskader"),
            _("versie %(number)s – %(name)s")
            % {"number": framework.get("number", "?"), "name": framework.get("name", "")},
        ),
        (_("Eerste beoordelaar"), _text(assessment.get("lead_name") or assessment.get("lead"))),
        (_("Goedgekeurd door"), _text(assessment.get("approved_by_name") or assessment.get("approved_by"))),
        (_("Goedgekeurd op"), _text(assessment.get("approved_at"))),
        (_("Rubricering"), classification_marking(case.get("classification", ""))),
        (_("Opgesteld op"), date_nl(timezone.now())),
    ]
    sections = [_case_section(case), _scope_section(context.get("scope") or {})]
    if context.get("conditions"):
        sections.append(_conditions_section(context["conditions"], context.get("low_indicators_justification") or ""))
    sections.append(_indicators_section(context.get("indicators") or [], framework, context))
    if context.get("checks"):
        sections.append(_checks_section(context["checks"]))
    sections += [
        _advice_section(context.get("advice") or [], context.get("no_consultation_reason") or ""),
        _outcome_section(context),
    ]
    return Outline(
        title=_("Risico-inschatting Beschermingsvoorziening Economische Veiligheid"),
        subtitle=_("Ten behoeve van de besluitvorming in de ministerraad"),
        marking=classification_marking(case.get("classification", "")),
        reference=case.get("reference", ""),
        meta=meta,
        sections=sections,
    )


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------
def _mark_paragraph(paragraph, marking: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(marking)
    run.bold = True
    run.font.size = Pt(10)
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def render_docx(context: dict) -> bytes:
    import docx
    from docx.shared import Pt

    outline = report_outline(context)
    document = docx.Document()
    document.core_properties.title = outline.title
    document.core_properties.subject = outline.reference
    document.core_properties.keywords = outline.marking
    document.core_properties.author = document.core_properties.last_modified_by = settings.BEV_DOCUMENT_AUTHOR
    document.core_properties.language = "nl-NL"
    document.core_properties.created = document.core_properties.modified = timezone.now().replace(tzinfo=None)
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    for section in document.sections:
        section.different_first_page_header_footer = False
        _mark_paragraph(section.header.paragraphs[0], outline.marking)
        footer = section.footer.paragraphs[0]
        _mark_paragraph(footer, outline.marking)
        footer.add_run(f"    {outline.reference}")

    document.add_heading(outline.title, level=0)
    document.add_paragraph(outline.subtitle).runs[0].italic = True
    _docx_facts(document, outline.meta)
    for part in outline.sections:
        document.add_heading(part.heading, level=1)
        for text in part.paragraphs:
            document.add_paragraph(text)
        if part.facts:
            _docx_facts(document, part.facts)
        if part.table is not None:
            table = document.add_table(rows=1, cols=len(part.table.columns))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, part.table.columns):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for row in part.table.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = text
        for note in part.notes:
            document.add_paragraph(note, style="List Bullet")
    document.add_paragraph(outline.basis).runs[0].italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_facts(document, facts: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text = ""
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].text = value


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------
def render_html(context: dict) -> str:
    return render_to_string("assessments/cabinet_report.html", {"report": report_outline(context)})


def render_pdf(context: dict) -> bytes:
    from core.pdf import html_to_pdf

    # The template is self-contained (inline CSS, no images): rendering never fetches anything.
    return html_to_pdf(render_html(context), fetch_resources=False)
