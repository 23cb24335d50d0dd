"""`make bench` measures the ledger's hot path three ways; one of them is `scripts/bench/disbursement.sql`
under pgbench: every statement `bev.services.disbursement_approve` sends, as raw SQL. When the schema
moved on (a letter request's `reversal_reason`, NOT NULL, parliament/0005), the script failed and the
report silently lost its target. Here the script books one approval against this schema."""

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from bev.constants import DisbursementStatus
from bev.models import JournalEntry
from bev.services import disbursement_propose

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench" / "disbursement.sql"


def _pgbench() -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    return str(found[-1]) if found else shutil.which("pgbench")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pgbench runs against PostgreSQL")
def test_the_pgbench_script_books_an_approval_on_the_current_schema(case, manager, manager2, secretariat, secretariat2):
    pgbench = _pgbench()
    if pgbench is None:
        pytest.skip("pgbench is not installed (Debian: postgresql-15)")
    fund = fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=Decimal("1000000"), shares=100)
    proposal = disbursement_propose(user=manager, position=position, amount=Decimal("1.00"), idempotency_key="pgb-0")
    db = connection.settings_dict
    env = {
        "PATH": "/usr/bin:/bin",
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"] or "postgres",
        "PGPASSWORD": db["PASSWORD"] or "",
        "PGDATABASE": db["NAME"],
    }
    command = [pgbench, "-n", "-c", "1", "-t", "1", "-f", str(SCRIPT)]
    for value in (f"fund_id={fund.pk}", f"user_id={manager2.pk}", "key_prefix='pgb-'", "proposals=1"):
        command += ["-D", value]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "number of failed transactions: 0" in done.stdout, done.stdout + done.stderr
    assert "number of transactions actually processed: 1/1" in done.stdout, done.stdout
    proposal.refresh_from_db()
    assert proposal.status == DisbursementStatus.BOOKED
    assert JournalEntry.objects.filter(position=position).count() == 2  # the factory's and the script's
