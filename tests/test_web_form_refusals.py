"""A value the input rules refuse in a web form (a date before 1900 or after 2200, a text over
100,000 characters, a control character) is a form error at its field, on the form as the page
showed it with everything else the person typed, and changes nothing (core.input_guard). It was a
separate page naming the raw field ("Ongeldige invoer in „expected_closing_date”"), and all input
was lost."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from assessments.models import Assessment, ConsultationRequest
from bev.models import JournalEntry
from cases.models import Case
from cases.services import case_team_add, case_transition
from core import input_rules
from parliament import services as letter_services
from parliament.models import LetterDraft

from .factories import add_liaisons, case_data, transaction_event, web_session
from .test_web_fund import position, prepared  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

TITLE = "Voorgenomen overname chipleverancier"


def field_error(page: str, auto_id: str) -> str:
    """The error shown at the field (includes/field.html), or ""."""
    found = re.search(rf'<div class="field-error" id="{re.escape(auto_id)}_error">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def a_form_not_a_page(response, *, raw_name_shown: bool = False) -> str:
    page = response.content.decode()
    assert response.status_code == 400, (response.status_code, page[:500])
    assert '<form method="post"' in page and "niets opgeslagen" not in page  # not the separate page
    assert raw_name_shown or "Ongeldige invoer in" not in page  # at the field, by its label
    return page


def case_form_data(**overrides) -> dict:
    data = {
        k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if not isinstance(v, (list, bool, str)) else v)
        for k, v in case_data().items()
    }
    data.update(
        market_financing_explored="True",
        signal_received_at=(timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# A new signal (/cases/new/)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "day, limit", [("0001-01-01", "vóór 1900"), ("9999-12-31", "na 2200"), ("31-12-9999", "na 2200")]
)
def test_a_date_out_of_range_in_the_new_case_form_is_an_error_at_the_field_with_the_input_kept(
    client, officer, day, limit
):
    web_session(client, officer)
    before = Case.objects.count()
    page = a_form_not_a_page(client.post(reverse("cases:create"), case_form_data(expected_closing_date=day)))
    assert limit in field_error(page, "id_expected_closing_date")
    assert f'value="{day}"' in page  # the date as typed, to correct it
    assert f'value="{TITLE}"' in page and "Example State Holdings Ltd." in page  # the rest as typed
    assert 'value="sensitive_technology" ' in page and "checked" in page
    assert Case.objects.count() == before
    # The same form with a date in range records the signal: the date was the only fault.
    ok = client.post(reverse("cases:create"), case_form_data())
    assert ok.status_code == 302 and Case.objects.count() == before + 1


def test_a_too_long_summary_in_the_new_case_form_is_an_error_at_the_field_with_the_text_kept(client, officer):
    web_session(client, officer)
    summary = "Lange samenvatting. " * 10_000  # 200,000 characters
    page = a_form_not_a_page(client.post(reverse("cases:create"), case_form_data(summary=summary)))
    assert "100.000" in field_error(page, "id_summary")
    assert summary.strip() in page and f'value="{TITLE}"' in page
    assert not Case.objects.exists()


@pytest.mark.parametrize("char", ["\x00", "\x07"])
def test_a_control_character_in_the_new_case_form_is_an_error_at_the_field(client, officer, char):
    web_session(client, officer)
    page = a_form_not_a_page(client.post(reverse("cases:create"), case_form_data(title=f"Titel{char}")))
    assert f"U+{ord(char):04X}" in field_error(page, "id_title")
    assert char not in page  # not shown back: a page holds no control characters
    assert "Example State Holdings Ltd." in page
    assert not Case.objects.exists()


def test_a_refused_field_the_form_does_not_have_is_shown_above_the_form(client, officer):
    web_session(client, officer)
    page = a_form_not_a_page(
        client.post(reverse("cases:create"), case_form_data(unknown="0001-01-01")), raw_name_shown=True
    )
    assert "„unknown”" in page and "vóór 1900" in page and f'value="{TITLE}"' in page
    assert not Case.objects.exists()


def test_the_case_edit_form_keeps_the_input_and_its_version(client, officer, case):
    web_session(client, officer)
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {"title": "Nieuwe titel", "expected_closing_date": "0001-01-01", "version": case.version},
    )
    page = a_form_not_a_page(response)
    assert "vóór 1900" in field_error(page, "id_expected_closing_date")
    assert 'value="Nieuwe titel"' in page
    case.refresh_from_db()
    assert case.title != "Nieuwe titel" and case.expected_closing_date.year > 1900


def test_a_view_that_reads_no_form_still_answers_with_the_refusal_page(client, officer):
    """Django's set_language reads `language` itself: no form shows the refusal, so the page does, and
    nothing the view did is kept."""
    web_session(client, officer)
    response = client.post(reverse("set_language"), {"language": "en\x07", "next": "/"})
    page = response.content.decode()
    assert response.status_code == 400 and "„language”" in page and "niets opgeslagen" in page


# ---------------------------------------------------------------------------------------------
# The afwegingskader: a consultation's due date, the advisor's answer
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def started(client, case, officer, assessor):
    case_transition(user=officer, case=case, name="start_intake")
    case_transition(user=officer, case=case, name="start_assessment")
    web_session(client, assessor)
    assert client.post(reverse("assessments:case", args=[case.pk]), {"kind": "initial"}).status_code == 302
    return Assessment.objects.get()


@pytest.fixture
def advisor(make_user, officer, case):
    person = make_user("advisor", Role.DEPARTMENT_ADVISOR, organisation="JenV")
    case_team_add(user=officer, case=case, member=person, role=Role.DEPARTMENT_ADVISOR)
    return person


def consult(client, started, due_date: str):
    return client.post(
        reverse("assessments:act", args=[started.pk, "consult"]),
        {
            "ministry": "jenv",
            "advisor": "advisor",
            "question": "Is er invloed van een statelijke actor?",
            "covers": [started.framework.framework.conditions[0].code],
            "due_date": due_date,
        },
    )


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_consultation_due_date_out_of_range_is_an_error_at_the_field(client, started, advisor, day):
    page = a_form_not_a_page(consult(client, started, day))
    assert "niet toegestaan" in field_error(page, "id_due_date")
    assert "Is er invloed van een statelijke actor?" in page and f'value="{day}"' in page
    assert not ConsultationRequest.objects.exists()


def test_an_advice_over_the_limit_is_an_error_at_the_field_with_the_text_kept(client, started, advisor):
    assert consult(client, started, (timezone.localdate() + timedelta(days=5)).isoformat()).status_code == 302
    consultation = ConsultationRequest.objects.get()
    web_session(client, advisor)
    advice = "JenV steunt de analyse. " * 8_700  # 208,800 characters
    assert len(advice) > input_rules.MAX_TEXT_LENGTH
    response = client.post(
        reverse("assessments:consultation", args=[consultation.pk]), {"position": "supports", "advice": advice}
    )
    page = a_form_not_a_page(response)
    assert "100.000" in field_error(page, "id_advice")
    assert advice.strip() in page and 'value="supports" selected' in page
    consultation.refresh_from_db()
    assert consultation.status == "open" and consultation.advice == ""


# ---------------------------------------------------------------------------------------------
# A reservation's booking date; a letter's date of sending
# ---------------------------------------------------------------------------------------------
def test_a_reservation_booked_on_out_of_range_is_an_error_at_the_field(client, manager, position):  # noqa: F811
    web_session(client, manager)
    url = reverse("bev:position_book", args=[position.pk, "reserve"])
    data = {
        "reserve-amount": "10.000.000",
        "reserve-idempotency_key": "web-res-1",
        "reserve-booked_on": "0001-01-01",
        "reserve-description": "Reservering na kabinetsbesluit",
        "confirm": "1",
    }
    page = a_form_not_a_page(client.post(url, data))
    assert "vóór 1900" in field_error(page, "id_reserve-booked_on")
    assert 'value="10.000.000"' in page and 'value="Reservering na kabinetsbesluit"' in page
    assert not JournalEntry.objects.filter(kind="reservation").exists()


@pytest.fixture
def approved_letter(case, officer, manager, make_user):
    kamer, kamer2 = make_user("kamer", Role.PARLIAMENTARY_LIAISON), make_user("kamer2", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer, kamer2])
    with transaction.atomic():
        request = letter_services.letter_requests_create(event=transaction_event(case, user=manager))
    letter_services.letter_drafts_make(request_id=request.pk)
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    letter = letter_services.letter_set_reference(user=kamer, letter=letter, our_reference="DGED-EV / 99497318")
    letter_services.letter_submit(user=kamer, letter=letter)
    letter_services.letter_approve(user=kamer2, letter=letter)
    return letter, kamer


def test_a_letter_sent_on_out_of_range_is_an_error_at_the_field(client, approved_letter):
    letter, kamer = approved_letter
    web_session(client, kamer)
    response = client.post(
        reverse("parliament:act", args=[letter.pk, "send"]),
        {"sent_on": "0001-01-01", "kamerstuk_number": "Kamerstuk 30 821, nr. 300", "confirm": "1"},
    )
    page = a_form_not_a_page(response)
    assert "vóór 1900" in field_error(page, "id_sent_on")
    assert 'value="Kamerstuk 30 821, nr. 300"' in page
    letter.refresh_from_db()
    assert letter.status == "approved" and letter.sent_on is None


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kamerstuk_number": ""}, "id_kamerstuk_number"),  # required, marked so on the form
        ({"sent_on": (timezone.localdate() - timedelta(days=1)).isoformat()}, "id_sent_on"),  # before the approval
    ],
)
def test_sending_is_refused_at_the_field_before_the_confirmation_not_after(client, approved_letter, data, field):
    """The send form's facts are checked before "Bevestigen: verzonden" is asked, so a refusal never
    comes after the person confirmed (the tester saw the confirmation page, then the refusal)."""
    letter, kamer = approved_letter
    web_session(client, kamer)
    sent = {"sent_on": timezone.localdate().isoformat(), "kamerstuk_number": "Kamerstuk 30 821, nr. 300", **data}
    response = client.post(reverse("parliament:act", args=[letter.pk, "send"]), sent)
    page = response.content.decode()
    assert response.status_code == 400 and "Bevestigen: verzonden" not in page, response.status_code
    assert field_error(page, field)
    letter.refresh_from_db()
    assert letter.status == "approved" and letter.sent_on is None


def test_a_yes_no_unknown_answer_that_is_none_of_them_is_refused_at_the_field(client, officer):
    """Found by trying the product: market_financing_explored=maybe was saved as "unknown" silently."""
    from cases.models import Case

    from .factories import signal_form_post, web_session

    web_session(client, officer)
    response = client.post("/cases/new/", signal_form_post(market_financing_explored="maybe"))
    assert "Kies ja, nee of onbekend." in field_error(response.content.decode(), "id_market_financing_explored")
    assert not Case.objects.exists()
    for value in ("true", "false", "unknown"):
        assert client.post("/cases/new/", signal_form_post(market_financing_explored=value)).status_code == 302, value
