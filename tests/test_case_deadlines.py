"""Stage deadlines, suspension (opschorting) and the overdue flag."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases import services
from cases.models import StageClock, TimelineEvent
from cases.tasks import flag_overdue_stages

from .factories import make_case

pytestmark = pytest.mark.django_db


def test_each_stage_gets_a_due_date_shorter_when_urgent(officer):
    normal = make_case(officer=officer)
    urgent = make_case(officer=officer, urgency="immediate")
    normal_clock = normal.clocks.get(stage="signal")
    urgent_clock = urgent.clocks.get(stage="signal")
    assert urgent_clock.due_at - urgent_clock.started_at < normal_clock.due_at - normal_clock.started_at


def test_due_date_never_after_the_expected_closing_date(officer):
    closing = timezone.localdate() + timedelta(days=2)
    case = make_case(officer=officer, expected_closing_date=closing)
    services.case_transition(user=officer, case=case, name="start_intake")
    services.case_transition(user=officer, case=case, name="start_assessment")
    clock = case.clocks.get(stage="risk_assessment")
    assert timezone.localtime(clock.due_at).date() <= closing


def test_transition_completes_the_clock_and_starts_the_next(officer, case):
    services.case_transition(user=officer, case=case, name="start_intake")
    assert case.clocks.get(stage="signal").completed_at is not None
    assert case.clocks.get(stage="intake").completed_at is None


def test_suspend_and_resume_moves_the_due_date(officer, case):
    clock = case.clocks.get(stage="signal")
    due = clock.due_at
    services.case_suspend(user=officer, case=case, reason="Informatie opgevraagd bij de onderneming")
    StageClock.objects.filter(pk=clock.pk).update(suspended_since=timezone.now() - timedelta(days=3))
    services.case_resume(user=officer, case=case, reason="Informatie ontvangen")
    clock.refresh_from_db()
    assert clock.due_at - due >= timedelta(days=3)
    kinds = list(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "suspended" in kinds and "resumed" in kinds


def test_suspend_needs_a_reason_and_cannot_be_doubled(api, officer, case):
    client = api(officer)
    assert client.post(f"/api/cases/{case.pk}/suspend/", {"reason": ""}, format="json").status_code == 400
    assert client.post(f"/api/cases/{case.pk}/suspend/", {"reason": "Wacht op AIVD"}, format="json").status_code == 200
    assert client.post(f"/api/cases/{case.pk}/suspend/", {"reason": "Nogmaals"}, format="json").status_code == 409
    assert client.post(f"/api/cases/{case.pk}/resume/", {"reason": "Ontvangen"}, format="json").status_code == 200
    assert client.post(f"/api/cases/{case.pk}/resume/", {"reason": "Ontvangen"}, format="json").status_code == 409


def test_overdue_stage_is_flagged_once_and_the_team_notified(officer, case, django_capture_on_commit_callbacks):
    StageClock.objects.filter(case=case).update(due_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_stages.delay().get() == 1
    assert flag_overdue_stages.delay().get() == 0
    assert TimelineEvent.objects.filter(case=case, kind="overdue").count() == 1
    assert len(mail.outbox) == 1
    assert case.reference in mail.outbox[0].subject
    # The mail names the case, not its content.
    assert case.target_name not in mail.outbox[0].body


def test_suspended_stage_is_not_flagged(officer, case):
    services.case_suspend(user=officer, case=case, reason="Wacht op informatie")
    StageClock.objects.filter(case=case).update(due_at=timezone.now() - timedelta(hours=1))
    assert services.flag_overdue_stages() == []
