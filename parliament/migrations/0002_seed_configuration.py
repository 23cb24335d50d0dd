from django.db import migrations


def seed(apps, schema_editor):
    from parliament.seed_data import seed_configuration

    seed_configuration(apps.get_model("parliament", "MinistryProfile"), apps.get_model("parliament", "Minister"),
                       apps.get_model("parliament", "LetterReference"))


class Migration(migrations.Migration):
    dependencies = [("parliament", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
