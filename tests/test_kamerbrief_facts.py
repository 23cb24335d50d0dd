"""Issue 21 §3: a letter states only what the record shows. One test (at least) per sentence:
change the fact and the sentence follows it or disappears; the liaison is told what was left out
and which configuration produced a sentence."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from access.roles import Role
from audit.models import AuditRecord
from core.exceptions import Conflict, RuleViolation
from parliament import services
from parliament.composition import compose_letter
from parliament.models import CountryDisclosurePolicy, EvaluationSchedule, LetterDraft, LetterReference
from parliament.rendering import letter_html

from .factories import add_liaisons, transaction_event, web_login
from .test_kamerbrief_content import facts

pytestmark = pytest.mark.django_db


def body(**overrides) -> str:
    return compose_letter(facts(**overrides)).body


def notes(**overrides) -> str:
    return "\n".join(compose_letter(facts(**overrides)).notes)


# ---------------------------------------------------------------------------------------------
# "Aan beide voorwaarden van het afwegingskader was voldaan"
# ---------------------------------------------------------------------------------------------
def test_the_two_conditions_are_stated_only_when_the_approved_assessment_records_them_met():
    assert "Aan beide voorwaarden van het afwegingskader was voldaan" in body(conditions_met=True)
    assert "Aan beide voorwaarden" not in body(conditions_met=False)
    assert "Aan beide voorwaarden" not in body(conditions_met=None)


LETTER_CONDITIONS = (
    "1) de voorziene investering of overname heeft risico’s voor de nationale veiligheid tot gevolg, en 2) er is "
    "sprake van directe of indirecte invloed van een statelijke actor"
)


@pytest.mark.parametrize("ground", ["not_in_screening", "essential_supplier"])
def test_the_conditions_are_quoted_in_the_letters_numbered_words_where_they_fit_the_ground(ground):
    assert LETTER_CONDITIONS in " ".join(body(conditions_met=True, scope_ground=ground).split())


@pytest.mark.parametrize("ground", ["historical_transaction", "blocked_startup_financing", None])
def test_where_no_investment_is_foreseen_the_conditions_are_not_numbered_as_if_quoted(ground):
    """Found by trying the product: "1) er zijn risico’s voor de nationale veiligheid, en 2) ..." stood in
    the letter's numbered form, as if quoted; the 2023 letter's condition 1 reads otherwise."""
    text = " ".join(body(conditions_met=True, scope_ground=ground).split())
    assert "Aan beide voorwaarden van het afwegingskader was voldaan: er zijn risico’s" in text
    assert "voldaan: 1)" not in text and ", en 2) er is sprake" not in text


def test_the_conditions_fact_comes_from_the_approved_assessment(case, officer, assessor, assessor2, manager):
    from parliament.composition import _record_facts

    from .factories import approve_assessment, start_risk_assessment

    assert _record_facts(case=case, fund={}, letter_date=date(2026, 11, 24))["conditions_met"] is False
    start_risk_assessment(case, officer=officer)
    approve_assessment(case, lead=assessor, approver=assessor2)
    assert _record_facts(case=case, fund={}, letter_date=date(2026, 11, 24))["conditions_met"] is True


def test_an_assessment_that_found_a_condition_not_met_states_no_conditions(officer, assessor, assessor2):
    from parliament.composition import _record_facts

    from .factories import approve_assessment, make_case, start_risk_assessment

    other = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR, assessor2: Role.RISK_ASSESSOR})
    start_risk_assessment(other, officer=officer)
    approve_assessment(other, lead=assessor, approver=assessor2, outcome="do_not_deploy")
    assert _record_facts(case=other, fund={}, letter_date=date(2026, 11, 24))["conditions_met"] is False


# ---------------------------------------------------------------------------------------------
# "in afstemming met de betrokken departementen"
# ---------------------------------------------------------------------------------------------
def test_consultation_is_stated_only_when_a_department_answered():
    assert "in afstemming met het ministerie van Justitie en Veiligheid (JenV)." in body()
    two = body(consulted_ministries=["Justitie en Veiligheid (JenV)", "Defensie"])
    assert "in afstemming met het ministerie van Justitie en Veiligheid (JenV) en het ministerie van Defensie." in two
    none = body(consulted_ministries=[])
    assert "afstemming" not in none and "Mijn ministerie heeft de risico-inschatting opgesteld." in none
    assert "geen beantwoorde adviesaanvraag" in notes(consulted_ministries=[])


def test_a_classified_case_does_not_name_the_departments_consulted():
    text = body(classification="vertrouwelijk", consulted_ministries=["Defensie"])
    assert "in afstemming met het betrokken departement." in text and "Defensie" not in text


# ---------------------------------------------------------------------------------------------
# Scope ground: the threat and whether existing instruments fell short
# ---------------------------------------------------------------------------------------------
def test_existing_instruments_fell_short_only_on_the_grounds_where_they_did():
    for ground in ("not_in_screening", "essential_supplier", "historical_transaction"):
        assert "Bestaande instrumenten waren ontoereikend" in body(scope_ground=ground)
    ground_4 = body(scope_ground="blocked_startup_financing")
    assert "ontoereikend" not in ground_4  # the Wet vifo did its work
    assert "om de gevolgen van dat toetsingsbesluit voor de onderneming te mitigeren" in ground_4
    unknown = body(scope_ground=None)
    assert "ontoereikend" not in unknown and "toetsingsbesluit" not in unknown
    assert "geen bevestigde reikwijdtegrond" in notes(scope_ground=None)


def test_the_threat_is_described_as_the_ground_has_it():
    assert "een voorziene investering of overname door een statelijke actor" in body(scope_ground="not_in_screening")
    historical = body(scope_ground="historical_transaction")
    assert "voorziene investering of overname" not in historical
    assert "vóór 8 september 2020 in de onderneming heeft verworven" in historical
    blocked = body(scope_ground="blocked_startup_financing")
    assert "voorziene investering of overname" not in blocked
    assert "door een toetsingsbesluit op grond van de Wet vifo niet kon plaatsvinden" in blocked


def test_last_resort_is_stated_only_when_market_financing_was_explored():
    assert "als laatste redmiddel" in body(market_financing_explored=True)
    for value in (False, None):
        assert "laatste redmiddel" not in body(market_financing_explored=value)


# ---------------------------------------------------------------------------------------------
# The fund's figures
# ---------------------------------------------------------------------------------------------
def test_the_total_invested_is_the_gross_amount_not_the_net_cost_on_the_books():
    text = body(fund_invested_gross=Decimal("40000000.00"), fund_deployed=Decimal("15000000.00"))
    assert "in totaal € 40.000.000 geïnvesteerd" in text and "15.000.000" not in text


def test_available_above_the_committed_capital_is_not_called_left_of_it():
    text = body(fund_available=Decimal("112000000.00"), fund_invested_gross=Decimal("40000000.00"))
    assert "Het toegezegde vermogen van de voorziening bedraagt € 100.000.000." in text
    assert "€ 112.000.000 aan liquide middelen beschikbaar voor nieuwe investeringen" in text
    assert "is nog" not in text and "Van de omvang" not in text


def test_without_the_funds_figures_no_figure_is_stated():
    text = body(fund_invested_gross=None, fund_available=None, fund_size=None)
    assert "toegezegde vermogen" not in text and "geïnvesteerd" not in text
    assert "cijfers van het fonds waren niet beschikbaar" in notes(fund_invested_gross=None)


# ---------------------------------------------------------------------------------------------
# The parliamentary reference
# ---------------------------------------------------------------------------------------------
def test_a_configured_reference_is_cited_and_none_is_invented():
    assert (
        "zoals aangekondigd in de brief over de uitwerking van de Beschermingsvoorziening (Kamerstuk 99 999, "
        "nr. 1)" in body()
    )
    text = body(references=[])
    assert "aangekondigd" not in text and "Kamerstuk" not in text
    assert "geen verwijzing naar een Kamerstuk ingesteld" in notes(references=[])


def test_no_kamerstuk_number_is_seeded():
    assert not LetterReference.objects.filter(citation__icontains="36 350").exists()


# ---------------------------------------------------------------------------------------------
# The evaluation
# ---------------------------------------------------------------------------------------------
def _evaluation(**overrides):
    data = {
        "id": 1,
        "instrument_start": date(2023, 10, 1),
        "due_on": date(2027, 10, 1),
        "completed_on": None,
        "report_citation": "",
    }
    data.update(overrides)
    return data


def test_the_evaluation_sentence_follows_the_configured_evaluation():
    assert "De voorziening wordt uiterlijk op 1 oktober 2027 geëvalueerd" in body(evaluation=_evaluation())
    done = body(evaluation=_evaluation(completed_on=date(2026, 9, 1), report_citation="Kamerstuk 88 888, nr. 2"))
    assert "De voorziening is op 1 september 2026 geëvalueerd (Kamerstuk 88 888, nr. 2)." in done
    assert "uiterlijk" not in done
    overdue = _evaluation(due_on=date(2025, 10, 1))
    assert "geëvalueerd" not in body(evaluation=overdue)
    assert "is niet als afgerond vastgelegd" in notes(evaluation=overdue)
    assert "geëvalueerd" not in body(evaluation=None)
    assert "geen evaluatietermijn ingesteld" in notes(evaluation=None)


# ---------------------------------------------------------------------------------------------
# The acquirer's country (landenneutraliteit)
# ---------------------------------------------------------------------------------------------
def test_the_country_is_named_only_when_the_policy_says_so():
    named = compose_letter(facts())
    assert "uit China" in named.body
    assert "wordt in de openbare brief genoemd: beleid ‘Land noemen’" in "\n".join(named.notes)
    for policy in (
        None,
        {"id": 2, "label": "Landenneutraal", "name_country": False, "valid_from": date(2023, 1, 1), "valid_to": None},
    ):
        letter = compose_letter(facts(country_policy=policy))
        assert "China" not in letter.body
        assert letter.confidential_annex == ""  # a public case gets no annex for the country alone
        assert "wordt niet genoemd" in "\n".join(letter.notes)
    assert "beleid ‘Landenneutraal’" in notes(
        country_policy={"id": 2, "label": "Landenneutraal", "name_country": False, "valid_from": date(2023, 1, 1)}
    )


# ---------------------------------------------------------------------------------------------
# Drafts made from real cases and configuration
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def kamer2(make_user):
    return make_user("kamer2", Role.PARLIAMENTARY_LIAISON)


def _draft(case, manager, *, today=date(2026, 11, 24)) -> LetterDraft:
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(case, user=manager, executed_on=today))
    services.letter_drafts_make(request_id=request.pk, today=today)
    return LetterDraft.objects.get(request=request, chamber="tweede_kamer")


@pytest.fixture
def public_case(case, officer, kamer, kamer2):
    case.classification = "openbaar"
    case.acquirer_country = "CN"
    case.save(update_fields=["classification", "acquirer_country"])
    return add_liaisons(case, by=officer, liaisons=[kamer, kamer2])


def test_the_default_policy_keeps_the_country_out_and_a_new_policy_row_names_it(public_case, manager):
    letter = _draft(public_case, manager)
    assert "China" not in letter.body
    assert any("Land niet noemen (standaard van de dienst)" in n for n in letter.drafting_notes)
    CountryDisclosurePolicy.objects.filter(valid_to__isnull=True).update(valid_to=date(2026, 11, 30))
    CountryDisclosurePolicy.objects.create(
        valid_from=date(2026, 12, 1), name_country=True, label="Besluit EZK/BZ: land noemen", basis="Test"
    )
    later = _draft(public_case, manager, today=date(2026, 12, 2))
    assert "uit China" in later.body
    assert any("Besluit EZK/BZ: land noemen" in n for n in later.drafting_notes)


def test_the_policy_holds_when_the_liaison_edits_the_text(public_case, manager, kamer):
    from core.exceptions import RuleViolation

    letter = _draft(public_case, manager)
    with pytest.raises(RuleViolation):
        services.letter_update(
            user=kamer,
            letter=letter,
            body=letter.body + "\n\nDe investeerder komt uit China.",
            expected_revision=letter.revision,
        )


def test_a_configured_reference_and_evaluation_reach_the_draft(public_case, manager):
    letter = _draft(public_case, manager)
    assert "aangekondigd" not in letter.body and "geëvalueerd" not in letter.body
    LetterReference.objects.create(
        citation="Kamerstuk 77 777, nr. 7", description="de brief van de minister", valid_from=date(2023, 1, 1)
    )
    EvaluationSchedule.objects.create(instrument_start=date(2023, 10, 1), due_on=date(2027, 10, 1))
    later = _draft(public_case, manager)
    assert "zoals aangekondigd in de brief van de minister (Kamerstuk 77 777, nr. 7)." in later.body
    assert "uiterlijk op 1 oktober 2027 geëvalueerd" in later.body


def test_the_liaison_sees_the_drafting_notes(client, public_case, manager, kamer):
    letter = _draft(public_case, manager)
    web_login(client, kamer)
    page = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert 'id="drafting-notes"' in page and "Land niet noemen (standaard van de dienst)" in page
    assert 'id="kenmerk-missing"' in page


# ---------------------------------------------------------------------------------------------
# "Ons kenmerk" and the signature
# ---------------------------------------------------------------------------------------------
KENMERK_MISSING = "Vul eerst ‘Ons kenmerk’ in: het nummer van deze brief in het documentsysteem."


@pytest.mark.parametrize("reference", ["", "DGED-EV / "], ids=["empty", "prefix alone"])
def test_a_letter_without_a_kenmerk_cannot_be_submitted(api, public_case, manager, kamer, kamer2, reference):
    """In review nobody edits the letter and its approval requires the kenmerk: submitted without one,
    the second liaison got the four-eyes task and an Approve button the service refused."""
    letter = _draft(public_case, manager)
    LetterDraft.objects.filter(pk=letter.pk).update(our_reference=reference)
    letter.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        services.letter_submit(user=kamer, letter=letter)
    assert refused.value.field == "our_reference" and refused.value.message == KENMERK_MISSING
    response = api(kamer).post(f"/api/letters/{letter.pk}/submit/", {}, format="json")
    assert response.status_code == 400 and response.json() == {"our_reference": [KENMERK_MISSING]}
    assert LetterDraft.objects.get(pk=letter.pk).status == "draft"
    assert not AuditRecord.objects.filter(event="letter.submit", object_id=str(letter.pk)).exists()
    patched = api(kamer).patch(f"/api/letters/{letter.pk}/", {"our_reference": "DGED-EV / 99497318"}, format="json")
    assert patched.status_code == 200 and patched.json()["our_reference"] == "DGED-EV / 99497318"
    letter.refresh_from_db()
    services.letter_submit(user=kamer, letter=letter)
    assert services.letter_approve(user=kamer2, letter=letter).status == "approved"


def test_a_letter_in_review_without_a_kenmerk_cannot_be_approved(api, public_case, manager, kamer, kamer2):
    """One submitted before submission required the kenmerk: the approval still refuses it."""
    letter = _draft(public_case, manager)
    LetterDraft.objects.filter(pk=letter.pk).update(status="in_review", submitted_by=kamer)
    letter.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        services.letter_approve(user=kamer2, letter=letter)
    assert refused.value.code == "our_reference_missing"
    response = api(kamer2).post(f"/api/letters/{letter.pk}/approve/", {}, format="json")
    assert response.status_code == 409 and "our_reference_missing" in response.content.decode()


def test_a_prefix_alone_is_not_a_kenmerk():
    assert not services.our_reference_is_complete("DGED-EV / ", prefix="DGED-EV")
    assert not services.our_reference_is_complete("")
    assert services.our_reference_is_complete("DGED-EV / 99497318", prefix="DGED-EV")


def test_the_letter_page_offers_entering_the_kenmerk_instead_of_submitting(client, public_case, manager, kamer):
    letter = _draft(public_case, manager)
    web_login(client, kamer)
    page = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    submit = reverse("parliament:act", args=[letter.pk, "submit"])
    assert f'action="{submit}"' not in page
    assert 'id="kenmerk-missing"' in page
    assert f'href="{reverse("parliament:edit", args=[letter.pk])}#id_our_reference"' in page
    refused = client.post(submit)  # a page opened before: refused, and said why
    assert refused.status_code == 400 and KENMERK_MISSING in refused.content.decode()
    assert LetterDraft.objects.get(pk=letter.pk).status == "draft"
    services.letter_set_reference(user=kamer, letter=letter, our_reference="DGED-EV / 99497318")
    page = client.get(reverse("parliament:letter", args=[letter.pk])).content.decode()
    assert f'action="{submit}"' in page and 'id="kenmerk-missing"' not in page


def test_the_web_form_shows_the_missing_kenmerk(client, public_case, manager, kamer, kamer2):
    letter = _draft(public_case, manager)
    LetterDraft.objects.filter(pk=letter.pk).update(status="in_review", submitted_by=kamer)
    web_login(client, kamer2)
    refused = client.post(reverse("parliament:act", args=[letter.pk, "approve"]))
    assert refused.status_code == 400 and "Ons kenmerk" in refused.content.decode()
    letter.refresh_from_db()
    assert letter.status == "in_review"


def test_the_liaison_enters_the_kenmerk_in_the_edit_form(client, public_case, manager, kamer):
    letter = _draft(public_case, manager)
    web_login(client, kamer)
    response = client.post(
        reverse("parliament:edit", args=[letter.pk]),
        {
            "our_reference": "BPZ / 107452619",
            "subject": letter.subject,
            "body": letter.body,
            "confidential_annex": letter.confidential_annex,
            "note": "",
            "expected_revision": letter.revision,
        },
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.our_reference == "BPZ / 107452619"


def test_the_signature_is_the_name_then_the_office_and_the_kenmerk_is_on_later_pages(public_case, manager):
    letter = _draft(public_case, manager)
    letter.our_reference = "BPZ / 107452619"
    html = letter_html(letter)
    name, office = letter.signatory_name, "Minister van Economische Zaken en Klimaat"
    assert f"{name}\n{office}</div>" in html
    assert "De Minister van" not in html
    assert '@page { @top-right { content: "Ons kenmerk\\A BPZ / 107452619"' in html
    assert "@page :first { @top-right { content: none; } }" in html


def test_the_pdf_repeats_the_kenmerk_on_the_following_pages(public_case, manager):
    """Laid out by WeasyPrint: the margin box of page 2 holds the kenmerk, page 1's does not."""
    from weasyprint import HTML

    letter = _draft(public_case, manager)
    letter.our_reference = "BPZ / 107452619"
    letter.body = "\n\n".join([letter.body] * 6)  # long enough for a second page
    pages = HTML(string=letter_html(letter, include_annex=False)).render().pages
    assert len(pages) >= 2

    def margin_text(page) -> str:
        texts = []

        def walk(box):
            if hasattr(box, "text"):
                texts.append(box.text)
            for child in getattr(box, "children", []) or []:
                walk(child)

        for box in page._page_box.children:
            if type(box).__name__ == "MarginBox":
                walk(box)
        return " ".join(texts)

    assert "107452619" not in margin_text(pages[0])
    assert "107452619" in margin_text(pages[1])


def test_due_date_far_ahead_then_near_then_overdue(make_user, kamer):
    from parliament.selectors import evaluation_status

    schedule = EvaluationSchedule.objects.create(
        instrument_start=date(2023, 10, 1), due_on=date(2025, 10, 1), warn_days=60
    )
    assert evaluation_status(schedule, on=date(2025, 7, 1)) == "scheduled"
    assert evaluation_status(schedule, on=date(2025, 8, 15)) == "due_soon"
    assert evaluation_status(schedule, on=date(2025, 10, 2)) == "overdue"
    schedule.completed_on = date(2025, 9, 30)
    assert evaluation_status(schedule, on=date(2025, 10, 2)) == "completed"


def test_shift_of_fact_date_in_drafts():
    # a letter dated after the due date no longer promises the evaluation
    evaluation = _evaluation(due_on=date(2026, 11, 23))
    assert "geëvalueerd" not in body(evaluation=evaluation, letter_date=date(2026, 11, 24))
    assert "uiterlijk op 23 november 2026" in body(evaluation=evaluation, letter_date=date(2026, 11, 23))
