"""The English UI has no Dutch left in the pages' own text: every `{% translate "..." %}` of the
templates has an English translation in locale/en (a string without one shows in Dutch to an English
reader: the kabinetsbesluit's terms, the investment proposals' table, the fee budgets were). Data
people entered, and the letter's quotations, stay as written."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(?P<q>["'])(?P<text>.*?)(?P=q)(?:\s+[^%]*)?%}""")


def _template_strings() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for match in TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group("text"), str(path.relative_to(settings.BASE_DIR)))
    return found


def test_every_template_string_has_an_english_translation():
    with translation.override("en"):
        catalog = trans_real.translation("en")._catalog  # what the compiled .mo holds
        missing = sorted(f"{where}: {text}" for text, where in _template_strings().items() if text not in catalog)
    assert not missing, "no English translation (locale/en/LC_MESSAGES/django.po):\n" + "\n".join(missing)


def test_the_kabinetsbesluit_terms_read_in_english():
    with translation.override("en"):
        assert translation.gettext("Maximaal bedrag voor de casus") == "Maximum amount for the case"
        assert translation.gettext("Toegestane instrumenten") == "Instruments allowed"
