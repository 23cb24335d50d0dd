"""The default framework version (v1), built from the 2023 letter ("Afwegingskader").

The letter names the two necessary conditions, the four core indicators, the broader indicator and
the critical checks. It gives NO scale, weights or thresholds: those below are assumptions, and the
version is marked `derived_from_letter` so that every screen and report says so. An administrator
publishes a new version to change them.

FROZEN: this is version 1 as published. Never edit it; publish a new version instead (assessments
made with v1 must keep showing what v1 said).
"""

from __future__ import annotations

from django.utils import timezone

NUMBER = 1
NAME = "Standaard afwegingskader uit de Kamerbrief 2023"
NOTES = (
    "Voorwaarden, indicatoren en toetsen komen uit de Kamerbrief (2023). De brief geeft geen schaal, "
    "gewichten of drempels: die zijn in deze versie aannames (kernindicatoren gewicht 1, bredere indicator "
    "0,5; drempels 1,5 / 2,5 / 3,25 op een schaal van 0 tot 4). Publiceer een nieuwe versie om ze te "
    "wijzigen."
)

LETTER = "Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), Afwegingskader"

DEFINITION = {
    "scale": {
        "levels": [
            {
                "level": 0,
                "label_nl": "Niet van toepassing",
                "label_en": "Not applicable",
                "description_nl": "De indicator speelt bij deze onderneming geen rol.",
                "description_en": "The indicator plays no part for this company.",
            },
            {
                "level": 1,
                "label_nl": "Laag",
                "label_en": "Low",
                "description_nl": "Beperkt belang; alternatieven of substitutie zijn op korte termijn beschikbaar.",
                "description_en": "Limited importance; alternatives or substitutes are available in the short term.",
            },
            {
                "level": 2,
                "label_nl": "Midden",
                "label_en": "Medium",
                "description_nl": "Merkbaar belang; substitutie is mogelijk, maar kost tijd of moeite.",
                "description_en": "Noticeable importance; substitution is possible but takes time or effort.",
            },
            {
                "level": 3,
                "label_nl": "Hoog",
                "label_en": "High",
                "description_nl": "Groot belang; substitutie is op de korte en middellange termijn moeilijk.",
                "description_en": "High importance; substitution is hard in the short and medium term.",
            },
            {
                "level": 4,
                "label_nl": "Zeer hoog",
                "label_en": "Very high",
                "description_nl": "Uniek of onmisbaar; geen substitutie mogelijk, uitval raakt de nationale veiligheid direct.",
                "description_en": "Unique or indispensable; no substitute, loss directly affects national security.",
            },
        ]
    },
    "conditions": [
        {
            "code": "national_security_risk",
            "label_nl": "Risico's voor de nationale veiligheid",
            "label_en": "Risks to national security",
            "guidance_nl": "Leidt de voorziene investering of overname tot risico's voor de nationale veiligheid? "
            "Betrek of (een deel van) de economische activiteiten systeemrelevant en/of van strategisch "
            "belang zijn (zie de indicatoren).",
            "guidance_en": "Does the intended investment or takeover lead to risks to national security? Consider "
            "whether (part of) the company's activities are systemically relevant and/or of strategic "
            "importance (see the indicators).",
            "letter_citation": LETTER + ": \"1) de voorziene investering of overname heeft risico's voor de nationale "
            'veiligheid tot gevolg".',
        },
        {
            "code": "state_actor_influence",
            "label_nl": "Directe of indirecte invloed van een statelijke actor",
            "label_en": "Direct or indirect state-actor influence",
            "guidance_nl": "Is de investeerder een statelijke actor, of handelt hij op aanwijzing van een statelijke "
            "actor? Leg bronnen vast (bijv. inlichtingen, eigendomsstructuur). Landenneutraal beoordelen.",
            "guidance_en": "Is the investor a state actor, or does it act on a state actor's instructions? Record the "
            "sources (e.g. intelligence, ownership structure). Assess country-neutrally.",
            "letter_citation": LETTER + ': "2) er is sprake van directe of indirecte invloed van een statelijke '
            'actor".',
        },
    ],
    "indicators": [
        {
            "code": "unique_knowledge_technology",
            "kind": "core",
            "weight": "1.00",
            "label_nl": "Unieke en gevoelige kennis en technologie",
            "label_en": "Unique and sensitive knowledge and technology",
            "guidance_nl": "Belang van de onderneming en haar unieke, gevoelige kennis en technologie voor de nationale "
            "veiligheid: moeilijk reproduceerbaar, geen substitutie op korte en middellange termijn.",
            "guidance_en": "Importance of the company and its unique, sensitive knowledge and technology for national "
            "security: hard to reproduce, no substitute in the short and medium term.",
            "letter_citation": LETTER + ': "Belang van de onderneming en de daarin aanwezige unieke en gevoelige '
            "kennis en technologie voor de nationale veiligheid, die bijvoorbeeld moeilijk "
            "reproduceerbaar is of waar geen substitutie op de korte en middellange termijn "
            'voor mogelijk is".',
        },
        {
            "code": "ecosystem_position",
            "kind": "core",
            "weight": "1.00",
            "label_nl": "Cruciale positie in ecosystemen",
            "label_en": "Crucial position in ecosystems",
            "guidance_nl": "Clusterrol in de waardeketen waarvan veel bedrijven (of de Rijksoverheid) afhankelijk zijn, "
            "of aanzienlijke R&D-intensiteit en R&D-verknoping.",
            "guidance_en": "A cluster role in the value chain on which many companies (or the government) depend, or "
            "substantial R&D intensity and R&D linkage.",
            "letter_citation": LETTER + ': "Cruciale positie in ecosystemen, bijvoorbeeld door een belangrijke '
            "clusterrol in de waardeketen ... of aanzienlijke R&D intensiteit en R&D "
            'verknoping".',
        },
        {
            "code": "vital_processes",
            "kind": "core",
            "weight": "1.00",
            "label_nl": "Belang voor vitale processen",
            "label_en": "Importance for vital processes",
            "guidance_nl": "Belang van de onderneming voor vitale processen, zoals betalingsverkeer, "
            "drinkwatervoorziening, Defensie en dataverkeer.",
            "guidance_en": "Importance of the company for vital processes such as payments, drinking water, Defence "
            "and data traffic.",
            "letter_citation": LETTER + ': "Belang van de onderneming voor vitale processen, zoals '
            'betalingsverkeer, drinkwatervoorziening, Defensie en dataverkeer".',
        },
        {
            "code": "knowledge_integrity",
            "kind": "core",
            "weight": "1.00",
            "label_nl": "Integriteit en exclusiviteit van kennis en informatie",
            "label_en": "Integrity and exclusivity of knowledge and information",
            "guidance_nl": "De integriteit en exclusiviteit van hoogwaardige kennis en informatie van de onderneming.",
            "guidance_en": "The integrity and exclusivity of the company's high-grade knowledge and information.",
            "letter_citation": LETTER + ': "De integriteit en exclusiviteit van hoogwaardige kennis en informatie '
            'van de onderneming".',
        },
        {
            "code": "societal_challenges",
            "kind": "broader",
            "weight": "0.50",
            "label_nl": "Bijdrage aan maatschappelijke uitdagingen en beleidsdoelen",
            "label_en": "Contribution to societal challenges and policy goals",
            "guidance_nl": "Alleen voor bedrijven die cruciaal zijn voor het realiseren van beleidsdoelen, zoals de "
            "energietransitie, de woningbouwopgave of de gezondheidsopgave. Facultatief.",
            "guidance_en": "Only for companies crucial to achieving policy goals such as the energy transition, "
            "housing or health. Optional.",
            "letter_citation": LETTER + ': "In de afweging kunnen ook bredere indicatoren worden meegenomen, zoals: '
            'Bijdrage aan maatschappelijke uitdagingen en/of beleidsdoelen".',
        },
    ],
    "checks": [
        {
            "code": "existing_instruments_insufficient",
            "label_nl": "Bestaande instrumenten schieten tekort",
            "label_en": "Existing instruments fall short",
            "question_nl": "Zijn bestaande instrumenten (nationaal en Europees) ontoereikend om de risico's af te dekken?",
            "question_en": "Are existing instruments (national and European) insufficient to cover the risks?",
            "guidance_nl": "Telecommunicatiewet, Elektriciteitswet 1998, Gaswet, Wet vifo, investeringstoets "
            "defensie-industrie, Europese instrumenten.",
            "guidance_en": "Telecommunications Act, Electricity Act 1998, Gas Act, Wet vifo, defence-industry "
            "screening, European instruments.",
            "letter_citation": LETTER + ' (Noodzaak): "De Beschermingsvoorziening zal worden ingezet als bestaande '
            'instrumenten, zowel nationaal als op Europees niveau, ontoereikend zijn".',
        },
        {
            "code": "no_market_financing",
            "label_nl": "Geen alternatieve financiering in de markt",
            "label_en": "No market financing",
            "question_nl": "Is er geen alternatieve financiering in de markt te vinden?",
            "question_en": "Is no alternative financing available in the market?",
            "guidance_nl": "De voorziening is het laatste redmiddel.",
            "guidance_en": "The provision is the last resort.",
            "letter_citation": LETTER + " (Werking): \"laatste redmiddel wanneer risico's ... niet adequaat te "
            "ondervangen zijn door bestaande wetgeving of door het vinden van alternatieve "
            'financiering in de markt".',
        },
        {
            "code": "no_strategic_behaviour",
            "label_nl": "Geen strategisch gedrag van de onderneming",
            "label_en": "No strategic behaviour by the company",
            "question_nl": "Is uitgesloten dat de onderneming strategisch gedrag vertoont om onnodig aanspraak op de "
            "voorziening te maken?",
            "question_en": "Is it ruled out that the company behaves strategically to claim the provision needlessly?",
            "guidance_nl": "Kritisch bekijken of inzet echt noodzakelijk is.",
            "guidance_en": "Critically examine whether deployment is truly necessary.",
            "letter_citation": LETTER + ': "Steeds zal kritisch worden bekeken of de inzet ... echt noodzakelijk is '
            'en er bijvoorbeeld geen sprake is van strategisch gedrag van bedrijven".',
        },
        {
            "code": "proportionality",
            "label_nl": "Proportionaliteit",
            "label_en": "Proportionality",
            "question_nl": "Is inzet proportioneel: ondervangt een minimale overheidsinterventie het risico, "
            "landenneutraal beoordeeld?",
            "question_en": "Is deployment proportionate: does a minimal government intervention cover the risk, "
            "assessed country-neutrally?",
            "guidance_nl": "Proportionaliteit en landenneutraliteit zijn het uitgangspunt; maatwerk met minimale "
            "interventie.",
            "guidance_en": "Proportionality and country-neutrality are the principles; tailored, minimal intervention.",
            "letter_citation": 'Kamerbrief 2023: "Proportionaliteit en landenneutraliteit zijn daarbij het '
            'uitgangspunt"; CW 3.1: "met een minimale overheidsinterventie het risico zo goed '
            'mogelijk wordt ondervangen".',
        },
    ],
    # Thresholds on the weighted mean of the levels (0-4). Assumptions: the letter gives none.
    "risk_levels": [
        {"code": "laag", "label_nl": "laag", "label_en": "low", "min_score": "0.00"},
        {"code": "midden", "label_nl": "midden", "label_en": "medium", "min_score": "1.50"},
        {"code": "hoog", "label_nl": "hoog", "label_en": "high", "min_score": "2.50"},
        {"code": "zeer_hoog", "label_nl": "zeer hoog", "label_en": "very high", "min_score": "3.25"},
    ],
    "manageable_risk_levels": ["laag", "midden"],
    "disagreement_spread": 2,
}


def ensure_default_framework(model=None):
    """Create v1 if it is missing (the data migration does this; a flushed test database lacks it)."""
    if model is None:
        from .models import FrameworkVersion as model
    if model.objects.filter(number=NUMBER).exists():
        return None
    return model.objects.create(
        number=NUMBER,
        name=NAME,
        status="published",
        definition=DEFINITION,
        derived_from_letter=True,
        notes=NOTES,
        published_at=timezone.now(),
    )
