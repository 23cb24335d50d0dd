"""The letter's vocabulary for a case, each list in one place.

Source: Kamerbrief "Beschermingsvoorziening Economische Veiligheid" (2023), in shared/reference/.
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from access.roles import Role


class State(models.TextChoices):
    """The lifecycle of a case (the transitions are declared on `cases.models.Case`)."""

    SIGNAL = "signal", _("Signaal")
    INTAKE = "intake", _("Intake")
    RISK_ASSESSMENT = "risk_assessment", _("Risico-inschatting")
    CABINET_DECISION = "cabinet_decision", _("Kabinetsbesluit")
    INVESTMENT_PREPARATION = "investment_preparation", _("Voorbereiding investering")
    INVESTED = "invested", _("Geïnvesteerd")
    MONITORING = "monitoring", _("Monitoring")
    EXIT = "exit", _("Exit")
    # A follow-on investment beyond what the kabinetsbesluit allowed goes back to the cabinet.
    FOLLOW_ON_DECISION = "follow_on_decision", _("Kabinetsbesluit vervolginvestering")
    CLOSED = "closed", _("Afgesloten")
    NOT_ADMISSIBLE = "not_admissible", _("Niet ontvankelijk")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    NOT_DEPLOYED = "not_deployed", _("Geen inzet")


# The lifecycle's main line from the signal to the exit, in order: the stages an open case passes
# through (the evaluation report's, parliament.reports); the lifecycle diagram draws them top to
# bottom and then the closed case (cases.lifecycle_diagram).
MAIN_STAGES = [
    State.SIGNAL,
    State.INTAKE,
    State.RISK_ASSESSMENT,
    State.CABINET_DECISION,
    State.INVESTMENT_PREPARATION,
    State.INVESTED,
    State.MONITORING,
    State.EXIT,
]
OPEN_STATES = [*MAIN_STAGES, State.FOLLOW_ON_DECISION]
END_STATES = [State.CLOSED, State.NOT_ADMISSIBLE, State.WITHDRAWN, State.NOT_DEPLOYED]
# An ended case's team stays as it was when the case ended: the record of who worked on it. Only the
# read-only oversight role still joins or leaves it: the letter's evaluation ("Dit instrument zal twee
# jaar na inwerkingtreding worden geëvalueerd", "Evaluatieparagraaf") reads ended cases, and an
# auditor sees a case only as a member of its team (README, Roles). The exception is the service's
# own reading (cases.services._require_team_open).
ENDED_CASE_TEAM_ROLES = (Role.AUDITOR,)
# States in which a kabinetsbesluit is recorded.
DECISION_STATES = [State.CABINET_DECISION, State.FOLLOW_ON_DECISION]
# States in which the State holds a stake, and a kabinetsbesluit may order its sale.
SALE_ORDER_STATES = (State.INVESTED, State.MONITORING, State.EXIT)
# "Withdrawn (from any state before invested)".
WITHDRAWABLE_STATES = [
    State.SIGNAL,
    State.INTAKE,
    State.RISK_ASSESSMENT,
    State.CABINET_DECISION,
    State.INVESTMENT_PREPARATION,
]


class StrategicCategory(models.TextChoices):
    """Companies of strategic importance that at least qualify (letter, "Noodzaak": "aanbieders
    van vitale processen, ondernemingen actief in sensitieve en zeer sensitieve technologie,
    ondernemingen waar de Wbni op van toepassing is, en essentiële leveranciers voor Defensie en
    de Inlichtingen- en Veiligheidsdiensten")."""

    VITAL_PROVIDER = "vital_provider", _("Aanbieder van vitale processen")
    SENSITIVE_TECHNOLOGY = "sensitive_technology", _("Sensitieve technologie")
    HIGHLY_SENSITIVE_TECHNOLOGY = "highly_sensitive_technology", _("Zeer sensitieve technologie")
    WBNI = "wbni", _("Onder de Wbni")
    DEFENCE_INTELLIGENCE_SUPPLIER = (
        "defence_intelligence_supplier",
        _("Essentiële leverancier Defensie / inlichtingen- en veiligheidsdiensten"),
    )


class ScopeGround(models.TextChoices):
    """The four cases where the provision steps in (letter, "Reikwijdte van de
    Beschermingsvoorziening Economische Veiligheid")."""

    NOT_IN_SCREENING = "not_in_screening", _("Onderneming valt (nog) niet onder het stelsel van investeringstoetsing")
    ESSENTIAL_SUPPLIER = (
        "essential_supplier",
        _(
            "Essentiële toeleverancier van vitale aanbieders of sensitieve-technologiebedrijven, (nog) niet binnen de toetsing"
        ),
    )
    HISTORICAL_TRANSACTION = (
        "historical_transaction",
        _("Historische transactie van vóór 8 september 2020 die nu onder de Wet vifo zou vallen"),
    )
    BLOCKED_STARTUP_FINANCING = (
        "blocked_startup_financing",
        _("Financiering van strategische start-up/scale-up onmogelijk door toetsingsbesluit Wet vifo"),
    )


# Scope ground 3 covers "Historische transacties van vóór 8 september 2020" (letter, "Reikwijdte"):
# a transaction on or after this date is not historical in the letter's sense.
HISTORICAL_TRANSACTION_BEFORE = date(2020, 9, 8)
# Scope ground 4 rests on "een toetsingsbesluit op grond van de Wet vifo"; the letter calls the Wet
# vifo "recent in werking getreden" (footnote 8): in force since 1 June 2023 (DOMAIN.md: "in force
# since June 2023"), so no decision under it predates that day.
WET_VIFO_IN_FORCE_SINCE = date(2023, 6, 1)

# The facts the intake records for each scope ground that needs more than the ground itself.
SCOPE_GROUND_FACTS: dict[str, tuple[str, ...]] = {
    ScopeGround.HISTORICAL_TRANSACTION: ("historical_transaction_date",),
    ScopeGround.BLOCKED_STARTUP_FINANCING: (
        "vifo_decision_date",
        "vifo_decision_reference",
        "vifo_blocked_financing",
        "vifo_insolvency_threat",
        "vifo_mitigation_shortfall",
    ),
}


class ExistingInstrument(models.TextChoices):
    """The screening regime the provision complements (letter, footnote 8)."""

    TELECOMMUNICATIEWET = "telecommunicatiewet", _("Telecommunicatiewet")
    ELEKTRICITEITSWET = "elektriciteitswet", _("Elektriciteitswet 1998")
    GASWET = "gaswet", _("Gaswet")
    WET_VIFO = "wet_vifo", _("Wet vifo (veiligheidstoets investeringen, fusies en overnames)")
    DEFENCE_SCREENING = "defence_screening", _("Investeringstoets defensie-industrie (in voorbereiding)")
    EU_INSTRUMENTS = "eu_instruments", _("Europese instrumenten")
    OTHER = "other", _("Anders")


class SignalSource(models.TextChoices):
    WET_VIFO_BTI = "wet_vifo_bti", _("Wet vifo-melding / BTI")
    INTELLIGENCE = "intelligence", _("Inlichtingen- en veiligheidsdiensten")
    MINISTRY = "ministry", _("Ministerie")
    COMPANY = "company", _("De onderneming zelf")
    INVEST_NL = "invest_nl", _("Invest-NL")
    OTHER = "other", _("Anders")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normaal")
    IMMEDIATE = "immediate", _("Per direct")


class StateActorStatus(models.TextChoices):
    """Condition 2 of the afwegingskader is about "directe of indirecte invloed van een statelijke actor"."""

    STATE_ACTOR = "state_actor", _("Statelijke actor")
    ON_INSTRUCTIONS = "on_instructions", _("Handelt op aanwijzing van een statelijke actor")
    NOT_STATE_ACTOR = "not_state_actor", _("Geen statelijke actor")
    UNKNOWN = "unknown", _("Nog onbekend")


class EventKind(models.TextChoices):
    CREATED = "created", _("Aangemaakt")
    UPDATED = "updated", _("Gewijzigd")
    TRANSITION = "transition", _("Statusovergang")
    TEAM = "team", _("Team gewijzigd")
    CABINET_DECISION = "cabinet_decision", _("Kabinetsbesluit")
    SUSPENDED = "suspended", _("Termijn opgeschort")
    RESUMED = "resumed", _("Termijn hervat")
    OVERDUE = "overdue", _("Termijn verstreken")
    NOTE = "note", _("Notitie")


# Stage deadlines (working norms, not rules of the letter, which only says "per direct" when
# needed): days per stage, shorter for urgent cases; never later than the threatening
# transaction's expected closing date.
STAGE_DAYS: dict[str, dict[str, int]] = {
    State.SIGNAL: {Urgency.NORMAL: 5, Urgency.IMMEDIATE: 1},
    State.INTAKE: {Urgency.NORMAL: 10, Urgency.IMMEDIATE: 2},
    State.RISK_ASSESSMENT: {Urgency.NORMAL: 28, Urgency.IMMEDIATE: 5},
    State.CABINET_DECISION: {Urgency.NORMAL: 14, Urgency.IMMEDIATE: 2},
    State.FOLLOW_ON_DECISION: {Urgency.NORMAL: 14, Urgency.IMMEDIATE: 2},
    State.INVESTMENT_PREPARATION: {Urgency.NORMAL: 42, Urgency.IMMEDIATE: 7},
}


class Instrument(models.TextChoices):
    """The only instruments the SPV uses: "de financiering zal plaatsvinden in de vorm van aandelen,
    in aandelen converteerbare leningen of leningen met warrants, waarbij aandelen als beloning
    worden toegekend" (letter, "Invest-NL als beheerder")."""

    EQUITY = "equity", _("Aandelen")
    CONVERTIBLE_LOAN = "convertible_loan", _("In aandelen converteerbare lening")
    LOAN_WITH_WARRANTS = "loan_with_warrants", _("Lening met warrants")


# The facts of a case as the case officer files them, in the order the form and the API give them:
# the signal, the target and the acquirer, the letter's scope grounds ("Reikwijdte"; the facts of
# grounds 3 and 4 last). The form, the API and the services' editable fields all start from this.
CASE_FACT_FIELDS = (
    "title",
    "summary",
    "classification",
    "signal_source",
    "signal_received_at",
    "urgency",
    "target_name",
    "target_kvk_number",
    "target_sector",
    "categories",
    "acquirer_name",
    "acquirer_country",
    "state_actor_status",
    "intended_stake_percent",
    "intended_control",
    "transaction_value",
    "expected_closing_date",
    "scope_grounds",
    "existing_instruments_considered",
    "existing_instruments_shortfall",
    "market_financing_explored",
    "market_financing_notes",
    "historical_transaction_date",
    "vifo_decision_date",
    "vifo_decision_reference",
    "vifo_blocked_financing",
    "vifo_insolvency_threat",
    "vifo_mitigation_shortfall",
)


# What each step of the lifecycle does, for who takes it (the API's `description` of a transition).
# The state machine (cases/models.py) keeps its own docstrings for maintainers; these are the users'.
TRANSITION_DESCRIPTIONS = {
    "start_intake": _("Een casusbehandelaar neemt het signaal in behandeling (intake)."),
    "fast_track_to_assessment": _(
        "Een casus „per direct” waarvan de intakegegevens bekend zijn, gaat meteen naar de risico-inschatting."
    ),
    "reject_not_admissible": _("Buiten de reikwijdte van de brief, of het bestaande instrumentarium volstaat."),
    "start_assessment": _("EZK start de risico-inschatting met het afwegingskader."),
    "conclude_not_deployed": _("De goedgekeurde risico-inschatting concludeert dat de voorziening niet wordt ingezet."),
    "submit_to_cabinet": _(
        "De goedgekeurde risico-inschatting (beide voorwaarden vervuld, elke toets doorstaan) gaat naar de ministerraad."
    ),
    "record_cabinet_declined": _("Het kabinet heeft besloten de voorziening niet in te zetten."),
    "start_investment_preparation": _(
        "Het kabinet heeft besloten tot inzet; Invest-NL werkt het investeringsvoorstel uit."
    ),
    "mark_invested": _("De eerste uitbetaling in een positie van de SPV is gedaan (het fonds zet de casus hier)."),
    "undo_invested": _(
        "Elke uitbetaling in de posities is tegengeboekt: de Staat houdt niets en de casus is terug in de "
        "voorbereiding (het fonds zet de casus hier)."
    ),
    "start_monitoring": _("Het belang wordt gehouden; het risico en de voorwaarden van het kabinet worden gevolgd."),
    "request_follow_on_decision": _(
        "Een vervolginvestering boven wat het kabinetsbesluit toestaat vraagt een nieuw besluit: de casus gaat terug "
        "naar het kabinet; de posities blijven en er wordt intussen niets geïnvesteerd."
    ),
    "resume_after_follow_on_decision": _(
        "Het kabinet heeft over de vervolginvestering besloten: een besluit tot inzet bepaalt nu het geld (het laatst "
        "bevestigde); na een afwijzing blijft het eerdere besluit gelden."
    ),
    "start_exit": _(
        "Een goedgekeurde risicoheroverweging vond het risico weer beheersbaar, of het kabinet besloot tot verkoop: "
        "het belang wordt afgebouwd."
    ),
    "close": _("Elke positie is volledig afgebouwd."),
    "withdraw": _(
        "De dreiging is weggevallen (de overnemer trok zich terug, de onderneming vond andere financiering, …)."
    ),
}
