import hashlib

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from audit.context import acting
from audit.models import AuditRecord
from audit.services import audit_log
from documents.models import DocumentVersion


def _sha256(name: str) -> str | None:
    """The stored file's SHA-256, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Recompute the SHA-256 of every stored document version; lists the versions whose file is missing "
        "or no longer matches, records them in the audit trail and exits non-zero."
    )

    def handle(self, *args, **options):
        checked = 0
        problems = []
        versions = DocumentVersion.objects.select_related("document").order_by("pk")
        for version in versions.iterator(chunk_size=500):
            checked += 1
            actual = _sha256(version.storage_name)
            if actual != version.sha256:
                problems.append((version, "missing" if actual is None else "checksum_mismatch"))
        for version, problem in problems:
            self.stdout.write(
                f"{problem.upper()}: case {version.document.case_id}, document {version.document_id} "
                f'"{version.document.title}" v{version.number} ({version.storage_name})'
            )
        if problems:
            with acting(channel="command"):
                for version, problem in problems:
                    audit_log(
                        actor=None,
                        action=AuditRecord.Action.OTHER,
                        event=f"document.{problem}",
                        obj=version,
                        case_id=version.document.case_id,
                        changes={
                            "number": version.number,
                            "expected_sha256": version.sha256,
                            "found_by": "verify_documents",
                        },
                    )
            raise CommandError(f"{len(problems)} of {checked} document versions do not match their checksum.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} document versions match their checksum."))
