"""Bad input at the boundary (issue 22): a clear 400 naming the field, never a 500, and nothing
changes. One class of fault per section (amounts and derived figures of the fund:
test_security_fund_amounts.py); each with several inputs, through the API as integrations
call it and, where a web form takes the same value, through the web UI."""

import json
from decimal import Decimal

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from access.roles import Role
from audit.models import AuditRecord
from bev.models import JournalEntry
from cases.models import Case, CaseTeamMember
from core import input_rules
from parliament import services as letter_services
from parliament.models import LetterDraft

from .factories import add_liaisons, fund_with_tranches, transaction_event, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    """As conftest's, but a server error is a response (500) here, not an exception in the test."""

    def _client(user):
        client = APIClient(raise_request_exception=False)
        client.force_authenticate(user=user)
        return client

    return _client


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


def refused(response, field: str, *words: str) -> str:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert field in body, body
    message = body[field][0]
    assert all(word in message for word in words), message
    return message


def patch_raw(client, url: str, text: str):
    return client.generic("PATCH", url, text, content_type="application/json")


# ---------------------------------------------------------------------------------------------
# (a) NUL in a value that is looked up: PostgreSQL refused the statement (500)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("username", ["a\x00b", "\x00", "officer2\x00", "\x00officer2"])
def test_a_nul_in_a_username_to_add_to_the_team_is_a_field_error(api, case, officer, username):
    members = CaseTeamMember.objects.filter(case=case).count()
    refused(
        api(officer).post(f"/api/cases/{case.pk}/team/", {"username": username, "role": "case_officer"}, format="json"),
        "username",
        "NUL",
    )
    assert CaseTeamMember.objects.filter(case=case).count() == members


@pytest.mark.parametrize(
    "path, field",
    [
        ("/api/cases/{case}/team/officer2%00/", "username"),
        ("/api/cases/{case}%00/", "pk"),
        ("/api/cases/{case}%00/documents/", "case_id"),
        ("/api/letters/1%00/", "pk"),
        ("/api/positions/%001/", "pk"),
    ],
)
def test_a_nul_in_a_path_segment_is_a_field_error(api, case, officer, path, field):
    response = (
        api(officer).delete(path.format(case=case.pk))
        if "team" in path
        else api(officer).get(path.format(case=case.pk))
    )
    refused(response, field, "NUL")
    assert CaseTeamMember.objects.filter(case=case, user__username="officer2").exists()


@pytest.mark.parametrize(
    "query, field",
    [
        ("user=a%00b", "user"),
        ("request_id=%00", "request_id"),
        ("action=create%00", "action"),
        ("object_id=1%00", "object_id"),
        ("case=1%00", "case"),
        ("a%00b=1", "a\x00b"),
    ],
)
def test_a_nul_in_an_audit_filter_is_a_field_error(api, auditor, query, field):
    records = AuditRecord.objects.count()
    refused(api(auditor).get(f"/api/audit/?{query}"), field, "NUL")
    assert AuditRecord.objects.count() == records


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/cases/?search=a%00b", "search"),
        ("/api/cases/?state=signal%00", "state"),
        ("/api/assessments/?case=1%00", "case"),
        ("/api/letters/?case=%00", "case"),
        ("/api/letters/?search=%00", "search"),
        ("/api/cases/{case}/documents/?search=x%00", "search"),
    ],
)
def test_a_nul_in_a_list_filter_is_a_field_error(api, case, officer, url, field):
    refused(api(officer).get(url.format(case=case.pk)), field, "NUL")


def test_a_nul_in_web_forms_and_the_login_is_a_400_and_changes_nothing(client, officer, case):
    assert (
        client.post("/login/", {"username": "officer\x00", "password": "x", "otp_token": "123456"}).status_code == 400
    )
    web_session(client, officer)
    members = CaseTeamMember.objects.filter(case=case).count()
    response = client.post(f"/cases/{case.pk}/team/", {"username": "officer2\x00", "role": "case_officer"})
    assert response.status_code == 400 and "username" in response.content.decode()
    assert CaseTeamMember.objects.filter(case=case).count() == members
    assert client.get("/cases/?q=a%00b").status_code == 400


def test_a_refused_web_input_is_shown_on_the_form_naming_the_field(client, officer, case):
    """Not a bare text: the page of the form again (the case page with its team form), its error
    summary naming the field; a form body a form shows (core.input_guard, tests/test_web_form_refusals.py)."""
    web_session(client, officer)
    members = CaseTeamMember.objects.filter(case=case).count()
    response = client.post(f"/cases/{case.pk}/team/", {"username": "officer2\x00", "role": "case_officer"})
    page = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert 'class="error-summary"' in page and "„username”" in page and "NUL" in page
    assert case.reference in page and 'name="team-member"' in page
    assert CaseTeamMember.objects.filter(case=case).count() == members


def test_a_refused_query_string_is_a_page_of_the_ui_naming_the_parameter(client, officer, case):
    """A looked-up value outside a form (here the list's page number): the web UI's own page, its
    error summary naming the parameter, saying nothing was saved, with the way back to work. A
    filter form's field is refused on the form (tests/test_web_filter_refusals.py)."""
    web_session(client, officer)
    response = client.get("/cases/?page=a%00b")
    page = response.content.decode()
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert 'class="error-summary"' in page and "„page”" in page and "niets opgeslagen" in page
    assert 'href="/"' in page or "Naar mijn werk" in page


@pytest.fixture
def position(case, manager, manager2, secretariat, secretariat2):
    from datetime import date

    from .factories import case_to_investment_preparation, invest_in_case

    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(
        ready, proposer=manager, approver=manager2, amount=Decimal("1000000.00"), booked_on=date(2024, 1, 1)
    )


@pytest.mark.parametrize("what", ["conditions", "rights"])
@pytest.mark.parametrize("owner", ["manager\x00", "\x00", "man\x00ager2", "manager\x1b"])
def test_a_nul_or_control_character_in_a_condition_or_right_owner_is_a_field_error(api, manager, position, what, owner):
    from bev.models import AcquiredRight, DecisionCondition

    body = {
        "description": "Zetel in de raad van commissarissen",
        "owner": owner,
        "due_date": "2026-06-30",
        **({"kind": "board_seat"} if what == "rights" else {}),
    }
    refused(api(manager).post(f"/api/positions/{position.pk}/{what}/", body, format="json"), "owner", "niet toegestaan")
    assert not DecisionCondition.objects.exists() and not AcquiredRight.objects.exists()


@pytest.mark.parametrize("zero", ["０", "٠", "०", None])
def test_a_condition_id_in_other_digits_or_with_a_nul_changes_nothing(api, manager, position, zero):
    """`\\d+` in a URL pattern matches every script's digits: `１` reached `int()` as condition 1."""
    from urllib.parse import quote

    from bev.models import DecisionCondition

    response = api(manager).post(
        f"/api/positions/{position.pk}/conditions/",
        {"description": "Vestiging blijft in Nederland", "owner": manager.username, "due_date": "2026-06-30"},
        format="json",
    )
    assert response.status_code == 201, response.content[:300]
    condition = DecisionCondition.objects.get()
    if zero is None:
        path = f"{condition.pk}%00"
    else:
        path = quote("".join(chr(ord(zero) + int(digit)) for digit in str(condition.pk)))
    response = api(manager).patch(f"/api/positions/{position.pk}/conditions/{path}/", {"status": "met"}, format="json")
    assert response.status_code in (400, 404), response.content[:300]
    if zero is not None:
        refused(response, "item_id", "0-9")
    assert DecisionCondition.objects.get(pk=condition.pk).status == condition.status


# ---------------------------------------------------------------------------------------------
# (b) deeply nested JSON: the decoder recursed until RecursionError (500)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [input_rules.MAX_JSON_DEPTH + 1, 100, 5_000, 200_000])
@pytest.mark.parametrize("shape", ["[{}]", '{"x":{}}'])
def test_a_deeply_nested_body_is_refused_before_it_is_decoded(api, case, officer, depth, shape):
    opening, closing = ("[", "]") if shape == "[{}]" else ('{"x":', "}")
    body = '{"title": ' + opening * depth + closing * depth + "}"
    refused(patch_raw(api(officer), f"/api/cases/{case.pk}/", body), "title", "genest")
    body = opening * depth + closing * depth
    response = api(officer).generic("POST", f"/api/cases/{case.pk}/transitions/", body, content_type="application/json")
    refused(response, "non_field_errors" if shape == "[{}]" else "x", "genest")  # the top-level key, if any
    assert Case.objects.get(pk=case.pk).title == case.title


def test_nesting_within_the_limit_and_brackets_in_strings_are_not_refused(api, case, officer):
    nested = json.dumps({"title": "[[[[" * 50 + "{{{{" * 50, "categories": [[[[[]]]]]})
    response = patch_raw(api(officer), f"/api/cases/{case.pk}/", nested)
    assert response.status_code == 400 and "categories" in response.json()  # the serializer's own error
    assert "genest" not in json.dumps(response.json(), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# (c) control characters in text that goes into DOCX/XML
# ---------------------------------------------------------------------------------------------
CONTROL = ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\ufffe", "\uffff"]


@pytest.mark.parametrize("char", CONTROL)
def test_a_control_character_in_a_case_title_is_a_field_error(api, case, officer, char):
    refused(
        api(officer).patch(
            f"/api/cases/{case.pk}/", {"version": case.version, "title": f"Overname{char}poging"}, format="json"
        ),
        "title",
        f"U+{ord(char):04X}",
    )
    assert Case.objects.get(pk=case.pk).title == case.title


@pytest.mark.parametrize("username", ["a\\udc80b", "\\ud800", "officer2\\udfff"])
def test_a_lone_surrogate_in_a_looked_up_value_is_a_field_error(api, case, officer, username):
    members = CaseTeamMember.objects.filter(case=case).count()
    response = api(officer).generic(
        "POST",
        f"/api/cases/{case.pk}/team/",
        '{"username": "%s", "role": "case_officer"}' % username,
        content_type="application/json",
    )
    refused(response, "username", "niet toegestaan")
    assert CaseTeamMember.objects.filter(case=case).count() == members


def test_tab_newline_and_carriage_return_are_kept(api, case, officer):
    response = api(officer).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "summary": "regel 1\r\nregel\t2"}, format="json"
    )
    assert response.status_code == 200 and response.json()["summary"] == "regel 1\r\nregel\t2"


@pytest.fixture
def letter(case, officer, manager, make_user):
    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        request = letter_services.letter_requests_create(event=transaction_event(case, user=manager))
    letter_services.letter_drafts_make(request_id=request.pk)
    return LetterDraft.objects.get(request=request, chamber="tweede_kamer"), kamer


@pytest.mark.parametrize(
    "field, char",
    [("body", "\x02"), ("body", "\x0b"), ("subject", "\x1f"), ("confidential_annex", "\x7f"), ("note", "\x00")],
)
def test_a_control_character_in_a_letter_is_a_field_error_and_the_docx_still_builds(api, letter, field, char):
    draft, kamer = letter
    before = LetterDraft.objects.get(pk=draft.pk).body
    refused(
        api(kamer).patch(f"/api/letters/{draft.pk}/", {field: f"Geachte{char} Voorzitter"}, format="json"),
        field,
        f"U+{ord(char):04X}",
    )
    assert LetterDraft.objects.get(pk=draft.pk).body == before
    assert api(kamer).get(f"/api/letters/{draft.pk}/docx/").status_code == 200


@pytest.mark.parametrize("char", ["\x02", "\x0b", "\x1f", "\ufffe"])
def test_a_control_character_in_the_title_is_refused_and_the_cabinet_report_still_exports(
    api, settings, tmp_path, case, officer, assessor, assessor2, char
):
    """The title goes into the cabinet report's DOCX (XML 1.0 cannot hold the character)."""
    import io

    import docx

    from documents.models import Document
    from documents.services import document_version_download

    from .factories import approve_assessment, use_tmp_document_storage

    use_tmp_document_storage(settings, tmp_path)
    refused(
        api(officer).patch(
            f"/api/cases/{case.pk}/", {"title": f"Overname{char}poging", "target_name": f"X{char}"}, format="json"
        ),
        "title",
        f"U+{ord(char):04X}",
    )
    Case.objects.filter(pk=case.pk).update(state="risk_assessment")
    assessment = approve_assessment(Case.objects.get(pk=case.pk), lead=assessor, approver=assessor2)
    response = api(assessor).post(
        f"/api/cases/{case.pk}/documents/assessment-report/", {"assessment": assessment.pk}, format="json"
    )
    assert response.status_code == 201, response.content[:300]
    version = (
        Document.objects.filter(
            case=case, document_type="assessment_report", versions__original_filename__endswith=".docx"
        )
        .get()
        .versions.get()
    )
    content = document_version_download(user=assessor, version=version)
    report = docx.Document(io.BytesIO(content))
    text = "\n".join(
        [p.text for p in report.paragraphs]
        + [cell.text for table in report.tables for row in table.rows for cell in row.cells]
    )
    assert case.reference in text and char not in text


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x1b"])
def test_a_control_character_in_a_web_form_is_refused(client, officer, case, char):
    web_session(client, officer)
    response = client.post(f"/cases/{case.pk}/edit/", {"title": f"Titel{char}", "version": case.version})
    assert response.status_code == 400 and "title" in response.content.decode()
    assert Case.objects.get(pk=case.pk).title == case.title


# ---------------------------------------------------------------------------------------------
# (c2) bidirectional formatting characters: invisible, they reorder the text shown ("Trojan Source")
# ---------------------------------------------------------------------------------------------
BIDI = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize("char", BIDI)
def test_a_bidi_control_in_a_title_name_or_summary_is_a_field_error(api, case, officer, char):
    records = AuditRecord.objects.count()
    for field in ("title", "target_name", "summary"):
        refused(
            api(officer).patch(
                f"/api/cases/{case.pk}/", {"version": case.version, field: f"evil{char}\nregel 2"}, format="json"
            ),
            field,
            f"U+{ord(char):04X}",
            "richtingsteken",
        )
    stored = Case.objects.get(pk=case.pk)
    assert (stored.title, stored.target_name, stored.summary) == (case.title, case.target_name, case.summary)
    assert AuditRecord.objects.count() == records


def test_a_bidi_override_in_a_new_case_or_a_letters_reference_is_refused(api, officer, manager, case, make_user):
    from .factories import case_data

    count = Case.objects.count()
    body = {**case_data(title="\u202eevil\u202c"), "signal_received_at": "2024-01-02T10:00:00+01:00"}
    body = {k: (str(v) if not isinstance(v, (list, bool, str)) else v) for k, v in body.items()}
    refused(api(officer).post("/api/cases/", body, format="json"), "title", "U+202E")
    assert Case.objects.count() == count
    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        request = letter_services.letter_requests_create(event=transaction_event(case, user=manager))
    letter_services.letter_drafts_make(request_id=request.pk)
    letter = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    refused(
        api(kamer).patch(f"/api/letters/{letter.pk}/", {"our_reference": "DGED-EV / \u202e81379499"}, format="json"),
        "our_reference",
        "U+202E",
    )
    assert LetterDraft.objects.get(pk=letter.pk).our_reference == letter.our_reference


def test_a_bidi_override_in_a_web_form_is_an_error_at_the_field(client, officer, case):
    web_session(client, officer)
    response = client.post(
        f"/cases/{case.pk}/edit/", {"title": "\u202eevil\u202c", "summary": "Nieuw", "version": case.version}
    )
    assert response.status_code == 400 and "U+202E" in response.content.decode()
    assert Case.objects.get(pk=case.pk).title == case.title


@pytest.mark.parametrize("char", ["\u200b", "\u2060", "\ufeff"])
def test_an_invisible_character_in_a_name_is_a_field_error(api, case, officer, char):
    """ "ASML\u200b Holding" looked like "ASML Holding" and was stored as another name."""
    response = api(officer).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "target_name": f"ASML{char} Holding"}, format="json"
    )
    refused(response, "target_name", f"U+{ord(char):04X}", "onzichtbare")
    assert Case.objects.get(pk=case.pk).target_name == case.target_name


def test_joiners_that_scripts_and_emoji_need_are_accepted(api, case, officer):
    name = "می\u200cخواهم 👩\u200d💻"
    response = api(officer).patch(f"/api/cases/{case.pk}/", {"version": case.version, "summary": name}, format="json")
    assert response.status_code == 200 and response.json()["summary"] == name


def test_right_to_left_text_without_controls_is_accepted(api, case, officer):
    response = api(officer).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "acquirer_name": "شركة المثال القابضة"}, format="json"
    )
    assert response.status_code == 200 and response.json()["acquirer_name"] == "شركة المثال القابضة"


# ---------------------------------------------------------------------------------------------
# (d) digits other than 0-9, which int() and Decimal() accept
# ---------------------------------------------------------------------------------------------
KVK = ["１２３４５６７８", "١٢٣٤٥٦٧٨", "१२३४५६७८", "1234567８", "۱۲۳۴۵۶۷۸"]


@pytest.mark.parametrize("kvk", KVK)
def test_a_kvk_number_in_other_digits_is_a_field_error(api, case, officer, kvk):
    refused(
        api(officer).patch(
            f"/api/cases/{case.pk}/", {"version": case.version, "target_kvk_number": kvk}, format="json"
        ),
        "target_kvk_number",
        "0-9",
    )
    assert Case.objects.get(pk=case.pk).target_kvk_number == case.target_kvk_number


@pytest.mark.parametrize("digit_one", ["１", "١", "१", "𝟏"])
def test_an_id_in_other_digits_finds_nothing_and_is_a_field_error(api, case, officer, digit_one):
    from urllib.parse import quote

    other = digit_one * len(str(case.pk)) if case.pk < 10 else digit_one
    refused(api(officer).get(f"/api/cases/{quote(other)}/"), "pk", "0-9")
    refused(api(officer).get(f"/api/assessments/?case={quote(other)}"), "case", "0-9")
    refused(api(officer).get(f"/api/audit/?case={quote(other)}"), "case", "0-9")


@pytest.mark.parametrize("amount", ["１０００", "١٠٠٠.٠٠", "1000.0０", "१००"])
def test_an_amount_in_other_digits_books_nothing(api, manager, amount):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    refused(
        api(manager).post("/api/fund/tranches/", {"amount": amount, "idempotency_key": "k"}, format="json"),
        "amount",
        "0-9",
    )
    assert JournalEntry.objects.count() == 1


def test_ascii_digits_and_text_with_other_digits_are_accepted(api, case, officer):
    response = api(officer).patch(
        f"/api/cases/{case.pk}/",
        {"version": case.version, "target_kvk_number": "12345678", "target_name": "Fabriek ٣ B.V."},
        format="json",
    )
    assert response.status_code == 200, response.json()


# ---------------------------------------------------------------------------------------------
# (e) dates outside 1900-2200
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "day, limit",
    [
        ("0001-01-01", "1900"),
        ("0999-12-31", "1900"),
        ("1899-12-31", "1900"),
        ("2201-01-01", "2200"),
        ("9999-12-31", "2200"),
    ],
)
def test_a_date_out_of_range_names_the_limit(api, case, officer, day, limit):
    refused(
        api(officer).patch(
            f"/api/cases/{case.pk}/", {"version": case.version, "expected_closing_date": day}, format="json"
        ),
        "expected_closing_date",
        limit,
    )
    refused(
        api(officer).patch(
            f"/api/cases/{case.pk}/",
            {"version": case.version, "signal_received_at": f"{day}T10:00:00+01:00"},
            format="json",
        ),
        "signal_received_at",
        limit,
    )
    refused(api(officer).get(f"/api/cases/?closing_before={day}"), "closing_before", limit)
    refused(api(officer).get(f"/api/cases/?received_from={day}T00:00:00"), "received_from", limit)
    assert Case.objects.get(pk=case.pk).expected_closing_date == case.expected_closing_date


@pytest.mark.parametrize("day", ["18991231", "99991231", "11111111T111111", "2026-W48-1", "2026W481", "2026-340"])
def test_a_date_in_iso_basic_or_week_form_is_a_field_error(api, case, officer, day):
    """fromisoformat reads these, past the 1900-2200 rule that knows the extended form: a
    kabinetsbesluit "18991231" reached a Kamerbrief as "31 december 1899", a signal
    "11111111T111111" was stored as 11 November 1111."""
    for field in ("expected_closing_date", "signal_received_at"):
        response = api(officer).patch(f"/api/cases/{case.pk}/", {"version": case.version, field: day}, format="json")
        assert response.status_code == 400 and field in response.json(), response.content
    stored = Case.objects.get(pk=case.pk)
    assert (stored.expected_closing_date, stored.signal_received_at) == (
        case.expected_closing_date,
        case.signal_received_at,
    )


@pytest.mark.parametrize("value", ["2026-11-01T10:00", "2026-11-01T10:00:00Z", "2026-11-01T10:00:00.250+01:00"])
def test_the_extended_forms_of_a_date_and_time_are_read(api, case, officer, value):
    response = api(officer).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "signal_received_at": value}, format="json"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("value", ["18991231T100000", "99991231T100000", "18991231"])
def test_a_signal_time_in_iso_basic_form_in_the_web_form_is_refused(client, officer, value):
    from .factories import signal_form_post

    post = signal_form_post(signal_received_at=value)
    count = Case.objects.count()
    response = web_session(client, officer).post("/cases/new/", post)
    assert response.status_code in (200, 400), response.status_code
    assert Case.objects.count() == count


@pytest.mark.parametrize("day", ["01-01-0001", "31-12-9999", "31/12/9999"])
def test_a_date_out_of_range_in_a_web_form_is_refused(client, officer, case, day):
    web_session(client, officer)
    response = client.post(f"/cases/{case.pk}/edit/", {"expected_closing_date": day, "version": case.version})
    assert response.status_code == 400 and "expected_closing_date" in response.content.decode()


@pytest.mark.parametrize(
    "value",
    ["9999-12-31 10:00", "0001-01-01T00:00:00Z", "31-12-9999 23:59", "1800-02-03T04:05:06.789+01:00", " 0001-01-01 "],
)
def test_a_date_and_time_out_of_range_is_refused_wherever_it_is_given(api, case, officer, value):
    refused(
        api(officer).patch(
            f"/api/cases/{case.pk}/", {"version": case.version, "signal_received_at": value}, format="json"
        ),
        "signal_received_at",
        "niet toegestaan",
    )


@pytest.mark.parametrize(
    "text",
    ["1-1-1850 werd de onderneming opgericht.", "1850-01-01 oprichting", "Termijn tot 31-12-9999?", "Sinds 0001"],
)
def test_text_that_mentions_an_old_date_is_not_refused(api, case, officer, text):
    response = api(officer).patch(f"/api/cases/{case.pk}/", {"version": case.version, "summary": text}, format="json")
    assert response.status_code == 200 and response.json()["summary"] == text


@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31", "2026-06-30"])
def test_dates_in_range_are_accepted(api, case, officer, day):
    response = api(officer).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "expected_closing_date": day}, format="json"
    )
    assert response.status_code == 200 and response.json()["expected_closing_date"] == day


# ---------------------------------------------------------------------------------------------
# (i) very long strings: stored in the case, its audit record and its timeline
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("length", [input_rules.MAX_TEXT_LENGTH + 1, 1_000_000, 3_000_000])
def test_a_very_long_text_is_a_field_error_and_stores_nothing(api, case, officer, length):
    records = AuditRecord.objects.count()
    refused(
        api(officer).patch(f"/api/cases/{case.pk}/", {"version": case.version, "summary": "x" * length}, format="json"),
        "summary",
        "100.000",
    )
    refused(
        api(officer).post(f"/api/cases/{case.pk}/suspend/", {"reason": "y" * length}, format="json"),
        "reason",
        "100.000",
    )
    assert Case.objects.get(pk=case.pk).summary == case.summary
    assert AuditRecord.objects.count() == records


def test_a_long_text_within_the_limit_is_kept(api, case, officer):
    text = ("Overname van de onderneming. " * (input_rules.MAX_TEXT_LENGTH // 29)).strip()
    response = api(officer).patch(f"/api/cases/{case.pk}/", {"version": case.version, "summary": text}, format="json")
    assert response.status_code == 200 and len(response.json()["summary"]) == len(text)


def test_a_very_long_text_in_a_web_form_is_refused(client, officer, case):
    web_session(client, officer)
    response = client.post(
        f"/cases/{case.pk}/edit/",
        {"summary": "x" * (input_rules.MAX_TEXT_LENGTH + 1), "title": case.title, "version": case.version},
    )
    assert response.status_code == 400 and "summary" in response.content.decode()
    assert Case.objects.get(pk=case.pk).summary == case.summary


# ---------------------------------------------------------------------------------------------
# (g) searches of hundreds of terms
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "terms",
    [
        [f"t{i}" for i in range(input_rules.MAX_SEARCH_TERMS + 1)],
        [f"t{i}" for i in range(500)],
        ["x" * (input_rules.MAX_SEARCH_TERM_LENGTH + 1)],
        ["BEV", "y" * 5000],
    ],
)
@pytest.mark.parametrize("url", ["/api/cases/?search=", "/api/letters/?search="])
def test_a_search_of_too_many_or_too_long_terms_is_a_field_error(api, officer, case, terms, url):
    refused(
        api(officer).get(url + "+".join(terms)),
        "search",
        str(
            input_rules.MAX_SEARCH_TERMS
            if len(terms) > input_rules.MAX_SEARCH_TERMS
            else input_rules.MAX_SEARCH_TERM_LENGTH
        ),
    )


@pytest.mark.parametrize("text", ["x" * 101, "a b " * 60])
def test_a_too_long_document_search_is_a_field_error(api, officer, case, text):
    refused(api(officer).get(f"/api/cases/{case.pk}/documents/?search={text}"), "search")


def test_a_search_within_the_bounds_works(api, officer, case):
    terms = [case.reference] + ["B"] * (input_rules.MAX_SEARCH_TERMS - 1)
    response = api(officer).get("/api/cases/?search=" + "+".join(terms))
    assert response.status_code == 200 and response.json()["count"] == 1


def test_a_too_long_web_search_is_a_form_error(client, officer, case):
    web_session(client, officer)
    response = client.get("/cases/?q=" + "x" * 101)
    assert response.status_code == 200 and "100" in response.content.decode()
