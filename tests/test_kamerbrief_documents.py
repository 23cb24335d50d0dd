"""The letter as HTML preview, editable DOCX and PDF: they open and carry the letter's text."""

import io

import pytest
from django.db import transaction

from access.roles import Role
from parliament import services
from parliament.models import LetterDraft

from .factories import add_liaisons, transaction_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def letter(case, officer, manager, kamer) -> LetterDraft:
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(case, user=manager))
    services.letter_drafts_make(request_id=request.pk)
    return LetterDraft.objects.get(request=request, chamber="tweede_kamer")


def test_the_html_preview_has_the_parts_of_a_ministry_letter(api, letter, kamer):
    response = api(kamer).get(f"/api/letters/{letter.pk}/preview/", {"annex": "true"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    for part in (
        "&gt; Retouradres Postbus 20401 2500 EK Den Haag",
        "De Voorzitter van de Tweede Kamer",
        "Prinses Irenestraat 6",
        "Datum",
        "Betreft",
        "Ons kenmerk",
        letter.our_reference,
        "Geachte Voorzitter,",
        letter.signatory_name,
        "Bezuidenhoutseweg 73",
        "VERTROUWELIJKE BIJLAGE",
    ):
        assert part in html, part
    assert "€\u00a0" in html and "€ " not in html  # amounts never break after the euro sign
    public = api(kamer).get(f"/api/letters/{letter.pk}/preview/").content.decode()  # by default: the public letter
    assert "VERTROUWELIJKE BIJLAGE" not in public and letter.case.target_name not in public
    # the public letter still lists the annex its text refers to (found by trying the product)
    assert "(zie de vertrouwelijke bijlage)" in letter.body and "1 (vertrouwelijk, ter inzage)" in public


def test_the_docx_opens_and_holds_the_letter(api, letter, kamer):
    from docx import Document

    response = api(kamer).get(f"/api/letters/{letter.pk}/docx/", {"annex": "true"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Geachte Voorzitter," in text
    assert letter.paragraphs[1].replace("€ ", "€\u00a0") in text
    # the amount on one line: a no-break space after the euro sign (the PDF broke "is €" / "66.750.000")
    assert "€\u00a012.500.000" in text and "€ 12.500.000" not in text
    assert letter.signatory_name in text and letter.our_reference in text
    assert "VERTROUWELIJKE BIJLAGE" in text and letter.case.target_name in text

    public = Document(io.BytesIO(api(kamer).get(f"/api/letters/{letter.pk}/docx/").content))  # by default
    public_text = "\n".join(p.text for p in public.paragraphs)
    assert letter.case.target_name not in public_text and "Geachte Voorzitter," in public_text
    assert "1 (vertrouwelijk, ter inzage)" in public_text


def test_the_docx_says_what_it_is_in_its_properties(api, letter, kamer):
    """Issue 23: title, author (the ministry of the letterhead), date and language in the file itself."""
    from docx import Document

    properties = Document(io.BytesIO(api(kamer).get(f"/api/letters/{letter.pk}/docx/").content)).core_properties
    assert properties.title == letter.subject
    assert properties.author == letter.letterhead["ministry_name"] and properties.author.startswith("Ministerie van")
    assert properties.created.date() == letter.letter_date and properties.language == "nl-NL"
    assert letter.our_reference in properties.subject


def test_the_pdf_is_a_pdf_made_from_the_same_letter(api, letter, kamer):
    response = api(kamer).get(f"/api/letters/{letter.pk}/pdf/", {"annex": "true"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 5000
    public = api(kamer).get(f"/api/letters/{letter.pk}/pdf/").content  # by default: without the annex
    assert public.startswith(b"%PDF-") and len(public) < len(response.content)  # one page less


def test_downloads_are_in_the_audit_trail(api, letter, kamer):
    from audit.models import AuditRecord

    api(kamer).get(f"/api/letters/{letter.pk}/docx/")
    api(kamer).get(f"/api/letters/{letter.pk}/docx/", {"annex": "true"})
    downloads = AuditRecord.objects.filter(event="letter.download_docx", actor=kamer, case_id=letter.case_id)
    assert sorted(r.changes["confidential_annex"] for r in downloads) == [False, True]
