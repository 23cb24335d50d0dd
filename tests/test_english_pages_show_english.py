"""English pages showed Dutch: the letter's first version's note, the admin's header, a valuation's
multiple ("0,09×") and the people list's column "GET FULL NAME".

Each test reads the page in English through the service's own catalogue (locale/en)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from access.roles import Role
from bev.services.holdings import ValuationJump
from parliament import services as letters
from parliament.models import LetterDraft, LetterRevision

from .factories import add_liaisons, transaction_event, web_session

pytestmark = pytest.mark.django_db
GENERATED_EN = "Generated after the transaction"
HEADER_EN = "BEV – administration"


@pytest.fixture
def letter(case, officer, manager, make_user):
    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        request = letters.letter_requests_create(event=transaction_event(case, user=manager))
    letters.letter_drafts_make(request_id=request.pk)
    return LetterDraft.objects.get(request=request, chamber="tweede_kamer"), kamer


def test_the_generated_versions_note_is_shown_in_the_readers_language(client, api, letter):
    item, kamer = letter
    first = LetterRevision.objects.get(draft=item, number=1)
    assert first.note == "Gegenereerd na de transactie"  # stored as it always was: older rows read the same
    with translation.override("en"):
        assert first.note_display == GENERATED_EN
    with translation.override("nl"):
        assert first.note_display == "Gegenereerd na de transactie"
    web_session(client, kamer)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("parliament:letter", args=[item.pk])).content.decode()
    assert GENERATED_EN in page and "Gegenereerd na de transactie" not in page
    revisions = api(kamer).get(f"/api/letters/{item.pk}/revisions/", HTTP_ACCEPT_LANGUAGE="en")
    assert revisions.status_code == 200 and revisions.json()[0]["note"] == GENERATED_EN


def test_a_persons_note_is_shown_as_typed(letter):
    item, _kamer = letter
    revision = LetterRevision(draft=item, number=2, note="Gegenereerd na de transactie, daarna ingekort")
    with translation.override("en"):
        assert revision.note_display == "Gegenereerd na de transactie, daarna ingekort"


def test_the_admins_header_is_in_the_readers_language(client, make_user):
    beheer = make_user("beheer", Role.ADMINISTRATOR, is_staff=True)
    web_session(client, beheer)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get("/admin/").content.decode()
    assert HEADER_EN in page and "BEV – beheer" not in page


def test_the_people_lists_name_column_has_a_heading_in_the_readers_language(client, make_user):
    beheer = make_user("beheer", Role.ADMINISTRATOR, is_staff=True)
    web_session(client, beheer)
    dutch = client.get("/admin/access/user/").content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get("/admin/access/user/").content.decode()
    with translation.override("en"):
        name_en = translation.gettext("naam").capitalize()
    for page, heading in ((dutch, "Naam"), (english, name_en)):
        header = re.search(r'<th[^>]*class="[^"]*column-full_name[^"]*"[^>]*>(.*?)</th>', page, re.DOTALL)
        assert header, "no name column"
        assert re.sub(r"<[^>]+>", "", header.group(1)).strip() == heading


def test_an_implausible_valuations_multiple_is_written_as_the_page_writes_it():
    """ "is 0,09× the previous valuation" on an English page."""
    jump = ValuationJump(reference=Decimal("1000000.00"), reference_date=date(2026, 6, 30), factor=Decimal("0.09"))
    with translation.override("en"):
        english = jump.message(Decimal("90000.00"))
    with translation.override("nl"):
        dutch = jump.message(Decimal("90000.00"))
    assert "0.09×" in english and "0,09×" not in english
    assert "0,09×" in dutch
