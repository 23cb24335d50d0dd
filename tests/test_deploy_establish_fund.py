"""Setting up a real deployment: `manage.py bev_establish_fund` establishes the fund from the 2023
letter's configuration (idempotent, audited, refusing a different fund over an existing one)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditRecord
from bev.models import Fund, ManagerPeriod, PlannedTranche

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ---------------------------------------------------------------------------------------------
# bev_establish_fund
# ---------------------------------------------------------------------------------------------
def test_establish_fund_from_the_letter():
    out, _err = run("bev_establish_fund", "--manager-from", "2023-09-01")

    fund = Fund.objects.get(code="BEV")
    assert fund.committed_limit == Decimal("100000000.00")
    assert fund.liquid_cap == Decimal("150000000.00")
    assert fund.policy_owner == "Ministerie van Economische Zaken en Klimaat"
    assert {t.year: t.amount for t in PlannedTranche.objects.filter(fund=fund)} == {
        2023: Decimal("50000000.00"),
        2024: Decimal("50000000.00"),
    }
    manager = ManagerPeriod.objects.get(fund=fund)
    assert (manager.name, manager.valid_from, manager.valid_to) == ("Invest-NL", date(2023, 9, 1), None)
    record = AuditRecord.objects.get(event="fund.establish")
    assert record.channel == "command"
    assert record.changes["planned_tranches"]["after"] == {"2023": "50000000.00", "2024": "50000000.00"}
    assert record.changes["manager_from"]["after"] == "2023-09-01"
    assert "Established" in out


def test_establish_fund_twice_changes_nothing_and_says_so():
    run("bev_establish_fund", "--manager-from", "2023-09-01")
    records = AuditRecord.objects.count()
    out, _err = run("bev_establish_fund", "--manager-from", "2023-09-01")
    assert "already established" in out and "nothing changed" in out
    assert Fund.objects.count() == 1 and PlannedTranche.objects.count() == 2 and ManagerPeriod.objects.count() == 1
    assert AuditRecord.objects.count() == records


def test_establishing_a_different_fund_over_an_existing_one_is_refused():
    run("bev_establish_fund", "--manager-from", "2023-09-01")
    records = AuditRecord.objects.count()
    with pytest.raises(CommandError) as refused:
        run("bev_establish_fund", "--manager-from", "2024-01-01", "--liquid-cap", "200000000")
    message = str(refused.value)
    assert "manager_from" in message and "liquid_cap" in message and "nothing was changed" in message
    fund = Fund.objects.get()
    assert fund.liquid_cap == Decimal("150000000.00")
    assert ManagerPeriod.objects.get().valid_from == date(2023, 9, 1)
    assert AuditRecord.objects.count() == records


def test_the_manager_start_date_is_the_officials_to_set():
    with pytest.raises(CommandError, match="manager-from"):
        run("bev_establish_fund")
    assert not Fund.objects.exists()


def test_options_override_the_letter_with_exact_amounts():
    run(
        "bev_establish_fund",
        "--manager-from",
        "2023-09-01",
        "--manager",
        "Invest-NL N.V.",
        "--tranche",
        "2023=40000000.10",
        "--tranche",
        "2024=59999999.90",
    )
    assert {t.year: t.amount for t in PlannedTranche.objects.all()} == {
        2023: Decimal("40000000.10"),
        2024: Decimal("59999999.90"),
    }
    assert ManagerPeriod.objects.get().name == "Invest-NL N.V."


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--tranche", "2023=50000000.005"], "two decimals"),
        (["--tranche", "2023=60000000", "--tranche", "2024=50000000"], "more than the fund's size"),
        (["--tranche", "2023=50000000", "--tranche", "2023=50000000"], "given twice"),
        (["--committed-limit", "-5"], "greater than zero"),
        (["--committed-limit", "200000000"], "exceeds the maximum of liquid assets"),
        (["--manager", " "], "must not be empty"),
    ],
)
def test_bad_figures_are_refused_before_anything_is_written(args, fragment):
    with pytest.raises(CommandError, match=fragment):
        run("bev_establish_fund", "--manager-from", "2023-09-01", *args)
    assert not Fund.objects.exists()
    assert not AuditRecord.objects.filter(event="fund.establish").exists()


def test_the_letterhead_and_minister_in_office_are_reported():
    out, err = run("bev_establish_fund", "--manager-from", "2023-09-01")
    # Seeded by the parliament app's data migration: valid today, so the command seeds nothing.
    assert "Minister signing today:" in out and "Letterhead valid today:" in out
    assert "Seeded" not in out and err == ""


def test_absent_parliament_configuration_is_seeded_from_the_letters_and_audited():
    from django.apps import apps

    for name in ("LetterReference", "Minister", "MinistryProfile"):
        apps.get_model("parliament", name).objects.all().delete()
    out, _err = run("bev_establish_fund", "--manager-from", "2023-09-01")
    assert "Seeded the letterhead" in out
    Minister = apps.get_model("parliament", "Minister")
    assert Minister.objects.filter(name="M.A.M. Adriaansens", valid_from=date(2022, 1, 10)).exists()
    assert Minister.objects.valid_on(date(2023, 10, 1)).get().name == "M.A.M. Adriaansens"
    assert AuditRecord.objects.get(event="parliament.seed_configuration").channel == "command"


def test_no_minister_in_office_is_warned_about():
    from django.apps import apps

    apps.get_model("parliament", "Minister").objects.filter(valid_to__isnull=True).update(valid_to=date(2026, 3, 1))
    _out, err = run("bev_establish_fund", "--manager-from", "2023-09-01")
    assert "No minister is valid today" in err
