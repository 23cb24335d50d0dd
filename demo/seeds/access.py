"""Demo users, one per role, with their second factor printed (only in BEV_DEMO_MODE).

Outside demo mode the same users are created (other apps' demo data refers to them) but nobody
can log in as them: no known password, no backup codes. Production refuses BEV_DEMO_MODE
(config.settings.production), so the demo can never weaken it."""

import base64

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import User
from access.roles import Role
from core.classification import Classification

DEMO_PASSWORD = "bev-demo-wachtwoord"
DEMO_USERS = [
    # username, first, last, role, clearance, organisation
    ("casus", "Carla", "Casus", Role.CASE_OFFICER, Classification.GEHEIM, "EZ"),
    ("casus2", "Chris", "Collega", Role.CASE_OFFICER, Classification.GEHEIM, "EZ"),
    ("risico", "Rik", "Risico", Role.RISK_ASSESSOR, Classification.GEHEIM, "EZ"),
    ("risico2", "Roos", "Reviewer", Role.RISK_ASSESSOR, Classification.GEHEIM, "EZ"),
    ("adviseur", "Anna", "Adviseur", Role.DEPARTMENT_ADVISOR, Classification.GEHEIM, "JenV"),
    ("kabinet", "Kees", "Kabinet", Role.CABINET_SECRETARIAT, Classification.GEHEIM, "AZ"),
    ("kabinet2", "Karin", "Kabinet", Role.CABINET_SECRETARIAT, Classification.GEHEIM, "AZ"),
    ("fonds", "Femke", "Fonds", Role.FUND_MANAGER, Classification.GEHEIM, "Invest-NL"),
    ("fonds2", "Frank", "Fonds", Role.FUND_MANAGER, Classification.GEHEIM, "Invest-NL"),
    ("kamer", "Karel", "Kamerbrief", Role.PARLIAMENTARY_LIAISON, Classification.GEHEIM, "EZ"),
    ("kamer2", "Kim", "Kamerbrief", Role.PARLIAMENTARY_LIAISON, Classification.GEHEIM, "EZ"),
    ("auditor", "Aart", "Auditor", Role.AUDITOR, Classification.GEHEIM, "ADR"),
    ("beheer", "Bea", "Beheer", Role.ADMINISTRATOR, Classification.GEHEIM, "EZ"),
    ("stagiair", "Sam", "Stagiair", Role.CASE_OFFICER, Classification.INTERN, "EZ"),
]
DEMO_BACKUP_CODES = ["11111111", "22222222", "33333333", "44444444", "55555555", "66666666"]


def seed(*, users: dict, stdout) -> None:
    # The demo's one public password hashed once for every demo person: PBKDF2 at Django's iterations
    # takes about half a second per hash, and a salt of each person's own protects nothing here.
    demo_password = make_password(DEMO_PASSWORD) if settings.BEV_DEMO_MODE else None
    for username, first, last, role, clearance, organisation in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "clearance": clearance,
                "organisation": organisation,
                "email": f"{username}@demo.bev.example",
                "is_staff": role == Role.ADMINISTRATOR or role == Role.AUDITOR,
            },
        )
        if created:
            if settings.BEV_DEMO_MODE:
                user.password = demo_password
            else:
                user.set_unusable_password()
            user.save()
        users[username] = user
        totp, _ = TOTPDevice.objects.get_or_create(user=user, name="demo-totp", defaults={"confirmed": True})
        static, _ = StaticDevice.objects.get_or_create(user=user, name="demo-backup", defaults={"confirmed": True})
        if settings.BEV_DEMO_MODE:
            # Demo only: the same backup codes for everyone, renewed on every seed, so a newcomer can log in.
            static.token_set.all().delete()
            StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in DEMO_BACKUP_CODES * 5])
        users[f"{username}__totp_secret"] = base64.b32encode(bytes.fromhex(totp.key)).decode()
