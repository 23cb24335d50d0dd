"""A Kamerbrief about a case whose company name is classified (vertrouwelijk, the default maximum of a
deployment): the public letter says "een onderneming van strategisch belang" and the name goes into
the confidential annex (parliament.confidentiality). An editor who writes the name without its legal
form, in capitals or with a line break inside it is refused just as for the full name."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from core.classification import Classification
from core.exceptions import RuleViolation
from parliament import services
from parliament.models import LetterDraft

from .factories import add_liaisons, transaction_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", role="parliamentary_liaison")


@pytest.fixture
def draft(case, officer, manager, kamer):
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        request = services.letter_requests_create(
            event=transaction_event(case, user=manager, amount=Decimal("30000000.00"))
        )
    services.letter_drafts_make(request_id=request.pk, today=date(2026, 11, 24))
    return LetterDraft.objects.get(request=request, chamber="tweede_kamer")


@pytest.mark.parametrize(
    "written",
    [
        "Voorbeeld Photonics",  # without "B.V."
        "VOORBEELD PHOTONICS",
        "Voorbeeld\nPhotonics",
        "Voorbeeld  Photonics B.V.",
    ],
)
def test_the_classified_name_in_another_form_is_refused(draft, kamer, written):
    assert draft.case.classification == Classification.VERTROUWELIJK
    assert draft.case.target_name == "Voorbeeld Photonics B.V."
    assert "Voorbeeld Photonics" not in draft.body and "Voorbeeld Photonics B.V." in draft.confidential_annex
    with pytest.raises(RuleViolation) as refused:
        services.letter_update(
            user=kamer, letter=draft, body=draft.body + f"\n\nHet betreft {written}.", expected_revision=draft.revision
        )
    assert refused.value.field == "body"
    draft.refresh_from_db()
    assert draft.revision == 1 and "photonics" not in draft.body.lower()


def test_an_unrelated_word_of_the_name_is_not_refused(draft, kamer):
    """Only the name is withheld, not each of its words ("Photonics" alone names a field)."""
    updated = services.letter_update(
        user=kamer,
        letter=draft,
        body=draft.body + "\n\nHet gaat om een bedrijf in de fotonica (photonics).",
        expected_revision=draft.revision,
    )
    assert updated.revision == 2


def test_the_name_forms():
    from parliament.services import company_name_forms

    assert company_name_forms("Voorbeeld Photonics B.V.") == ["Voorbeeld Photonics B.V.", "Voorbeeld Photonics"]
    assert company_name_forms("Chips Holding N.V.") == ["Chips Holding N.V.", "Chips Holding"]
    assert company_name_forms("Voorbeeld Photonics") == ["Voorbeeld Photonics"]
    assert company_name_forms("AB BV") == ["AB BV"]  # "AB" alone is no name


@pytest.mark.parametrize(
    "written",
    [
        "Voorbeeld-Photonics",  # a hyphen
        "VoorbeeldPhotonics",  # no space
        "voorbeeld.photonics",
        "KvK 1234 5678",  # the number with a space (case_data: 12345678)
        "1234-5678",
        "KvK 12.34.56.78",  # grouped with dots, not as an amount
        "1234.5678",
        "KvK-nummer 12.345.678",  # grouped as an amount, but a KvK label before it
        "Kamer van Koophandel nr. 12.345.678",
        "Example State Holdings",  # the acquirer, without "Ltd."
        "EXAMPLE-STATE HOLDINGS LTD.",
        "China",  # the acquirer's country in English
        "Volksrepubliek China",
    ],
)
def test_a_classified_party_written_another_way_is_refused(draft, kamer, written):
    """Found by trying the product: "Lumen-Photonics", "KvK 6222 2222", the acquirer's name and the
    country in English got past the check, and the letter was approved and sent as public."""
    assert draft.case.target_kvk_number == "12345678" and draft.case.acquirer_country == "CN"
    with pytest.raises(RuleViolation):
        services.letter_update(
            user=kamer, letter=draft, body=draft.body + f"\n\nHet betreft {written}.", expected_revision=draft.revision
        )
    draft.refresh_from_db()
    assert draft.revision == 1


@pytest.mark.parametrize(
    "written",
    [
        "Het bedrag is € 12.345.678,90.",
        "Het gaat om 12.345.678 aandelen.",  # grouped in thousands, no KvK label: a number, not the KvK's
        "Dit is een voorbeeldige transactie.",
    ],
)
def test_words_and_numbers_that_only_resemble_them_pass(draft, kamer, written):
    updated = services.letter_update(
        user=kamer, letter=draft, body=draft.body + f"\n\n{written}", expected_revision=draft.revision
    )
    assert updated.revision == 2


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("body", "<script>alert(1)</script>"),
        ("body", '<img src=x onerror="alert(1)">'),
        ("confidential_annex", "<b>vet</b>"),
        ("subject", "Inzet <!-- test -->"),
    ],
)
def test_markup_is_refused_at_its_field(draft, kamer, field, text):
    """Found by trying the product: a <script> was printed as it stood in the approved PDF and DOCX."""
    current = {"subject": draft.subject, "body": draft.body, "confidential_annex": draft.confidential_annex}
    current[field] = current[field] + " " + text
    with pytest.raises(RuleViolation) as refused:
        services.letter_update(user=kamer, letter=draft, expected_revision=draft.revision, **current)
    assert refused.value.field == field
    draft.refresh_from_db()
    assert draft.revision == 1


def test_a_comparison_sign_is_no_markup_and_a_book_is_no_letter(draft, kamer):
    updated = services.letter_update(
        user=kamer, letter=draft, body=draft.body + "\n\nHet belang bleef < 5% van het fonds.", expected_revision=1
    )
    assert updated.revision == 2
    with pytest.raises(RuleViolation) as refused:
        services.letter_update(user=kamer, letter=draft, body=draft.body + "x" * 20_000, expected_revision=2)
    assert refused.value.field == "body"


def test_the_classified_name_in_the_subject_is_refused_at_the_subject(draft, kamer, api, client):
    """The subject is part of the public letter: the name there is refused at `subject`, in the
    service, the API and the web form (it was reported at `body`, where the editor found nothing)."""
    from .factories import web_login

    subject = "Over Voorbeeld Photonics"
    with pytest.raises(RuleViolation) as refused:
        services.letter_update(user=kamer, letter=draft, subject=subject, expected_revision=draft.revision)
    assert refused.value.field == "subject"

    answer = api(kamer).patch(
        f"/api/letters/{draft.pk}/", {"subject": subject, "expected_revision": draft.revision}, format="json"
    )
    assert answer.status_code == 400 and list(answer.json()) == ["subject"], answer.json()

    web_login(client, kamer)
    page = client.post(
        f"/letters/{draft.pk}/edit/",
        {
            "our_reference": draft.our_reference,
            "subject": subject,
            "body": draft.body,
            "confidential_annex": draft.confidential_annex,
            "expected_revision": draft.revision,
            "note": "",
        },
    )
    assert page.status_code == 400
    assert list(page.context["form"].errors) == ["subject"], page.context["form"].errors
    draft.refresh_from_db()
    assert draft.revision == 1 and "photonics" not in draft.subject.lower()
