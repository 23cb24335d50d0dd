from django.db import migrations

from audit.appendonly import make_append_only

entries_forwards, entries_backwards = make_append_only("bev_journalentry")
lines_forwards, lines_backwards = make_append_only("bev_journalline")


class Migration(migrations.Migration):
    """The ledger is append-only in the database too: a correction is a reversing entry."""

    dependencies = [("bev", "0001_initial")]
    operations = [
        migrations.RunPython(entries_forwards, entries_backwards),
        migrations.RunPython(lines_forwards, lines_backwards),
    ]
