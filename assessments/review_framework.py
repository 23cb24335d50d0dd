"""Framework version 2: v1 unchanged for the initial risk assessment, plus the questions of the
risk review that decide whether the stake may be wound down.

Letter 2023, "Werking": "Zodra de risico's voor de nationale veiligheid tot op een beheersbaar niveau
zijn gebracht, zal de overheid haar belang in de betreffende onderneming afbouwen"; "Invest-NL als
beheerder": "Invest-NL zal het overheidsbelang afbouwen als de risico's voor de nationale veiligheid
tot een aanvaardbaar niveau zijn afgenomen."

Under v1 a risk review re-scored the company's *importance* (the indicators), which does not fall
when the threat goes. What makes the risk manageable is what removes the threat: the state actor's
influence or intent is gone, or an existing instrument now covers the company (the provision is for
cases "niet adequaat te ondervangen ... door bestaande wetgeving"); the stake can go to a
trustworthy private party (the market now provides what the provision replaced, without strategic
behaviour); and the conditions the cabinet attached are met. The two ways of removing the threat are
one `any_of` group: either suffices. Every answer carries its rationale; the lead submits and a
different assessor approves (four eyes, `assessments.services.assessment_approve`).

FROZEN once published, like v1: assessments made with it keep what it said. A change is a new version.
"""

from __future__ import annotations

import copy

from django.db.models import Max
from django.utils import timezone

from . import default_framework as v1

NAME = "Afwegingskader 2023 met vragen voor de risicoheroverweging (afbouw)"
NOTES = (
    "Gelijk aan versie 1 voor de risico-inschatting. Nieuw: de risicoheroverweging tijdens monitoring "
    "beantwoordt de vragen die bepalen of het risico beheersbaar is geworden (invloed of oogmerk van de "
    "statelijke actor weggenomen of afgedekt door een ander instrument; betrouwbare private koper of "
    "financiering zonder strategisch gedrag; voorwaarden van het kabinet nagekomen), in plaats van het "
    "belang van de onderneming opnieuw te scoren."
)

LETTER = v1.LETTER.replace(", Afwegingskader", "")

# The code of the question the service verifies against the fund's follow-ups (bev DecisionCondition).
CABINET_CONDITIONS_CHECK = "cabinet_conditions_settled"

REVIEW_CHECKS = [
    {
        "code": "state_actor_influence_ended",
        "any_of": "threat_removed",
        "label_nl": "Invloed of oogmerk van de statelijke actor weggenomen",
        "label_en": "State actor's influence or intent removed",
        "question_nl": "Is de directe of indirecte invloed van de statelijke actor op de onderneming weggenomen en "
        "is er geen oogmerk meer om alsnog zeggenschap of invloed te verwerven?",
        "question_en": "Has the state actor's direct or indirect influence over the company ended, with no remaining "
        "intent to gain control or influence after all?",
        "guidance_nl": "Betrek eigendomsstructuur, nieuwe benaderingen, inlichtingen. Dit of de volgende vraag volstaat "
        "om de dreiging weggenomen te achten.",
        "guidance_en": "Consider ownership structure, renewed approaches, intelligence. This or the next question "
        "suffices for the threat to be removed.",
        "letter_citation": LETTER + ', Afwegingskader: "2) er is sprake van directe of indirecte invloed van een '
        'statelijke actor"; Werking: "Zodra de risico\'s voor de nationale veiligheid tot '
        'op een beheersbaar niveau zijn gebracht".',
    },
    {
        "code": "covered_by_other_instrument",
        "any_of": "threat_removed",
        "label_nl": "Afgedekt door investeringstoetsing of een ander instrument",
        "label_en": "Covered by investment screening or another instrument",
        "question_nl": "Valt de onderneming nu onder investeringstoetsing of een ander instrument (bijv. een "
        "aanwijzing onder de Wet vifo, sectorale toetsing) dat het risico afdekt?",
        "question_en": "Is the company now covered by investment screening or another instrument (e.g. a Wet vifo "
        "designation, sectoral screening) that covers the risk?",
        "guidance_nl": "Wet vifo, Telecommunicatiewet, Elektriciteitswet 1998, Gaswet, toetsing defensie-industrie.",
        "guidance_en": "Wet vifo, Telecommunications Act, Electricity Act 1998, Gas Act, defence-industry screening.",
        "letter_citation": LETTER + ", Werking: \"laatste redmiddel wanneer risico's voor de nationale veiligheid niet "
        'adequaat te ondervangen zijn door bestaande wetgeving".',
    },
    {
        "code": "trustworthy_market_party",
        "label_nl": "Betrouwbare private koper of financiering in de markt",
        "label_en": "Trustworthy private buyer or market financing",
        "question_nl": "Is er een betrouwbare private koper of financiering in de markt die het belang van de Staat "
        "kan overnemen of vervangen?",
        "question_en": "Is there a trustworthy private buyer or financing in the market to take over or replace the "
        "State's stake?",
        "guidance_nl": "Leg vast wie de partij is en waarom zij betrouwbaar is (geen invloed van een statelijke actor).",
        "guidance_en": "Record who the party is and why it is trustworthy (no state-actor influence).",
        "letter_citation": LETTER + ', Werking: "... of door het vinden van alternatieve financiering in de markt".',
    },
    {
        "code": "buyer_no_strategic_behaviour",
        "label_nl": "Geen strategisch gedrag van de koper of financier",
        "label_en": "No strategic behaviour by the buyer or financier",
        "question_nl": "Is uitgesloten dat de koper of financier strategisch gedrag vertoont (bijv. als tussenpersoon "
        "voor de statelijke actor, of om de onderneming goedkoop te verwerven)?",
        "question_en": "Is it ruled out that the buyer or financier behaves strategically (e.g. as a front for the "
        "state actor, or to acquire the company cheaply)?",
        "guidance_nl": "Dezelfde kritische toets als bij inzet, nu op de partij die het belang overneemt.",
        "guidance_en": "The same critical check as at deployment, now of the party taking over the stake.",
        "letter_citation": LETTER + ', Afwegingskader: "Steeds zal kritisch worden bekeken ... en er bijvoorbeeld '
        'geen sprake is van strategisch gedrag van bedrijven".',
    },
    {
        "code": CABINET_CONDITIONS_CHECK,
        "label_nl": "Voorwaarden van het kabinet nagekomen",
        "label_en": "Cabinet conditions met",
        "question_nl": "Zijn alle voorwaarden die het kabinet aan de investering verbond nagekomen of vervallen?",
        "question_en": "Are all conditions the cabinet attached to the investment met or lapsed?",
        "guidance_nl": "De voorwaarden staan bij de positie (fonds). 'Ja' kan pas als geen enkele nog open staat of "
        "niet is nagekomen.",
        "guidance_en": "The conditions are listed with the position (fund). 'Yes' only when none is open or breached.",
        "letter_citation": LETTER + ', Afwegingskader: "Op basis van deze risico-inschatting beslist het kabinet over '
        'de inzet van de voorziening".',
    },
]

DEFINITION = {**copy.deepcopy(v1.DEFINITION), "review_checks": REVIEW_CHECKS}


def ensure_review_framework(model=None):
    """Create this version (next number) if it is missing: the data migration does this; a flushed
    test database lacks it."""
    if model is None:
        from .models import FrameworkVersion as model
    if model.objects.filter(name=NAME).exists():
        return None
    number = (model.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    return model.objects.create(
        number=number,
        name=NAME,
        status="published",
        definition=DEFINITION,
        derived_from_letter=True,
        notes=NOTES,
        published_at=timezone.now(),
    )
