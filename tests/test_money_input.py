"""Amounts as Dutch people type them, in every money field of the web forms (core.forms.MoneyField):
accepted with the value they mean, or refused at the field; never read as something else. "25.000"
is twenty-five thousand euros (was refused as "more than 2 decimals", the Dutch way read as English),
and the kabinetsbesluit's maximum takes the same notation as the fund's fields (it refused
"25.000.000" and "€ 1.000.000,50" with "Voer een getal in.")."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cases.constants import State
from cases.models import CabinetDecision, Case
from core.forms import MoneyField

from .factories import web_session

ACCEPTED = [
    ("1.000.000,50", Decimal("1000000.50")),
    ("€ 1.000.000,50", Decimal("1000000.50")),
    ("25.000.000", Decimal("25000000")),
    ("25.000", Decimal("25000")),
    ("500.000", Decimal("500000")),
    ("1 000 000", Decimal("1000000")),
    ("12500000.50", Decimal("12500000.50")),
    ("25,5", Decimal("25.5")),
    ("25.00", Decimal("25.00")),
]
REFUSED = [
    "€ 25 mln",
    "1,000,000.50",
    "1e6",
    "2e7",
    "10E5",
    "1_000",
    "1_000,50",
    "NaN",
    "Infinity",
    "١٢٣",
    "1.00.000",
    "25,000,5",
    "12,50.00",
]
# No thousands group starts with 0: these are no grouped thousands (they were read as 1, 500 and
# 500,000 euros) but plain decimals with three decimals, or nothing at all.
NO_THOUSANDS = ["0.001", "00.500", "0.500", "0.500.000", "-0.001", "000.000"]


@pytest.mark.parametrize(("typed", "meant"), ACCEPTED)
def test_a_dutch_amount_means_what_it_says(typed, meant):
    assert MoneyField().clean(typed) == meant


@pytest.mark.parametrize("typed", REFUSED)
def test_an_amount_it_cannot_read_is_refused_at_the_field(typed):
    form = _decision_form(typed)
    assert not form.is_valid() and "max_amount" in form.errors


@pytest.mark.parametrize("typed", NO_THOUSANDS)
def test_a_leading_zero_group_is_no_thousands_separator(typed):
    form = _decision_form(typed)
    assert not form.is_valid() and "max_amount" in form.errors


@pytest.mark.parametrize("typed", ["0.001", "00.500"])
def test_a_valuation_of_a_tenth_of_a_cent_is_refused_for_its_decimals(typed):
    """On the valuation form "0.001" was taken as € 1,00 ("De reële waarde (€ 1,00)")."""
    from bev.forms import ValuationForm

    form = ValuationForm(data={"valued_on": "2026-11-20", "fair_value": typed, "method": "other"})
    assert not form.is_valid() and "fair_value" in form.errors
    assert "2" in form.errors["fair_value"][0], form.errors  # "niet meer dan 2 cijfers achter de komma"


def _decision_form(max_amount):
    from cases.forms import CabinetDecisionForm

    return CabinetDecisionForm(
        data={
            "meeting_date": "2026-11-20",
            "reference": "MR-2026-11",
            "deploy": "yes",
            "instruments": ["equity"],
            "max_amount": max_amount,
        }
    )


@pytest.mark.django_db
def test_the_cabinet_decision_takes_the_maximum_the_dutch_way(secretariat, case):
    Case.objects.filter(pk=case.pk).update(state=State.CABINET_DECISION)
    client = web_session(Client(), secretariat)
    response = client.post(
        reverse("cases:decision_record", args=[case.pk]),
        {
            "meeting_date": "2026-11-20",
            "reference": "MR-2026-11",
            "deploy": "yes",
            "instruments": ["equity"],
            "max_amount": "€ 25.000.000,00",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert CabinetDecision.objects.get().max_amount == Decimal("25000000.00")


@pytest.mark.parametrize(
    ("language", "typed", "meant"),
    [
        ("nl", "25 %", Decimal("25")),
        ("nl", "25,5%", Decimal("25.5")),
        ("nl", "25,5", Decimal("25.5")),
        ("en", "12.5 %", Decimal("12.5")),
    ],
)
def test_a_percentage_may_carry_its_percent_sign(language, typed, meant):
    """The exit's "Verkocht deel van het belang (%)" and the other percentages of the fund's forms
    refused "25 %" with "Voer een getal in."."""
    from django.utils import translation

    from bev.forms import ExitForm

    with translation.override(language):
        form = ExitForm(data={"idempotency_key": "k", "proceeds": "1000", "fraction_sold_percent": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["fraction_sold_percent"] == meant


def test_a_percentage_it_cannot_read_is_refused():
    from bev.forms import ExitForm

    form = ExitForm(data={"idempotency_key": "k", "proceeds": "1.000", "fraction_sold_percent": "25 %%"})
    assert not form.is_valid() and "fraction_sold_percent" in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "meant"), [("12.500.000,50", Decimal("12500000.50")), ("€ 40.000.000", Decimal("40000000"))]
)
def test_the_new_signal_takes_the_transaction_value_the_dutch_way(officer, typed, meant):
    """The case form's "transactiewaarde (EUR)" was the model's plain DecimalField: "12.500.000,50"
    was refused with "Voer een getal in." while every amount of the fund's forms took it."""
    from .factories import signal_form_post

    post = signal_form_post(transaction_value=typed)
    response = web_session(Client(), officer).post(reverse("cases:create"), post)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Case.objects.get().transaction_value == meant


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_amount_below_the_minimum_names_the_minimum_as_an_amount(language):
    """ "Zorg ervoor dat deze waarde groter is dan of gelijk is aan 0.01": a decimal point in a Dutch
    page, and a number where the field asks an amount."""
    from django.utils import translation

    with translation.override(language):
        form = _decision_form("0")
        assert not form.is_valid()
        message = form.errors["max_amount"][0]
    assert "€ 0,01" in message and "0.01" not in message


def test_a_page_writes_figures_in_its_language_and_documents_stay_dutch():
    """English pages showed "€ 20.000.000,55", "12,34%" and "0,73×"."""
    from django.utils import translation

    from core import formatting

    with translation.override("en"):
        assert formatting.page_euro(Decimal("20000000.55")) == "€20,000,000.55"
        assert formatting.page_euro(Decimal("-1000")) == "-€1,000"
        assert formatting.page_percent(Decimal("12.34")) == "12.34%"
        assert formatting.page_multiple(Decimal("0.73")) == "0.73×"
        assert formatting.page_count(1250000) == "1,250,000"
        assert formatting.euro(Decimal("20000000.55")) == "€ 20.000.000,55"  # documents: Dutch
    with translation.override("nl"):
        assert formatting.page_euro(Decimal("20000000.55")) == "€ 20.000.000,55"
        assert formatting.page_percent(Decimal("12.34")) == "12,34%"


ACCEPTED_IN_ENGLISH = [
    ("1,000,000.50", Decimal("1000000.50")),
    ("€ 12,500,000", Decimal("12500000")),
    ("25,000", Decimal("25000")),
    ("1,000", Decimal("1000")),
    ("12500000.50", Decimal("12500000.50")),
    ("1.000.000,50", Decimal("1000000.50")),  # the Dutch notation is read on an English page too
    ("25,5", Decimal("25.5")),  # no group of three: a decimal comma, as in Dutch
]


@pytest.mark.parametrize(("typed", "meant"), ACCEPTED_IN_ENGLISH)
def test_on_an_english_page_an_english_amount_means_what_it_says(typed, meant):
    """Found by trying the product: on the English pages "1,000,000.50" was refused and "1,000" was
    read as 1.000 and refused for its decimals."""
    from django.utils import translation

    with translation.override("en"):
        assert MoneyField().clean(typed) == meant


@pytest.mark.parametrize("typed", ["1.000", "12.500", "€ 1.000", "-1.000"])
def test_on_an_english_page_a_single_dot_group_is_asked_again_not_guessed(typed):
    """Found by trying the product: "1.000" on an English page was read as EUR 1,000 (the Dutch
    reading); an English reader means one euro. "12.500.000" and "1.50" stay unambiguous."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            MoneyField().clean(typed)
        assert "1,000" in refused.value.messages[0]
        assert MoneyField().clean("12.500.000") == Decimal("12500000")
        assert MoneyField().clean("1.50") == Decimal("1.50")
    with translation.override("nl"):
        assert MoneyField().clean("1.000") == Decimal("1000")  # the Dutch page reads it the Dutch way


@pytest.mark.parametrize("typed", ["1,000,000.50", "1,000"])
def test_on_a_dutch_page_the_english_grouping_is_not_read(typed):
    form = _decision_form(typed)
    assert not form.is_valid() and "max_amount" in form.errors


def test_the_signal_form_says_how_to_write_the_amount():
    from cases.forms import CaseForm

    assert "12.500.000,50" in str(CaseForm().fields["transaction_value"].help_text)


@pytest.mark.parametrize(("language", "written"), [("nl", "€ 1.000.000.000,00"), ("en", "€1,000,000,000.00")])
def test_a_refusal_writes_its_amounts_in_the_pages_language(language, written):
    """Found by trying the product: English refusals read "(€ 30.000.000,00)"."""
    from django.utils import translation

    from bev.services import money
    from core.exceptions import RuleViolation

    with translation.override(language), pytest.raises(RuleViolation) as refused:
        money(Decimal("2000000000"))
    assert written in str(refused.value.message)
