"""The text of a letter to parliament about one fund transaction.

Two steps: `letter_facts` gathers what the letter needs (the transaction, the case, the cabinet
decision, the fund's figures, configuration valid on the letter's date) into a plain dict;
`compose_letter` turns such a dict into the subject, the public body and the confidential annex.
`compose_letter` reads nothing else, so it is tested with hand-built dicts.

The text is a Dutch official document whatever the interface language, so it is not passed
through gettext. It follows the 2023 letter ("Uw Kamer zal naderhand over de betreffende transactie
worden geïnformeerd").

Every factual sentence follows a recorded fact and changes or disappears with it (issue 21 §3); no
Kamerstuk number, kenmerk or date is written here. What a sentence left out, and which
configuration produced a sentence, is told to the liaison in `ComposedLetter.notes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assessments.selectors import latest_risk_review_conclusion
from bev.models import Dilution, Position
from bev.selectors import (
    approved_proposal_amount,
    fund_holds_money_of_cases_from,
    fund_overview,
    position_principal_repaid,
    position_stake_recorded_on,
    position_summary,
    positions_stakes_on,
    sale_of_source,
)
from cases.constants import ScopeGround
from core.classification import Classification, rank
from core.exceptions import NotFound
from core.formatting import date_nl, euro, percent_nl

from .confidentiality import AMOUNTS_CONFIDENTIAL_FROM, Disclosure, disclosure_for
from .models import Chamber, LetterRequest, TransactionKind

# The two addressees (the format of the ministry's letters, shared/reference/kamerbrief-format-examples.txt).
ADDRESSEES: dict[str, str] = {
    Chamber.TWEEDE_KAMER: "De Voorzitter van de Tweede Kamer\nder Staten-Generaal\nPrinses Irenestraat 6\n2595 BD  DEN HAAG",
    Chamber.EERSTE_KAMER: "De Voorzitter van de Eerste Kamer\nder Staten-Generaal\nPostbus 20017\n2500 EA  DEN HAAG",
}

# The fund's size and its maximum in liquid assets (letter 2023, "Financiële omvang"): used only
# when the fund's own figures are not available (the size is then not stated in the letter).

ANONYMOUS_COMPANY = "een onderneming van strategisch belang"

COUNTRY_NAMES_NL = {
    "CN": "China",
    "RU": "Rusland",
    "IR": "Iran",
    "KP": "Noord-Korea",
    "BY": "Belarus",
    "HK": "Hongkong",
    "AE": "de Verenigde Arabische Emiraten",
    "SA": "Saoedi-Arabië",
    "QA": "Qatar",
    "TR": "Turkije",
    "US": "de Verenigde Staten",
    "GB": "het Verenigd Koninkrijk",
    "IN": "India",
    "SG": "Singapore",
}

INSTRUMENT_NAMES_NL = {
    "equity": "aandelen",
    "shares": "aandelen",
    "convertible_loan": "een in aandelen converteerbare lening",
    "loan_with_warrants": "een lening met warrants",
}


def country_name(code: str) -> str:
    return COUNTRY_NAMES_NL.get((code or "").upper(), (code or "").upper())


def country_name_en(code: str) -> str:
    """The country's English name (django-countries), as an editor might also write it."""
    from django.utils import translation
    from django_countries import countries

    with translation.override("en"):
        return str(countries.name((code or "").upper()) or "")


# ---------------------------------------------------------------------------------------------
# Gathering the facts
# ---------------------------------------------------------------------------------------------
def _fund_figures(as_of: date) -> dict:
    """The fund's position after the transaction, from the fund's own selectors."""
    try:
        return dict(fund_overview(as_of=as_of) or {})
    except NotFound:  # the fund is not configured (yet)
        return {}


def _position_figures(position_id: int | None, on: date) -> dict:
    """The position as the letter about its transaction of `on` states it: the stake at the end of that
    day (`positions_stakes_on`), not the stake when the draft is made. Drafts are made after the booking
    commits, and with the broker or the worker down a pending request is drafted later by the sweep: a
    letter about a first sale (25% → 12.5%) drafted after a second said 6.25%, the stake after the
    second. The fund's figures are taken on the same date (`_fund_figures`)."""
    if position_id is None:
        return {}
    position = Position.objects.filter(pk=position_id).first()
    if position is None:
        return {}
    return {
        **(position_summary(position) or {}),
        "ownership_percent": positions_stakes_on([position], on)[position.pk],
        "stake_recorded_on": position_stake_recorded_on(position, on=on),
    }


def _dilutions_since_last_transaction(request: LetterRequest) -> list[dict]:
    """The share issues without the State since the position's previous transaction parliament was told
    of, up to this one: without them a later letter's stake reads as if the State had sold more than it
    did (25 % then 10 % after selling half; found by trying the product)."""
    if request.position_id is None or request.kind == TransactionKind.FIRST_INVESTMENT:
        return []
    previous = (
        LetterRequest.objects.filter(position_id=request.position_id, executed_on__lte=request.executed_on)
        .exclude(pk=request.pk)
        .order_by("-executed_on", "-id")
        .values_list("executed_on", flat=True)
        .first()
    )
    rows = Dilution.objects.filter(position_id=request.position_id, issued_on__lte=request.executed_on)
    if previous is not None:
        rows = rows.filter(issued_on__gte=previous)
    return [{"issued_on": d.issued_on, "ownership_after": d.ownership_after} for d in rows.order_by("issued_on", "id")]


def _instrument_text(position: dict) -> str:
    """The instrument as the Dutch sentence needs it ("in de vorm van een in aandelen converteerbare
    lening"), by its code: the letter is Dutch whatever language the person who set off the drafting
    reads the UI in, and the display label has no article."""
    code = str(position.get("instrument") or "")
    if code in INSTRUMENT_NAMES_NL:
        return INSTRUMENT_NAMES_NL[code]
    label = position.get("instrument_label") or position.get("instrument_display")
    return str(label).lower() if label else code.replace("_", " ")


def letter_facts(*, request: LetterRequest, chamber: str, letter_date: date) -> dict:
    from .selectors import earlier_sent_letters, letter_references_on

    case = request.case
    decision = case.confirmed_cabinet_decision()
    exits = request.kind in (TransactionKind.PARTIAL_EXIT, TransactionKind.FULL_EXIT)
    # The ground of a sale (the exit gate, cases.guards.exit_is_authorised): what the letter may say.
    review = latest_risk_review_conclusion(case.pk) if exits else None
    sale_order = case.confirmed_sale_order() if exits else None
    fund = _fund_figures(request.executed_on)
    position = _position_figures(request.position_id, request.executed_on)
    stake = position.get("ownership_percent")
    # a sale's proceeds are the cost of the part sold plus or minus the result: the letter says which
    sale = sale_of_source(request.source_key) if exits else None
    return {
        "kind": request.kind,
        "chamber": chamber,
        "letter_date": letter_date,
        "executed_on": request.executed_on,
        "amount": request.amount,
        "source_key": request.source_key,
        "sale_cost": sale["cost_derecognised"] if sale else None,
        "sale_result": sale["realised_result"] if sale else None,
        # the loan principal repaid before the sale (a loan repaid in full is closed by a sale for nothing)
        "loan_repaid": position_principal_repaid(request.position_id, on=request.executed_on)
        if exits and request.position_id is not None
        else None,
        "case_reference": case.reference,
        "classification": case.classification,
        "company_name": case.target_name,
        "company_sector": case.target_sector,
        "company_kvk": case.target_kvk_number,
        "acquirer_country": case.acquirer_country,
        "categories": [str(c) for c in case.categories],
        "instrument": _instrument_text(position),
        "stake_percent": stake,
        # the latest date a stake was recorded after the position was set up (a dilution, a conversion)
        "stake_recorded_on": position.get("stake_recorded_on"),
        "dilutions": _dilutions_since_last_transaction(request),
        "position_invested": position.get("amount_invested"),
        "proposal_amount": approved_proposal_amount(case_id=case.pk),  # what the position is to receive
        "cabinet_decision_date": decision.meeting_date if decision else None,
        "exit_review_date": review["approved_on"] if review and review["manageable"] else None,
        "sale_order_date": sale_order.meeting_date if sale_order else None,
        "fund_size": fund.get("committed_limit"),
        "fund_deployed": fund.get("deployed"),
        "fund_available": fund.get("available"),
        "fund_returns": fund.get("returns"),
        "liquid_cap": fund.get("liquid_cap"),
        "fund_manager": str(fund.get("manager") or ""),  # the manager on record that day (bev.ManagerPeriod)
        # the fund's figures that day hold money of a case whose amounts are withheld (parliament.confidentiality)
        "fund_holds_withheld_amounts": fund_holds_money_of_cases_from(
            classification_rank=rank(AMOUNTS_CONFIDENTIAL_FROM), as_of=request.executed_on
        ),
        "references": [
            {"citation": r.citation, "description": r.description} for r in letter_references_on(letter_date)
        ],
        "earlier_letters": [
            {
                "date": d.sent_on,
                "kamerstuk": d.kamerstuk_number,
                # its transaction undone afterwards (parliament.services.letters_on_reversal)
                "reversed_on": d.request.reversed_on,
                "reversal_reason": d.request.reversal_reason,
            }
            for d in earlier_sent_letters(case_id=case.pk, chamber=chamber, before=letter_date)
        ],
        **_record_facts(case=case, fund=fund, letter_date=letter_date),
    }


def _record_facts(*, case, fund: dict, letter_date: date) -> dict:
    """The facts behind the sentences of issue 21 §3: the assessment's confirmed scope ground and
    the departments that answered its consultation, the fund's gross investment, the country
    policy and the evaluation valid on the letter's date."""
    from assessments.constants import AssessmentKind, AssessmentStatus, ConditionStatus, ConsultationStatus
    from assessments.models import Assessment

    from .selectors import country_policy_on, evaluation_on

    assessment = (
        Assessment.objects.filter(case=case, kind=AssessmentKind.INITIAL, status=AssessmentStatus.APPROVED)
        .order_by("-approved_at", "-id")
        .first()
    )
    consulted = []
    if assessment is not None:
        for consultation in assessment.consultations.filter(status=ConsultationStatus.ANSWERED).order_by("id"):
            if consultation.ministry_label not in consulted:
                consulted.append(consultation.ministry_label)
    policy = country_policy_on(letter_date)
    evaluation = evaluation_on(letter_date)
    return {
        "scope_ground": (assessment.scope_ground or None)
        if assessment is not None and assessment.scope_ground_confirmed
        else None,
        "consulted_ministries": consulted,
        # both conditions of the afwegingskader recorded as met in the approved assessment
        "conditions_met": assessment is not None
        and len(statuses := list(assessment.conditions.values_list("status", flat=True))) >= 2
        and all(status == ConditionStatus.MET for status in statuses),
        "market_financing_explored": case.market_financing_explored,
        "fund_invested_gross": fund.get("invested"),
        "country_policy": None
        if policy is None
        else {
            "id": policy.pk,
            "label": policy.label,
            "name_country": policy.name_country,
            "valid_from": policy.valid_from,
            "valid_to": policy.valid_to,
        },
        "evaluation": None
        if evaluation is None
        else {
            "id": evaluation.pk,
            "instrument_start": evaluation.instrument_start,
            "due_on": evaluation.due_on,
            "completed_on": evaluation.completed_on,
            "report_citation": evaluation.report_citation,
        },
    }


# ---------------------------------------------------------------------------------------------
# Composing the text
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ComposedLetter:
    subject: str
    body: str
    confidential_annex: str
    notes: tuple[str, ...] = ()  # for the liaison: what was left out and why, which policy applied


SUBJECTS = {
    TransactionKind.FIRST_INVESTMENT: "Inzet Beschermingsvoorziening Economische Veiligheid",
    TransactionKind.FOLLOW_ON_INVESTMENT: "Vervolginvestering Beschermingsvoorziening Economische Veiligheid",
    TransactionKind.CONVERSION: "Conversie van een lening uit de Beschermingsvoorziening Economische Veiligheid",
    TransactionKind.PARTIAL_EXIT: "Gedeeltelijke afbouw van een belang uit de Beschermingsvoorziening Economische Veiligheid",
    TransactionKind.FULL_EXIT: "Afbouw van een belang uit de Beschermingsvoorziening Economische Veiligheid",
}

WHAT_WAS_DONE = {
    TransactionKind.FIRST_INVESTMENT: "heeft de Staat via de Beschermingsvoorziening Economische Veiligheid "
    "een belang genomen in {company}",
    TransactionKind.FOLLOW_ON_INVESTMENT: "heeft de Staat via de Beschermingsvoorziening Economische Veiligheid "
    "een vervolginvestering gedaan in {company}",
    TransactionKind.CONVERSION: "is de lening die de Beschermingsvoorziening Economische Veiligheid verstrekte aan "
    "{company_mid} omgezet in aandelen",
    TransactionKind.PARTIAL_EXIT: "heeft de Staat zijn belang in {company_mid} via de Beschermingsvoorziening "
    "Economische Veiligheid gedeeltelijk afgebouwd",
    TransactionKind.FULL_EXIT: "heeft de Staat zijn volledige belang in {company_mid} via de Beschermingsvoorziening "
    "Economische Veiligheid afgebouwd",
}
INVESTMENTS = {TransactionKind.FIRST_INVESTMENT, TransactionKind.FOLLOW_ON_INVESTMENT, TransactionKind.CONVERSION}


def _company(facts: dict, disclosure: Disclosure) -> str:
    if not disclosure.company:
        return ANONYMOUS_COMPANY
    sector = f", actief in de sector {facts['company_sector'].lower()}" if facts.get("company_sector") else ""
    return f"{facts['company_name']}{sector}"


def _acquirer(facts: dict, disclosure: Disclosure) -> str:
    text = "een statelijke actor, of een partij die handelt op aanwijzing van een statelijke actor"
    if disclosure.country and facts.get("acquirer_country"):
        text += f" uit {country_name(facts['acquirer_country'])}"
    return text


def _threat(facts: dict, disclosure: Disclosure) -> str:
    """What led to the deployment, per the confirmed scope ground (letter 2023, Reikwijdte)."""
    ground = facts.get("scope_ground")
    if ground == ScopeGround.HISTORICAL_TRANSACTION:
        return (
            f"een belang dat {_acquirer(facts, disclosure)}, vóór 8 september 2020 in de onderneming heeft "
            "verworven en dat naar de huidige maatstaf onder de Wet vifo zou vallen, en dat een bedreiging "
            "vormde voor de nationale veiligheid"
        )
    if ground == ScopeGround.BLOCKED_STARTUP_FINANCING:
        return (
            "dat de financiering van deze strategische start-up of scale-up door een toetsingsbesluit op grond "
            "van de Wet vifo niet kon plaatsvinden, waardoor de onderneming in de problemen dreigde te komen"
        )
    if ground in (ScopeGround.NOT_IN_SCREENING, ScopeGround.ESSENTIAL_SUPPLIER):
        return (
            f"een voorziene investering of overname door {_acquirer(facts, disclosure)}, die een bedreiging "
            "vormde voor de nationale veiligheid"
        )
    return f"een bedreiging van de nationale veiligheid door invloed van {_acquirer(facts, disclosure)}"


# The first condition of the afwegingskader in the letter's words, where they fit the ground.
FIRST_CONDITION: dict[str | None, str] = {
    ScopeGround.NOT_IN_SCREENING: "de voorziene investering of overname heeft risico’s voor de nationale "
    "veiligheid tot gevolg",
    ScopeGround.ESSENTIAL_SUPPLIER: "de voorziene investering of overname heeft risico’s voor de nationale "
    "veiligheid tot gevolg",
}
FIRST_CONDITION_OTHERWISE = "er zijn risico’s voor de nationale veiligheid"

# Why the existing instruments did not suffice, per scope ground; for ground 4 they did work.
INSTRUMENTS_SENTENCE: dict[str | None, str] = {
    ScopeGround.NOT_IN_SCREENING: "Bestaande instrumenten waren ontoereikend om de risico’s te ondervangen: de "
    "onderneming valt (nog) niet onder het stelsel van investeringstoetsing.",
    ScopeGround.ESSENTIAL_SUPPLIER: "Bestaande instrumenten waren ontoereikend om de risico’s te ondervangen: de "
    "onderneming is een essentiële toeleverancier die (nog) niet onder het stelsel "
    "van investeringstoetsing valt.",
    # The letter's own words ("Historische transacties van vóór 8 september 2020 die hedendaags onder de
    # Wet vifo zouden vallen"), not a legal claim of the service's about the act's reach.
    ScopeGround.HISTORICAL_TRANSACTION: "Bestaande instrumenten waren ontoereikend om de risico’s te ondervangen: "
    "het gaat om een historische transactie van vóór 8 september 2020, die hedendaags onder de Wet vifo zou vallen.",
    ScopeGround.BLOCKED_STARTUP_FINANCING: "De voorziening is ingezet om de gevolgen van dat toetsingsbesluit voor de "
    "onderneming te mitigeren.",
}


def _consultation_sentence(facts: dict, disclosure: Disclosure) -> str:
    ministries = facts.get("consulted_ministries") or []
    if not ministries:
        return "Mijn ministerie heeft de risico-inschatting opgesteld."
    if disclosure.company:
        # a ministry by its name as a ministry ("het ministerie van Justitie en Veiligheid (JenV)"), not
        # as a topic ("in afstemming met Justitie en Veiligheid"; found by trying the product)
        ministries = [
            m if m.lower().startswith(("ministerie", "het ministerie")) else f"het ministerie van {m}"
            for m in ministries
        ]
        named = ministries[0] if len(ministries) == 1 else ", ".join(ministries[:-1]) + " en " + ministries[-1]
        return f"Mijn ministerie heeft de risico-inschatting opgesteld in afstemming met {named}."
    which = "het betrokken departement" if len(ministries) == 1 else "de betrokken departementen"
    return f"Mijn ministerie heeft de risico-inschatting opgesteld in afstemming met {which}."


def _conditions_sentence(ground: str | None) -> str:
    """The afwegingskader's two conditions as met: in the letter's own numbered words where they fit the
    ground ("1) de voorziene investering of overname heeft risico’s voor de nationale veiligheid tot
    gevolg, en 2) er is sprake van directe of indirecte invloed van een statelijke actor"), else (a
    historical transaction, blocked start-up financing: no investment or takeover is foreseen) in the
    service's own words, not numbered, so that no paraphrase reads as the letter's text (found by
    trying the product)."""
    if ground in FIRST_CONDITION:
        return (
            f"Aan beide voorwaarden van het afwegingskader was voldaan: 1) {FIRST_CONDITION[ground]}, en 2) er is "
            "sprake van directe of indirecte invloed van een statelijke actor."
        )
    return (
        f"Aan beide voorwaarden van het afwegingskader was voldaan: {FIRST_CONDITION_OTHERWISE} en er is sprake "
        "van directe of indirecte invloed van een statelijke actor."
    )


def _last_resort_sentence(facts: dict) -> str:
    if facts.get("market_financing_explored") is True:
        return "Alternatieve financiering in de markt is verkend; de voorziening is ingezet als laatste redmiddel."
    return ""


def _investment_paragraphs(facts: dict, disclosure: Disclosure) -> list[str]:
    ground = facts.get("scope_ground")
    decided = f"op {date_nl(_as_date(facts['cabinet_decision_date']))} " if facts.get("cabinet_decision_date") else ""
    sentences = [
        f"Aanleiding was {_threat(facts, disclosure)}.",
        # Only when the approved risk assessment records both conditions as met (the record, not the
        # lifecycle's assumption).
        _conditions_sentence(ground) if facts.get("conditions_met") else "",
        _consultation_sentence(facts, disclosure),
        f"Op basis daarvan heeft het kabinet {decided}besloten tot inzet van de voorziening.",
        INSTRUMENTS_SENTENCE.get(ground, ""),
        _last_resort_sentence(facts),
    ]
    return [
        " ".join(s for s in sentences if s),
        "Zodra de risico’s voor de nationale veiligheid tot op een beheersbaar niveau zijn gebracht, zal de "
        "Staat het belang in de onderneming afbouwen. Daarbij wordt rekening gehouden met het behoud van de "
        "investeringswaarde en het beoogde revolverende karakter van de voorziening.",
    ]


def _amount_sentence(facts: dict) -> str:
    kind = facts["kind"]
    amount = euro(facts["amount"])
    if kind in (TransactionKind.PARTIAL_EXIT, TransactionKind.FULL_EXIT):
        # a sale for nothing (a write-off) has no proceeds to state. "Verkoopopbrengst", not
        # "opbrengst": the money the sale brought in, most of which is the money once invested coming
        # back, not earnings; the result on the sale is stated beside it where the record has it.
        text = (
            f"De verkoopopbrengst voor de voorziening bedraagt {amount}."
            if _has_proceeds(facts)
            else "Er is geen verkoopopbrengst voor de voorziening."
        )
        text += _sale_result_sentence(facts) + _repaid_sentence(facts)
    elif kind == TransactionKind.CONVERSION:
        text = f"Het omgezette bedrag is {amount}."
    else:
        instrument = f" in de vorm van {facts['instrument']}" if facts.get("instrument") else ""
        text = f"Het gaat om een investering van {amount}{instrument}."
    value = _stake_after(facts) if kind != TransactionKind.FULL_EXIT else None  # as _states_stake
    if value is not None:
        diluted = (facts.get("dilutions") or [])[-1:]
        if diluted:  # a share issue without the State since the last transaction parliament was told of
            text += (
                f" Door een uitgifte van nieuwe aandelen waaraan de Staat niet deelnam, was het belang op "
                f"{date_nl(_as_date(diluted[0]['issued_on']))} verwaterd tot "
                f"{_stake_text(Decimal(str(diluted[0]['ownership_after'])))}."
            )
        text += f" Het belang van de Staat in de onderneming bedraagt na deze transactie {_stake_text(value)}."
    return text


def _sale_result_sentence(facts: dict) -> str:
    """The sale's result against the cost of the part sold, as the Exit row records them (`sale_cost`,
    `sale_result` = proceeds - cost), so that the proceeds do not read as earnings; nothing where the
    facts do not hold them (a letter drafted from facts stored before they were recorded)."""
    if facts.get("sale_cost") is None or facts.get("sale_result") is None:
        return ""
    cost, result = Decimal(str(facts["sale_cost"])), Decimal(str(facts["sale_result"]))
    if not _has_proceeds(facts):
        return f" De kostprijs van het verkochte deel ({euro(cost)}) komt niet terug." if cost > 0 else ""
    if result > 0:
        return (
            f" Daarvan is {euro(cost)} de terugontvangen kostprijs van het verkochte deel en {euro(result)} "
            "resultaat op de verkoop."
        )
    if result < 0:
        return f" Dat is {euro(-result)} minder dan de kostprijs van het verkochte deel ({euro(cost)})."
    return f" Dat is gelijk aan de kostprijs van het verkochte deel ({euro(cost)})."


def _repaid_sentence(facts: dict) -> str:
    """What was repaid on the loan before its sale (`loan_repaid`, net of reversals): without it a loan
    repaid in full and then closed by a sale for nothing read "Er is geen verkoopopbrengst" alone, as a
    loss of all that was lent, and a sale after a partial repayment stated a cost of the part sold that
    did not add up to the investment parliament was told of."""
    repaid = Decimal(str(facts.get("loan_repaid") or 0))
    if repaid <= 0:
        return ""
    return (
        f" Op de lening is vóór deze transactie in totaal {euro(repaid)} afgelost; dat bedrag is teruggevloeid "
        "naar de voorziening."
    )


def _stake_text(value: Decimal) -> str:
    """As many decimals as the stake has, at most two: 25%, 12,5%, 33,33% (not "12,50%")."""
    exponent = value.normalize().as_tuple().exponent
    return percent_nl(value, min(2, max(0, -exponent)) if isinstance(exponent, int) else 2)


def _stake_after(facts: dict) -> Decimal | None:
    """The stake the letter may state as the State's stake after the transaction: the position's
    recorded stake, except after a follow-on investment, which records no stake (a disbursement takes
    only an amount, and a dilution cannot raise it): then only if a stake was recorded on or after the
    follow-on's date (`stake_recorded_on`), else the stake of an earlier transaction would be stated as
    today's. The service's own convention; the letter 2023 asks only that parliament be informed."""
    if (
        facts.get("stake_percent") is None
        or _follow_on_stake_unrecorded(facts)
        or _first_tranche_stake_unrecorded(facts)
    ):
        return None
    return Decimal(str(facts["stake_percent"]))


def _states_stake(facts: dict) -> bool:
    """The letter states the State's stake after this transaction (not after a full exit: nothing is left)."""
    return _stake_after(facts) is not None and facts.get("kind") != TransactionKind.FULL_EXIT


def _first_tranche_stake_unrecorded(facts: dict) -> bool:
    """A first investment that pays only part of the approved investment proposal, and no stake recorded
    on or after its date: the stake the position was set up with may be what the whole plan buys, and
    nothing on record says the State holds it after this first tranche (found by trying the product:
    40% stated after €50m of an €86.75m plan). The service's own convention, as for a follow-on."""
    if facts.get("kind") != TransactionKind.FIRST_INVESTMENT or facts.get("stake_percent") is None:
        return False
    planned = facts.get("proposal_amount")
    if planned is None or Decimal(str(facts.get("amount") or 0)) >= Decimal(str(planned)):
        return False
    recorded_on = facts.get("stake_recorded_on")
    return recorded_on is None or _as_date(recorded_on) < _as_date(facts["executed_on"])


def _follow_on_stake_unrecorded(facts: dict) -> bool:
    """A follow-on investment into a position with a stake, and no stake recorded on or after its date."""
    if facts.get("kind") != TransactionKind.FOLLOW_ON_INVESTMENT or facts.get("stake_percent") is None:
        return False
    recorded_on = facts.get("stake_recorded_on")
    return recorded_on is None or _as_date(recorded_on) < _as_date(facts["executed_on"])


def _has_proceeds(facts: dict) -> bool:
    return Decimal(str(facts.get("amount") or 0)) > 0


def _proceeds_sentence(facts: dict, disclosure: Disclosure) -> str:
    """ "Hierbij wordt rekening gehouden met het behoud van de investeringswaarde en het beoogde
    revolverende karakter van de beschermingsvoorziening" (letter 2023, "Werking"): proceeds flow back
    to the fund, and only liquid assets above its maximum to the treasury. A sale without proceeds (a
    write-off) returns nothing, so the letter does not say it does; where the amounts are classified
    the public letter states the rule, not whether this sale brought anything in."""
    cap = facts.get("liquid_cap")
    treasury = f"; liquide middelen boven het maximum van {euro(cap)} vloeien terug naar de staatskas." if cap else "."
    if not disclosure.amounts:
        return "Verkoopopbrengsten vloeien terug naar de voorziening, in lijn met haar revolverende karakter" + treasury
    if not _has_proceeds(facts):
        return ""
    return "De verkoopopbrengst vloeit terug naar de voorziening, in lijn met haar revolverende karakter" + treasury


def _fund_sentence(facts: dict) -> str:
    """The committed capital, the gross amount invested to date and the liquid assets available:
    three figures side by side, none presented as what is "left of" another (returns can make the
    available assets exceed the committed capital)."""
    invested = facts.get("fund_invested_gross")
    if invested is None or facts.get("fund_available") is None or facts.get("fund_size") is None:
        return ""
    return (
        f"Het toegezegde vermogen van de voorziening bedraagt {euro(facts['fund_size'])}. Tot en met deze "
        f"transactie is uit de voorziening in totaal {euro(invested)} geïnvesteerd. Na deze transactie is "
        f"{euro(facts['fund_available'])} aan liquide middelen beschikbaar voor nieuwe investeringen."
    )


def _evaluation_sentence(facts: dict) -> str:
    """ "Uiterlijk over twee jaar vindt een evaluatie ... plaats" (letter 2023), as the configured
    evaluation stands on the letter's date: due, done, or (overdue) not stated."""
    evaluation = facts.get("evaluation")
    if not evaluation:
        return ""
    letter_date = _as_date(facts["letter_date"])
    completed = _as_date(evaluation["completed_on"]) if evaluation.get("completed_on") else None
    if completed is not None and completed <= letter_date:
        cited = f" ({evaluation['report_citation']})" if evaluation.get("report_citation") else ""
        return f"De voorziening is op {date_nl(completed)} geëvalueerd{cited}."
    due = _as_date(evaluation["due_on"])
    if letter_date <= due:
        return (
            f"De voorziening wordt uiterlijk op {date_nl(due)} geëvalueerd op haar werking, doelmatigheid en "
            "doeltreffendheid."
        )
    return ""


def letter_notes(facts: dict, disclosure: Disclosure) -> tuple[str, ...]:
    """What the liaison must know about the draft: sentences left out for want of a recorded fact,
    and the configuration that produced a sentence."""
    notes = []
    if not facts.get("references"):
        notes.append(
            "Er is geen verwijzing naar een Kamerstuk ingesteld (beheer: ‘verwijzingen naar eerdere "
            "brieven’); de brief noemt daarom niet waar deze informatie is aangekondigd. Vul de vindplaats "
            "zelf in als die er is."
        )
    if facts.get("acquirer_country"):
        policy = facts.get("country_policy")
        source = (
            f"beleid ‘{policy['label']}’ (geldig vanaf {date_nl(_as_date(policy['valid_from']))})"
            if policy
            else "geen beleid ingesteld; standaard wordt het land niet genoemd"
        )
        if disclosure.country:
            notes.append(f"Het land van de investeerder wordt in de openbare brief genoemd: {source}.")
        elif disclosure.country_classified:
            notes.append(
                f"Het land van de investeerder staat vanwege de rubricering alleen in de vertrouwelijke "
                f"bijlage ({source})."
            )
        else:
            notes.append(f"Het land van de investeerder wordt niet genoemd: {source}.")
    if facts.get("kind") in INVESTMENTS:
        if not facts.get("scope_ground"):
            notes.append(
                "Er is geen bevestigde reikwijdtegrond in een goedgekeurde risico-inschatting; de zin over "
                "bestaande instrumenten is weggelaten."
            )
        if not facts.get("consulted_ministries"):
            notes.append(
                "Er is geen beantwoorde adviesaanvraag aan een departement vastgelegd; de brief vermeldt "
                "daarom geen afstemming."
            )
        if facts.get("market_financing_explored") is not True:
            notes.append("Niet vastgelegd dat financiering in de markt is verkend; ‘laatste redmiddel’ is weggelaten.")
    if _first_tranche_stake_unrecorded(facts):
        notes.append(
            f"Deze eerste investering ({euro(facts['amount'])}) is een deel van het goedgekeurde "
            f"investeringsvoorstel ({euro(facts['proposal_amount'])}); dat het vastgelegde belang van "
            f"{_stake_text(Decimal(str(facts['stake_percent'])))} al na deze tranche geldt, is niet vastgelegd. "
            "De zin over het belang na de transactie is weggelaten. Vul het belang na deze transactie zelf in."
        )
    if _follow_on_stake_unrecorded(facts):
        notes.append(
            "Het belang van de Staat na deze vervolginvestering is niet vastgelegd (een uitbetaling legt "
            "alleen een bedrag vast); de zin over het belang na de transactie is weggelaten. Vul het belang "
            "na de vervolginvestering zelf in."
        )
    if disclosure.amounts and not disclosure.fund_figures and _fund_sentence(facts):
        notes.append(
            "De stand van de voorziening staat in de vertrouwelijke bijlage en niet in de openbare brief: "
            "de cijfers bevatten bedragen van een casus gerubriceerd als GEHEIM of hoger, die anders uit "
            "het verschil tussen twee openbare brieven af te leiden zijn."
        )
    if disclosure.amounts and not _fund_sentence(facts):
        notes.append(
            "De cijfers van het fonds waren niet beschikbaar; de zin over de stand van de voorziening is weggelaten."
        )
    for earlier in facts.get("earlier_letters") or []:
        if earlier.get("reversed_on"):
            notes.append(
                f"De brief van {date_nl(_as_date(earlier['date']))}"
                + (f" ({earlier['kamerstuk']})" if earlier.get("kamerstuk") else "")
                + f" meldde een transactie die op {date_nl(_as_date(earlier['reversed_on']))} is tegengeboekt "
                f"(reden: {earlier.get('reversal_reason') or '–'}). Informeer de Kamer over die correctie: "
                "deze brief doet dat niet vanzelf."
            )
    evaluation = facts.get("evaluation")
    if not evaluation:
        notes.append(
            "Er is geen evaluatietermijn ingesteld (beheer: ‘evaluatietermijnen’); de zin over de evaluatie "
            "is weggelaten."
        )
    elif not _evaluation_sentence(facts):
        notes.append(
            f"De evaluatie was voorzien uiterlijk op {date_nl(_as_date(evaluation['due_on']))} en is niet "
            "als afgerond vastgelegd; de zin over de evaluatie is weggelaten."
        )
    return tuple(notes)


def _exit_ground(facts: dict) -> str:
    """Why the stake is wound down, stating only what is on record: the approved risk review's
    conclusion that the risk is manageable (letter: "Zodra de risico's voor de nationale veiligheid
    tot op een beheersbaar niveau zijn gebracht, zal de overheid haar belang ... afbouwen") and/or
    the kabinetsbesluit ordering the sale."""
    parts = []
    if facts.get("exit_review_date"):
        parts.append(
            f"Uit de risicoheroverweging van {date_nl(_as_date(facts['exit_review_date']))} blijkt dat de "
            "risico’s voor de nationale veiligheid die tot de inzet van de voorziening leidden, tot op een "
            "beheersbaar niveau zijn gebracht."
        )
    if facts.get("sale_order_date"):
        parts.append(
            f"Het kabinet heeft op {date_nl(_as_date(facts['sale_order_date']))} besloten tot verkoop van het belang."
        )
    if not parts:
        return "De Staat bouwt zijn belang in de onderneming af."
    # No "zoals aangekondigd": read in a letter about one case it says this chamber was told of the
    # sale before, which the record does not show (and a cabinet's order to sell was announced nowhere).
    return " ".join(parts) + " Daarom bouwt de Staat zijn belang af."


def _references_sentence(facts: dict) -> str:
    parts = []
    for ref in facts.get("references") or []:
        parts.append(f"{ref['description']} ({ref['citation']})" if ref.get("description") else ref["citation"])
    text = ""
    if parts:
        text = (
            "Met deze brief informeer ik uw Kamer naderhand over deze transactie, zoals aangekondigd in "
            + "; ".join(parts)
            + "."
        )
    earlier = [e for e in facts.get("earlier_letters") or [] if e.get("date")]
    if earlier:
        cited = "; ".join(
            f"brief van {date_nl(_as_date(e['date']))}" + (f" ({e['kamerstuk']})" if e.get("kamerstuk") else "")
            for e in earlier
        )
        text += (" " if text else "") + f"Eerder informeerde ik uw Kamer over deze onderneming bij {cited}."
    return text


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def letter_disclosure(facts: dict) -> Disclosure:
    """What the public letter of these facts may say (parliament.confidentiality)."""
    return disclosure_for(
        facts.get("classification") or Classification.ZAAKVERTROUWELIJK,
        name_country=bool((facts.get("country_policy") or {}).get("name_country")),
        fund_holds_withheld_amounts=bool(facts.get("fund_holds_withheld_amounts")),
    )


def compose_letter(facts: dict) -> ComposedLetter:
    """The subject, public body and confidential annex for one chamber. The public body never holds
    what `disclosure_for(classification)` keeps out of it."""
    disclosure = letter_disclosure(facts)
    kind = facts["kind"]
    executed_on = date_nl(_as_date(facts["executed_on"]))
    company = _company(facts, disclosure)
    # inside the sentence the apposition "…, actief in de sector X" closes with a comma
    company_mid = f"{company}," if disclosure.company and facts.get("company_sector") else company
    annex_note = " (zie de vertrouwelijke bijlage)" if disclosure.details_in_annex else ""

    paragraphs = []
    intro = _references_sentence(facts)
    if intro:
        paragraphs.append(intro)
    paragraphs.append(
        f"Op {executed_on} {WHAT_WAS_DONE[kind].format(company=company, company_mid=company_mid)}{annex_note}. "
        f"De transactie is uitgevoerd door "
        f"{(facts['fund_manager'] + ', dat') if facts.get('fund_manager') else 'de fondsbeheerder, die'} de "
        "voorziening beheert in een Special Purpose Vehicle, waarvan het vermogen en risico zijn "
        "gescheiden van de andere activiteiten."
    )
    if disclosure.amounts:
        paragraphs.append(_amount_sentence(facts))
    else:
        # what the annex holds (`_amount_sentence`): the stake only where one is stated
        paragraphs.append(
            (
                "Het bedrag van de transactie en het belang van de Staat zijn"
                if _states_stake(facts)
                else "Het bedrag van de transactie is"
            )
            + " vanwege de rubricering van de casus opgenomen in de vertrouwelijke bijlage."
        )

    if kind in INVESTMENTS:
        paragraphs.extend(_investment_paragraphs(facts, disclosure))
    else:
        rest = (
            "Het belang is hiermee volledig afgebouwd."
            if kind == TransactionKind.FULL_EXIT
            # the letter's own words: "Hierbij wordt rekening gehouden met het behoud van de
            # investeringswaarde" (a consideration, not a promise that the value is kept)
            # (not "De Staat blijft het resterende belang afbouwen": it repeated the ground's "Daarom
            # bouwt de Staat zijn belang af" and hedged after it; found by trying the product)
            else "Bij de verdere afbouw van het resterende belang wordt rekening gehouden met het behoud van "
            "de investeringswaarde."
        )
        paragraphs.append(" ".join(s for s in (_exit_ground(facts), rest, _proceeds_sentence(facts, disclosure)) if s))

    if disclosure.fund_figures and _fund_sentence(facts):
        paragraphs.append(_fund_sentence(facts))
    elif disclosure.amounts and _fund_sentence(facts):
        paragraphs.append(
            "De stand van de voorziening is opgenomen in de vertrouwelijke bijlage, omdat de cijfers ervan "
            "bedragen bevatten die vanwege de rubricering niet openbaar zijn."
        )
    closing = (
        "Over de transacties van de voorziening wordt daarnaast gerapporteerd in het jaarverslag van "
        f"{facts.get('fund_manager') or 'de fondsbeheerder'}."
    )
    if _evaluation_sentence(facts):
        closing += " " + _evaluation_sentence(facts)
    paragraphs.append(closing)

    annex = compose_annex(facts, disclosure) if disclosure.needs_annex else ""
    return ComposedLetter(
        subject=SUBJECTS[kind],
        body="\n\n".join(paragraphs),
        confidential_annex=annex,
        notes=letter_notes(facts, disclosure),
    )


def compose_annex(facts: dict, disclosure: Disclosure) -> str:
    level = Classification(facts.get("classification") or Classification.ZAAKVERTROUWELIJK).label
    lines = [
        f"VERTROUWELIJKE BIJLAGE – {str(level).upper()} – NIET OPENBAAR",
        "Deze bijlage hoort bij de brief over de transactie van "
        f"{date_nl(_as_date(facts['executed_on']))} en wordt vertrouwelijk ter inzage gelegd.",
    ]
    details = []
    if not disclosure.company:
        details.append(
            f"Onderneming: {facts['company_name']}"
            + (f" (KvK {facts['company_kvk']})" if facts.get("company_kvk") else "")
        )
        if facts.get("company_sector"):
            details.append(f"Sector: {facts['company_sector']}")
    if disclosure.country_classified and facts.get("acquirer_country"):
        details.append(f"Land van de beoogde investeerder of overnemer: {country_name(facts['acquirer_country'])}")
    if not disclosure.amounts:
        details.append(_amount_sentence(facts))
    if not disclosure.fund_figures and _fund_sentence(facts):
        details.append(_fund_sentence(facts))
    return "\n\n".join(lines + details)
