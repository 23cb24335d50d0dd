"""The case row keeps only the indexes a query needs (issue 25): a state change is never a HOT update,
so every index of cases_case takes a new entry on each transition.

Gone: the `varchar_pattern_ops` copies Django makes for `unique=True` / `db_index=True` CharFields
(reference, state, urgency: no LIKE or startswith query on them; the admin's search is
UPPER(..) LIKE '%..%', which no B-tree serves), and the index of state alone (case_by_state_received
and case_state_count lead with state). Reference stays unique (the constraint is added before the
field's own unique index goes); urgency keeps a plain index (the list's `?urgency=` filter).
"""

import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0018_timeline_indexes_for_queries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='case',
            constraint=models.UniqueConstraint(fields=('reference',), name='case_reference_unique'),
        ),
        migrations.AlterField(
            model_name='case',
            name='reference',
            field=models.CharField(editable=False, max_length=20, verbose_name='kenmerk'),
        ),
        migrations.AlterField(
            model_name='case',
            name='state',
            field=django_fsm.FSMField(choices=[('signal', 'Signaal'), ('intake', 'Intake'), ('risk_assessment', 'Risico-inschatting'), ('cabinet_decision', 'Kabinetsbesluit'), ('investment_preparation', 'Voorbereiding investering'), ('invested', 'Geïnvesteerd'), ('monitoring', 'Monitoring'), ('exit', 'Exit'), ('follow_on_decision', 'Kabinetsbesluit vervolginvestering'), ('closed', 'Afgesloten'), ('not_admissible', 'Niet ontvankelijk'), ('withdrawn', 'Ingetrokken'), ('not_deployed', 'Geen inzet')], default='signal', max_length=32, protected=True, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='case',
            name='urgency',
            field=models.CharField(choices=[('normal', 'Normaal'), ('immediate', 'Per direct')], default='normal', max_length=16, verbose_name='urgentie'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['urgency'], name='case_by_urgency'),
        ),
    ]
