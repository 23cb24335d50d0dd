"""Demo cases built from the 2023 letter's own examples (scope grounds, categories, instruments).

Idempotent: a case is recognised by its title. Later-stage demo cases are moved along by the
other apps' demo modules (assessments, bev), through the same services users use.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from access.roles import Role
from cases import services
from cases.models import Case
from core.classification import Classification

# (title, overrides, team usernames)
DEMO_CASES = [
    (
        "Overname toeleverancier lithografie-optiek",
        {
            "summary": "Een partij die handelt op aanwijzing van een statelijke actor wil een meerderheidsbelang nemen in "
            "een essentiële toeleverancier van een bedrijf in sensitieve technologie.",
            "urgency": "immediate",
            "classification": Classification.GEHEIM,
            "target_name": "Optica Precisie Nederland B.V.",
            "target_kvk_number": "58123456",
            "target_sector": "Halfgeleiders / optiek",
            "categories": ["sensitive_technology", "highly_sensitive_technology"],
            "acquirer_name": "Eastern Capital Investment Co.",
            "acquirer_country": "CN",
            "state_actor_status": "on_instructions",
            "intended_stake_percent": Decimal("60.00"),
            "transaction_value": Decimal("42000000.00"),
            "scope_grounds": ["essential_supplier"],
            "existing_instruments_considered": ["wet_vifo"],
            "existing_instruments_shortfall": "Toeleverancier valt (nog) niet binnen het toepassingsbereik van de Wet vifo.",
            "market_financing_explored": True,
            "market_financing_notes": "Twee private investeerders haakten af binnen de termijn van de transactie.",
        },
        "risk_assessment",
    ),
    (
        "Belang in leverancier drinkwatersensoren",
        {
            "summary": "Signaal van het ministerie van IenW over een bod op een leverancier van sensoren voor de "
            "drinkwatervoorziening.",
            "classification": Classification.VERTROUWELIJK,
            "target_name": "AquaSense Systems B.V.",
            "target_kvk_number": "30456789",
            "target_sector": "Water",
            "categories": ["vital_provider"],
            "acquirer_name": "Northern Utilities Holding",
            "acquirer_country": "RU",
            "state_actor_status": "state_actor",
            "intended_stake_percent": Decimal("35.00"),
            "transaction_value": Decimal("12500000.00"),
            "scope_grounds": ["not_in_screening"],
            "existing_instruments_considered": ["wet_vifo"],
            "existing_instruments_shortfall": "De onderneming is (nog) niet als vitale aanbieder aangemerkt.",
            "market_financing_explored": False,
            "signal_source": "ministry",
        },
        "intake",
    ),
    (
        "Scale-up kwantumsensoren na toetsingsbesluit",
        {
            "summary": "Financieringsronde van een strategische scale-up kan door een toetsingsbesluit op grond van de "
            "Wet vifo niet doorgaan; het bedrijf dreigt in de problemen te komen.",
            "classification": Classification.CONFIDENTIEEL,
            "target_name": "QuantaSense B.V.",
            "target_kvk_number": "71234567",
            "target_sector": "Kwantumtechnologie",
            "categories": ["highly_sensitive_technology", "defence_intelligence_supplier"],
            "acquirer_name": "Pacific Frontier Fund",
            "acquirer_country": "CN",
            "state_actor_status": "unknown",
            "transaction_value": Decimal("8000000.00"),
            "scope_grounds": ["blocked_startup_financing"],
            "signal_source": "wet_vifo_bti",
        },
        "signal",
    ),
    (
        "Historische deelneming datacenterbeheerder",
        {
            "summary": "Een bestaande aandeelhouder sinds 2019 wil uittreden; de transactie van vóór 8 september 2020 zou "
            "nu onder de Wet vifo vallen.",
            "classification": Classification.ZAAKVERTROUWELIJK,
            "target_name": "Polder Datacenters N.V.",
            "target_kvk_number": "24567890",
            "target_sector": "Dataverkeer",
            "categories": ["wbni", "vital_provider"],
            "acquirer_name": "Gulf Sovereign Digital",
            "acquirer_country": "AE",
            "state_actor_status": "state_actor",
            "intended_stake_percent": Decimal("25.00"),
            "transaction_value": Decimal("30000000.00"),
            "scope_grounds": ["historical_transaction"],
            "existing_instruments_considered": ["wet_vifo", "telecommunicatiewet"],
            "existing_instruments_shortfall": "De historische transactie valt niet onder de toetsing.",
            "market_financing_explored": True,
            "signal_source": "intelligence",
            "historical_transaction_date": date(2019, 6, 12),
        },
        "intake",
    ),
]

TEAM = {
    "casus": Role.CASE_OFFICER,
    "casus2": Role.CASE_OFFICER,
    "risico": Role.RISK_ASSESSOR,
    "risico2": Role.RISK_ASSESSOR,
    "adviseur": Role.DEPARTMENT_ADVISOR,
    "kabinet": Role.CABINET_SECRETARIAT,
    "kabinet2": Role.CABINET_SECRETARIAT,
    "fonds": Role.FUND_MANAGER,
    "fonds2": Role.FUND_MANAGER,
    "kamer": Role.PARLIAMENTARY_LIAISON,
    "kamer2": Role.PARLIAMENTARY_LIAISON,
    "auditor": Role.AUDITOR,
}

_ORDER = ["signal", "intake", "risk_assessment"]


def _base_data(overrides: dict) -> dict:
    now = timezone.now()
    data = {
        "signal_source": "wet_vifo_bti",
        "signal_received_at": now - timedelta(days=3),
        "urgency": "normal",
        "intended_control": "",
        "expected_closing_date": timezone.localdate() + timedelta(days=45),
    }
    data.update(overrides)
    return data


def seed(*, users: dict, stdout) -> None:
    officer = users["casus"]
    for title, overrides, target_state in DEMO_CASES:
        case = Case.objects.filter(title=title).first()
        if case is None:
            case = services.case_create(user=officer, data={"title": title, **_base_data(overrides)})
            for username, role in TEAM.items():
                if username != "casus" and username in users:
                    services.case_team_add(user=officer, case=case, member=users[username], role=role)
            case.refresh_from_db()
            steps = {"intake": ["start_intake"], "risk_assessment": ["start_intake", "start_assessment"]}
            for name in steps.get(target_state, []):
                services.case_transition(user=officer, case=case, name=name)
        users.setdefault("__cases", {})[title] = case
    stdout.write(f"  cases: {Case.objects.count()} in the database")
