"""Records are sealed without anyone asking: production's beat schedule runs the sealer, and every
task it names exists."""

import pytest
from django.conf import settings

from audit.models import AuditRecord
from audit.services import audit_log
from audit.verify import verify_chain
from config.celery_app import app

pytestmark = pytest.mark.django_db


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert "audit.tasks.seal_chain" in {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def test_the_scheduled_task_seals_what_was_written(officer):
    from audit.tasks import seal_chain

    audit_log(actor=officer, action=AuditRecord.Action.READ, event="case.read", object_id="1")
    audit_log(actor=officer, action=AuditRecord.Action.READ, event="case.read", object_id="2")
    assert verify_chain().unsealed == 2
    assert seal_chain.delay().get() == 2
    report = verify_chain()
    assert report.ok and report.checked == 2 and report.unsealed == 0
    assert set(AuditRecord.objects.values_list("seq", flat=True)) == {1, 2}
