"""Version 3 of the afwegingskader (issue 21, "The afwegingskader's outcome"), published: version 2 (the
risk review's questions, migration 0003) with the outcome rules below.

FROZEN: this migration holds version 3's literal definition as published. Never edit it; publish a
new version (a new data migration) instead. Assessments made with version 1 keep version 1 and its
rules (assessments.outcome reads the rules from each version's definition).

What changes against versions 1 and 2, each from the Kamerbrief 2023, "Afwegingskader" and "Reikwijdte":
- risk_rule "highest_core": the core indicators are alternatives: the letter asks whether the
  activities are "systeemrelevant en/of van strategisch belang" and names the indicators as
  indicators of that; a drinking-water supplier ("vitale processen, zoals ... drinkwatervoorziening")
  that scores high on that one indicator is of high importance. The highest core indicator decides.
- broader_requires_crucial: "Het gaat hier uitsluitend om bedrijven die cruciaal zijn voor het
  realiseren van beleidsdoelen": the broader indicator counts only for a company recorded as such
  (with reasons), and only upwards.
- low_indicators_risk_levels ["laag"]: condition 1 ("de voorziene investering of overname heeft
  risico's voor de nationale veiligheid tot gevolg") judged met while every indicator is low needs
  an explicit justification.
- afstemming_in_outcome: "Dit doet EZK in afstemming met betrokken (vak)departementen": an advice
  that objects or has concerns needs a recorded response before "deploy"; no request at all needs a
  recorded reason.
- the last-resort check worded for scope ground 4: "of om de gevolgen van de inzet van het
  instrumentarium te mitigeren".
The thresholds (on the 0-4 scale: midden from 2, hoog from 3, zeer hoog at 4) are the service's own
assumption: the letter gives none. Weights are not used by this rule (kept at 1.00).
"""

from django.db import migrations
from django.utils import timezone

NUMBER = 3
NAME = "Afwegingskader versie 3: kernindicatoren als alternatieven"
NOTES = ("Voorwaarden, indicatoren en toetsen komen uit de Kamerbrief (2023). Nieuw ten opzichte van versie 1: de "
         "kernindicatoren zijn alternatieven (\"systeemrelevant en/of van strategisch belang\"): de hoogste "
         "kernindicator bepaalt het risiconiveau; de bredere indicator telt uitsluitend bij een onderneming die "
         "cruciaal is voor beleidsdoelen en alleen verhogend; voorwaarde 1 bij louter lage indicatoren vraagt een "
         "onderbouwing; bezwaren en zorgen van departementen vragen een vastgelegde reactie, geen afstemming een "
         "vastgelegde reden; bij reikwijdtegrond 4 vraagt de laatste-redmiddeltoets of de gevolgen van het "
         "toetsingsbesluit anders te mitigeren zijn. Aannames van de dienst, niet van de brief: de schaal 0-4 en de "
         "drempels (midden vanaf 2, hoog vanaf 3, zeer hoog bij 4); gewichten worden in deze versie niet gebruikt.")

DEFINITION = {'scale': {'levels': [{'level': 0,
                       'label_nl': 'Niet van toepassing',
                       'label_en': 'Not applicable',
                       'description_nl': 'De indicator speelt bij deze onderneming geen rol.',
                       'description_en': 'The indicator plays no part for this company.'},
                      {'level': 1,
                       'label_nl': 'Laag',
                       'label_en': 'Low',
                       'description_nl': 'Beperkt belang; alternatieven of substitutie zijn op korte termijn '
                                         'beschikbaar.',
                       'description_en': 'Limited importance; alternatives or substitutes are available in the '
                                         'short term.'},
                      {'level': 2,
                       'label_nl': 'Midden',
                       'label_en': 'Medium',
                       'description_nl': 'Merkbaar belang; substitutie is mogelijk, maar kost tijd of moeite.',
                       'description_en': 'Noticeable importance; substitution is possible but takes time or '
                                         'effort.'},
                      {'level': 3,
                       'label_nl': 'Hoog',
                       'label_en': 'High',
                       'description_nl': 'Groot belang; substitutie is op de korte en middellange termijn '
                                         'moeilijk.',
                       'description_en': 'High importance; substitution is hard in the short and medium term.'},
                      {'level': 4,
                       'label_nl': 'Zeer hoog',
                       'label_en': 'Very high',
                       'description_nl': 'Uniek of onmisbaar; geen substitutie mogelijk, uitval raakt de nationale '
                                         'veiligheid direct.',
                       'description_en': 'Unique or indispensable; no substitute, loss directly affects national '
                                         'security.'}]},
 'conditions': [{'code': 'national_security_risk',
                 'label_nl': "Risico's voor de nationale veiligheid",
                 'label_en': 'Risks to national security',
                 'guidance_nl': "Leidt de voorziene investering of overname tot risico's voor de nationale "
                                'veiligheid? Betrek of (een deel van) de economische activiteiten systeemrelevant '
                                'en/of van strategisch belang zijn (zie de indicatoren). Staan alle indicatoren op '
                                "laag, leg dan uitdrukkelijk vast waarom de investering of overname toch risico's "
                                'voor de nationale veiligheid tot gevolg heeft.',
                 'guidance_en': 'Does the intended investment or takeover lead to risks to national security? '
                                "Consider whether (part of) the company's activities are systemically relevant "
                                'and/or of strategic importance (see the indicators). If every indicator is low, '
                                'record explicitly why the investment or takeover still leads to national-security '
                                'risks.',
                 'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), '
                                    'Afwegingskader: "1) de voorziene investering of overname heeft risico\'s voor '
                                    'de nationale veiligheid tot gevolg".'},
                {'code': 'state_actor_influence',
                 'label_nl': 'Directe of indirecte invloed van een statelijke actor',
                 'label_en': 'Direct or indirect state-actor influence',
                 'guidance_nl': 'Is de investeerder een statelijke actor, of handelt hij op aanwijzing van een '
                                'statelijke actor? Leg bronnen vast (bijv. inlichtingen, eigendomsstructuur). '
                                'Landenneutraal beoordelen.',
                 'guidance_en': "Is the investor a state actor, or does it act on a state actor's instructions? "
                                'Record the sources (e.g. intelligence, ownership structure). Assess '
                                'country-neutrally.',
                 'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), '
                                    'Afwegingskader: "2) er is sprake van directe of indirecte invloed van een '
                                    'statelijke actor".'}],
 'indicators': [{'code': 'unique_knowledge_technology',
                 'kind': 'core',
                 'weight': '1.00',
                 'label_nl': 'Unieke en gevoelige kennis en technologie',
                 'label_en': 'Unique and sensitive knowledge and technology',
                 'guidance_nl': 'Belang van de onderneming en haar unieke, gevoelige kennis en technologie voor de '
                                'nationale veiligheid: moeilijk reproduceerbaar, geen substitutie op korte en '
                                'middellange termijn. Kernindicator: de kernindicatoren zijn alternatieven '
                                '("en/of"); de hoogste bepaalt het risiconiveau.',
                 'guidance_en': 'Importance of the company and its unique, sensitive knowledge and technology for '
                                'national security: hard to reproduce, no substitute in the short and medium term. '
                                'Core indicator: the core indicators are alternatives ("and/or"); the highest '
                                'decides the risk level.',
                 'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), '
                                    'Afwegingskader: "Belang van de onderneming en de daarin aanwezige unieke en '
                                    'gevoelige kennis en technologie voor de nationale veiligheid, die '
                                    'bijvoorbeeld moeilijk reproduceerbaar is of waar geen substitutie op de korte '
                                    'en middellange termijn voor mogelijk is". Zie ook: "Bij de risico-inschatting '
                                    'wordt onder andere bezien of de economische activiteiten van (een deel van) '
                                    'de onderneming systeemrelevant en/of van strategisch belang zijn".'},
                {'code': 'ecosystem_position',
                 'kind': 'core',
                 'weight': '1.00',
                 'label_nl': 'Cruciale positie in ecosystemen',
                 'label_en': 'Crucial position in ecosystems',
                 'guidance_nl': 'Clusterrol in de waardeketen waarvan veel bedrijven (of de Rijksoverheid) '
                                'afhankelijk zijn, of aanzienlijke R&D-intensiteit en R&D-verknoping. '
                                'Kernindicator: de kernindicatoren zijn alternatieven ("en/of"); de hoogste '
                                'bepaalt het risiconiveau.',
                 'guidance_en': 'A cluster role in the value chain on which many companies (or the government) '
                                'depend, or substantial R&D intensity and R&D linkage. Core indicator: the core '
                                'indicators are alternatives ("and/or"); the highest decides the risk level.',
                 'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), '
                                    'Afwegingskader: "Cruciale positie in ecosystemen, bijvoorbeeld door een '
                                    'belangrijke clusterrol in de waardeketen ... of aanzienlijke R&D intensiteit '
                                    'en R&D verknoping". Zie ook: "Bij de risico-inschatting wordt onder andere '
                                    'bezien of de economische activiteiten van (een deel van) de onderneming '
                                    'systeemrelevant en/of van strategisch belang zijn".'},
                {'code': 'vital_processes',
                 'kind': 'core',
                 'weight': '1.00',
                 'label_nl': 'Belang voor vitale processen',
                 'label_en': 'Importance for vital processes',
                 'guidance_nl': 'Belang van de onderneming voor vitale processen, zoals betalingsverkeer, '
                                'drinkwatervoorziening, Defensie en dataverkeer. Kernindicator: de kernindicatoren '
                                'zijn alternatieven ("en/of"); de hoogste bepaalt het risiconiveau.',
                 'guidance_en': 'Importance of the company for vital processes such as payments, drinking water, '
                                'Defence and data traffic. Core indicator: the core indicators are alternatives '
                                '("and/or"); the highest decides the risk level.',
                 'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), '
                                    'Afwegingskader: "Belang van de onderneming voor vitale processen, zoals '
                                    'betalingsverkeer, drinkwatervoorziening, Defensie en dataverkeer". Zie ook: '
                                    '"Bij de risico-inschatting wordt onder andere bezien of de economische '
                                    'activiteiten van (een deel van) de onderneming systeemrelevant en/of van '
                                    'strategisch belang zijn".'},
                {'code': 'knowledge_integrity',
                 'kind': 'core',
                 'weight': '1.00',
                 'label_nl': 'Integriteit en exclusiviteit van kennis en informatie',
                 'label_en': 'Integrity and exclusivity of knowledge and information',
                 'guidance_nl': 'De integriteit en exclusiviteit van hoogwaardige kennis en informatie van de '
                                'onderneming. Kernindicator: de kernindicatoren zijn alternatieven ("en/of"); de '
                                'hoogste bepaalt het risiconiveau.',
                 'guidance_en': "The integrity and exclusivity of the company's high-grade knowledge and "
                                'information. Core indicator: the core indicators are alternatives ("and/or"); the '
                                'highest decides the risk level.',
                 'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), '
                                    'Afwegingskader: "De integriteit en exclusiviteit van hoogwaardige kennis en '
                                    'informatie van de onderneming". Zie ook: "Bij de risico-inschatting wordt '
                                    'onder andere bezien of de economische activiteiten van (een deel van) de '
                                    'onderneming systeemrelevant en/of van strategisch belang zijn".'},
                {'code': 'societal_challenges',
                 'kind': 'broader',
                 'weight': '1.00',
                 'label_nl': 'Bijdrage aan maatschappelijke uitdagingen en beleidsdoelen',
                 'label_en': 'Contribution to societal challenges and policy goals',
                 'guidance_nl': 'Telt uitsluitend mee als de eerste beoordelaar heeft vastgelegd (met '
                                'onderbouwing) dat de onderneming cruciaal is voor het realiseren van '
                                'beleidsdoelen, zoals de energietransitie, de woningbouwopgave of de '
                                'gezondheidsopgave; dan kan zij het risiconiveau alleen verhogen, nooit verlagen.',
                 'guidance_en': 'Counts only when the lead assessor has recorded (with reasons) that the company '
                                'is crucial to achieving policy goals such as the energy transition, housing or '
                                'health; it can then only raise the risk level, never lower it.',
                 'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), '
                                    'Afwegingskader: "In de afweging kunnen ook bredere indicatoren worden '
                                    'meegenomen, zoals: Bijdrage aan maatschappelijke uitdagingen en/of '
                                    'beleidsdoelen. Het gaat hier uitsluitend om bedrijven die cruciaal zijn voor '
                                    'het realiseren van beleidsdoelen, zoals de energietransitie, de '
                                    'woningbouwopgave, gezondheidsopgave."'}],
 'checks': [{'code': 'existing_instruments_insufficient',
             'label_nl': 'Bestaande instrumenten schieten tekort',
             'label_en': 'Existing instruments fall short',
             'question_nl': "Zijn bestaande instrumenten (nationaal en Europees) ontoereikend om de risico's af te "
                            'dekken?',
             'question_en': 'Are existing instruments (national and European) insufficient to cover the risks?',
             'guidance_nl': 'Telecommunicatiewet, Elektriciteitswet 1998, Gaswet, Wet vifo, investeringstoets '
                            'defensie-industrie, Europese instrumenten.',
             'guidance_en': 'Telecommunications Act, Electricity Act 1998, Gas Act, Wet vifo, defence-industry '
                            'screening, European instruments.',
             'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), Afwegingskader '
                                '(Noodzaak): "De Beschermingsvoorziening zal worden ingezet als bestaande '
                                'instrumenten, zowel nationaal als op Europees niveau, ontoereikend zijn".',
             'variants': {'blocked_startup_financing': {'label_nl': 'Gevolgen van het toetsingsbesluit niet anders '
                                                                    'te mitigeren',
                                                        'label_en': 'Consequences of the screening decision cannot '
                                                                    'be mitigated otherwise',
                                                        'question_nl': 'Zijn de gevolgen van het toetsingsbesluit '
                                                                       'op grond van de Wet vifo (de financiering '
                                                                       'die niet kan plaatsvinden en het dreigende '
                                                                       'faillissement) niet op een andere manier '
                                                                       'te mitigeren?',
                                                        'question_en': 'Can the consequences of the Wet vifo '
                                                                       'screening decision (the financing that '
                                                                       'cannot take place and the threatened '
                                                                       'insolvency) not be mitigated in another '
                                                                       'way?',
                                                        'guidance_nl': 'Reikwijdtegrond 4: het bestaande '
                                                                       'instrumentarium is hier juist ingezet (het '
                                                                       'toetsingsbesluit). De vraag is daarom niet '
                                                                       'of bestaande instrumenten het risico '
                                                                       'afdekken, maar of de gevolgen van dat '
                                                                       'besluit anders te mitigeren zijn (bijv. '
                                                                       'een andere, niet-statelijke financier, '
                                                                       'voorwaarden, gespreide financiering).',
                                                        'guidance_en': 'Scope ground 4: the existing instrument '
                                                                       'was used (the screening decision). The '
                                                                       'question is therefore not whether existing '
                                                                       'instruments cover the risk, but whether '
                                                                       'the consequences of that decision can be '
                                                                       'mitigated otherwise.',
                                                        'letter_citation': 'Kamerbrief Beschermingsvoorziening '
                                                                           'Economische Veiligheid (2023), '
                                                                           'Reikwijdte: "De voorziening grijpt '
                                                                           'zoals gezegd in waar bestaand '
                                                                           'instrumentarium ontoereikend is of om '
                                                                           'de gevolgen van de inzet van het '
                                                                           'instrumentarium te mitigeren." en "Als '
                                                                           'door een toetsingsbesluit op grond van '
                                                                           'de Wet vifo financiering van een '
                                                                           'strategische start-up of scale-up niet '
                                                                           'plaats kan vinden en het bedrijf '
                                                                           'hierdoor in de problemen komt en '
                                                                           'failleert."'}}},
            {'code': 'no_market_financing',
             'label_nl': 'Geen alternatieve financiering in de markt',
             'label_en': 'No market financing',
             'question_nl': 'Is er geen alternatieve financiering in de markt te vinden?',
             'question_en': 'Is no alternative financing available in the market?',
             'guidance_nl': 'De voorziening is het laatste redmiddel.',
             'guidance_en': 'The provision is the last resort.',
             'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), Afwegingskader '
                                '(Werking): "laatste redmiddel wanneer risico\'s ... niet adequaat te ondervangen '
                                'zijn door bestaande wetgeving of door het vinden van alternatieve financiering in '
                                'de markt".'},
            {'code': 'no_strategic_behaviour',
             'label_nl': 'Geen strategisch gedrag van de onderneming',
             'label_en': 'No strategic behaviour by the company',
             'question_nl': 'Is uitgesloten dat de onderneming strategisch gedrag vertoont om onnodig aanspraak op '
                            'de voorziening te maken?',
             'question_en': 'Is it ruled out that the company behaves strategically to claim the provision '
                            'needlessly?',
             'guidance_nl': 'Kritisch bekijken of inzet echt noodzakelijk is.',
             'guidance_en': 'Critically examine whether deployment is truly necessary.',
             'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), Afwegingskader: '
                                '"Steeds zal kritisch worden bekeken of de inzet ... echt noodzakelijk is en er '
                                'bijvoorbeeld geen sprake is van strategisch gedrag van bedrijven".'},
            {'code': 'proportionality',
             'label_nl': 'Proportionaliteit',
             'label_en': 'Proportionality',
             'question_nl': 'Is inzet proportioneel: ondervangt een minimale overheidsinterventie het risico, '
                            'landenneutraal beoordeeld?',
             'question_en': 'Is deployment proportionate: does a minimal government intervention cover the risk, '
                            'assessed country-neutrally?',
             'guidance_nl': 'Proportionaliteit en landenneutraliteit zijn het uitgangspunt; maatwerk met minimale '
                            'interventie.',
             'guidance_en': 'Proportionality and country-neutrality are the principles; tailored, minimal '
                            'intervention.',
             'letter_citation': 'Kamerbrief 2023: "Proportionaliteit en landenneutraliteit zijn daarbij het '
                                'uitgangspunt"; CW 3.1: "met een minimale overheidsinterventie het risico zo goed '
                                'mogelijk wordt ondervangen".'}],
 'risk_levels': [{'code': 'laag', 'label_nl': 'laag', 'label_en': 'low', 'min_score': '0.00'},
                 {'code': 'midden', 'label_nl': 'midden', 'label_en': 'medium', 'min_score': '2.00'},
                 {'code': 'hoog', 'label_nl': 'hoog', 'label_en': 'high', 'min_score': '3.00'},
                 {'code': 'zeer_hoog', 'label_nl': 'zeer hoog', 'label_en': 'very high', 'min_score': '4.00'}],
 'manageable_risk_levels': ['laag', 'midden'],
 'disagreement_spread': 2,
 'risk_rule': 'highest_core',
 'broader_requires_crucial': True,
 'low_indicators_risk_levels': ['laag'],
 'afstemming_in_outcome': True}
# The risk review's questions, as version 2 (migration 0003) has them: the exit gate keeps asking them.
DEFINITION["review_checks"] = [{'code': 'state_actor_influence_ended',
  'any_of': 'threat_removed',
  'label_nl': 'Invloed of oogmerk van de statelijke actor weggenomen',
  'label_en': "State actor's influence or intent removed",
  'question_nl': 'Is de directe of indirecte invloed van de statelijke actor op de onderneming weggenomen en '
                 'is er geen oogmerk meer om alsnog zeggenschap of invloed te verwerven?',
  'question_en': "Has the state actor's direct or indirect influence over the company ended, with no "
                 'remaining intent to gain control or influence after all?',
  'guidance_nl': 'Betrek eigendomsstructuur, nieuwe benaderingen, inlichtingen. Dit of de volgende vraag '
                 'volstaat om de dreiging weggenomen te achten.',
  'guidance_en': 'Consider ownership structure, renewed approaches, intelligence. This or the next question '
                 'suffices for the threat to be removed.',
  'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), Afwegingskader: "2) '
                     'er is sprake van directe of indirecte invloed van een statelijke actor"; Werking: '
                     '"Zodra de risico\'s voor de nationale veiligheid tot op een beheersbaar niveau zijn '
                     'gebracht".'},
 {'code': 'covered_by_other_instrument',
  'any_of': 'threat_removed',
  'label_nl': 'Afgedekt door investeringstoetsing of een ander instrument',
  'label_en': 'Covered by investment screening or another instrument',
  'question_nl': 'Valt de onderneming nu onder investeringstoetsing of een ander instrument (bijv. een '
                 'aanwijzing onder de Wet vifo, sectorale toetsing) dat het risico afdekt?',
  'question_en': 'Is the company now covered by investment screening or another instrument (e.g. a Wet vifo '
                 'designation, sectoral screening) that covers the risk?',
  'guidance_nl': 'Wet vifo, Telecommunicatiewet, Elektriciteitswet 1998, Gaswet, toetsing '
                 'defensie-industrie.',
  'guidance_en': 'Wet vifo, Telecommunications Act, Electricity Act 1998, Gas Act, defence-industry '
                 'screening.',
  'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), Werking: "laatste '
                     "redmiddel wanneer risico's voor de nationale veiligheid niet adequaat te ondervangen "
                     'zijn door bestaande wetgeving".'},
 {'code': 'trustworthy_market_party',
  'label_nl': 'Betrouwbare private koper of financiering in de markt',
  'label_en': 'Trustworthy private buyer or market financing',
  'question_nl': 'Is er een betrouwbare private koper of financiering in de markt die het belang van de '
                 'Staat kan overnemen of vervangen?',
  'question_en': 'Is there a trustworthy private buyer or financing in the market to take over or replace '
                 "the State's stake?",
  'guidance_nl': 'Leg vast wie de partij is en waarom zij betrouwbaar is (geen invloed van een statelijke '
                 'actor).',
  'guidance_en': 'Record who the party is and why it is trustworthy (no state-actor influence).',
  'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), Werking: "... of '
                     'door het vinden van alternatieve financiering in de markt".'},
 {'code': 'buyer_no_strategic_behaviour',
  'label_nl': 'Geen strategisch gedrag van de koper of financier',
  'label_en': 'No strategic behaviour by the buyer or financier',
  'question_nl': 'Is uitgesloten dat de koper of financier strategisch gedrag vertoont (bijv. als '
                 'tussenpersoon voor de statelijke actor, of om de onderneming goedkoop te verwerven)?',
  'question_en': 'Is it ruled out that the buyer or financier behaves strategically (e.g. as a front for the '
                 'state actor, or to acquire the company cheaply)?',
  'guidance_nl': 'Dezelfde kritische toets als bij inzet, nu op de partij die het belang overneemt.',
  'guidance_en': 'The same critical check as at deployment, now of the party taking over the stake.',
  'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), Afwegingskader: '
                     '"Steeds zal kritisch worden bekeken ... en er bijvoorbeeld geen sprake is van '
                     'strategisch gedrag van bedrijven".'},
 {'code': 'cabinet_conditions_settled',
  'label_nl': 'Voorwaarden van het kabinet nagekomen',
  'label_en': 'Cabinet conditions met',
  'question_nl': 'Zijn alle voorwaarden die het kabinet aan de investering verbond nagekomen of vervallen?',
  'question_en': 'Are all conditions the cabinet attached to the investment met or lapsed?',
  'guidance_nl': "De voorwaarden staan bij de positie (fonds). 'Ja' kan pas als geen enkele nog open staat "
                 'of niet is nagekomen.',
  'guidance_en': "The conditions are listed with the position (fund). 'Yes' only when none is open or "
                 'breached.',
  'letter_citation': 'Kamerbrief Beschermingsvoorziening Economische Veiligheid (2023), Afwegingskader: "Op '
                     'basis van deze risico-inschatting beslist het kabinet over de inzet van de '
                     'voorziening".'}]


def create_version(apps, schema_editor):
    ensure_version(apps.get_model("assessments", "FrameworkVersion"))


def ensure_version(model):
    """Create version 2 if it is missing (also used to restore it in an emptied test database)."""
    if model.objects.filter(number=NUMBER).exists():
        return None
    return model.objects.create(number=NUMBER, name=NAME, status="published", definition=DEFINITION,
                                derived_from_letter=True, notes=NOTES, published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_afwegingskader_v2_fields")]

    operations = [migrations.RunPython(create_version, migrations.RunPython.noop)]
