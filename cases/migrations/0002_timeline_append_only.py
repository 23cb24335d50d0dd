from django.db import migrations

from audit.appendonly import make_append_only

forwards, backwards = make_append_only("cases_timelineevent")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("audit", "0002_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
