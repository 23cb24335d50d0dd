from django.db import migrations

from audit.appendonly import make_append_only

forwards, backwards = make_append_only("audit_auditrecord")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
