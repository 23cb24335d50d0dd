"""Form fields shared by the apps' web forms (shapes only: the services apply the rules)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Euros as Dutch people type them: thousands grouped by dots, cents after a comma (12.500.000,50,
# 25.000, 25,5), or plain digits with a decimal point (12500000.50). A dot followed by exactly three
# digits is a thousands separator: an amount in euros never has three decimals, so "25.000" is
# twenty-five thousand, never 25. Anything else ("€ 25 mln", 1,000,000.50, 1e6, other digits) is
# refused at the field rather than guessed.
_DUTCH = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?", re.ASCII)
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)


class MoneyField(forms.DecimalField):
    """Euros with cents; accepts Dutch notation (12.500.000,50) and plain digits (12500000.50)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("In euro's, bijv. 12.500.000 of 12.500.000,50."))
        super().__init__(max_digits=15, decimal_places=2, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
        if _DUTCH.fullmatch(text):
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
        return super().to_python(value)
