"""Configuration for letters that state only what the record shows (issue 21 §3).

- The reference seeded by 0002 cited "Kamerstuk 36 350 XIII, nr. 3" as the letter that announced
  this information; that number is the earlier document in which the toezegging was made (footnote 2
  of the 2023 letter), not the 2023 letter itself. It is removed: an administrator enters the correct
  citation (LetterReference), and until then a draft cites none and tells the liaison.
- The country of the acquirer: a dated policy row, not naming the country (landenneutraliteit), until
  EZK and BZ decide otherwise. The row is the service's default, labelled as an assumption.
"""

from datetime import date

from django.db import migrations


def forwards(apps, schema_editor):
    LetterReference = apps.get_model("parliament", "LetterReference")
    LetterReference.objects.filter(
        citation="Kamerstuk 36 350 XIII, nr. 3",
        description="de brief over de uitwerking van de Beschermingsvoorziening Economische Veiligheid").delete()
    CountryDisclosurePolicy = apps.get_model("parliament", "CountryDisclosurePolicy")
    if not CountryDisclosurePolicy.objects.exists():
        CountryDisclosurePolicy.objects.create(
            valid_from=date(2023, 1, 1), valid_to=None, name_country=False,
            label="Land niet noemen (standaard van de dienst)",
            basis="Aanname van de dienst, niet uit de brief van 2023: landenneutraliteit is het uitgangspunt "
                  "(brief 2023, deel II). Of een land wordt genoemd, bepalen EZK en BZ; leg hun besluit vast "
                  "als nieuwe rij met datum.")


def backwards(apps, schema_editor):
    apps.get_model("parliament", "CountryDisclosurePolicy").objects.filter(
        label="Land niet noemen (standaard van de dienst)").delete()


class Migration(migrations.Migration):
    dependencies = [("parliament", "0003_letters_state_the_record")]

    operations = [migrations.RunPython(forwards, backwards)]
