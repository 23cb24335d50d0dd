"""After every executed fund transaction a draft letter goes to each chamber: made by a worker from
an outbox row committed with the transaction, exactly once, and never half."""

from decimal import Decimal

import pytest
from django.db import transaction

from access.roles import Role
from bev.events import transaction_executed
from parliament import services, tasks
from parliament.models import Chamber, LetterDraft, LetterRequest, LetterRevision, TransactionKind

from .factories import add_liaisons, transaction_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def kamer2(make_user):
    return make_user("kamer2", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def letter_case(case, officer, kamer, kamer2):
    return add_liaisons(case, by=officer, liaisons=[kamer, kamer2])


@pytest.fixture
def execute(django_capture_on_commit_callbacks):
    """Run a fund transaction's hand-off as the fund does: inside its own database transaction."""

    def _execute(event):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                transaction_executed(event)
        return LetterRequest.objects.get(source_key=event.source_key)

    return _execute


@pytest.mark.parametrize("kind", TransactionKind.values)
def test_each_kind_of_transaction_gets_a_draft_for_each_chamber(letter_case, manager, execute, kind):
    request = execute(transaction_event(letter_case, kind=kind, user=manager))

    drafts = LetterDraft.objects.filter(request=request)
    assert sorted(drafts.values_list("chamber", flat=True)) == sorted(Chamber.values)
    assert set(drafts.values_list("kind", flat=True)) == {kind}
    assert set(drafts.values_list("status", flat=True)) == {"draft"}
    tk = drafts.get(chamber=Chamber.TWEEDE_KAMER)
    ek = drafts.get(chamber=Chamber.EERSTE_KAMER)
    assert "Tweede Kamer" in tk.addressee and "Prinses Irenestraat 6" in tk.addressee
    assert "Eerste Kamer" in ek.addressee and "Postbus 20017" in ek.addressee
    assert tk.salutation == "Geachte Voorzitter,"
    request.refresh_from_db()
    assert request.status == LetterRequest.Status.DONE
    # the generated text is revision 1 of each draft
    assert LetterRevision.objects.filter(draft__request=request, number=1).count() == 2


def test_the_same_transaction_announced_twice_makes_one_request(letter_case, manager, execute):
    event = transaction_event(letter_case, user=manager)
    execute(event)
    execute(event)
    assert LetterRequest.objects.filter(source_key=event.source_key).count() == 1
    assert LetterDraft.objects.count() == 2


def test_a_task_that_runs_twice_makes_one_draft_per_chamber(letter_case, manager, execute):
    request = execute(transaction_event(letter_case, user=manager))
    # redelivery, a duplicate message and the periodic run all find the work done
    assert tasks.make_letter_drafts(request.pk) == 0
    tasks.make_letter_drafts.delay(request.pk)
    tasks.process_outbox()
    assert LetterDraft.objects.filter(request=request).count() == 2


def test_no_letter_request_when_the_fund_transaction_rolls_back(letter_case, manager):
    event = transaction_event(letter_case, user=manager)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            transaction_executed(event)
            raise RuntimeError("booking failed after the event")
    assert not LetterRequest.objects.exists()
    assert not LetterDraft.objects.exists()


def test_a_worker_dying_half_way_leaves_no_half_draft_and_redelivery_makes_it(letter_case, manager, monkeypatch):
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(letter_case, user=manager))
    real_compose = services.compose_letter
    calls = []

    def dies_on_the_second_chamber(facts):
        calls.append(facts["chamber"])
        if len(calls) == 2:
            raise SystemError("worker killed")
        return real_compose(facts)

    monkeypatch.setattr(services, "compose_letter", dies_on_the_second_chamber)
    assert tasks.make_letter_drafts(request.pk) == 0

    assert not LetterDraft.objects.exists()
    assert not LetterRevision.objects.exists()
    request.refresh_from_db()
    assert request.status == LetterRequest.Status.PENDING
    assert "worker killed" in request.last_error

    monkeypatch.setattr(services, "compose_letter", real_compose)
    tasks.process_outbox()  # the periodic run (or the redelivered task) makes it
    assert LetterDraft.objects.filter(request=request).count() == 2
    request.refresh_from_db()
    assert request.status == LetterRequest.Status.DONE and request.last_error == ""


def test_an_unknown_kind_of_transaction_is_refused(letter_case, manager):
    from core.exceptions import RuleViolation

    with pytest.raises(RuleViolation):
        services.letter_requests_create(event=transaction_event(letter_case, kind="loan", user=manager))
    assert not LetterRequest.objects.exists()


def test_the_amount_is_kept_exactly(letter_case, manager, execute):
    request = execute(transaction_event(letter_case, amount=Decimal("12500000.55"), user=manager))
    assert request.amount == Decimal("12500000.55")
    assert LetterDraft.objects.get(request=request, chamber="tweede_kamer").facts["amount"] == "12500000.55"


def test_an_emptied_configuration_is_restored_from_the_defaults(letter_case, manager, execute):
    """After a restore or flush that lost the seeded letterhead and ministers, drafts still get made."""
    from parliament.models import Minister, MinistryProfile

    MinistryProfile.objects.all().delete()
    Minister.objects.all().delete()
    execute(transaction_event(letter_case, user=manager))
    assert LetterDraft.objects.count() == 2
    assert Minister.objects.exists()
