"""The default framework version, built from the 2023 letter: see assessments.default_framework
(frozen: version 1 as published)."""

from django.db import migrations


def create_default(apps, schema_editor):
    from assessments.default_framework import ensure_default_framework

    ensure_default_framework(apps.get_model("assessments", "FrameworkVersion"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
