"""A mail when a four-eyes approval or a consultation waits on someone (issue 23): to the people who may
act (never the one who prepared it), after the commit (a rollback sends nothing), not to who switched
mails off on their settings page, and without the case file's content."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from cases.models import Case
from cases.services import cabinet_decision_record, case_team_add

from .factories import case_to_investment_preparation, fund_with_tranches, start_risk_assessment, web_session

pytestmark = pytest.mark.django_db


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def propose_disbursement(case, *, manager, key="mail-1"):
    from bev.services import disbursement_propose, position_create

    position = position_create(user=manager, case=case, instrument="equity", ownership_percent=Decimal("10"))
    return disbursement_propose(user=manager, position=position, amount=Decimal("1500000"), idempotency_key=key)


@pytest.fixture
def preparing(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)


def test_a_proposed_disbursement_mails_the_other_fund_managers_after_commit(
    preparing, manager, manager2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        disbursement = propose_disbursement(preparing, manager=manager)
    assert recipients() == [manager2.email]
    [message] = mail.outbox
    assert preparing.reference in message.subject and "Vier ogen: uitbetaling goedkeuren" in message.subject
    assert reverse("bev:position", args=[disbursement.position_id]) in message.body
    # the case file stays inside the service: no title, company, acquirer or amount
    for secret in (preparing.title, preparing.target_name, preparing.acquirer_name, "1.500.000", "1500000"):
        assert secret not in message.subject and secret not in message.body


def test_a_rolled_back_proposal_sends_nothing(preparing, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                propose_disbursement(preparing, manager=manager)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert mail.outbox == []


def test_who_switched_mails_off_on_the_settings_page_gets_none(
    client, preparing, manager, manager2, django_capture_on_commit_callbacks
):
    page = web_session(client, manager2).get(reverse("access:settings"))
    assert page.status_code == 200 and 'name="notify_by_email"' in page.content.decode()
    assert client.post(reverse("access:settings"), {}).status_code == 302  # the box unticked
    manager2.refresh_from_db()
    assert manager2.notify_by_email is False
    with django_capture_on_commit_callbacks(execute=True):
        propose_disbursement(preparing, manager=manager)
    assert mail.outbox == []
    client.post(reverse("access:settings"), {"notify_by_email": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        propose_disbursement(preparing, manager=manager, key="mail-2")
    assert recipients() == [manager2.email]


def test_a_recorded_kabinetsbesluit_mails_the_other_secretariat(
    case, secretariat, secretariat2, django_capture_on_commit_callbacks
):
    Case.objects.filter(pk=case.pk).update(state="cabinet_decision")
    case = Case.objects.get(pk=case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        decision = cabinet_decision_record(
            user=secretariat, case=case, meeting_date=date.today(), reference="MR-9", deploy=False
        )
    assert recipients() == [secretariat2.email]
    assert reverse("cases:decision_confirm", args=[case.pk, decision.pk]) in mail.outbox[0].body


def test_a_submitted_assessment_mails_the_assessors_who_did_not_write_it(
    case, officer, assessor, assessor2, django_capture_on_commit_callbacks
):
    from assessments.services import assessment_start, assessment_submit

    from .factories import fill_initial_assessment

    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    fill_initial_assessment(assessment, lead=assessor)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(user=assessor, assessment=assessment)
    assert recipients() == [assessor2.email]


def test_a_consultation_request_mails_the_advisor(
    case, officer, assessor, make_user, django_capture_on_commit_callbacks
):
    from assessments.services import assessment_start, consultation_request

    advisor = make_user("advisor", Role.DEPARTMENT_ADVISOR, organisation="Justitie en Veiligheid")
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    with django_capture_on_commit_callbacks(execute=True):
        consultation = consultation_request(
            user=assessor,
            assessment=assessment,
            ministry="jenv",
            advisor=advisor,
            question="Invloed statelijke actor?",
            covers=[assessment.framework.framework.conditions[0].code],
            due_date=timezone.localdate() + timedelta(days=5),
        )
    assert recipients() == [advisor.email]
    [message] = mail.outbox
    assert "Adviesaanvraag beantwoorden" in message.subject
    assert reverse("assessments:consultation", args=[consultation.pk]) in message.body
    assert "Invloed statelijke actor" not in message.body


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_mail_is_handed_to_the_worker_not_sent_in_the_request(preparing, manager, manager2):
    """A slow or unreachable mail server must not hold the request that made the task: after the
    commit the mail is a task on the real broker, sent by the worker."""
    import redis
    from django.conf import settings

    from access import tasks

    from .processes import celery_broker

    if not settings.TEST_REDIS_URL:
        pytest.skip("REDIS_URL not set: this test needs a real broker")
    broker = redis.Redis.from_url(settings.TEST_REDIS_URL)
    mail.outbox.clear()
    with celery_broker(settings.TEST_REDIS_URL):
        propose_disbursement(preparing, manager=manager)  # autocommit: the on-commit hand-off runs now
    assert mail.outbox == []
    queued = [m for m in broker.lrange("celery", 0, -1) if b"access.tasks.deliver_task_mail" in m]
    assert len(queued) == 1
    for message in queued:
        broker.lrem("celery", 0, message)
    tasks.deliver_task_mail.run(mail_subject := "[BEV] x: y", "body", [manager2.email])  # what the worker runs
    assert [m.subject for m in mail.outbox] == [mail_subject]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_mail_is_sent_from_the_request(preparing, manager, manager2, caplog):
    import logging

    from .processes import DEAD_BROKER, celery_broker

    mail.outbox.clear()
    with celery_broker(DEAD_BROKER), caplog.at_level(logging.WARNING, logger="access.notifications"):
        propose_disbursement(preparing, manager=manager)
    assert recipients() == [manager2.email]
    assert "Could not hand the task mail" in caplog.text
