"""Two people resuming a suspended stage at once: one resumes it, the other is told it is no longer
suspended (409), never a 500. Real connections, real threads, on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from cases import services
from cases.models import StageClock
from core.exceptions import Conflict

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL's row locks"),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 6


def test_parallel_resumes_resume_once_and_refuse_the_others(officer, case):
    services.case_suspend(user=officer, case=case, reason="Wacht op informatie van de onderneming")
    barrier = threading.Barrier(WORKERS)
    outcomes: list[str] = [""] * WORKERS

    def run(index: int) -> None:
        try:
            barrier.wait()
            services.case_resume(user=officer, case=case, reason="Informatie ontvangen")
            outcomes[index] = "resumed"
        except Conflict as refused:
            outcomes[index] = f"refused:{refused.code}"
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            outcomes[index] = f"error:{error!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("resumed") == 1, outcomes
    assert set(outcomes) == {"resumed", "refused:not_suspended"}, outcomes
    assert not StageClock.objects.get(case=case, stage="signal").is_suspended
