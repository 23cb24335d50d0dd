"""Establish the fund (the SPV) on a fresh production database, from the 2023 letter's configuration.

The letter fixes the figures: "De totale omvang van de beschermingsvoorziening bedraagt 100 miljoen
euro", a subordinated loan "met een tranche van 50 miljoen euro in 2023 en van 50 miljoen euro in de
loop van 2024", and "De maximale omvang van de voorziening bedraagt 150 miljoen euro in liquide
middelen". It does not say from which date Invest-NL manages the fund: an official sets that
(--manager-from), and may override every other figure by option.

Idempotent: a second run with the same configuration changes nothing and says so. A run whose
configuration differs from the fund that exists is refused (exit status 1) and names the
differences: an established fund changes only through its services (bev.services.manager_change),
never by establishing it again.

The letterhead and the minister who signs letters to parliament are configuration of this
(parliament) app with validity dates, seeded from the letters by its data migration. This command
seeds them only where that configuration is entirely absent, and reports which rows are valid today.
"""

from __future__ import annotations

import getpass
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from audit.context import acting
from audit.models import AuditRecord
from audit.services import audit_log
from bev.models import Fund
from bev.services import fund_establish
from parliament.models import LetterReference, Minister, MinistryProfile
from parliament.seed_data import seed_configuration

# The 2023 letter (Kamerstuk 36 350 XIII / 30 821, "Financiële omvang").
LETTER_NAME = "Beschermingsvoorziening Economische Veiligheid SPV"
LETTER_POLICY_OWNER = "Ministerie van Economische Zaken en Klimaat"
LETTER_MANAGER = "Invest-NL"
LETTER_COMMITTED_LIMIT = Decimal("100000000.00")
LETTER_LIQUID_CAP = Decimal("150000000.00")
LETTER_TRANCHES = {2023: Decimal("50000000.00"), 2024: Decimal("50000000.00")}

CENT = Decimal("0.01")
_TRANCHE = re.compile(r"^\s*(\d{4})\s*[=:]\s*(\S+)\s*$")


def _money(text: str, *, option: str) -> Decimal:
    """EUR with at most two decimals, parsed from text as a Decimal (never through float)."""
    try:
        amount = Decimal(text.replace("_", ""))
    except InvalidOperation:
        raise CommandError(f"{option}: {text!r} is not an amount in euros (e.g. 50000000.00).") from None
    if not amount.is_finite() or amount <= 0:
        raise CommandError(f"{option}: the amount must be greater than zero, not {text!r}.")
    if amount != amount.quantize(CENT):
        raise CommandError(f"{option}: an amount has at most two decimals (cents), not {text!r}.")
    return amount.quantize(CENT)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--manager-from: {text!r} is not a date (YYYY-MM-DD).") from None


def _tranches(values: list[str] | None) -> dict[int, Decimal]:
    if not values:
        return dict(LETTER_TRANCHES)
    tranches: dict[int, Decimal] = {}
    for value in values:
        match = _TRANCHE.match(value)
        if not match:
            raise CommandError(f"--tranche: {value!r} is not YEAR=AMOUNT (e.g. 2023=50000000.00).")
        year = int(match.group(1))
        if year in tranches:
            raise CommandError(f"--tranche: the year {year} is given twice.")
        tranches[year] = _money(match.group(2), option="--tranche")
    return tranches


class Command(BaseCommand):
    help = (
        "Establish the BEV fund (the SPV at the fund manager) with the 2023 letter's limits, tranche "
        "schedule and first manager. Safe to run again: an existing, identical fund is left alone; "
        "a different one is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--manager-from",
            required=True,
            metavar="YYYY-MM-DD",
            help="the date from which the fund manager manages the fund (not in the letter: an official sets it)",
        )
        parser.add_argument("--manager", default=LETTER_MANAGER, help=f"the fund manager (default: {LETTER_MANAGER})")
        parser.add_argument("--name", default=LETTER_NAME, help=f"the fund's name (default: {LETTER_NAME})")
        parser.add_argument(
            "--policy-owner",
            default=LETTER_POLICY_OWNER,
            help=f"the ministry lending to the fund (default: {LETTER_POLICY_OWNER})",
        )
        parser.add_argument(
            "--committed-limit",
            default=str(LETTER_COMMITTED_LIMIT),
            metavar="EUR",
            help=f"the fund's size (default: {LETTER_COMMITTED_LIMIT})",
        )
        parser.add_argument(
            "--liquid-cap",
            default=str(LETTER_LIQUID_CAP),
            metavar="EUR",
            help=f"the maximum of liquid assets; above it money flows back to the treasury "
            f"(default: {LETTER_LIQUID_CAP})",
        )
        parser.add_argument(
            "--tranche",
            action="append",
            metavar="YEAR=EUR",
            help="a tranche of the subordinated loan; repeat per year (default: 2023=50000000.00 and 2024=50000000.00)",
        )

    def handle(self, *args, **options):
        wanted = {
            "name": options["name"].strip(),
            "policy_owner": options["policy_owner"].strip(),
            "committed_limit": _money(options["committed_limit"], option="--committed-limit"),
            "liquid_cap": _money(options["liquid_cap"], option="--liquid-cap"),
            "manager": options["manager"].strip(),
            "manager_from": _date(options["manager_from"]),
            "planned_tranches": _tranches(options["tranche"]),
        }
        for key in ("name", "policy_owner", "manager"):
            if not wanted[key]:
                raise CommandError(f"--{key.replace('_', '-')} must not be empty.")
        total = sum(wanted["planned_tranches"].values(), Decimal("0"))
        if total > wanted["committed_limit"]:
            raise CommandError(
                f"The tranches add up to {total}, more than the fund's size {wanted['committed_limit']}."
            )
        if wanted["committed_limit"] > wanted["liquid_cap"]:
            raise CommandError(
                f"The fund's size {wanted['committed_limit']} exceeds the maximum of liquid "
                f"assets {wanted['liquid_cap']}: every tranche would flow back to the treasury."
            )

        with acting(channel="command"), transaction.atomic():
            existing = Fund.objects.select_for_update().filter(code="BEV").first()
            if existing is not None:
                differences = self._differences(existing, wanted)
                if differences:
                    raise CommandError(
                        "The fund is already established with another configuration; nothing was changed.\n"
                        + "\n".join(
                            f"  {field}: established {have}, given {given}" for field, have, given in differences
                        )
                        + "\nA new manager is recorded with bev.services.manager_change (a new period), "
                        "never by establishing the fund again."
                    )
                self.stdout.write(
                    f"The fund '{existing.name}' is already established with this configuration; nothing changed."
                )
            else:
                fund = fund_establish(
                    name=wanted["name"],
                    policy_owner=wanted["policy_owner"],
                    manager_name=wanted["manager"],
                    manager_from=wanted["manager_from"],
                    committed_limit=wanted["committed_limit"],
                    liquid_cap=wanted["liquid_cap"],
                    planned_tranches=wanted["planned_tranches"],
                )
                tranches = ", ".join(f"{year}: {amount}" for year, amount in sorted(wanted["planned_tranches"].items()))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Established the fund '{fund.name}': size {fund.committed_limit}, liquid assets at most "
                        f"{fund.liquid_cap}, tranches {tranches}; manager {wanted['manager']} from "
                        f"{wanted['manager_from'].isoformat()} (audit record fund.establish)."
                    )
                )
            self._parliament_configuration()

    @staticmethod
    def _differences(fund: Fund, wanted: dict) -> list[tuple[str, object, object]]:
        first_manager = fund.manager_periods.order_by("valid_from").first()
        have = {
            "name": fund.name,
            "policy_owner": fund.policy_owner,
            "committed_limit": fund.committed_limit,
            "liquid_cap": fund.liquid_cap,
            "manager": first_manager.name if first_manager else None,
            "manager_from": first_manager.valid_from if first_manager else None,
            "planned_tranches": {t.year: t.amount for t in fund.planned_tranches.all()},
        }
        return [(field, have[field], wanted[field]) for field in wanted if have[field] != wanted[field]]

    def _parliament_configuration(self) -> None:
        """Seed the letters' letterhead and ministers where none exist; report what is valid today."""
        if not (MinistryProfile.objects.exists() or Minister.objects.exists() or LetterReference.objects.exists()):
            created = seed_configuration(MinistryProfile, Minister, LetterReference)
            audit_log(
                actor=None,
                action=AuditRecord.Action.CREATE,
                event="parliament.seed_configuration",
                object_type="parliament.configuration",
                object_repr="letterhead, ministers, references",
                changes={"rows_created": created, "os_user": _os_user()},
            )
            self.stdout.write(f"Seeded the letterhead, ministers and references from the letters ({created} rows).")
        today = timezone.localdate()
        profile = MinistryProfile.objects.valid_on(today).first()
        minister = Minister.objects.valid_on(today).first()
        if profile is not None:
            self.stdout.write(f"Letterhead valid today: {profile.ministry_name} (from {profile.valid_from}).")
        if minister is not None:
            self.stdout.write(
                f"Minister signing today: {minister.name}, {minister.title} (from {minister.valid_from})."
            )
        if profile is None or minister is None:
            missing = " and ".join(
                what for what, row in (("letterhead", profile), ("minister", minister)) if row is None
            )
            self.stderr.write(
                self.style.WARNING(
                    f"No {missing} is valid today ({today.isoformat()}): letters to parliament cannot be drafted "
                    "until an administrator adds one in the admin (Kamerbrieven configuration)."
                )
            )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return "unknown"
