import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import evidence


class Command(BaseCommand):
    help = (
        "Check a downloaded chain-verification evidence document (JSON): signed by this service "
        "(its SECRET_KEY) and unchanged. Exits non-zero if not."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the evidence file, as downloaded")

    def handle(self, *args, **options):
        try:
            document = json.loads(Path(options["path"]).read_bytes()[: 64 * 1024 + 1])
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the evidence: {exc}") from None
        if not evidence.check(document):
            raise CommandError("The evidence is NOT valid: not signed by this service, or changed since.")
        self.stdout.write(
            self.style.SUCCESS(
                f"The evidence is valid: verification #{document['verification']} of {document['finished_at']}, "
                f"chain {'intact' if document['ok'] else 'BROKEN at record #' + str(document['first_bad_id'])}, "
                f"{document['checked']} records, last seq {document['last_seq']}, last hash {document['last_hash']}."
            )
        )
