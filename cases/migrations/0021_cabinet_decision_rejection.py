"""A kabinetsbesluit can be rejected by the second secretary (four eyes) with a reason: who, when and
why are kept on the decision, which then binds nothing. Confirmed or rejected, never both."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0020_case_search_table'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='cabinetdecision',
            name='rejected_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='afgewezen op'),
        ),
        migrations.AddField(
            model_name='cabinetdecision',
            name='rejected_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='afgewezen door'),
        ),
        migrations.AddField(
            model_name='cabinetdecision',
            name='rejection_reason',
            field=models.TextField(blank=True, verbose_name='reden van afwijzing'),
        ),
        migrations.AddConstraint(
            model_name='cabinetdecision',
            constraint=models.CheckConstraint(condition=models.Q(('confirmed_at__isnull', True), ('rejected_at__isnull', True), _connector='OR'), name='cabinet_decision_confirmed_or_rejected'),
        ),
        migrations.AddConstraint(
            model_name='cabinetdecision',
            constraint=models.CheckConstraint(condition=models.Q(('rejected_at__isnull', True), models.Q(('rejected_by__isnull', False), models.Q(('rejection_reason', ''), _negated=True)), _connector='OR'), name='cabinet_decision_rejection_complete'),
        ),
    ]
