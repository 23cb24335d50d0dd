"""A Kamerbrief draft task locks only its outbox row: a booking or transition that holds the case
row does not make the task skip its request (the drafts came ~18 s later, with the next outbox
sweep), and a position's booking locks only the position, not its case."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from access.roles import Role
from cases.models import Case
from parliament import services
from parliament.models import LetterDraft, LetterRequest

from .factories import add_liaisons, case_to_investment_preparation, fund_with_tranches, transaction_event
from .processes import DEAD_BROKER, celery_broker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def configuration():
    """Transactional tests flush the tables, the migration's configuration rows with them."""
    from parliament.models import LetterReference, Minister, MinistryProfile
    from parliament.seed_data import seed_configuration

    seed_configuration(MinistryProfile, Minister, LetterReference)


def hold_case_as_a_transition(case):
    Case.objects.select_for_update(no_key=True).get(pk=case.pk)


def hold_position_as_a_booking(case):
    from bev.models import Position
    from bev.services.positions import _locked_position

    _locked_position(Position.objects.get(case=case))


@pytest.mark.parametrize("hold", [hold_case_as_a_transition, hold_position_as_a_booking])
def test_drafts_are_made_while_another_transaction_works_on_the_case(
    case, officer, manager, secretariat, secretariat2, make_user, hold
):
    if hold is hold_position_as_a_booking:
        from bev.services import position_create

        fund_with_tranches(user=manager)
        case = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
        position_create(user=manager, case=case, instrument="equity", ownership_percent=Decimal("25"))
    add_liaisons(case, by=officer, liaisons=[make_user("kamer", Role.PARLIAMENTARY_LIAISON)])
    with celery_broker(DEAD_BROKER), transaction.atomic():  # the hand-off fails: the row stays pending
        request = services.letter_requests_create(event=transaction_event(case, user=manager))
    assert LetterRequest.objects.get(pk=request.pk).status == LetterRequest.Status.PENDING

    holding, release = threading.Event(), threading.Event()

    def booking_on_the_same_case():
        try:
            with transaction.atomic():
                hold(case)
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    other = threading.Thread(target=booking_on_the_same_case)
    other.start()
    try:
        assert holding.wait(timeout=10)
        with connection.cursor() as cursor:  # waiting for the other's lock is an error, not a delay
            cursor.execute("SET lock_timeout = '3s'")
        try:
            drafts = services.letter_drafts_make(request_id=request.pk)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        other.join(timeout=30)

    assert len(drafts) == 2
    request.refresh_from_db()
    assert request.status == LetterRequest.Status.DONE
    assert LetterDraft.objects.filter(request=request).count() == 2
