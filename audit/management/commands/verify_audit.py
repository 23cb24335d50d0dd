import re
import time

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditRecord
from audit.services import audit_chain_seal
from audit.verify import verify_chain


def _head(value: str) -> tuple[int, str]:
    found = re.fullmatch(r"(\d+):([0-9a-f]{64})", value.strip())
    if not found:
        raise CommandError("--head takes SEQ:HASH as an earlier run printed it, e.g. 1234:9f2c...(64 hex digits).")
    return int(found.group(1)), found.group(2)


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit trail; exits non-zero naming the first bad record. Prints the chain's "
        "head (SEQ:HASH): keep it outside the database and pass it back with --head to find records cut off at "
        "the end or an emptied trail, which the chain alone cannot show."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal", action="store_true", help="verify only what is sealed; do not chain the newest records first"
        )
        parser.add_argument(
            "--head",
            metavar="SEQ:HASH",
            help="a head printed by an earlier run: the chain must still hold that record with that hash",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        expected = _head(options["head"]) if options["head"] else None
        if not options["no_seal"]:
            audit_chain_seal()
        report = verify_chain()
        elapsed = time.perf_counter() - started
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at record #{report.first_bad_id}: {report.problem} "
                f"({report.checked} records verified before it)."
            )
        if expected is not None:
            seq, digest = expected
            stored = AuditRecord.objects.filter(seq=seq).values_list("hash", flat=True).first()
            if stored != digest:
                raise CommandError(
                    f"Audit chain CUT: the record at position {seq} from the earlier head is "
                    + ("missing" if stored is None else "another one")
                    + f"; the chain now ends at {report.last_seq or 0} ({report.checked} records verified)."
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} records verified in {elapsed:.1f} s."
                + (f" {report.unsealed} newer records not sealed yet." if report.unsealed else "")
                + (" It still holds the earlier head." if expected else "")
            )
        )
        if report.last_seq is not None:
            self.stdout.write(f"Head: {report.last_seq}:{report.last_hash}")
