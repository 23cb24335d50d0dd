"""Letters to parliament and reports in the web UI: preview, editing with revisions and
differences, four-eyes approval, DOCX and PDF downloads; a report's status page."""

import pytest
from django.db import transaction
from django.urls import reverse

from access.roles import Role
from parliament import services
from parliament.models import LetterDraft, Report

from .factories import add_liaisons, transaction_event, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def kamer2(make_user):
    return make_user("kamer2", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def letter(case, officer, manager, kamer, kamer2):
    add_liaisons(case, by=officer, liaisons=[kamer, kamer2])
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(case, user=manager))
    services.letter_drafts_make(request_id=request.pk)
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    return services.letter_set_reference(user=kamer, letter=letter, our_reference="DGED-EV / 99497318")


def test_letters_list_and_preview(client, kamer, letter):
    web_session(client, kamer)
    assert letter.subject in client.get(reverse("parliament:letters")).content.decode()
    body = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert "Geachte Voorzitter" in body and letter.our_reference in body
    assert "CONCEPT" in body


def test_edit_makes_a_revision_and_shows_the_differences(client, kamer, letter):
    web_session(client, kamer)
    url = reverse("parliament:edit", args=[letter.pk])
    response = client.post(
        url,
        {
            "subject": letter.subject,
            "body": letter.body + "\n\nEen extra alinea.",
            "confidential_annex": letter.confidential_annex,
            "expected_revision": letter.revision,
            "note": "alinea toegevoegd",
        },
    )
    assert response.status_code == 302
    body = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert "<ins>+ Een extra alinea.</ins>" in body


def test_saving_the_kenmerk_alone_says_so_not_new_version(client, kamer, letter):
    """Found by trying the product: setting "Ons kenmerk" alone said "opgeslagen als nieuwe versie"
    while the letter stayed at version 1."""
    web_session(client, kamer)
    form = {
        "subject": letter.subject,
        "body": letter.body,
        "confidential_annex": letter.confidential_annex,
        "expected_revision": letter.revision,
        "our_reference": "DGED-EV / 26512345",
        "note": "Kenmerk ingevuld",
    }
    page = client.post(reverse("parliament:edit", args=[letter.pk]), form, follow=True).content.decode()
    assert "Het kenmerk is opgeslagen; de tekst is ongewijzigd" in page and "opgeslagen als nieuwe versie" not in page
    letter.refresh_from_db()
    assert letter.revision == 1 and letter.our_reference == "DGED-EV / 26512345"
    again = client.post(reverse("parliament:edit", args=[letter.pk]), form, follow=True).content.decode()
    assert "Er is niets gewijzigd." in again


def test_company_name_in_the_public_text_is_refused_at_the_field(client, kamer, letter, case):
    web_session(client, kamer)
    response = client.post(
        reverse("parliament:edit", args=[letter.pk]),
        {
            "subject": letter.subject,
            "body": f"{letter.body}\n\n{case.target_name}",
            "confidential_annex": letter.confidential_annex,
            "expected_revision": letter.revision,
        },
    )
    assert response.status_code == 400
    assert 'id="id_body_error"' in response.content.decode()


def test_four_eyes_review_and_downloads(client, kamer, kamer2, letter):
    web_session(client, kamer)
    client.post(reverse("parliament:act", args=[letter.pk, "submit"]), {"confirm": "1"})
    refused = client.post(reverse("parliament:act", args=[letter.pk, "approve"]))
    assert refused.status_code == 400 and "Vier ogen" in refused.content.decode()
    client.logout()
    web_session(client, kamer2)
    assert "Vier ogen: Kamerbrief beoordelen" in client.get(reverse("core:home")).content.decode()
    assert client.post(reverse("parliament:act", args=[letter.pk, "approve"]), {"confirm": "1"}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == "approved"
    docx = client.get(reverse("parliament:download", args=[letter.pk, "docx"]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    pdf = client.get(reverse("parliament:download", args=[letter.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_non_member_cannot_open_a_letter(client, outsider, letter):
    web_session(client, outsider)
    assert client.get(reverse("parliament:letter", args=[letter.pk])).status_code == 404


def test_report_is_requested_and_its_status_polled(client, kamer, letter):
    web_session(client, kamer)
    response = client.post(reverse("parliament:reports"), {"kind": "annual_transactions", "year": "2026"})
    assert response.status_code == 302
    report = Report.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "report-status" in page
    status = client.get(reverse("parliament:report_status", args=[report.pk])).json()
    assert status["status"] in {"pending", "running", "done", "failed"}


def test_a_report_requested_twice_from_one_form_is_one_report(client, kamer, letter):
    import re

    web_session(client, kamer)
    page = client.get(reverse("parliament:reports")).content.decode()
    token = re.search(r'name="submission" value="([0-9a-f]+)"', page).group(1)
    data = {"kind": "annual_transactions", "year": "2026", "submission": token}
    assert client.post(reverse("parliament:reports"), data).status_code == 302
    again = client.post(reverse("parliament:reports"), data, follow=True)
    assert "Dit formulier was al verzonden" in again.content.decode()
    assert Report.objects.count() == 1


def test_letter_page_in_english(client, kamer, letter):
    web_session(client, kamer)
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert "Versions and differences" in body
    assert "Submit for review" in body
    # the letter itself stays Dutch: it goes to the Dutch parliament
    assert 'lang="nl"' in body and "Geachte Voorzitter" in body


def test_a_refused_step_whose_form_the_page_does_not_show_says_why(client, kamer, letter):
    """Found by trying the product: returning a draft, or recording the sending of a letter not yet
    approved, came back as a 400 that looked like the letter's page, with no message."""
    web_session(client, kamer)
    for action, data in (
        ("return", {"reason": "Nog niet klaar."}),
        ("send", {"sent_on": "2026-12-01", "kamerstuk_number": "Kamerstuk 30 821, nr. 300", "confirm": "1"}),
    ):
        response = client.post(reverse("parliament:act", args=[letter.pk, action]), data)
        assert response.status_code == 400, action
        body = response.content.decode()
        assert 'class="error-summary"' in body and "<li>" in body.split('class="error-summary"', 1)[1], action
    letter.refresh_from_db()
    assert letter.status == "draft" and not letter.kamerstuk_number


def test_sending_a_letter_that_is_not_approved_is_refused_before_the_confirmation(client, kamer, letter):
    """Found by trying the product: the confirmation page came first, and the refusal after "Bevestigen"."""
    web_session(client, kamer)
    response = client.post(
        reverse("parliament:act", args=[letter.pk, "send"]),
        {"sent_on": "2026-12-01", "kamerstuk_number": "Kamerstuk 30 821, nr. 300"},
    )
    assert response.status_code == 400
    assert "Controleer en bevestig" not in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_the_sending_confirmation_writes_the_date_as_the_pages_do(client, kamer, kamer2, letter):
    """Found by trying the product: the English confirmation said "Dec. 7, 2026" (Django's default)."""
    from django.utils import timezone

    from core.formatting import MONTHS_EN

    today = timezone.localdate()
    web_session(client, kamer)
    client.post(reverse("parliament:act", args=[letter.pk, "submit"]), {"confirm": "1"})
    client.logout()
    web_session(client, kamer2)
    assert client.post(reverse("parliament:act", args=[letter.pk, "approve"]), {"confirm": "1"}).status_code == 302
    client.post(reverse("set_language"), {"language": "en"})
    page = client.post(
        reverse("parliament:act", args=[letter.pk, "send"]),
        {"sent_on": today.isoformat(), "kamerstuk_number": "Kamerstuk 30 821, nr. 300"},
    ).content.decode()
    assert f"{today.day} {MONTHS_EN[today.month - 1]} {today.year}" in page
    assert today.strftime("%b.") not in page


def test_a_figure_typed_into_the_letter_is_shown_to_the_reviewer(client, kamer, kamer2, letter):
    """Found by trying the product: "€ 8.000.000" edited to "€ 99.000.000" was approved and sent; the
    review page showed only the last edit's differences. Now the figures no generated version holds are
    listed on the letter's page and on the approval's confirmation, and the differences shown are those
    with the generated text."""
    from parliament.selectors import letter_figures_not_generated

    web_session(client, kamer)
    generated = letter.body
    assert "€ 12.500.000" in generated.replace("\u00a0", " ")
    edited = generated.replace("12.500.000", "99.000.000", 1)
    for body, note in ((edited, "bedrag"), (edited + "\n\nNog een alinea.", "alinea")):
        assert (
            client.post(
                reverse("parliament:edit", args=[letter.pk]),
                {
                    "subject": letter.subject,
                    "body": body,
                    "confidential_annex": letter.confidential_annex,
                    "expected_revision": type(letter).objects.get(pk=letter.pk).revision,
                    "note": note,
                },
            ).status_code
            == 302
        )
    letter.refresh_from_db()
    assert letter_figures_not_generated(letter=letter) == ["€ 99.000.000"]
    client.post(reverse("parliament:act", args=[letter.pk, "submit"]), {"confirm": "1"})
    client.logout()
    web_session(client, kamer2)
    page = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert 'id="unbacked-figures"' in page and "€ 99.000.000" in page
    import re

    assert re.search(r"<ins>\+ [^<]*99\.000\.000", page)  # the change from version 1, not only the last edit
    confirmation = client.post(reverse("parliament:act", args=[letter.pk, "approve"])).content.decode()
    assert "Cijfers die niet in de uit het dossier gegenereerde tekst staan" in confirmation
    assert "€ 99.000.000" in confirmation


def test_a_letter_as_generated_lists_no_typed_figures(letter):
    from parliament.selectors import letter_figures_not_generated

    assert letter_figures_not_generated(letter=letter) == []
