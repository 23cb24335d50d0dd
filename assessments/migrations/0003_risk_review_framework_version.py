"""Framework version 2: v1 plus the risk review's questions (see assessments.review_framework).
Assessments made with v1 keep v1."""

from django.db import migrations


def create_review_version(apps, schema_editor):
    from assessments.review_framework import ensure_review_framework

    ensure_review_framework(apps.get_model("assessments", "FrameworkVersion"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_default_framework")]

    operations = [migrations.RunPython(create_review_version, migrations.RunPython.noop)]
