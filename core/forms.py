"""Form fields shared by the apps' web forms (shapes only: the services apply the rules)."""

import datetime
import re
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.utils import from_current_timezone
from django.utils import formats, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import input_rules
from core.formatting import euro

# Euros as Dutch people type them: thousands grouped by dots, cents after a comma (12.500.000,50,
# 25.000, 25,5), or plain digits with a decimal point (12500000.50). A dot followed by exactly three
# digits is a thousands separator: an amount in euros never has three decimals, so "25.000" is
# twenty-five thousand, never 25. A grouped number never starts with a 0 group: "0.001", "00.500"
# and "0.500.000" are no thousands (they were read as 1, 500 and 500,000 euros); the first two are
# plain decimals, refused for their third decimal. Anything else ("€ 25 mln", 1,000,000.50 on a Dutch page, 1e6,
# other digits) is refused at the field rather than guessed.
_DUTCH = re.compile(r"-?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d+)?", re.ASCII)
# On a page in English, also as English people type them: thousands grouped by commas, cents after a
# point (12,500,000.50; 25,000). A comma with exactly three digits after it is a thousands separator
# there, as a dot is in Dutch; "25,5" is still 25.50 (no group of three: the Dutch reading).
_ENGLISH = re.compile(r"-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)
# On an English page "1.000" is one thousand to a Dutch reader and one euro to an English one: asked
# again, not guessed (found by trying the product: read as EUR 1,000 on an English page).
_AMBIGUOUS_IN_ENGLISH = re.compile(r"-?[1-9]\d{0,2}\.\d{3}", re.ASCII)
# A percentage: ASCII digits with the page's separators and a sign in front. What Django's
# DecimalField leaves to Python's Decimal() also reads "1e1" (10) and "1_0,5" (10.5): refused.
_PERCENT = re.compile(r"[+-]?[\d.,]+", re.ASCII)


def form_check_field(*, required: bool, max_length: int) -> forms.CharField:
    """The hidden code a form is drawn with (a booking's idempotency key, a SentOnceForm's token). Its
    errors come only from an edited or stale page: they say what to do, not "Idempotency key: Dit veld
    is vereist." (found by trying the product)."""
    messages = {"max_length": _("De controlecode van het formulier is ongeldig; laad de pagina opnieuw.")}
    if required:
        messages["required"] = _(
            "Het formulier mist zijn controlecode; laad de pagina opnieuw en probeer het nog eens."
        )
    return forms.CharField(
        label=_("Formuliercontrole"),
        widget=forms.HiddenInput,
        required=required,
        max_length=max_length,
        error_messages=messages,
    )


def draw_form_check(form: forms.Form, name: str) -> None:
    """A form shown (not sent) gets a fresh code in its hidden field `name`."""
    if not form.is_bound:
        form.initial.setdefault(name, uuid.uuid4().hex)


class SentOnceForm(forms.Form):
    """A form whose work must happen once however often it is sent: a hidden token drawn when the form
    is shown, recorded with the work (`core.views.submitted_once`). For forms that create something
    (a signal, a position, a valuation, a dilution, a request for advice): sent twice, they made two.
    Every page that shows the form sends the token; a post without one (a script's) is done as sent."""

    submission = form_check_field(required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        draw_form_check(self, "submission")

    def work_data(self) -> dict:
        """The cleaned data without the token: what the service takes."""
        return {key: value for key, value in self.cleaned_data.items() if key != "submission"}


class MoneyField(forms.DecimalField):
    """Euros with cents; accepts Dutch notation (12.500.000,50) and plain digits (12500000.50)."""

    def __init__(self, **kwargs):
        # A model's DecimalField passes its own help text, often empty: the notation is worth saying.
        kwargs["help_text"] = kwargs.get("help_text") or _("In euro's, bijv. 12.500.000 of 12.500.000,50.")
        # A model's DecimalField (ModelForm field_classes) passes its own digits: the money's are these.
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        super().__init__(max_digits=15, decimal_places=2, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        # The bounds read as amounts ("ten minste € 0,01"), not as Django's "0.01".
        for validator in self.validators:
            if isinstance(validator, MinValueValidator):
                validator.message = format_lazy(_("Het bedrag is ten minste {}."), euro(validator.limit_value))
            elif isinstance(validator, MaxValueValidator):
                validator.message = format_lazy(_("Het bedrag is ten hoogste {}."), euro(validator.limit_value))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
        english = (translation.get_language() or "").startswith("en")
        if english and _AMBIGUOUS_IN_ENGLISH.fullmatch(text):
            raise ValidationError(
                _("Dubbelzinnig bedrag: schrijf duizend als 1,000 of 1000, en centen na een punt (1.50)."),
                code="ambiguous",
            )
        if english and _ENGLISH.fullmatch(text):
            text = text.replace(",", "")
        elif _DUTCH.fullmatch(text):
            text = text.replace(".", "").replace(",", ".")
        elif not _PLAIN.fullmatch(text):
            raise ValidationError(_("Geef een bedrag in euro's op."), code="invalid")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Geef een bedrag in euro's op."), code="invalid") from None


class PercentField(forms.DecimalField):
    """A percentage as people write it: "25", "25,5" (Dutch UI), "25.5", with or without "%"
    ("25 %", "25,5%"); the number is read in the page's language (localize)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u00a0", " ").strip()
            if value.endswith("%"):
                value = value[:-1].rstrip()
            if value and not _PERCENT.fullmatch(value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DateTimeField(forms.DateTimeField):
    """A date and time read in its `input_formats` only. Django's DateTimeField first tries
    `datetime.fromisoformat`, which also reads "18991231" and "11111111T111111" (ISO 8601's basic
    form): they slipped past the 1900-2200 rule of core.input_rules, which knows the extended form."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return from_current_timezone(value)
        return from_current_timezone(forms.fields.BaseTemporalField.to_python(self, value))


# Every other number field of a Django form (the admin's, django-filter's in the API's query
# strings) is plain digits too: Django's DecimalField hands its input to Decimal(), which reads "1e1"
# as 10 and "1_000" as 1000, and its IntegerField to int(), which reads "1_0" as 10.
def _plain_digits_first(to_python):
    """`to_python` behind the check: a text not in plain digits (a localized field's read after its
    separators) is the field's own "invalid"."""

    def checked(self, value):
        text = formats.sanitize_separators(value) if self.localize and isinstance(value, str) else value
        if input_rules.not_plain_number(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return to_python(self, value)

    return checked


def install_plain_number_hook() -> None:
    """Django's DecimalField and IntegerField refuse a number not in plain digits (`CoreConfig.ready`).
    MoneyField and PercentField read their own notations first."""
    for field in (forms.DecimalField, forms.IntegerField):
        setattr(field, "to_python", _plain_digits_first(field.to_python))  # noqa: B010


def refuse_reversed_period(form: forms.Form, start: str, end: str) -> None:
    """A period's end before its start is refused at the end's field (the filters of the case list, the
    audit trail): said, not answered with an empty list."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, _("De einddatum ligt vóór de begindatum."))
