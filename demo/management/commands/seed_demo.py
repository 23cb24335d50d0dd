"""Idempotent demo data: a user per role and cases built from the letter's figures.

Each part of the service has a module in `demo.seeds` with `seed(*, users, stdout)`; they run in the
order below. The demo app is installed only by the local (and test) settings, never in production.
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from audit.context import acting

SEED_ORDER = ["access", "cases", "assessments", "bev", "parliament", "letter_cases"]


def _counts() -> dict[str, int]:
    from access.models import User
    from bev.models import JournalEntry
    from cases.models import Case
    from parliament.models import LetterDraft

    return {
        "users": User.objects.count(),
        "cases": Case.objects.count(),
        "ledger entries": JournalEntry.objects.count(),
        "letters": LetterDraft.objects.count(),
    }


class Command(BaseCommand):
    help = "Create demo users (one per role) and demo cases; safe to run again."

    def handle(self, *args, **options):
        users: dict = {}
        before = _counts()
        with acting(channel="command"), transaction.atomic():
            for app in SEED_ORDER:
                module = import_module(f"demo.seeds.{app}")
                module.seed(users=users, stdout=self.stdout)
        from demo.seeds.access import DEMO_BACKUP_CODES, DEMO_PASSWORD, DEMO_USERS

        added = {name: count - before[name] for name, count in _counts().items() if count != before[name]}
        if added:
            self.stdout.write("Added: " + ", ".join(f"{count} {name}" for name, count in added.items()) + ".")
        else:
            # `make run` again on the same database (var/db.sqlite3): what people did in it stays.
            self.stdout.write(
                "The demo data was already there: no users, cases, bookings or letters added (what was done "
                "in the demo stays)"
                + ("; the demo backup codes are renewed" if settings.BEV_DEMO_MODE else "")
                + ". To start afresh: delete var/ and run again."
            )

        self.stdout.write(self.style.SUCCESS("\nDemo ready. Log in at /login/ with any of these users:"))
        self.stdout.write(f"  password (all): {DEMO_PASSWORD}")
        if settings.BEV_DEMO_MODE:
            self.stdout.write(
                f"  second factor: any backup code of {', '.join(DEMO_BACKUP_CODES[:3])} "
                "(demo only), or the TOTP secret below in an authenticator app"
            )
        for username, first, last, role, clearance, org in DEMO_USERS:
            secret = users.get(f"{username}__totp_secret", "") if settings.BEV_DEMO_MODE else "(hidden)"
            self.stdout.write(f"  {username:<10} {role.label:<34} clearance {clearance:<12} TOTP {secret}")
