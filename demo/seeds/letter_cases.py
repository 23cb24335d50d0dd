"""The demo's story across the apps, run last by seed_demo (idempotent: each case by its title).

Cases are moved only through the services people use, with the letter's figures: the fund of
€100m (two €50m tranches), stakes taken in equity and with a convertible loan, four eyes at
every approval."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from bev import services as fund
from cases import services as cases
from cases.models import Case
from core.classification import Classification
from demo.seeds.assessments import seed_for_case
from demo.seeds.cases import TEAM, _base_data

STORY = {
    "monitored": (
        "Cyberbeveiliging voor Defensie en inlichtingendiensten",
        {
            "summary": "Een staatsfonds wil via een dochter de meerderheid nemen in een essentiële leverancier van "
            "beveiligde netwerkapparatuur voor Defensie. Het kabinet besloot tot inzet; Invest-NL nam een "
            "minderheidsbelang in aandelen.",
            "classification": Classification.VERTROUWELIJK,
            "target_name": "Schild Netwerkbeveiliging B.V.",
            "target_kvk_number": "60123457",
            "target_sector": "Cyberbeveiliging",
            "categories": ["defence_intelligence_supplier", "wbni"],
            "acquirer_name": "Orient Strategic Holdings",
            "acquirer_country": "CN",
            "state_actor_status": "state_actor",
            "intended_stake_percent": Decimal("51.00"),
            "transaction_value": Decimal("40000000.00"),
            "scope_grounds": ["not_in_screening"],
            "existing_instruments_considered": ["wet_vifo", "defence_screening"],
            "existing_instruments_shortfall": "De investeringstoets voor de defensie-industrie is nog in voorbereiding.",
            "market_financing_explored": True,
            "market_financing_notes": "Geen marktpartij binnen de termijn.",
        },
    ),
    "with_cabinet": (
        "Chipontwerper onder dreiging van overname",
        {
            "summary": "Na een positieve risico-inschatting ligt de casus bij het kabinet; het besluit is vastgelegd en "
            "wacht op bevestiging door een tweede persoon.",
            "classification": Classification.CONFIDENTIEEL,
            "target_name": "Delta Chip Design B.V.",
            "target_kvk_number": "62345678",
            "target_sector": "Halfgeleiderontwerp",
            "categories": ["sensitive_technology"],
            "acquirer_name": "Silicon Dragon Capital",
            "acquirer_country": "HK",
            "state_actor_status": "on_instructions",
            "intended_stake_percent": Decimal("100.00"),
            "transaction_value": Decimal("65000000.00"),
            "scope_grounds": ["blocked_startup_financing"],
            "existing_instruments_considered": ["wet_vifo"],
            "existing_instruments_shortfall": "Het toetsingsbesluit blokkeert de financiering; het bedrijf dreigt om te vallen.",
            "market_financing_explored": True,
            # Scope ground 4's facts (letter, "Reikwijdte").
            "vifo_decision_date": date(2024, 2, 15),
            "vifo_decision_reference": "BTI-2024-0031",
            "vifo_blocked_financing": "Serie C van EUR 65 mln door Silicon Dragon Capital.",
            "vifo_insolvency_threat": "Zonder de serie C is de kas binnen vier maanden op; faillissement dreigt.",
            "vifo_mitigation_shortfall": "Geen andere financier binnen de termijn; voorwaarden bij het besluit niet "
            "toereikend.",
        },
    ),
    "awaiting_disbursement": (
        "Converteerbare lening aan batterijmaterialenbedrijf",
        {
            "summary": "Kabinet besloot tot inzet; Invest-NL stelde een in aandelen converteerbare lening voor, die wacht "
            "op goedkeuring door een tweede fondsbeheerder.",
            "classification": Classification.VERTROUWELIJK,
            "target_name": "Lithium Loop B.V.",
            "target_kvk_number": "63456789",
            "target_sector": "Energietransitie",
            "categories": ["sensitive_technology"],
            "acquirer_name": "Baltic State Minerals",
            "acquirer_country": "RU",
            "state_actor_status": "state_actor",
            "intended_stake_percent": Decimal("40.00"),
            "transaction_value": Decimal("20000000.00"),
            "scope_grounds": ["essential_supplier"],
            "existing_instruments_considered": ["wet_vifo"],
            "existing_instruments_shortfall": "Toeleverancier valt niet onder de toetsing.",
            "market_financing_explored": True,
        },
    ),
}


def _new_case(key: str, users: dict) -> Case | None:
    title, overrides = STORY[key]
    if Case.objects.filter(title=title).exists():
        return None
    officer = users["casus"]
    case = cases.case_create(user=officer, data={"title": title, **_base_data(overrides)})
    for username, role in TEAM.items():
        if username != "casus" and username in users:
            cases.case_team_add(user=officer, case=case, member=users[username], role=role)
    case = Case.objects.get(pk=case.pk)
    cases.case_transition(user=officer, case=case, name="start_intake")
    cases.case_transition(user=officer, case=case, name="start_assessment")
    seed_for_case(case, users=users, approve=True, outcome="deploy")
    cases.case_transition(user=users["risico"], case=case, name="submit_to_cabinet")
    return case


def _cabinet_decides(
    case, users, *, confirm: bool, reference: str, instrument: str = "equity", amount: Decimal = Decimal("12500000.00")
):
    decision = cases.cabinet_decision_record(
        user=users["kabinet"],
        case=case,
        meeting_date=timezone.localdate(),  # the day it came to the cabinet (cases.services: not before)
        reference=reference,
        deploy=True,
        instruments=[instrument],
        max_amount=Decimal("25000000.00"),
        conditions="Zetel in de raad van commissarissen; vetorecht op overdracht van technologie; informatierechten.",
    )
    if confirm:
        cases.cabinet_decision_confirm(user=users["kabinet2"], decision=decision)
        cases.case_transition(
            user=users["kabinet"], case=Case.objects.get(pk=case.pk), name="start_investment_preparation"
        )
        # Invest-NL's investment proposal, approved by EZK's case officer (four eyes across the two).
        proposal = fund.investment_proposal_propose(
            user=users["fonds"],
            case=Case.objects.get(pk=case.pk),
            instrument=instrument,
            amount=amount,
            terms="Minderheidsbelang met zetel in de RvC en vetorecht op overdracht van technologie.",
            valuation_basis="Pre-money waardering op basis van de laatste financieringsronde.",
        )
        fund.investment_proposal_approve(user=users["casus"], proposal=proposal)


def seed(*, users: dict, stdout) -> None:
    # The cases still in risk assessment get a draft: two assessors' scores side by side and an
    # open consultation of JenV (seed_for_case does nothing when there is one already).
    for case in Case.objects.filter(state="risk_assessment"):
        seed_for_case(case, users=users)

    case = _new_case("monitored", users)
    if case is not None:
        _cabinet_decides(case, users, confirm=True, reference="MR-2026-031")
        case = Case.objects.get(pk=case.pk)
        position = fund.position_create(
            user=users["fonds"],
            case=case,
            instrument="equity",
            shares=125000,
            ownership_percent=Decimal("25"),
            notes="Minderheidsbelang met zetel in de RvC.",
        )
        proposal = fund.disbursement_propose(
            user=users["fonds"],
            position=position,
            amount=Decimal("12500000.00"),
            idempotency_key="demo-story-disbursement-1",
            description="Storting voor 25% van de aandelen",
        )
        fund.disbursement_approve(user=users["fonds2"], disbursement=proposal)
        cases.case_transition(user=users["fonds"], case=Case.objects.get(pk=case.pk), name="start_monitoring")
        fund.valuation_record(
            user=users["fonds"],
            position=position,
            valued_on=timezone.localdate(),
            fair_value=Decimal("13750000.00"),
            method="recent_transaction",
            notes="Nieuwe financieringsronde tegen hogere waardering.",
        )

    case = _new_case("with_cabinet", users)
    if case is not None:
        _cabinet_decides(case, users, confirm=False, reference="MR-2026-044")

    case = _new_case("awaiting_disbursement", users)
    if case is not None:
        _cabinet_decides(
            case,
            users,
            confirm=True,
            reference="MR-2026-039",
            instrument="convertible_loan",
            amount=Decimal("8000000.00"),
        )
        case = Case.objects.get(pk=case.pk)
        position = fund.position_create(
            user=users["fonds"],
            case=case,
            instrument="convertible_loan",
            principal=Decimal("8000000.00"),
            interest_rate_percent=Decimal("4.5"),
            maturity_date=date(timezone.localdate().year + 5, 12, 31),
            conversion_terms="Converteerbaar in aandelen tegen de prijs van de volgende "
            "financieringsronde, met 15% korting.",
        )
        fund.disbursement_propose(
            user=users["fonds"],
            position=position,
            amount=Decimal("8000000.00"),
            idempotency_key="demo-story-disbursement-2",
            description="Converteerbare lening, eerste storting",
        )
    stdout.write(f"  story: {Case.objects.count()} cases in all states a newcomer can try")
