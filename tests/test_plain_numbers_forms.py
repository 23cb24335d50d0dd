"""A Django form's number field takes plain digits only (core.forms.install_plain_number_hook), as
the API's do (tests/test_plain_decimals.py): Django hands the text to Decimal() or int(), which read
"1e1" as 10 and "1_000" as 1000. The admin's fields (an evaluation's warning days, a letter
reference's order) are Django's own."""

from decimal import Decimal

import pytest
from django import forms
from django.forms import modelform_factory
from django.utils import translation

from parliament.models import EvaluationSchedule


@pytest.mark.parametrize("text", ["1e1", "1E1", "1_000", "1_0.5"])
def test_a_decimal_field_refuses_what_no_official_means(text):
    field = forms.DecimalField(max_digits=15, decimal_places=2, required=False)
    with pytest.raises(forms.ValidationError):
        field.clean(text)


@pytest.mark.parametrize("text", ["1_0", "9_0", "+1_000"])
def test_an_integer_field_refuses_what_no_official_means(text):
    with pytest.raises(forms.ValidationError):
        forms.IntegerField(required=False).clean(text)


def test_plain_digits_are_read_as_before():
    decimal = forms.DecimalField(max_digits=15, decimal_places=2, required=False)
    assert decimal.clean(" 10.50 ") == Decimal("10.50") and decimal.clean("-3") == Decimal("-3")
    assert decimal.clean("") is None
    assert forms.IntegerField().clean("90") == 90 and forms.IntegerField().clean("+7") == 7
    with translation.override("nl"):
        assert forms.DecimalField(localize=True, decimal_places=2).clean("25,5") == Decimal("25.5")


def test_the_admins_warning_days_refuse_an_underscore():
    form_class = modelform_factory(EvaluationSchedule, fields=["warn_days"])
    form = form_class(data={"warn_days": "9_0"})
    assert not form.is_valid() and "warn_days" in form.errors
    assert form_class(data={"warn_days": "90"}).is_valid()
