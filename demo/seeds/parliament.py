"""Demo data of the letters: the ministry and minister configuration (idempotent)."""

from parliament.models import LetterReference, Minister, MinistryProfile
from parliament.seed_data import seed_configuration


def seed(*, users, stdout) -> None:
    created = seed_configuration(MinistryProfile, Minister, LetterReference)
    if created:
        stdout.write(f"  parliament: {created} configuration rows (ministry, ministers, references)")
