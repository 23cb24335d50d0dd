"""Factories that build objects through the services, so every rule holds."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from access.models import User
from access.roles import Role
from core.classification import Classification


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.bev.example")
    role = Role.CASE_OFFICER
    clearance = Classification.GEHEIM
    password = factory.django.Password("correct-horse-battery")


def case_data(**overrides) -> dict:
    """A signal built from the 2023 letter's own example: a sensitive-technology supplier."""
    data = {
        "title": "Voorgenomen overname chipleverancier",
        "summary": "Signaal over een voorgenomen overname door een partij op aanwijzing van een statelijke actor.",
        "classification": Classification.VERTROUWELIJK,
        "signal_source": "wet_vifo_bti",
        "signal_received_at": timezone.now() - timedelta(days=1),
        "urgency": "normal",
        "target_name": "Voorbeeld Photonics B.V.",
        "target_kvk_number": "12345678",
        "target_sector": "Halfgeleiders",
        "categories": ["sensitive_technology", "defence_intelligence_supplier"],
        "acquirer_name": "Example State Holdings Ltd.",
        "acquirer_country": "CN",
        "state_actor_status": "on_instructions",
        "intended_stake_percent": Decimal("51.00"),
        "intended_control": "Meerderheid van de stemrechten",
        "transaction_value": Decimal("25000000.00"),
        "expected_closing_date": (timezone.localdate() + timedelta(days=60)),
        "scope_grounds": ["essential_supplier"],
        "existing_instruments_considered": ["wet_vifo"],
        "existing_instruments_shortfall": "Toeleverancier valt (nog) niet onder de Wet vifo.",
        "market_financing_explored": True,
        "market_financing_notes": "Geen private partij bereid binnen de termijn.",
    }
    data.update(overrides)
    return data


def make_case(*, officer, team: dict | None = None, **overrides):
    """A case created by `officer` with `team` ({user: role}) added."""
    from cases.services import case_create, case_team_add

    case = case_create(user=officer, data=case_data(**overrides))
    for member, role in (team or {}).items():
        case_team_add(user=officer, case=case, member=member, role=role)
    case.refresh_from_db()
    return case


# --- second factor and web login (security) -----------------------------------------------------
def give_totp(user):
    """A confirmed TOTP device for `user` (what enrolment leaves behind)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="test-totp", confirmed=True)


def totp_code(device) -> str:
    """The code the authenticator app shows now."""
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"


def web_login(client, user, *, password: str = "correct-horse-battery") -> None:
    """Log `client` in through the login form with a fresh TOTP device: an OTP-verified web session."""
    device = give_totp(user)
    response = client.post("/login/", {"username": user.username, "password": password,
                                       "otp_token": totp_code(device)})
    assert response.status_code == 302, response.content.decode()[:2000]
