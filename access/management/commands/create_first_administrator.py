"""Create the first administrator of a fresh deployment.

After this, people are managed in the admin by administrators (access.admin, audited there). So
this command refuses when any administrator exists: it is a way in for an empty database only,
never a second door next to the admin.

The password is read from the environment variable BEV_FIRST_ADMIN_PASSWORD or, on a terminal,
from a prompt (asked twice, not echoed). There is deliberately no --password option: arguments
end up in shell histories, process lists and container logs.

The administrator gets no second factor here: nobody but that person may ever see the TOTP secret.
A person without a confirmed authenticator who logs in with the password is sent to enrolment,
without a session (access.forms.LoginForm, access.views.enrol_view), and the admin itself requires
a verified second factor (django_otp's OTPAdminSite). So the first login enrols the authenticator.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from access.models import User
from access.roles import Role
from access.services import AUDITED_FLAG, user_snapshot
from audit.context import acting
from audit.models import AuditRecord
from audit.services import audit_log, diff
from core.classification import Classification

PASSWORD_ENV = "BEV_FIRST_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create the first administrator (role 'beheerder', admin access); refused when an administrator "
        f"exists. The password comes from ${PASSWORD_ENV} or a prompt; the second factor is enrolled at "
        "the first login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--organisation", default="EZ", help="e.g. EZ (default), Invest-NL")
        parser.add_argument(
            "--clearance",
            default=Classification.INTERN,
            choices=Classification.values,
            help="the highest classification this person may see (default: intern); an "
            "administrator manages people and configuration, not case files",
        )

    def handle(self, *args, **options):
        username = options["username"].strip()
        if not username:
            raise CommandError("--username must not be empty.")
        self._refuse_if_an_administrator_exists()
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named {username!r} exists already; choose another username.")

        user = User(
            username=username,
            email=options["email"].strip(),
            first_name=options["first_name"].strip(),
            last_name=options["last_name"].strip(),
            organisation=options["organisation"].strip(),
            role=Role.ADMINISTRATOR,
            clearance=options["clearance"],
            is_staff=True,
            is_superuser=False,
            is_active=True,
        )
        password = self._password()
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise CommandError("The password is refused: " + " ".join(exc.messages)) from None
        user.set_password(password)
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise CommandError(
                "The administrator is refused: "
                + "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
            ) from None

        with acting(channel="command"), transaction.atomic():
            # Two runs at once: the second waits here and then finds the first one's administrator.
            list(User.objects.select_for_update().filter(role=Role.ADMINISTRATOR))
            self._refuse_if_an_administrator_exists()
            setattr(user, AUDITED_FLAG, True)  # recorded below, once, with what the command knows
            user.save()
            audit_log(
                actor=None,
                action=AuditRecord.Action.CREATE,
                event="user.create_first_administrator",
                obj=user,
                object_repr=user.username,
                changes={
                    **diff({}, user_snapshot(user)),
                    "clearance_level": user.clearance,
                    "second_factor": "enrolment at first login",
                    "os_user": _os_user(),
                },
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the administrator {user.username!r}. At the first login (/login/) the password leads to the "
                "enrolment of an authenticator app; the service and the admin open only after that."
            )
        )

    @staticmethod
    def _refuse_if_an_administrator_exists() -> None:
        existing = list(
            User.objects.filter(role=Role.ADMINISTRATOR).order_by("id").values_list("username", flat=True)[:3]
        )
        if existing:
            raise CommandError(
                f"An administrator exists already ({', '.join(existing)}); nothing was changed. "
                "Further accounts are created by an administrator in the admin (/admin/)."
            )

    def _password(self) -> str:
        password = os.environ.get(PASSWORD_ENV)
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: set {PASSWORD_ENV} or run the command on a terminal "
                "(docker compose run, not -T) to be asked for it."
            )
        first = getpass.getpass("Password for the administrator: ")
        second = getpass.getpass("The same password again: ")
        if first != second:
            raise CommandError("The two passwords differ; nothing was changed.")
        if not first:
            raise CommandError("The password must not be empty; nothing was changed.")
        return first


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return "unknown"
