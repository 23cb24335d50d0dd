"""The configuration rows the service starts with (data migration 0002 and demo.seed).

After that they are data, edited in the admin: a new minister or a renamed ministry is a new row
with its validity dates, never a code change. Sources: the 2023 letter (signed by M.A.M.
Adriaansens, Minister van Economische Zaken en Klimaat), the 2025 letter (V. Karremans, minister
van Economische Zaken), the format examples (July 2025 letterhead of "EZ"; a letter of 10 July 2026
signed by Heleen Herbert, Minister van Economische Zaken en Klimaat). The change-over dates of the
2026 row are not in the reference material: an administrator should check them.
"""

from datetime import date
from typing import Any

_LETTERHEAD = {
    "visiting_address": "Bezuidenhoutseweg 73\n2594 AC Den Haag",
    "postal_address": "Postbus 20401\n2500 EK Den Haag",
    "return_address": "Postbus 20401 2500 EK Den Haag",
    "phone": "070 379 8911 (algemeen)",
}

MINISTRY_PROFILES: list[dict[str, Any]] = [
    {
        "valid_from": date(2017, 10, 26),
        "valid_to": date(2024, 7, 1),
        "ministry_name": "Ministerie van Economische Zaken en Klimaat",
        "directorate": "Directoraat-generaal Economie en Digitalisering\nDirectie Economische Veiligheid",
        "website": "www.rijksoverheid.nl/ezk",
        **_LETTERHEAD,
    },
    {
        "valid_from": date(2024, 7, 2),
        "valid_to": date(2026, 2, 22),
        "ministry_name": "Ministerie van Economische Zaken",
        "directorate": "Directoraat-generaal Economie en Digitalisering\nDirectie Economische Veiligheid",
        "website": "www.rijksoverheid.nl/ez",
        **_LETTERHEAD,
    },
    {
        "valid_from": date(2026, 2, 23),
        "valid_to": None,
        "ministry_name": "Ministerie van Economische Zaken en Klimaat",
        "directorate": "Directoraat-generaal Economie en Digitalisering\nDirectie Economische Veiligheid",
        "website": "www.rijksoverheid.nl/ezk",
        **_LETTERHEAD,
    },
]

MINISTERS: list[dict[str, Any]] = [
    {
        "name": "M.A.M. Adriaansens",
        "title": "De Minister van Economische Zaken en Klimaat",
        "valid_from": date(2022, 1, 10),
        "valid_to": date(2024, 7, 1),
    },
    {
        "name": "D.S. Beljaarts",
        "title": "De Minister van Economische Zaken",
        "valid_from": date(2024, 7, 2),
        "valid_to": date(2025, 6, 2),
    },
    {
        "name": "V. Karremans",
        "title": "De Minister van Economische Zaken",
        "valid_from": date(2025, 6, 3),
        "valid_to": date(2026, 2, 22),
    },
    {
        "name": "Heleen Herbert",
        "title": "De Minister van Economische Zaken en Klimaat",
        "valid_from": date(2026, 2, 23),
        "valid_to": None,
    },
]

# No parliamentary reference is seeded: the Kamerstuk that announced this information is entered by
# an administrator (LetterReference). (0002 once seeded "Kamerstuk 36 350 XIII, nr. 3", which is the
# document of the toezegging, footnote 2 of the 2023 letter, not the letter itself; 0004 removes it.)
LETTER_REFERENCES: list[dict] = []


def seed_configuration(MinistryProfile, Minister, LetterReference) -> int:
    """Create the rows that are not there yet (matched on their start date); returns how many."""
    created = 0
    for row in MINISTRY_PROFILES:
        _obj, made = MinistryProfile.objects.get_or_create(valid_from=row["valid_from"], defaults=row)
        created += made
    for row in MINISTERS:
        _obj, made = Minister.objects.get_or_create(valid_from=row["valid_from"], name=row["name"], defaults=row)
        created += made
    for row in LETTER_REFERENCES:
        _obj, made = LetterReference.objects.get_or_create(citation=row["citation"], defaults=row)
        created += made
    return created
