"""Version 4 of the afwegingskader, published: version 3 (migration 0005) with the sources of six
questions corrected. Found by trying the product with the 2023 letter beside it:

- two deployment checks named the wrong section ("Afwegingskader (Noodzaak)" is the section "Noodzaak
  voor de Beschermingsvoorziening", "Afwegingskader (Werking)" is "Werking");
- the proportionality check quoted "Proportionaliteit en landenneutraliteit zijn daarbij het
  uitgangspunt" as "Kamerbrief 2023": it is Deel 2 (the government-wide instruments), and "CW 3.1" is
  the letter's own section 4 of its annex ("Nagestreefde doeltreffendheid");
- three questions of the risk review (the exit gate) are the service's own rules, but were cited as if
  the letter stated them: a trustworthy buyer, no strategic behaviour of the buyer (the letter's
  sentence is about companies that call on the provision), and the cabinet's conditions met (the
  letter names no conditions of a kabinetsbesluit). They now say so.

Only the citations change; every question, label, rule and threshold is version 3's, so an
assessment's outcome is the same under either. FROZEN once published, like 0005: never edit this
migration's values; publish a new version instead.
"""

import copy
import importlib

from django.db import migrations
from django.utils import timezone

NUMBER = 4
NAME = "Afwegingskader versie 4: bronnen bij de toetsen gecorrigeerd"
NOTES = (
    "Gelijk aan versie 3, met gecorrigeerde bronvermeldingen: twee toetsen noemden de verkeerde paragraaf, de "
    "proportionaliteitstoets citeert Deel 2 en de beleidstheorie van de brief, en drie vragen van de "
    "risicoheroverweging (betrouwbare koper, geen strategisch gedrag van de koper, voorwaarden van het kabinet "
    "nagekomen) zijn regels van de dienst, niet van de brief, en zeggen dat nu. Aannames van de dienst, niet van "
    "de brief: de schaal 0-4 en de drempels (midden vanaf 2, hoog vanaf 3, zeer hoog bij 4); dat een 'nee' op "
    "een toets tot 'niet inzetten' leidt; de vragen voor de afbouw hieronder."
)

LETTER = "Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023)"
SERVICE_RULE = "Regel van de dienst, niet van de brief."

CITATIONS = {
    "checks": {
        "existing_instruments_insufficient": LETTER
        + ', Noodzaak voor de Beschermingsvoorziening: "De Beschermingsvoorziening zal worden ingezet als bestaande '
        'instrumenten, zowel nationaal als op Europees niveau, ontoereikend zijn".',
        "no_market_financing": LETTER
        + ", Werking: \"laatste redmiddel wanneer risico's ... niet adequaat te ondervangen zijn door bestaande "
        'wetgeving of door het vinden van alternatieve financiering in de markt".',
        "proportionality": LETTER
        + ', Deel 2 (Rijksbreed instrumentarium): "Proportionaliteit en landenneutraliteit zijn daarbij het '
        'uitgangspunt"; beleidstheorie (4. Nagestreefde doeltreffendheid): "Het levert per casus maatwerk, waardoor '
        'met een minimale overheidsinterventie het risico zo goed mogelijk wordt ondervangen". Dat een "nee" hier '
        "tot niet inzetten leidt, is een regel van de dienst.",
    },
    "review_checks": {
        "trustworthy_market_party": SERVICE_RULE
        + " De brief: "
        + LETTER
        + ', Werking: "Zodra de risico\'s voor de nationale veiligheid tot op een beheersbaar niveau zijn gebracht, '
        'zal de overheid haar belang in de betreffende onderneming afbouwen"; Invest-NL als beheerder: "In de meeste '
        'gevallen zal Invest-NL op termijn de investeringen afstoten of verwateren".',
        "buyer_no_strategic_behaviour": SERVICE_RULE
        + " Naar analogie van "
        + LETTER
        + ', Afwegingskader: "Steeds zal kritisch worden bekeken ... en er bijvoorbeeld geen sprake is van '
        'strategisch gedrag van bedrijven waardoor onnodig aanspraak op de voorziening gemaakt zou kunnen worden" '
        "(daar over bedrijven die een beroep doen op de voorziening, niet over kopers).",
        "cabinet_conditions_settled": SERVICE_RULE
        + " De brief noemt geen voorwaarden bij een kabinetsbesluit; de dienst vraagt dat wat het kabinet aan de "
        "inzet verbond, is nagekomen of vervallen voordat het belang wordt afgebouwd.",
    },
}


def definition() -> dict:
    """Version 3's definition (its migration's literal) with the citations above."""
    v3 = importlib.import_module("assessments.migrations.0005_framework_version_3")
    result = copy.deepcopy(v3.DEFINITION)
    for part, citations in CITATIONS.items():
        for item in result[part]:
            if item["code"] in citations:
                item["letter_citation"] = citations[item["code"]]
    missing = {code for part, c in CITATIONS.items() for code in c} - {
        item["code"] for part in CITATIONS for item in result[part]
    }
    assert not missing, missing
    return result


def create_version(apps, schema_editor):
    ensure_version(apps.get_model("assessments", "FrameworkVersion"))


def ensure_version(model):
    """Create version 4 if it is missing (also used to restore it in an emptied test database)."""
    if model.objects.filter(number=NUMBER).exists():
        return None
    return model.objects.create(
        number=NUMBER,
        name=NAME,
        status="published",
        definition=definition(),
        derived_from_letter=True,
        notes=NOTES,
        published_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_framework_version_3")]

    operations = [migrations.RunPython(create_version, migrations.RunPython.noop)]
