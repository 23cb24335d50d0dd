"""The letter's own workflow through the API: edit (with revisions and a visible diff), submit,
approve by someone other than its author, mark sent; need-to-know on every step."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from access.roles import Role
from audit.models import AuditRecord
from parliament import services
from parliament.models import LetterDraft, LetterRevision

from .factories import add_liaisons, lower_clearance, transaction_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def kamer2(make_user):
    return make_user("kamer2", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def letter(case, officer, manager, kamer, kamer2) -> LetterDraft:
    add_liaisons(case, by=officer, liaisons=[kamer, kamer2])
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(case, user=manager))
    services.letter_drafts_make(request_id=request.pk)
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    # "Ons kenmerk": the document system's number, entered by the liaison (no approval without it)
    return services.letter_set_reference(user=kamer, letter=letter, our_reference="DGED-EV / 99497318")


def url(letter, suffix=""):
    return f"/api/letters/{letter.pk}/{suffix}"


def test_liaisons_list_and_read_the_letters_of_their_cases(api, letter, kamer):
    listing = api(kamer).get("/api/letters/")
    assert listing.status_code == 200
    assert {row["id"] for row in listing.json()["results"]} == set(
        LetterDraft.objects.filter(case=letter.case).values_list("pk", flat=True)
    )
    detail = api(kamer).get(url(letter)).json()
    assert detail["status"] == "draft" and detail["body"] == letter.body
    assert detail["has_confidential_annex"] is True


def test_a_letter_does_not_exist_for_someone_who_cannot_see_its_case(api, letter, outsider, make_user):
    stranger = make_user("stranger", Role.PARLIAMENTARY_LIAISON)
    for user in (outsider, stranger):
        assert api(user).get(url(letter)).status_code == 404
        assert api(user).get(url(letter, "pdf/")).status_code == 404
        assert api(user).get("/api/letters/").json()["results"] == []


def test_a_liaison_without_clearance_for_the_case_cannot_see_its_letter(api, letter, officer, make_user):
    from core.classification import Classification

    low = make_user("lowclear", Role.PARLIAMENTARY_LIAISON, clearance=Classification.GEHEIM)
    add_liaisons(letter.case, by=officer, liaisons=[low])
    lower_clearance(low, Classification.INTERN)
    assert api(low).get(url(letter)).status_code == 404


def test_a_team_member_whose_role_does_not_handle_letters_is_refused(api, letter, officer):
    assert api(officer).get(url(letter)).status_code == 403
    assert api(officer).patch(url(letter), {"body": "Andere tekst."}).status_code == 403


def test_an_edit_makes_a_revision_and_the_difference_is_visible(api, letter, kamer):
    response = api(kamer).patch(
        url(letter),
        {"body": letter.body + "\n\nEen extra alinea.", "expected_revision": 1, "note": "alinea toegevoegd"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["revision"] == 2
    assert LetterRevision.objects.filter(draft=letter).count() == 2
    revisions = api(kamer).get(url(letter, "revisions/")).json()
    assert [r["number"] for r in revisions] == [1, 2]
    assert revisions[1]["author"] == str(kamer)
    diff = api(kamer).get(url(letter, "diff/"), {"from": 1, "to": 2}).json()
    assert "+Een extra alinea." in diff["unified"]
    assert "<table" in diff["html"]
    assert AuditRecord.objects.filter(event="letter.update", object_id=str(letter.pk)).exists()


def test_a_stale_edit_is_refused_and_changes_nothing(api, letter, kamer, kamer2):
    assert api(kamer).patch(url(letter), {"subject": "Nieuw onderwerp", "expected_revision": 1}).status_code == 200
    response = api(kamer2).patch(url(letter), {"subject": "Ander onderwerp", "expected_revision": 1})
    assert response.status_code == 409
    letter.refresh_from_db()
    assert letter.subject == "Nieuw onderwerp" and letter.revision == 2


def test_bad_input_is_a_field_error_and_changes_nothing(api, letter, kamer):
    missing = api(kamer).patch(url(letter), {"body": letter.body + "\n\nAanvulling."})
    assert missing.status_code == 400 and "expected_revision" in missing.json()  # optimistic locking is not optional
    response = api(kamer).patch(url(letter), {"body": "   ", "expected_revision": 1})
    assert response.status_code == 400 and "body" in response.json()
    response = api(kamer).patch(url(letter), {"subject": "x" * 301, "expected_revision": 1})
    assert response.status_code == 400 and "subject" in response.json()
    letter.refresh_from_db()
    assert letter.revision == 1


def test_four_eyes_the_author_cannot_approve_the_letter(api, letter, kamer, kamer2):
    api(kamer).patch(url(letter), {"body": letter.body + "\n\nAanvulling.", "expected_revision": 1})
    assert api(kamer).post(url(letter, "submit/")).status_code == 200
    refused = api(kamer).post(url(letter, "approve/"))
    assert refused.status_code == 403 and refused.json()["code"] == "four_eyes"
    approved = api(kamer2).post(url(letter, "approve/"))
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"] == str(kamer2)


def test_someone_who_edited_cannot_approve_even_if_another_submitted(api, letter, kamer, kamer2, make_user, officer):
    kamer3 = make_user("kamer3", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(letter.case, by=officer, liaisons=[kamer3])
    api(kamer2).patch(url(letter), {"body": letter.body + "\n\nAanvulling.", "expected_revision": 1})
    api(kamer).post(url(letter, "submit/"))
    assert api(kamer2).post(url(letter, "approve/")).status_code == 403
    assert api(kamer3).post(url(letter, "approve/")).status_code == 200


def test_an_approved_letter_is_marked_sent_with_date_and_kamerstuk_number(api, letter, kamer, kamer2):
    api(kamer).post(url(letter, "submit/"))
    api(kamer2).post(url(letter, "approve/"))
    assert api(kamer).patch(url(letter), {"body": "Te laat."}).status_code == 409
    bad = api(kamer).post(url(letter, "mark-sent/"), {"sent_on": str(timezone.localdate()), "kamerstuk_number": ""})
    assert bad.status_code == 400 and "kamerstuk_number" in bad.json()
    future = timezone.localdate() + timedelta(days=3)
    bad = api(kamer).post(url(letter, "mark-sent/"), {"sent_on": str(future), "kamerstuk_number": "30 821, nr. 300"})
    assert bad.status_code == 400 and "sent_on" in bad.json()
    sent = api(kamer).post(
        url(letter, "mark-sent/"),
        {"sent_on": str(timezone.localdate()), "kamerstuk_number": "Kamerstuk 30 821, nr. 300"},
    )
    assert sent.status_code == 200, sent.json()
    letter.refresh_from_db()
    assert letter.status == "sent" and letter.sent_on == timezone.localdate()
    assert letter.kamerstuk_number == "Kamerstuk 30 821, nr. 300"
    assert api(kamer).post(url(letter, "approve/")).status_code == 409
    # the sent letter is kept with the case: public letter and confidential annex
    from documents.models import Document

    kept = Document.objects.filter(case=letter.case, source_key__startswith=f"parliament:letter:{letter.pk}")
    assert sorted(kept.values_list("classification", flat=True)) == sorted(["openbaar", letter.case.classification])


@pytest.mark.parametrize("number", ["x", "30821", "nr. 5", "Kamerstuk", "30 821, nr. 300; DROP", "123 456, nr. 1"])
def test_a_kamerstuk_number_that_is_none_is_refused_at_the_field(api, letter, kamer, kamer2, number):
    """ "x" was recorded, and every later letter of the case opened with "bij brief van ... (x)"."""
    api(kamer).post(url(letter, "submit/"))
    api(kamer2).post(url(letter, "approve/"))
    bad = api(kamer).post(url(letter, "mark-sent/"), {"sent_on": str(timezone.localdate()), "kamerstuk_number": number})
    assert bad.status_code == 400 and "Kamerstuk 30 821, nr. 175" in bad.json()["kamerstuk_number"][0]
    letter.refresh_from_db()
    assert letter.status != "sent" and not letter.kamerstuk_number


@pytest.mark.parametrize(
    "number",
    [
        "Kamerstuk 30 821, nr. 175",
        "Kamerstuk 36 350 XIII, nr. 3",
        "30821, nr. 175",
        "36 200-XIII nr 12",
        "21 501-30, nr. 7",
    ],
)
def test_kamerstuk_numbers_as_the_letter_cites_them_are_accepted(number):
    from parliament.services import KAMERSTUK_NUMBER

    assert KAMERSTUK_NUMBER.fullmatch(number)


def test_a_kamerstuk_number_another_letter_was_sent_as_is_refused_at_the_field(api, letter, kamer, kamer2):
    """Found by trying the product: two letters, to either chamber, were both recorded as sent under
    "36 350 XIII, nr. 12", without a warning. The same Kamerstuk written otherwise is the same one."""
    api(kamer).post(url(letter, "submit/"))
    api(kamer2).post(url(letter, "approve/"))
    sent = api(kamer).post(
        url(letter, "mark-sent/"),
        {"sent_on": str(timezone.localdate()), "kamerstuk_number": "Kamerstuk 30 821, nr. 300"},
    )
    assert sent.status_code == 200, sent.json()
    other = LetterDraft.objects.get(request=letter.request, chamber="eerste_kamer")
    services.letter_set_reference(user=kamer, letter=other, our_reference="DGED-EV / 99497319")
    api(kamer).post(url(other, "submit/"))
    assert api(kamer2).post(url(other, "approve/")).status_code == 200
    for number in ("Kamerstuk 30 821, nr. 300", "30821 nr 300", "kamerstuk 30 821 nr. 300"):
        bad = api(kamer).post(
            url(other, "mark-sent/"), {"sent_on": str(timezone.localdate()), "kamerstuk_number": number}
        )
        assert bad.status_code == 400 and "al een andere Kamerbrief" in bad.json()["kamerstuk_number"][0], bad.json()
        other.refresh_from_db()
        assert other.status == "approved" and not other.kamerstuk_number
    sent = api(kamer).post(
        url(other, "mark-sent/"),
        {"sent_on": str(timezone.localdate()), "kamerstuk_number": "Kamerstuk 30 821, nr. 3000"},
    )
    assert sent.status_code == 200, sent.json()


def test_a_sent_letter_is_cited_in_the_next_letter_to_the_same_chamber(api, letter, kamer, kamer2, manager):
    api(kamer).post(url(letter, "submit/"))
    api(kamer2).post(url(letter, "approve/"))
    api(kamer).post(
        url(letter, "mark-sent/"),
        {"sent_on": str(timezone.localdate()), "kamerstuk_number": "Kamerstuk 30 821, nr. 300"},
    )
    with transaction.atomic():
        request = services.letter_requests_create(
            event=transaction_event(letter.case, kind="follow_on_investment", user=manager)
        )
    services.letter_drafts_make(request_id=request.pk, today=timezone.localdate() + timedelta(days=1))
    follow_on = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    assert "(Kamerstuk 30 821, nr. 300)" in follow_on.body
    assert "Kamerstuk 30 821, nr. 300" not in LetterDraft.objects.get(request=request, chamber="eerste_kamer").body


def test_a_returned_letter_can_be_edited_again(api, letter, kamer, kamer2):
    api(kamer).post(url(letter, "submit/"))
    assert api(kamer2).post(url(letter, "return/"), {"reason": ""}).status_code == 400
    assert api(kamer2).post(url(letter, "return/"), {"reason": "Tweede alinea inkorten."}).status_code == 200
    assert api(kamer).patch(url(letter), {"subject": "Ingekort", "expected_revision": 1}).status_code == 200


def test_the_workflow_is_in_the_audit_trail(api, letter, kamer, kamer2):
    api(kamer).post(url(letter, "submit/"))
    api(kamer2).post(url(letter, "approve/"))
    events = set(
        AuditRecord.objects.filter(object_id=str(letter.pk), object_type="parliament.letterdraft").values_list(
            "event", flat=True
        )
    )
    assert {"letter.draft_create", "letter.submit", "letter.approve"} <= events


def test_a_letter_is_dated_and_signed_on_the_day_it_is_sent(api, letter, case, manager, kamer, kamer2):
    from parliament.selectors import minister_on

    with transaction.atomic():
        request = services.letter_requests_create(
            event=transaction_event(case, user=manager, executed_on=date(2024, 6, 1))
        )
    services.letter_drafts_make(request_id=request.pk, today=date(2024, 6, 3))
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    assert letter.signatory_name == "M.A.M. Adriaansens"
    api(kamer).patch(url(letter), {"our_reference": "DGED-EV / 99497319"}, format="json")
    api(kamer).post(url(letter, "submit/"))
    api(kamer2).post(url(letter, "approve/"))
    today = timezone.localdate()
    assert (
        api(kamer)
        .post(url(letter, "mark-sent/"), {"sent_on": str(today), "kamerstuk_number": "Kamerstuk 30 821, nr. 301"})
        .status_code
        == 200
    )
    letter.refresh_from_db()
    assert letter.letter_date == today
    assert letter.signatory_name == minister_on(today).name != "M.A.M. Adriaansens"
    assert AuditRecord.objects.filter(
        event="letter.mark_sent", object_id=str(letter.pk), changes__has_key="signatory_name"
    ).exists()


def test_the_api_lists_the_figures_an_editor_typed_in_as_the_web_review_does(api, letter, kamer, kamer2):
    """The web review lists the figures no generated version holds before approval (test_web_letters);
    an approver working through the API sees the same list on the letter, until it is sent."""
    assert api(kamer).get(url(letter)).json()["figures_not_generated"] == []
    generated = letter.body.replace("\u00a0", " ")
    assert "€ 12.500.000" in generated
    edited = api(kamer).patch(
        url(letter), {"body": generated.replace("12.500.000", "99.000.000", 1), "expected_revision": 1}
    )
    assert edited.status_code == 200 and edited.json()["figures_not_generated"] == ["€ 99.000.000"]
    api(kamer).post(url(letter, "submit/"))
    assert api(kamer2).get(url(letter)).json()["figures_not_generated"] == ["€ 99.000.000"]
    assert api(kamer2).post(url(letter, "approve/")).json()["figures_not_generated"] == ["€ 99.000.000"]
    sent = api(kamer2).post(
        url(letter, "mark-sent/"),
        {"sent_on": str(timezone.localdate()), "kamerstuk_number": "Kamerstuk 30 821, nr. 300"},
    )
    assert sent.status_code == 200, sent.json()
    assert sent.json()["figures_not_generated"] == []  # what was sent is the record
