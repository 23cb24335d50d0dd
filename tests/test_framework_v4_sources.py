"""Version 4 of the afwegingskader corrects the sources shown with six questions (found by trying the
product with the 2023 letter beside it): the service's own rules say they are the service's, and
every quoted source is in the letter where it says. Nothing else changes against version 3."""

import copy
import re
from pathlib import Path

import pytest
from django.urls import reverse

from assessments.models import FrameworkVersion

pytestmark = pytest.mark.django_db

_LETTER = (
    Path(__file__).resolve().parents[2]
    / "shared/reference/kamerbrief-2023-beschermingsvoorziening-economische-veiligheid.txt"
)
# Words hyphenated across lines joined, footnote markers ("instrumenten7") dropped, spaces single.
LETTER_TEXT = " ".join(re.sub(r"(?<=[a-z])\d+\b", "", _LETTER.read_text().replace("-\n", "")).split())


def _citations(definition: dict) -> dict:
    return {
        item["code"]: item.get("letter_citation", "")
        for part in ("conditions", "indicators", "checks", "review_checks")
        for item in definition.get(part, [])
    }


def test_version_4_is_version_3_with_only_sources_changed():
    v3, v4 = (FrameworkVersion.objects.get(number=n).definition for n in (3, 4))
    stripped = []
    for definition in (v3, v4):
        copied = copy.deepcopy(definition)
        for part in ("conditions", "indicators", "checks", "review_checks"):
            for item in copied.get(part, []):
                item.pop("letter_citation", None)
        stripped.append(copied)
    assert stripped[0] == stripped[1]
    changed = {code for code, text in _citations(v4).items() if text != _citations(v3)[code]}
    assert changed == {
        "existing_instruments_insufficient",
        "no_market_financing",
        "proportionality",
        "trustworthy_market_party",
        "buyer_no_strategic_behaviour",
        "cabinet_conditions_settled",
    }


@pytest.mark.parametrize(
    "code", ["trustworthy_market_party", "buyer_no_strategic_behaviour", "cabinet_conditions_settled"]
)
def test_the_exit_questions_of_the_service_say_they_are_the_services(code):
    assert _citations(FrameworkVersion.objects.get(number=4).definition)[code].startswith(
        "Regel van de dienst, niet van de brief."
    )


def test_every_corrected_source_quotes_the_letter():
    """Each passage in quotation marks is the letter's text (an ellipsis joins two parts of one passage)."""
    v3, v4 = (_citations(FrameworkVersion.objects.get(number=n).definition) for n in (3, 4))
    for code, citation in ((code, text) for code, text in v4.items() if text != v3[code]):
        for quoted in re.findall(r'"([^"]+)"', citation):
            for part in (p.strip(" .") for p in quoted.replace("'", "’").split("...")):
                assert part and part in LETTER_TEXT.replace("'", "’"), (code, part)


def test_the_assessment_page_labels_guidance_as_the_services_and_shows_the_source(client, case, officer, assessor):
    from assessments.services import assessment_start

    from .factories import start_risk_assessment, web_session

    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    web_session(client, assessor)
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Toelichting van de dienst" in page and "Grond in de brief" in page
    assert "Noodzaak voor de Beschermingsvoorziening" in page
