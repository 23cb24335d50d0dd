import time

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_chain_seal
from audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exits non-zero naming the first bad record."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal", action="store_true", help="verify only what is sealed; do not chain the newest records first"
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        if not options["no_seal"]:
            audit_chain_seal()
        report = verify_chain()
        elapsed = time.perf_counter() - started
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at record #{report.first_bad_id}: {report.problem} "
                f"({report.checked} records verified before it)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} records verified in {elapsed:.1f} s."
                + (f" {report.unsealed} newer records not sealed yet." if report.unsealed else "")
            )
        )
