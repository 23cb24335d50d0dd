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


# ---------------------------------------------------------------------------------------------
# Documents (issue 6): a throw-away storage and small files of every accepted kind
# ---------------------------------------------------------------------------------------------
def use_tmp_document_storage(settings, tmp_path):
    """Point default_storage at a fresh directory for one test."""
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                     "OPTIONS": {"location": str(tmp_path / "documents")}}}
    return tmp_path / "documents"


def sample_pdf(text: str = "Memo") -> bytes:
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def sample_docx(*paragraphs: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    for paragraph in paragraphs or ("Memo",):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sample_xlsx() -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Waardering"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sample_odt() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return buffer.getvalue()


def sample_eml(body: str = "Zie bijlage.", subject: str = "Signaal") -> bytes:
    return (f"From: analist@aivd.example\r\nTo: casus@minez.example\r\nSubject: {subject}\r\n"
            f"Date: Mon, 2 Jun 2025 10:00:00 +0200\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def sample_msg() -> bytes:
    """Enough of an Outlook .msg for content detection: OLE2 magic and a __substg1.0_ stream name."""
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "__substg1.0_0037001F".encode("utf-16-le")
            + b"\x00" * 64)


SAMPLE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
SAMPLE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
SAMPLE_GIF = b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00;"


# ---------------------------------------------------------------------------------------------
# Web UI: people with a second factor
# ---------------------------------------------------------------------------------------------
def give_second_factor(user, *, backup_codes=("87654321",)):
    """A confirmed authenticator (so no enrolment is asked) and static backup codes to log in with."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, name="authenticator", defaults={"confirmed": True})
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    for code in backup_codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def web_session(client, user):
    """Log `user` in to the web UI with a verified second factor, as the login view leaves the session
    (quicker than `web_login`, which goes through the login form)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = give_second_factor(user, backup_codes=())
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
