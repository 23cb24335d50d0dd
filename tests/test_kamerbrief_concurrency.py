"""Two workers given the same outbox row at once (a duplicate message, the periodic run racing the
hand-off): one makes the drafts, the other skips the locked row. Runs on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections, transaction

from access.roles import Role
from parliament import services
from parliament.models import LetterDraft, LetterRequest

from .factories import add_liaisons, transaction_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking (SELECT ... FOR UPDATE SKIP LOCKED)")


@pytest.fixture(autouse=True)
def configuration(_postgres_only):
    """Transactional tests flush the tables, the migration's configuration rows with them."""
    from parliament.models import LetterReference, Minister, MinistryProfile
    from parliament.seed_data import seed_configuration

    seed_configuration(MinistryProfile, Minister, LetterReference)


def test_two_workers_on_the_same_request_make_one_draft_per_chamber(case, officer, manager, make_user):
    add_liaisons(case, by=officer, liaisons=[make_user("kamer", Role.PARLIAMENTARY_LIAISON)])
    with transaction.atomic():
        request = services.letter_requests_create(event=transaction_event(case, user=manager))

    for _round in range(3):
        barrier = threading.Barrier(4)
        results = []

        def work(barrier=barrier, results=results):
            try:
                barrier.wait()
                results.append(len(services.letter_drafts_make(request_id=request.pk)))
            except Exception as exc:  # noqa: BLE001 - asserted below
                results.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(isinstance(r, int) for r in results), results
        LetterRequest.objects.filter(pk=request.pk).update(status=LetterRequest.Status.PENDING)  # try again

    assert LetterDraft.objects.filter(request=request).count() == 2
    assert sorted(LetterDraft.objects.filter(request=request).values_list("chamber", flat=True)) == [
        "eerste_kamer",
        "tweede_kamer",
    ]
