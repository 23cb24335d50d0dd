from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_follow_on_decision_state")]

    operations = [
        migrations.AddField(
            model_name="cabinetdecision",
            name="orders_sale",
            field=models.BooleanField(default=False, verbose_name="besluit tot verkoop van het belang"),
        ),
    ]
