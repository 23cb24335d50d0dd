"""A loan holds no stake (bev.models.Position, constraint `bev_loan_holds_no_stake`).

Since the rule "a loan holds no shares until it converts" ("in aandelen converteerbare leningen of
leningen met warrants", letter 2023, "Invest-NL als beheerder") a stake or a number of shares on a new
loan is refused; loans stored with one before it kept it, and the fund page, the annual report and a
letter drafted after a transaction on them stated it as the State's stake. The stake of a loan is not
the State's: it is cleared, each clearing in the audit trail (`position.loan_stake_cleared`, by the
system, with what was cleared, so that nothing recorded is lost), and the constraint keeps any path
from storing one again. A loan that converted is equity and keeps its stake.
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

LOANS = ["convertible_loan", "loan_with_warrants"]


def clear_loan_stakes(apps, schema_editor):
    Position = apps.get_model("bev", "Position")
    AuditRecord = apps.get_model("audit", "AuditRecord")
    loans = Position.objects.filter(instrument__in=LOANS).filter(
        models.Q(ownership_percent__isnull=False) | models.Q(shares__isnull=False)
    )
    for position in loans.order_by("id"):
        AuditRecord.objects.create(
            timestamp=timezone.now(),
            actor=None,
            action="update",
            event="position.loan_stake_cleared",
            object_type="bev.position",
            object_id=str(position.pk),
            object_repr=f"Positie {position.pk}",
            case_id=position.case_id,
            channel="migration",
            changes={
                "ownership_percent": [str(position.ownership_percent) if position.ownership_percent is not None else None, None],
                "shares": [position.shares, None],
                "reason": "bev/0013: een lening houdt geen belang tot zij is geconverteerd",
            },
        )
    loans.update(ownership_percent=None, shares=None)


class Migration(migrations.Migration):

    dependencies = [
        ("bev", "0012_loan_repayment_proposal"),
        ("audit", "0006_audit_indexes_for_queries"),
        ("cases", "0021_cabinet_decision_rejection"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(clear_loan_stakes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="position",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("instrument__in", ["convertible_loan", "loan_with_warrants"]), _negated=True),
                    models.Q(("ownership_percent__isnull", True), ("shares__isnull", True)),
                    _connector="OR",
                ),
                name="bev_loan_holds_no_stake",
            ),
        ),
    ]
