"""The hidden fields of a booking and of a letter's edit speak Dutch when a stale or edited page
leaves them out: "Idempotency key: Dit veld is vereist." and "Expected revision: Voer een geheel
getal in." before (found by trying the product)."""

import pytest
from django.db import transaction
from django.urls import reverse

from access.roles import Role
from parliament import services as letters
from parliament.models import LetterDraft

from .factories import add_liaisons, fund_with_tranches, transaction_event, web_session

pytestmark = pytest.mark.django_db


def test_a_booking_without_its_key_asks_to_reload_the_page(client, manager):
    fund_with_tranches(user=manager)
    web_session(client, manager)
    response = client.post(reverse("bev:fund_book", args=["loan-repayment"]), {"loan-repayment-amount": "10"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Het formulier mist zijn controlecode" in body and "Idempotency" not in body


@pytest.mark.parametrize("revision", ["", "abc"])
def test_a_letter_edit_without_its_revision_asks_to_open_the_letter_again(
    client, case, officer, manager, make_user, revision
):
    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        request = letters.letter_requests_create(event=transaction_event(case, user=manager))
    letters.letter_drafts_make(request_id=request.pk)
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    web_session(client, kamer)
    response = client.post(
        reverse("parliament:edit", args=[letter.pk]),
        {"subject": letter.subject, "body": letter.body, "expected_revision": revision},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "De versie waarop u werkte" in body and "Expected revision" not in body
