from django.core.management.base import BaseCommand, CommandError

from audit.context import acting
from audit.models import AuditRecord
from audit.services import audit_log
from bev.selectors import fund_get, running_balance_mismatches, unbalanced_entries


class Command(BaseCommand):
    help = (
        "Check the ledger: every entry balances, and the running balances kept beside it (the accounts', "
        "each position's figures and daily cash flows) equal the sums of its lines. Lists what differs, "
        "records it in the audit trail and exits non-zero."
    )

    def handle(self, *args, **options):
        fund = fund_get()
        unbalanced = unbalanced_entries(fund=fund)
        mismatches = running_balance_mismatches(fund=fund)
        for entry_id in unbalanced:
            self.stdout.write(f"UNBALANCED: entry {entry_id}")
        for m in mismatches:
            where = f"position {m['position_id']} {m['figure']}" if "position_id" in m else f"account {m['account']}"
            self.stdout.write(f"MISMATCH: {where}: ledger {m['ledger']}, running {m['running']}")
        if unbalanced or mismatches:
            with acting(channel="command"):
                audit_log(
                    actor=None,
                    action=AuditRecord.Action.OTHER,
                    event="ledger.verification_failed",
                    obj=fund,
                    changes={
                        "unbalanced_entries": unbalanced,
                        "mismatches": [{k: str(v) for k, v in m.items()} for m in mismatches],
                        "found_by": "verify_ledger",
                    },
                )
            raise CommandError(
                f"The ledger does not verify: {len(unbalanced)} unbalanced entries, "
                f"{len(mismatches)} running balances that differ from the ledger."
            )
        self.stdout.write(self.style.SUCCESS("Every entry balances and every running balance equals the ledger."))
