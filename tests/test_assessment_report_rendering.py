"""The risk assessment report for the ministerraad, rendered from a hand-built context (the shape of
assessments.selectors.assessment_report_context): DOCX that python-docx reads back, PDF, in Dutch,
with the whole assessment and the classification marking on every page."""

import io
import re
import zipfile
from datetime import date, datetime
from datetime import timezone as dt_timezone
from decimal import Decimal

import docx

from assessments.cabinet_report import render_docx, render_html, render_pdf, report_outline


def report_context(**overrides) -> dict:
    context = {
        "case": {
            "id": 1,
            "reference": "BEV-2025-0007",
            "title": "Voorgenomen overname chipleverancier",
            "summary": "Signaal over een voorgenomen overname door een partij op aanwijzing van een statelijke actor.",
            "classification": "geheim",
            "classification_label": "geheim",
            "urgency": "urgent",
            "urgency_label": "Per direct",
            "target_name": "Voorbeeld Photonics B.V.",
            "target_kvk_number": "12345678",
            "target_sector": "Halfgeleiders",
            "categories": ["Gevoelige technologie"],
            "acquirer_name": "Example State Holdings Ltd.",
            "acquirer_country": "CN",
            "state_actor_status": "on_instructions",
            "state_actor_status_label": "Handelt op aanwijzing van een staat",
            "intended_stake_percent": Decimal("51.00"),
            "transaction_value": Decimal("25000000.00"),
            "expected_closing_date": date(2025, 9, 1),
        },
        "assessment": {
            "id": 3,
            "kind": "initial",
            "kind_label": "Risico-inschatting",
            "status": "approved",
            "status_label": "Goedgekeurd",
            "revision": 2,
            "previous_id": 2,
            "lead": "assessor",
            "submitted_by": "assessor",
            "submitted_at": datetime(2025, 6, 1, 10, tzinfo=dt_timezone.utc),
            "approved_by": "assessor2",
            "approved_at": datetime(2025, 6, 2, 10, tzinfo=dt_timezone.utc),
            "reviews": [],
        },
        "framework": {
            "id": 1,
            "number": 4,
            "name": "Afwegingskader 2023 (uit de brief)",
            "derived_from_letter": True,
            "notes": "",
        },
        "scope": {
            "ground": "essential_supplier",
            "ground_label": "Essentiële toeleverancier",
            "confirmed": True,
            "rationale": "Toeleverancier van Defensie, valt niet onder de Wet vifo.",
        },
        "conditions": [
            {
                "code": "national_security_risk",
                "label": "Risico voor de nationale veiligheid",
                "status": "met",
                "status_label": "Voldaan",
                "rationale": "Unieke fotonicakennis zonder substitutie.",
                "evidence": [{"title": "Ambtsbericht AIVD", "reference": "AB-2025-12"}],
            },
            {
                "code": "state_actor_influence",
                "label": "Invloed van een statelijke actor",
                "status": "met",
                "status_label": "Voldaan",
                "rationale": "Koper handelt op aanwijzing van een staat.",
                "evidence": [],
            },
        ],
        "indicators": [
            {
                "code": "unique_knowledge",
                "label": "Unieke en gevoelige kennis en technologie",
                "kind": "core",
                "weight": "3",
                "scores": [
                    {
                        "assessor": "assessor",
                        "assessor_name": "A. Beoordelaar",
                        "level": 4,
                        "level_label": "Hoog",
                        "rationale": "Moeilijk reproduceerbaar.",
                    },
                    {
                        "assessor": "assessor2",
                        "assessor_name": "B. Beoordelaar",
                        "level": 4,
                        "level_label": "Hoog",
                        "rationale": "Geen alternatief op middellange termijn.",
                    },
                ],
                "settlement": None,
                "final_level": 4,
                "final_level_label": "Hoog",
            },
            {
                "code": "ecosystem_position",
                "label": "Cruciale positie in ecosystemen",
                "kind": "core",
                "weight": "2",
                "scores": [
                    {"assessor": "assessor", "level": 2, "level_label": "Laag", "rationale": "Kleine rol."},
                    {"assessor": "assessor2", "level": 4, "level_label": "Hoog", "rationale": "Clusterrol."},
                ],
                "settlement": {
                    "level": 3,
                    "level_label": "Midden",
                    "rationale": "Clusterrol in de regio.",
                    "settled_by": "assessor",
                },
                "final_level": 3,
                "final_level_label": "Midden",
            },
        ],
        "checks": [
            {
                "code": "last_resort",
                "label": "Laatste redmiddel",
                "question_nl": "Schieten bestaande instrumenten en marktfinanciering tekort?",
                "answer": "yes",
                "answer_label": "Ja",
                "rationale": "Geen private partij bereid binnen de termijn.",
            },
            {
                "code": "no_strategic_behaviour",
                "label": "Geen strategisch gedrag",
                "question_nl": "Is er geen strategisch gedrag van de onderneming?",
                "answer": "yes",
                "answer_label": "Ja",
                "rationale": "Onderneming zocht zelf geen beroep op de voorziening.",
            },
        ],
        "advice": [
            {
                "ministry": "jenv",
                "ministry_label": "Justitie en Veiligheid (JenV)",
                "status": "answered",
                "status_label": "Beantwoord",
                "position": "supports",
                "position_label": "Steunt",
                "advice": "JenV onderschrijft het risico voor de nationale veiligheid.",
                "answered_at": datetime(2025, 5, 30, 9, tzinfo=dt_timezone.utc),
            },
            {
                "ministry": "defensie",
                "ministry_label": "Defensie",
                "status": "waived",
                "status_label": "Afgezien",
                "position": "",
                "position_label": "",
                "advice": "",
                "waiver_reason": "Spoed: per direct.",
            },
        ],
        "outcome": "deploy",
        "outcome_label": "Inzetten",
        "explanation": "Advies: inzetten. De reikwijdtegrond is bevestigd, aan beide noodzakelijke voorwaarden is "
        "voldaan en alle toetsen zijn doorstaan.",
        "reasons": [],
        "missing": [],
        "drivers": [],
        "risk_score": "3.60",
        "risk_level": "high",
        "risk_level_label": "Hoog",
        "risk_manageable": False,
    }
    context.update(overrides)
    return context


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


EXPECTED = [
    "BEV-2025-0007",
    "Voorgenomen overname chipleverancier",
    "Voorbeeld Photonics B.V.",  # the case summary
    "Essentiële toeleverancier",
    "valt niet onder de Wet vifo",  # the scope ground
    "Risico voor de nationale veiligheid",
    "Invloed van een statelijke actor",
    "Unieke fotonicakennis",  # conditions
    "Unieke en gevoelige kennis en technologie",
    "Moeilijk reproduceerbaar",
    "Clusterrol in de regio",  # indicators
    "versie 4",  # the framework version
    "Laatste redmiddel",
    "Geen private partij bereid",  # the checks (question or label)
    "Justitie en Veiligheid (JenV)",
    "onderschrijft het risico",
    "Spoed: per direct.",  # the ministries' advice
    "Inzetten",
    "Advies: inzetten.",  # outcome and explanation
    "Op basis van deze risico-inschatting beslist het kabinet",
]


def test_docx_holds_the_assessment_and_is_readable():
    content = render_docx(report_context())
    text = docx_text(content)
    for expected in EXPECTED:
        if expected == "Laatste redmiddel":
            expected = "Schieten bestaande instrumenten"
        assert expected in text, expected
    assert "€ 25.000.000" in text and "51,00%" in text and "1 september 2025" in text


def test_docx_marks_every_page_in_header_and_footer():
    document = docx.Document(io.BytesIO(render_docx(report_context())))
    for section in document.sections:
        assert "GEHEIM" in section.header.paragraphs[0].text
        assert "GEHEIM" in section.footer.paragraphs[0].text


def test_pdf_is_a_pdf_with_the_marking_on_every_page():
    content = render_pdf(report_context())
    assert content.startswith(b"%PDF")
    html = render_html(report_context())
    assert re.search(r"@top-center\s*\{\s*content:\s*\"GEHEIM\"", html)
    assert re.search(r"@bottom-center\s*\{\s*content:\s*\"GEHEIM\"", html)


def _box_text(box) -> str:
    return (getattr(box, "text", "") or "") + "".join(_box_text(c) for c in getattr(box, "children", None) or [])


def test_pdf_layout_puts_the_marking_on_every_page_and_holds_the_assessment():
    from weasyprint import HTML

    rendered = HTML(string=render_html(report_context())).render()
    assert len(rendered.pages) >= 2
    body = ""
    for page in rendered.pages:
        margins = {
            box.at_keyword: _box_text(box) for box in page._page_box.children if type(box).__name__ == "MarginBox"
        }
        assert margins["@top-center"] == "GEHEIM" and margins["@bottom-center"] == "GEHEIM"
        body += _box_text(page._page_box)
    for expected in (
        "BEV-2025-0007",
        "Voorbeeld Photonics",
        "Invloed van een statelijke actor",
        "Inzetten",
        "onderschrijft het risico",
    ):
        assert expected in body


def test_html_is_dutch_and_escapes_content():
    html = render_html(report_context(explanation="<script>alert(1)</script>"))
    assert '<html lang="nl">' in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    for expected in (
        "Noodzakelijke voorwaarden",
        "Indicatoren",
        "Toetsen",
        "Advies van de betrokken departementen",
        "Uitkomst en toelichting",
    ):
        assert expected in html


def test_the_investors_country_is_named_as_the_kamerbrief_names_it():
    """The report read "Land van de investeerder CN" where the Kamerbrief's annex says "China"."""
    from django.utils import translation

    with translation.override("nl"):
        html = render_html(report_context())
    assert re.search(r"Land van de investeerder</t[dh]>\s*<td>China</td>", html), re.findall(r"Land van.{0,80}", html)


def test_a_sparse_context_still_renders():
    context = report_context(
        conditions=[],
        checks=[],
        advice=[],
        indicators=[],
        explanation="",
        scope={"ground": "", "confirmed": None, "rationale": ""},
    )
    assert "Er is geen advies" in docx_text(render_docx(context))
    assert render_pdf(context).startswith(b"%PDF")


def test_docx_is_a_real_office_document():
    archive = zipfile.ZipFile(io.BytesIO(render_docx(report_context())))
    assert "word/document.xml" in archive.namelist()
    assert "word/header1.xml" in archive.namelist() or any("header" in n for n in archive.namelist())


def test_docx_says_what_it_is_in_its_properties(settings):
    settings.BEV_DOCUMENT_AUTHOR = "Ministerie van Economische Zaken en Klimaat"
    properties = docx.Document(io.BytesIO(render_docx(report_context()))).core_properties
    assert properties.author == "Ministerie van Economische Zaken en Klimaat"
    assert properties.title and properties.title == report_outline(report_context()).title
    assert properties.created.year >= 2026 and properties.language == "nl-NL"


def _pdf_text(content: bytes) -> bytes:
    """The PDF's bytes with every compressed stream (object streams too) inflated, for searching."""
    import zlib

    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_generated_pdfs_are_tagged_for_screen_readers():
    """Issue 23: PDF/UA-1 (a structure tree, marked content, the document's language and title shown
    as the title): the cabinet report and the Kamerbrief go through core.pdf."""
    text = _pdf_text(render_pdf(report_context()))
    assert b"/StructTreeRoot" in text and b"/MarkInfo" in text
    assert b"/Lang" in text and b"pdfuaid:part" in text
    assert b"/DisplayDocTitle true" in text
