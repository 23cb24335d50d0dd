"""The Kamerbrief after an exit, for the exits the letter's figures allow: a sale at a profit, at a
loss, a full write-off for nothing, in a public case and in one whose company and amounts are
classified. "Uw Kamer zal naderhand over de betreffende transactie worden geïnformeerd" and "Hierbij
wordt rekening gehouden met het behoud van de investeringswaarde en het beoogde revolverende karakter
van de beschermingsvoorziening" (letter 2023, "Werking")."""

from decimal import Decimal

import pytest

from parliament.composition import compose_letter

from .test_kamerbrief_content import facts

pytestmark = pytest.mark.django_db


def letter(**overrides):
    return compose_letter(facts(**overrides))


def test_a_full_write_off_does_not_say_proceeds_flow_back_to_the_fund():
    body = letter(kind="full_exit", amount=Decimal("0.00")).body
    assert "Er is geen verkoopopbrengst voor de voorziening." in body
    assert "De verkoopopbrengst voor de voorziening bedraagt" not in body
    assert "De verkoopopbrengst vloeit terug naar de voorziening" not in body
    assert "Het belang is hiermee volledig afgebouwd." in body


def test_a_sale_with_proceeds_says_they_flow_back_and_names_the_funds_maximum():
    body = letter(kind="partial_exit", amount=Decimal("4000000.00")).body
    assert "De verkoopopbrengst voor de voorziening bedraagt € 4.000.000." in body
    assert (
        "De verkoopopbrengst vloeit terug naar de voorziening, in lijn met haar revolverende karakter; liquide middelen "
        "boven het maximum van € 150.000.000 vloeien terug naar de staatskas." in body
    )


def test_a_partial_exit_at_a_loss_does_not_promise_that_the_value_is_kept():
    """The letter: the wind-down takes the investment's value into account ("rekening gehouden met"),
    it does not say the value is kept; a sale at a loss must not read as if it was."""
    body = letter(kind="partial_exit", amount=Decimal("1.00")).body
    assert "met behoud van de investeringswaarde." not in body
    assert "wordt rekening gehouden met het behoud van de investeringswaarde" in body
    # and it says the wind-down once (found by trying the product: "Daarom bouwt de Staat zijn belang af.
    # De Staat blijft het resterende belang afbouwen ...")
    assert "De Staat blijft het resterende belang afbouwen" not in body


def test_a_classified_write_off_keeps_the_amount_out_of_the_public_letter():
    """GEHEIM: the amounts are in the annex only. The public letter states the rule on proceeds,
    not whether this sale brought anything in (that would disclose the amount)."""
    composed = letter(kind="full_exit", amount=Decimal("0.00"), classification="geheim")
    assert "geen verkoopopbrengst" not in composed.body
    assert "Verkoopopbrengsten vloeien terug naar de voorziening" in composed.body
    assert "Voorbeeld Photonics" not in composed.body
    assert "Er is geen verkoopopbrengst voor de voorziening." in composed.confidential_annex
    assert "Voorbeeld Photonics B.V." in composed.confidential_annex


def test_a_classified_sale_with_proceeds_states_neither_the_amount_nor_the_company_in_public():
    composed = letter(kind="partial_exit", amount=Decimal("123456789012.34"), classification="geheim")
    assert "123.456.789.012,34" not in composed.body
    assert "De verkoopopbrengst voor de voorziening bedraagt € 123.456.789.012,34." in composed.confidential_annex
    assert "een onderneming van strategisch belang" in composed.body


# ---------------------------------------------------------------------------------------------
# The evaluation: "Uiterlijk over twee jaar vindt een evaluatie ... plaats"; "Dit instrument zal
# twee jaar na inwerkingtreding worden geëvalueerd" (letter 2023)
# ---------------------------------------------------------------------------------------------
def test_an_evaluation_due_exactly_two_years_after_the_start_is_accepted():
    from datetime import date

    from parliament.models import EvaluationSchedule

    EvaluationSchedule(instrument_start=date(2023, 10, 1), due_on=date(2025, 10, 1)).full_clean()
    EvaluationSchedule(instrument_start=date(2024, 2, 29), due_on=date(2026, 2, 28)).full_clean()


def test_an_evaluation_due_a_day_later_than_two_years_needs_its_ground():
    from datetime import date

    from django.core.exceptions import ValidationError

    from parliament.models import EvaluationSchedule

    with pytest.raises(ValidationError) as refused:
        EvaluationSchedule(instrument_start=date(2023, 10, 1), due_on=date(2025, 10, 2)).full_clean()
    assert "basis" in refused.value.message_dict
    assert "2025-10-01" in refused.value.message_dict["basis"][0]
    with pytest.raises(ValidationError):
        EvaluationSchedule(instrument_start=date(2024, 2, 29), due_on=date(2026, 3, 1)).full_clean()
    EvaluationSchedule(
        instrument_start=date(2023, 10, 1),
        due_on=date(2026, 4, 1),
        basis="Kabinetsbesluit van 1 juni 2025: evaluatie uitgesteld tot na de integratie.",
    ).full_clean()


# ---------------------------------------------------------------------------------------------
# The instrument in the investment letter: "in de vorm van aandelen, in aandelen converteerbare
# leningen of leningen met warrants" (letter 2023, "Invest-NL als beheerder")
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "instrument, expected",
    [
        ("equity", "in de vorm van aandelen."),
        ("convertible_loan", "in de vorm van een in aandelen converteerbare lening."),
        ("loan_with_warrants", "in de vorm van een lening met warrants."),
    ],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_investment_letter_names_the_instrument_in_dutch_with_its_article(
    case,
    officer,
    manager,
    manager2,
    secretariat,
    secretariat2,
    django_capture_on_commit_callbacks,
    instrument,
    expected,
    language,
):
    """The letter is Dutch also when the transaction is booked by someone reading the UI in English."""
    from django.utils import translation

    from parliament.models import LetterDraft

    from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case

    fund_with_tranches(user=manager)
    prepared = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    with translation.override(language), django_capture_on_commit_callbacks(execute=True):
        invest_in_case(prepared, proposer=manager, approver=manager2, amount=Decimal("10000000"), instrument=instrument)
    body = LetterDraft.objects.get(case=case, chamber="tweede_kamer", kind="first_investment").body
    assert f"Het gaat om een investering van € 10.000.000 {expected}" in body


def test_the_sector_apposition_closes_with_a_comma_inside_the_sentence():
    """Found by trying the product: "zijn belang in AquaPure Systems B.V., actief in de sector
    drinkwatertechnologie via de Beschermingsvoorziening ..." read as if the fund were in the sector."""
    from core.classification import Classification

    body = letter(kind="partial_exit", amount=Decimal("14000000.00"), classification=Classification.OPENBAAR).body
    assert ", actief in de sector " in body
    sentence = body.split(", actief in de sector ", 1)[1].split(".", 1)[0]
    assert ", via de Beschermingsvoorziening Economische Veiligheid" in sentence, sentence


@pytest.mark.parametrize(("stake", "written"), [("25.00", "25%"), ("12.50", "12,5%"), ("33.333333", "33,33%")])
def test_the_stake_is_written_with_the_decimals_it_has(stake, written):
    """Found by trying the product: "12,50%" in the conversion letter."""
    body = letter(kind="first_investment", stake_percent=Decimal(stake)).body
    assert f"bedraagt na deze transactie {written}." in body


def test_a_dilution_since_the_last_transaction_is_stated_before_the_new_stake():
    """Found by trying the product: 25 % after the investment, a share issue without the State to
    20 %, then half sold: the letter said only "10%", which reads as 60 % of the stake sold."""
    from datetime import date

    body = letter(
        kind="partial_exit",
        amount=Decimal("7000000.00"),
        stake_percent=Decimal("10.000000"),
        dilutions=[{"issued_on": date(2026, 12, 1), "ownership_after": Decimal("20.000000")}],
    ).body
    assert (
        "Door een uitgifte van nieuwe aandelen waaraan de Staat niet deelnam, was het belang op 1 december 2026 "
        "verwaterd tot 20%. Het belang van de Staat in de onderneming bedraagt na deze transactie 10%." in body
    )
    assert "verwaterd" not in letter(kind="partial_exit", amount=Decimal("7000000.00")).body
