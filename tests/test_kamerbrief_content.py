"""What the letter says: the facts in Dutch format, the minister in office on the letter's date,
and nothing the case's classification keeps out of a public letter."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from access.roles import Role
from core.classification import Classification
from core.exceptions import RuleViolation
from parliament import services
from parliament.composition import ANONYMOUS_COMPANY, compose_letter
from parliament.models import LetterDraft, Minister
from parliament.selectors import minister_on

from .factories import add_liaisons, transaction_event

pytestmark = pytest.mark.django_db


def facts(**overrides) -> dict:
    """A hand-built letter context, as `letter_facts` gathers it."""
    data = {
        "kind": "first_investment",
        "chamber": "tweede_kamer",
        "letter_date": date(2026, 11, 24),
        "executed_on": date(2026, 11, 24),
        "amount": Decimal("12500000.00"),
        "classification": "openbaar",
        "company_name": "Voorbeeld Photonics B.V.",
        "company_sector": "Halfgeleiders",
        "company_kvk": "12345678",
        "acquirer_country": "CN",
        "instrument": "aandelen",
        "stake_percent": Decimal("25.00"),
        "cabinet_decision_date": date(2026, 11, 13),
        "fund_size": Decimal("100000000.00"),
        "fund_deployed": Decimal("32500000.00"),
        "fund_available": Decimal("67500000.00"),
        "fund_invested_gross": Decimal("32500000.00"),
        "liquid_cap": Decimal("150000000.00"),
        "fund_manager": "Invest-NL",
        "references": [
            {
                "citation": "Kamerstuk 99 999, nr. 1",
                "description": "de brief over de uitwerking van de Beschermingsvoorziening",
            }
        ],
        "earlier_letters": [],
        "scope_ground": "not_in_screening",
        "consulted_ministries": ["Justitie en Veiligheid (JenV)"],
        "market_financing_explored": True,
        "conditions_met": True,
        "country_policy": {
            "id": 1,
            "label": "Land noemen",
            "name_country": True,
            "valid_from": date(2023, 1, 1),
            "valid_to": None,
        },
        "evaluation": {
            "id": 1,
            "instrument_start": date(2023, 10, 1),
            "due_on": date(2027, 10, 1),
            "completed_on": None,
            "report_citation": "",
        },
    }
    data.update(overrides)
    return data


def test_the_letter_states_what_was_done_and_why_in_dutch_format():
    letter = compose_letter(facts())
    body = letter.body
    assert "Op 24 november 2026 heeft de Staat" in body
    assert "€ 12.500.000" in body and "12500000" not in body
    assert "in de vorm van aandelen" in body
    assert "25%" in body
    assert "Aan beide voorwaarden van het afwegingskader was voldaan" in body
    assert "op 13 november 2026 besloten tot inzet" in body
    # the fund's position afterwards, of the € 100m
    assert "in totaal € 32.500.000 geïnvesteerd" in body
    assert "Het toegezegde vermogen van de voorziening bedraagt € 100.000.000." in body
    assert "€ 67.500.000 aan liquide middelen beschikbaar" in body
    assert "het belang in de onderneming afbouwen" in body  # the intention to wind the stake down
    assert "Kamerstuk 99 999, nr. 1" in body


def test_an_exit_letter_reports_the_proceeds_and_the_wind_down():
    body = compose_letter(facts(kind="full_exit", amount=Decimal("15750000.50"))).body
    assert "De verkoopopbrengst voor de voorziening bedraagt € 15.750.000,50." in body
    assert "volledig afgebouwd" in body
    assert "€ 150.000.000 vloeien terug naar de staatskas" in body


def test_earlier_letters_to_the_chamber_are_cited():
    body = compose_letter(
        facts(
            kind="follow_on_investment",
            earlier_letters=[{"date": date(2026, 3, 2), "kamerstuk": "Kamerstuk 30 821, nr. 260"}],
        )
    ).body
    assert "bij brief van 2 maart 2026 (Kamerstuk 30 821, nr. 260)" in body


@pytest.mark.parametrize("classification", [Classification.OPENBAAR, Classification.BEPERKT_OPENBAAR])
def test_a_publicly_disclosable_case_is_named_in_the_public_letter(classification):
    letter = compose_letter(facts(classification=classification))
    assert "Voorbeeld Photonics B.V." in letter.body
    assert "China" in letter.body
    assert letter.confidential_annex == ""


@pytest.mark.parametrize(
    "classification", [Classification.INTERN, Classification.VERTROUWELIJK, Classification.CONFIDENTIEEL]
)
def test_company_and_country_of_a_classified_case_go_to_the_confidential_annex(classification):
    letter = compose_letter(facts(classification=classification))
    for secret in ("Voorbeeld Photonics", "12345678", "China", "Halfgeleiders"):
        assert secret.lower() not in letter.body.lower()
        assert secret.lower() not in letter.subject.lower()
    assert ANONYMOUS_COMPANY in letter.body
    assert "€ 12.500.000" in letter.body  # amounts stay public below GEHEIM
    assert letter.confidential_annex.startswith("VERTROUWELIJKE BIJLAGE")
    assert "Voorbeeld Photonics B.V." in letter.confidential_annex and "China" in letter.confidential_annex


@pytest.mark.parametrize("classification", [Classification.GEHEIM, Classification.ZEER_GEHEIM])
def test_amounts_of_a_secret_case_go_to_the_annex_too(classification):
    letter = compose_letter(facts(classification=classification))
    assert "€" not in letter.body.replace("€ 150.000.000", "")  # only the fund's statutory maximum remains
    assert "25%" not in letter.body
    assert "€ 12.500.000" in letter.confidential_annex and "25%" in letter.confidential_annex


# ---------------------------------------------------------------------------------------------
# Drafts made from real cases
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def letter_case(case, officer, kamer):
    return add_liaisons(case, by=officer, liaisons=[kamer])


def _draft(case, manager, *, today, **event) -> LetterDraft:
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(case, user=manager, **event))
    services.letter_drafts_make(request_id=request.pk, today=today)
    return LetterDraft.objects.get(request=request, chamber="tweede_kamer")


@pytest.mark.parametrize(
    "today, minister, ministry",
    [
        (date(2023, 11, 1), "M.A.M. Adriaansens", "Ministerie van Economische Zaken en Klimaat"),
        (date(2024, 12, 2), "D.S. Beljaarts", "Ministerie van Economische Zaken"),
        (date(2025, 7, 4), "V. Karremans", "Ministerie van Economische Zaken"),
    ],
)
def test_the_minister_in_office_on_the_letter_date_signs(letter_case, manager, today, minister, ministry):
    letter = _draft(letter_case, manager, today=today, executed_on=today)
    assert letter.signatory_name == minister
    assert letter.letterhead["ministry_name"] == ministry
    assert letter.letter_date == today


def test_a_new_minister_is_a_data_row_not_a_code_change(letter_case, manager):
    Minister.objects.filter(valid_to__isnull=True).update(valid_to=date(2026, 11, 30))
    Minister.objects.create(
        name="A. Nieuw", title="De Minister van Economische Zaken en Klimaat", valid_from=date(2026, 12, 1)
    )
    assert minister_on(date(2026, 11, 30)).name != "A. Nieuw"
    assert _draft(letter_case, manager, today=date(2026, 12, 1)).signatory_name == "A. Nieuw"


def test_a_draft_of_a_confidential_case_keeps_its_details_in_the_annex(letter_case, manager):
    assert letter_case.classification == Classification.VERTROUWELIJK
    letter = _draft(letter_case, manager, today=date(2026, 11, 24), amount=Decimal("12500000"))
    assert letter_case.target_name not in letter.body
    assert letter_case.target_name in letter.confidential_annex
    assert "€ 12.500.000" in letter.body
    assert letter.our_reference == ""  # the liaison enters the document system's number


def test_an_editor_cannot_put_the_company_name_into_the_public_text(letter_case, manager, kamer):
    letter = _draft(letter_case, manager, today=date(2026, 11, 24))
    with pytest.raises(RuleViolation) as refused:
        services.letter_update(
            user=kamer,
            letter=letter,
            body=letter.body + "\n\nHet betreft Voorbeeld Photonics B.V.",
            expected_revision=letter.revision,
        )
    assert refused.value.field == "body"
    letter.refresh_from_db()
    assert letter.revision == 1 and "Voorbeeld Photonics" not in letter.body


def test_the_letter_uses_the_funds_own_figures(
    letter_case, officer, manager, manager2, secretariat, secretariat2, django_capture_on_commit_callbacks
):
    factories = pytest.importorskip("tests.factories")
    if not hasattr(factories, "invest_in_case"):
        pytest.skip("fund helpers not available")
    factories.fund_with_tranches(user=manager)
    case = factories.case_to_investment_preparation(
        letter_case, recorder=secretariat, confirmer=secretariat2, proposal_amount=Decimal("12500000")
    )
    with django_capture_on_commit_callbacks(execute=True):
        position = factories.invest_in_case(
            case, proposer=manager, approver=manager2, amount=Decimal("12500000"), ownership_percent=Decimal("25")
        )
    letter = LetterDraft.objects.get(case=case, chamber="tweede_kamer", kind="first_investment")
    assert letter.request.position_id == position.pk
    assert "Het gaat om een investering van € 12.500.000 in de vorm van aandelen." in letter.body
    assert "25%" in letter.body
    assert "in totaal € 12.500.000 geïnvesteerd" in letter.body
    assert "Het toegezegde vermogen van de voorziening bedraagt € 100.000.000." in letter.body
    assert "is nog" not in letter.body


def test_two_ministers_cannot_be_in_office_on_the_same_day():
    from django.core.exceptions import ValidationError

    overlapping = Minister(
        name="B. Dubbel",
        title="De Minister van Economische Zaken",
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 3, 1),
    )
    with pytest.raises(ValidationError) as refused:
        overlapping.full_clean()
    assert "valid_from" in refused.value.message_dict
    backwards = Minister(name="C. Omgekeerd", title="x", valid_from=date(2030, 5, 1), valid_to=date(2030, 1, 1))
    with pytest.raises(ValidationError) as refused:
        backwards.full_clean()
    assert "valid_to" in refused.value.message_dict


@given(
    name=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-", min_size=4, max_size=30),
    country=st.sampled_from(["CN", "RU", "IR", "KP", "BY"]),
    classification=st.sampled_from(Classification.values),
    kind=st.sampled_from(["first_investment", "follow_on_investment", "conversion", "partial_exit", "full_exit"]),
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
)
@settings(max_examples=150, deadline=None)
def test_no_classified_detail_ever_reaches_the_public_text(name, country, classification, kind, amount):
    from core.formatting import euro
    from parliament.composition import country_name
    from parliament.confidentiality import disclosure_for

    company = f"{name} Holding B.V."
    letter = compose_letter(
        facts(
            company_name=company,
            acquirer_country=country,
            classification=classification,
            kind=kind,
            amount=amount,
            company_kvk="99887766",
        )
    )
    public = f"{letter.subject}\n{letter.body}"
    disclosure = disclosure_for(classification, name_country=True)
    assert (company in public) == disclosure.company
    assert ("99887766" in public) is False  # the KvK number is never in a public letter
    if not disclosure.country:
        assert country_name(country) not in public
        assert country_name(country) in letter.confidential_annex
    # The amount as a whole figure: "€ 1" must not match inside the fund's "€ 100.000.000".
    amount_shown = re.search(re.escape(euro(amount)) + r"(?!\d|[.,]\d)", public) is not None
    assert amount_shown == disclosure.amounts
    if not (disclosure.company and disclosure.amounts):
        assert company in letter.confidential_annex or disclosure.company
        assert euro(amount) in letter.confidential_annex or disclosure.amounts


def test_the_letter_is_dutch_whatever_the_language_of_the_person(
    letter_case, manager, manager2, secretariat, secretariat2, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from . import factories

    factories.fund_with_tranches(user=manager)
    case = factories.case_to_investment_preparation(letter_case, recorder=secretariat, confirmer=secretariat2)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        factories.invest_in_case(
            case, proposer=manager, approver=manager2, amount=Decimal("12500000"), ownership_percent=Decimal("25")
        )
    letter = LetterDraft.objects.get(case=case, chamber="tweede_kamer", kind="first_investment")
    assert "in de vorm van aandelen" in letter.body


def test_the_funds_figures_leave_the_public_letter_once_they_hold_a_secret_cases_money():
    """Found by trying the product: a GEHEIM case's amount went to its letter's annex, but the public
    letters of other cases before and after it stated the fund's totals, and their difference was the
    secret amount (147.25m - 99.25m - 8m = 40m). Once the fund's figures hold such money they go into
    the annex of every letter; the letter's own amount stays public."""
    letter = compose_letter(facts(fund_holds_withheld_amounts=True))
    assert "€ 12.500.000" in letter.body  # this case's own amount: public
    for figure in ("€ 100.000.000", "€ 32.500.000", "€ 67.500.000"):
        assert figure not in letter.body and figure in letter.confidential_annex
    assert "De stand van de voorziening is opgenomen in de vertrouwelijke bijlage" in letter.body
    assert "zie de vertrouwelijke bijlage" not in letter.body  # no detail of this case is in the annex
    assert any("GEHEIM" in note for note in letter.notes)
    # Without such money the figures are in the public letter, and there is no annex for them.
    public = compose_letter(facts())
    assert "Het toegezegde vermogen van de voorziening bedraagt € 100.000.000." in public.body
    assert public.confidential_annex == ""


def test_a_public_letter_after_a_secret_cases_payment_does_not_state_the_funds_figures(
    letter_case, officer, officer2, manager, manager2, secretariat, secretariat2, django_capture_on_commit_callbacks
):
    from tests.factories import make_case

    factories = pytest.importorskip("tests.factories")
    factories.fund_with_tranches(user=manager)
    secret = make_case(
        officer=officer,
        classification=Classification.GEHEIM,
        target_name="Qubitron B.V.",
        target_kvk_number="87654321",
        team={officer2: Role.CASE_OFFICER, secretariat: Role.CABINET_SECRETARIAT, manager: Role.FUND_MANAGER},
    )
    from cases.services import case_team_add

    for member, role in ((secretariat2, Role.CABINET_SECRETARIAT), (manager2, Role.FUND_MANAGER)):
        case_team_add(user=officer, case=secret, member=member, role=role)
    secret = factories.case_to_investment_preparation(secret, recorder=secretariat, confirmer=secretariat2)
    with django_capture_on_commit_callbacks(execute=True):
        factories.invest_in_case(secret, proposer=manager, approver=manager2, amount=Decimal("40000000"))
    case = factories.case_to_investment_preparation(letter_case, recorder=secretariat, confirmer=secretariat2)
    with django_capture_on_commit_callbacks(execute=True):
        factories.invest_in_case(case, proposer=manager, approver=manager2, amount=Decimal("8000000"))
    letter = LetterDraft.objects.get(case=case, chamber="tweede_kamer", kind="first_investment")
    assert "Het gaat om een investering van € 8.000.000" in letter.body
    assert "geïnvesteerd" not in letter.body and "€ 48.000.000" not in letter.body
    assert "in totaal € 48.000.000 geïnvesteerd" in letter.confidential_annex


FIRST_TRANCHE_NOTE = "is een deel van het goedgekeurde investeringsvoorstel"


def test_a_first_investment_of_part_of_the_plan_states_no_stake_the_record_does_not_back():
    """Found by trying the product: a position set up with 40% for an €86.75m plan, and the letter
    after its first €50m said the State held 40% after this transaction. Nothing on record says so:
    the sentence is left out and the drafter is asked to fill it in. Paid in full, it is stated."""
    stake = "Het belang van de Staat in de onderneming bedraagt na deze transactie"
    partial = compose_letter(
        facts(amount=Decimal("50000000.00"), proposal_amount=Decimal("86750000.00"), stake_percent=Decimal("40"))
    )
    assert stake not in partial.body and "40%" not in partial.body
    assert any(FIRST_TRANCHE_NOTE in note and "zelf in" in note for note in partial.notes)
    whole = compose_letter(
        facts(amount=Decimal("86750000.00"), proposal_amount=Decimal("86750000.00"), stake_percent=Decimal("40"))
    )
    assert f"{stake} 40%." in whole.body and not any(FIRST_TRANCHE_NOTE in note for note in whole.notes)
    # a stake recorded on or after the transaction's date (a dilution, a conversion) is on record
    recorded = compose_letter(
        facts(
            amount=Decimal("50000000.00"),
            proposal_amount=Decimal("86750000.00"),
            stake_percent=Decimal("40"),
            stake_recorded_on=date(2026, 11, 24),
        )
    )
    assert f"{stake} 40%." in recorded.body


def test_a_secret_letter_says_the_annex_holds_a_stake_only_where_it_does():
    """Found by trying the product: a GEHEIM loan with warrants (no stake on record) said "Het bedrag van
    de transactie en het belang van de Staat zijn ... opgenomen in de vertrouwelijke bijlage", and the
    annex held only the amount."""
    loan = compose_letter(facts(classification="geheim", stake_percent=None, instrument="een lening met warrants"))
    assert "Het bedrag van de transactie is vanwege de rubricering" in loan.body
    assert "belang van de Staat" not in loan.body and "belang van de Staat" not in loan.confidential_annex
    shares = compose_letter(facts(classification="geheim"))
    assert "Het bedrag van de transactie en het belang van de Staat zijn vanwege" in shares.body
    assert "25%" in shares.confidential_annex
    exited = compose_letter(facts(classification="geheim", kind="full_exit"))
    assert "Het bedrag van de transactie is vanwege de rubricering" in exited.body
