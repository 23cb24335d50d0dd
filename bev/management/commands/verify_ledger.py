from django.core.management.base import BaseCommand, CommandError

from audit.context import acting
from bev.services import ledger_verify


class Command(BaseCommand):
    help = (
        "Check the ledger: every entry balances, and the running balances kept beside it (the accounts', "
        "each position's figures and daily cash flows) equal the sums of its lines. Lists what differs, "
        "records it in the audit trail and exits non-zero."
    )

    def handle(self, *args, **options):
        with acting(channel="command"):
            unbalanced, mismatches = ledger_verify(found_by="verify_ledger")
        for entry_id in unbalanced:
            self.stdout.write(f"UNBALANCED: entry {entry_id}")
        for m in mismatches:
            where = f"position {m['position_id']} {m['figure']}" if "position_id" in m else f"account {m['account']}"
            self.stdout.write(f"MISMATCH: {where}: ledger {m['ledger']}, running {m['running']}")
        if unbalanced or mismatches:
            raise CommandError(
                f"The ledger does not verify: {len(unbalanced)} unbalanced entries, "
                f"{len(mismatches)} running balances that differ from the ledger."
            )
        self.stdout.write(self.style.SUCCESS("Every entry balances and every running balance equals the ledger."))
