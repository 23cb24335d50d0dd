"""A letter as HTML (preview), PDF (WeasyPrint, from the same HTML template) and DOCX (python-docx)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string

from core.formatting import date_nl
from core.pdf import html_to_pdf

from .models import LetterDraft, LetterStatus

STATUS_MARKS = {
    LetterStatus.DRAFT: "CONCEPT",
    LetterStatus.IN_REVIEW: "CONCEPT – ter beoordeling",
    LetterStatus.APPROVED: "",
    LetterStatus.SENT: "",
    LetterStatus.WITHDRAWN: "INGETROKKEN – transactie tegengeboekt",
}


def _keep_amounts_together(text: str) -> str:
    """ "€ 66.750.000" on one line: the space after the euro sign becomes a no-break space, so a line
    never ends with a lone "€" (the PDF broke "is €" / "66.750.000")."""
    return text.replace("€ ", "€\u00a0")


def _css_string(text: str) -> str:
    return "".join(ch for ch in text.splitlines()[0] if ch not in '"\\{}<>')


def letter_html(letter: LetterDraft, *, include_annex: bool = True) -> str:
    return _keep_amounts_together(_letter_html(letter, include_annex=include_annex))


def _letter_html(letter: LetterDraft, *, include_annex: bool) -> str:
    return render_to_string(
        "parliament/letter.html",
        {
            "letter": letter,
            "letterhead": letter.letterhead,
            "letter_date": date_nl(letter.sent_on or letter.letter_date),
            "include_annex": include_annex,
            "status_mark": STATUS_MARKS.get(letter.status, ""),
            # "Ons kenmerk" repeated at the top of every page after the first (as the ministry's letters do)
            "kenmerk_css": _css_string(letter.our_reference) if letter.our_reference.strip() else "",
            # the marking on every page of the confidential annex (a CSS string: no quotes or backslashes)
            "annex_marking": _css_string(letter.annex_paragraphs[0])
            if include_annex and letter.confidential_annex
            else "",
        },
    )


def letter_filename(letter: LetterDraft, fmt: str, *, include_annex: bool) -> str:
    """The downloaded file's name; one with the confidential annex says so."""
    return f"kamerbrief-{letter.pk}{'-met-bijlage' if include_annex else ''}.{fmt}"


def letter_pdf(letter: LetterDraft, *, include_annex: bool = True) -> bytes:
    return html_to_pdf(letter_html(letter, include_annex=include_annex))


def letter_docx(letter: LetterDraft, *, include_annex: bool = True) -> bytes:
    """An editable Word document with the same parts as the HTML letter."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    head = letter.letterhead
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Verdana"
    style.font.size = Pt(9.5)

    def small(text: str, *, bold: bool = False, align_right: bool = True):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.font.size = Pt(7.5)
        run.bold = bold
        if align_right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(0)
        return paragraph

    small(head.get("ministry_name", ""), bold=True)
    small(head.get("directorate", ""))
    small("Bezoekadres", bold=True)
    small(head.get("visiting_address", ""))
    small("Postadres", bold=True)
    small(head.get("postal_address", ""))
    if head.get("website"):
        small(head["website"])
    small("Ons kenmerk", bold=True)
    small(letter.our_reference or "(nog in te vullen)")
    if letter.our_reference:  # repeated on the following pages, as in the ministry's letters
        header = document.sections[0].header
        document.sections[0].different_first_page_header_footer = True
        header.paragraphs[0].text = f"Ons kenmerk {letter.our_reference}"
    if letter.confidential_annex:
        # listed in the public letter too, whose text refers to it: it is laid open for inspection
        small("Bijlage(n)", bold=True)
        small("1 (vertrouwelijk)" if include_annex else "1 (vertrouwelijk, ter inzage)")

    document.add_paragraph()
    small(f"> Retouradres {head.get('return_address', '')}", align_right=False)
    document.add_paragraph(letter.addressee)
    document.add_paragraph(f"Datum\t{date_nl(letter.sent_on or letter.letter_date)}")
    document.add_paragraph(f"Betreft\t{letter.subject}")
    document.add_paragraph(letter.salutation)
    for paragraph in letter.paragraphs:
        document.add_paragraph(_keep_amounts_together(paragraph))
    document.add_paragraph(letter.signatory_name)
    document.add_paragraph(letter.signature_title)
    mark = STATUS_MARKS.get(letter.status, "")
    if mark:
        small(mark, align_right=False)

    if include_annex and letter.confidential_annex:
        document.add_section(WD_SECTION.NEW_PAGE)
        for index, paragraph in enumerate(letter.annex_paragraphs):
            p = document.add_paragraph()
            run = p.add_run(_keep_amounts_together(paragraph))
            if index == 0:  # the marking
                run.bold = True
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.add_paragraph(f"Kenmerk: {letter.our_reference}")

    _describe(
        document,
        title=letter.subject,
        author=head.get("ministry_name", ""),
        subject=f"Kamerbrief {letter.our_reference}".strip(),
        day=letter.letter_date,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _describe(document, *, title: str, author: str, subject: str, day) -> None:
    """The file's own properties (issue 23): its title, the ministry as author, the letter's date, Dutch."""
    from datetime import datetime, time

    properties = document.core_properties
    properties.title, properties.author, properties.subject = title, author, subject
    properties.last_modified_by, properties.language = author, "nl-NL"
    properties.created = properties.modified = datetime.combine(day, time(12, 0))
