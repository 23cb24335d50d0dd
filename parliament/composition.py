"""The text of a letter to parliament about one fund transaction.

Two steps: `letter_facts` gathers what the letter needs (the transaction, the case, the cabinet
decision, the fund's figures, configuration valid on the letter's date) into a plain dict;
`compose_letter` turns such a dict into the subject, the public body and the confidential annex.
`compose_letter` reads nothing else, so it is tested with hand-built dicts.

The text is a Dutch official document whatever the interface language, so it is not passed
through gettext. It follows the 2023 letter (Kamerstuk 36 350 XIII, nr. 3 is cited as the letter
promising this information: "Uw Kamer zal naderhand over de betreffende transactie worden
geïnformeerd").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assessments.selectors import latest_risk_review_conclusion
from bev.models import Position
from bev.selectors import fund_overview, position_summary
from core.classification import Classification
from core.exceptions import NotFound
from core.formatting import date_nl, euro, percent_nl

from .confidentiality import Disclosure, disclosure_for
from .models import Chamber, LetterRequest, TransactionKind

# The two addressees (the format of the ministry's letters, shared/reference/kamerbrief-format-examples.txt).
ADDRESSEES = {
    Chamber.TWEEDE_KAMER: "De Voorzitter van de Tweede Kamer\nder Staten-Generaal\nPrinses Irenestraat 6\n2595 BD  DEN HAAG",
    Chamber.EERSTE_KAMER: "De Voorzitter van de Eerste Kamer\nder Staten-Generaal\nPostbus 20017\n2500 EA  DEN HAAG",
}
CHAMBER_CODE = {Chamber.TWEEDE_KAMER: "TK", Chamber.EERSTE_KAMER: "EK"}

# The fund's size and its maximum in liquid assets (letter 2023, "Financiële omvang"): used only
# when the fund's own figures are not available.
FUND_SIZE = Decimal("100000000.00")
LIQUID_CAP = Decimal("150000000.00")

ANONYMOUS_COMPANY = "een onderneming van strategisch belang"

COUNTRY_NAMES_NL = {
    "CN": "China", "RU": "Rusland", "IR": "Iran", "KP": "Noord-Korea", "BY": "Belarus", "HK": "Hongkong",
    "AE": "de Verenigde Arabische Emiraten", "SA": "Saoedi-Arabië", "QA": "Qatar", "TR": "Turkije",
    "US": "de Verenigde Staten", "GB": "het Verenigd Koninkrijk", "IN": "India", "SG": "Singapore",
}

INSTRUMENT_NAMES_NL = {
    "equity": "aandelen",
    "shares": "aandelen",
    "convertible_loan": "een in aandelen converteerbare lening",
    "loan_with_warrants": "een lening met warrants",
}


def country_name(code: str) -> str:
    return COUNTRY_NAMES_NL.get((code or "").upper(), (code or "").upper())


# ---------------------------------------------------------------------------------------------
# Gathering the facts
# ---------------------------------------------------------------------------------------------
def _fund_figures(as_of: date) -> dict:
    """The fund's position after the transaction, from the fund's own selectors."""
    try:
        return dict(fund_overview(as_of=as_of) or {})
    except NotFound:  # the fund is not configured (yet)
        return {}


def _position_figures(position_id: int | None) -> dict:
    if position_id is None:
        return {}
    position = Position.objects.filter(pk=position_id).first()
    return dict(position_summary(position) or {}) if position is not None else {}


def _instrument_text(position: dict) -> str:
    label = position.get("instrument_label") or position.get("instrument_display")
    if label:
        return str(label).lower()
    code = position.get("instrument") or ""
    return INSTRUMENT_NAMES_NL.get(str(code), str(code).replace("_", " "))


def letter_facts(*, request: LetterRequest, chamber: str, letter_date: date) -> dict:
    from .selectors import earlier_sent_letters, letter_references_on

    case = request.case
    decision = case.confirmed_cabinet_decision()
    exits = request.kind in (TransactionKind.PARTIAL_EXIT, TransactionKind.FULL_EXIT)
    # The ground of a sale (the exit gate, cases.guards.exit_is_authorised): what the letter may say.
    review = latest_risk_review_conclusion(case.pk) if exits else None
    sale_order = case.confirmed_sale_order() if exits else None
    fund = _fund_figures(request.executed_on)
    position = _position_figures(request.position_id)
    stake = position.get("ownership_percent")
    return {
        "kind": request.kind,
        "chamber": chamber,
        "letter_date": letter_date,
        "executed_on": request.executed_on,
        "amount": request.amount,
        "source_key": request.source_key,
        "case_reference": case.reference,
        "classification": case.classification,
        "company_name": case.target_name,
        "company_sector": case.target_sector,
        "company_kvk": case.target_kvk_number,
        "acquirer_country": case.acquirer_country,
        "categories": [str(c) for c in case.categories],
        "instrument": _instrument_text(position),
        "stake_percent": stake,
        "position_invested": position.get("amount_invested"),
        "cabinet_decision_date": decision.meeting_date if decision else None,
        "exit_review_date": review["approved_on"] if review and review["manageable"] else None,
        "sale_order_date": sale_order.meeting_date if sale_order else None,
        "fund_size": fund.get("committed_limit") or FUND_SIZE,
        "fund_deployed": fund.get("deployed"),
        "fund_available": fund.get("available"),
        "fund_returns": fund.get("returns"),
        "liquid_cap": fund.get("liquid_cap") or LIQUID_CAP,
        "fund_manager": str(fund.get("manager") or "Invest-NL"),
        "references": [{"citation": r.citation, "description": r.description}
                       for r in letter_references_on(letter_date)],
        "earlier_letters": [{"date": d.sent_on, "kamerstuk": d.kamerstuk_number}
                            for d in earlier_sent_letters(case_id=case.pk, chamber=chamber, before=letter_date)],
    }


# ---------------------------------------------------------------------------------------------
# Composing the text
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ComposedLetter:
    subject: str
    body: str
    confidential_annex: str


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
                                "{company} omgezet in aandelen",
    TransactionKind.PARTIAL_EXIT: "heeft de Staat zijn belang in {company} via de Beschermingsvoorziening "
                                  "Economische Veiligheid gedeeltelijk afgebouwd",
    TransactionKind.FULL_EXIT: "heeft de Staat zijn volledige belang in {company} via de Beschermingsvoorziening "
                               "Economische Veiligheid afgebouwd",
}
INVESTMENTS = {TransactionKind.FIRST_INVESTMENT, TransactionKind.FOLLOW_ON_INVESTMENT, TransactionKind.CONVERSION}


def _company(facts: dict, disclosure: Disclosure) -> str:
    if not disclosure.company:
        return ANONYMOUS_COMPANY
    sector = f", actief in de sector {facts['company_sector'].lower()}" if facts.get("company_sector") else ""
    return f"{facts['company_name']}{sector}"


def _threat(facts: dict, disclosure: Disclosure) -> str:
    base = "een voorziene investering of overname door een statelijke actor, of een partij die handelt op " \
           "aanwijzing van een statelijke actor"
    if disclosure.country and facts.get("acquirer_country"):
        base += f" uit {country_name(facts['acquirer_country'])}"
    return base


def _amount_sentence(facts: dict) -> str:
    kind = facts["kind"]
    amount = euro(facts["amount"])
    if kind in (TransactionKind.PARTIAL_EXIT, TransactionKind.FULL_EXIT):
        text = f"De opbrengst voor de voorziening bedraagt {amount}."
    elif kind == TransactionKind.CONVERSION:
        text = f"Het omgezette bedrag bedraagt {amount}."
    else:
        instrument = f" in de vorm van {facts['instrument']}" if facts.get("instrument") else ""
        text = f"Het gaat om een investering van {amount}{instrument}."
    if facts.get("stake_percent") is not None:
        value = Decimal(str(facts["stake_percent"]))
        stake = percent_nl(value, 0 if value == value.to_integral_value() else 2)
        if kind != TransactionKind.FULL_EXIT:
            text += f" Het belang van de Staat in de onderneming bedraagt na deze transactie {stake}."
    return text


def _fund_sentence(facts: dict) -> str:
    size = euro(facts.get("fund_size") or FUND_SIZE)
    if facts.get("fund_deployed") is None or facts.get("fund_available") is None:
        return (f"De voorziening heeft een omvang van {size}; de actuele stand wordt gerapporteerd in het "
                f"jaarverslag van {facts.get('fund_manager') or 'Invest-NL'}.")
    return (f"Na deze transactie is uit de voorziening in totaal {euro(facts['fund_deployed'])} geïnvesteerd. "
            f"Van de omvang van {size} is nog {euro(facts['fund_available'])} beschikbaar.")


def _exit_ground(facts: dict) -> str:
    """Why the stake is wound down, stating only what is on record: the approved risk review's
    conclusion that the risk is manageable (letter: "Zodra de risico's voor de nationale veiligheid
    tot op een beheersbaar niveau zijn gebracht, zal de overheid haar belang ... afbouwen") and/or
    the kabinetsbesluit ordering the sale."""
    parts = []
    if facts.get("exit_review_date"):
        parts.append(f"Uit de risicoheroverweging van {date_nl(_as_date(facts['exit_review_date']))} blijkt dat de "
                     "risico’s voor de nationale veiligheid die tot de inzet van de voorziening leidden, tot op een "
                     "beheersbaar niveau zijn gebracht.")
    if facts.get("sale_order_date"):
        parts.append(f"Het kabinet heeft op {date_nl(_as_date(facts['sale_order_date']))} besloten tot verkoop "
                     "van het belang.")
    if not parts:
        return "De Staat bouwt zijn belang in de onderneming af."
    return " ".join(parts) + " Daarom bouwt de Staat zijn belang af, zoals aangekondigd."


def _references_sentence(facts: dict) -> str:
    parts = []
    for ref in facts.get("references") or []:
        parts.append(f"{ref['description']} ({ref['citation']})" if ref.get("description") else ref["citation"])
    text = ""
    if parts:
        text = ("Met deze brief informeer ik uw Kamer naderhand over deze transactie, zoals aangekondigd in "
                + "; ".join(parts) + ".")
    earlier = [e for e in facts.get("earlier_letters") or [] if e.get("date")]
    if earlier:
        cited = "; ".join(f"brief van {date_nl(_as_date(e['date']))}"
                          + (f" ({e['kamerstuk']})" if e.get("kamerstuk") else "") for e in earlier)
        text += (" " if text else "") + f"Eerder informeerde ik uw Kamer over deze onderneming bij {cited}."
    return text


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def compose_letter(facts: dict) -> ComposedLetter:
    """The subject, public body and confidential annex for one chamber. The public body never holds
    what `disclosure_for(classification)` keeps out of it."""
    disclosure = disclosure_for(facts.get("classification") or Classification.ZAAKVERTROUWELIJK)
    kind = facts["kind"]
    executed_on = date_nl(_as_date(facts["executed_on"]))
    company = _company(facts, disclosure)
    annex_note = " (zie de vertrouwelijke bijlage)" if disclosure.needs_annex else ""

    paragraphs = []
    intro = _references_sentence(facts)
    if intro:
        paragraphs.append(intro)
    paragraphs.append(f"Op {executed_on} {WHAT_WAS_DONE[kind].format(company=company)}{annex_note}. "
                      f"De transactie is uitgevoerd door {facts.get('fund_manager') or 'Invest-NL'}, dat de "
                      "voorziening beheert in een Special Purpose Vehicle, waarvan het vermogen en risico zijn "
                      "gescheiden van de andere activiteiten.")
    if disclosure.amounts:
        paragraphs.append(_amount_sentence(facts))
    else:
        paragraphs.append("Het bedrag van de transactie en het belang van de Staat zijn vanwege de rubricering "
                          "van de casus opgenomen in de vertrouwelijke bijlage.")

    if kind in INVESTMENTS:
        decided = (f"op {date_nl(_as_date(facts['cabinet_decision_date']))} "
                   if facts.get("cabinet_decision_date") else "")
        paragraphs.append(
            f"Aanleiding was {_threat(facts, disclosure)}, die een bedreiging vormde voor de nationale veiligheid. "
            "Aan beide voorwaarden van het afwegingskader was voldaan: 1) de voorziene investering of overname "
            "heeft risico’s voor de nationale veiligheid tot gevolg, en 2) er is sprake van directe of indirecte "
            "invloed van een statelijke actor. Mijn ministerie heeft de risico-inschatting opgesteld in "
            f"afstemming met de betrokken departementen. Op basis daarvan heeft het kabinet {decided}besloten tot inzet "
            "van de voorziening. Bestaande instrumenten en financiering in de markt bleken ontoereikend om de risico’s "
            "te ondervangen; de voorziening is ingezet als laatste redmiddel.")
        paragraphs.append(
            "Zodra de risico’s voor de nationale veiligheid tot op een beheersbaar niveau zijn gebracht, zal de "
            "Staat het belang in de onderneming afbouwen. Daarbij wordt rekening gehouden met het behoud van de "
            "investeringswaarde en het beoogde revolverende karakter van de voorziening.")
    else:
        rest = ("Het belang is hiermee volledig afgebouwd."
                if kind == TransactionKind.FULL_EXIT else
                "De Staat blijft het resterende belang afbouwen zodra dat verantwoord kan, met behoud van de "
                "investeringswaarde.")
        paragraphs.append(
            f"{_exit_ground(facts)} {rest} "
            "De opbrengst vloeit terug naar de voorziening, in lijn met haar revolverende karakter; liquide "
            f"middelen boven het maximum van {euro(facts.get('liquid_cap') or LIQUID_CAP)} vloeien terug naar "
            "de staatskas.")

    if disclosure.amounts:
        paragraphs.append(_fund_sentence(facts))
    paragraphs.append("Over de transacties van de voorziening wordt daarnaast gerapporteerd in het jaarverslag van "
                      f"{facts.get('fund_manager') or 'Invest-NL'}. De voorziening wordt twee jaar na de start "
                      "geëvalueerd.")

    annex = compose_annex(facts, disclosure) if disclosure.needs_annex else ""
    return ComposedLetter(subject=SUBJECTS[kind], body="\n\n".join(paragraphs), confidential_annex=annex)


def compose_annex(facts: dict, disclosure: Disclosure) -> str:
    level = Classification(facts.get("classification") or Classification.ZAAKVERTROUWELIJK).label
    lines = [f"VERTROUWELIJKE BIJLAGE – {str(level).upper()} – NIET OPENBAAR",
             "Deze bijlage hoort bij de brief over de transactie van "
             f"{date_nl(_as_date(facts['executed_on']))} en wordt vertrouwelijk ter inzage gelegd."]
    details = []
    if not disclosure.company:
        details.append(f"Onderneming: {facts['company_name']}"
                       + (f" (KvK {facts['company_kvk']})" if facts.get("company_kvk") else ""))
        if facts.get("company_sector"):
            details.append(f"Sector: {facts['company_sector']}")
    if not disclosure.country and facts.get("acquirer_country"):
        details.append(f"Land van de beoogde investeerder of overnemer: {country_name(facts['acquirer_country'])}")
    if not disclosure.amounts:
        details.append(_amount_sentence(facts))
        details.append(_fund_sentence(facts))
    return "\n\n".join(lines + details)
