"""The configuration rows the service started with: letterheads, ministers and the parliamentary
reference, as parliament/seed_data.py had them when this migration was written (frozen here, as
migrations are; later changes are data edited in the admin, or a new migration)."""


import datetime

from django.db import migrations

MINISTRY_PROFILES = [{'valid_from': datetime.date(2017, 10, 26),
  'valid_to': datetime.date(2024, 7, 1),
  'ministry_name': 'Ministerie van Economische Zaken en Klimaat',
  'directorate': 'Directoraat-generaal Economie en Digitalisering\nDirectie Economische Veiligheid',
  'website': 'www.rijksoverheid.nl/ezk',
  'reference_prefix': 'DGED-EV',
  'visiting_address': 'Bezuidenhoutseweg 73\n2594 AC Den Haag',
  'postal_address': 'Postbus 20401\n2500 EK Den Haag',
  'return_address': 'Postbus 20401 2500 EK Den Haag',
  'phone': '070 379 8911 (algemeen)'},
 {'valid_from': datetime.date(2024, 7, 2),
  'valid_to': datetime.date(2026, 2, 22),
  'ministry_name': 'Ministerie van Economische Zaken',
  'directorate': 'Directoraat-generaal Economie en Digitalisering\nDirectie Economische Veiligheid',
  'website': 'www.rijksoverheid.nl/ez',
  'reference_prefix': 'DGED-EV',
  'visiting_address': 'Bezuidenhoutseweg 73\n2594 AC Den Haag',
  'postal_address': 'Postbus 20401\n2500 EK Den Haag',
  'return_address': 'Postbus 20401 2500 EK Den Haag',
  'phone': '070 379 8911 (algemeen)'},
 {'valid_from': datetime.date(2026, 2, 23),
  'valid_to': None,
  'ministry_name': 'Ministerie van Economische Zaken en Klimaat',
  'directorate': 'Directoraat-generaal Economie en Digitalisering\nDirectie Economische Veiligheid',
  'website': 'www.rijksoverheid.nl/ezk',
  'reference_prefix': 'DGED-EV',
  'visiting_address': 'Bezuidenhoutseweg 73\n2594 AC Den Haag',
  'postal_address': 'Postbus 20401\n2500 EK Den Haag',
  'return_address': 'Postbus 20401 2500 EK Den Haag',
  'phone': '070 379 8911 (algemeen)'}]

MINISTERS = [{'name': 'M.A.M. Adriaansens',
  'title': 'De Minister van Economische Zaken en Klimaat',
  'valid_from': datetime.date(2022, 1, 10),
  'valid_to': datetime.date(2024, 7, 1)},
 {'name': 'D.S. Beljaarts',
  'title': 'De Minister van Economische Zaken',
  'valid_from': datetime.date(2024, 7, 2),
  'valid_to': datetime.date(2025, 6, 2)},
 {'name': 'V. Karremans',
  'title': 'De Minister van Economische Zaken',
  'valid_from': datetime.date(2025, 6, 3),
  'valid_to': datetime.date(2026, 2, 22)},
 {'name': 'Heleen Herbert',
  'title': 'De Minister van Economische Zaken en Klimaat',
  'valid_from': datetime.date(2026, 2, 23),
  'valid_to': None}]

LETTER_REFERENCES = [{'citation': 'Kamerstuk 36 350 XIII, nr. 3',
  'description': 'de brief over de uitwerking van de Beschermingsvoorziening Economische Veiligheid',
  'position': 1,
  'valid_from': datetime.date(2023, 1, 1),
  'valid_to': None}]


def seed(apps, schema_editor):
    MinistryProfile = apps.get_model("parliament", "MinistryProfile")
    Minister = apps.get_model("parliament", "Minister")
    LetterReference = apps.get_model("parliament", "LetterReference")
    for row in MINISTRY_PROFILES:
        MinistryProfile.objects.get_or_create(valid_from=row["valid_from"], defaults=row)
    for row in MINISTERS:
        Minister.objects.get_or_create(valid_from=row["valid_from"], name=row["name"], defaults=row)
    for row in LETTER_REFERENCES:
        LetterReference.objects.get_or_create(citation=row["citation"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("parliament", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
