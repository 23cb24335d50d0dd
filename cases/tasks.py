from celery import shared_task

from audit.context import acting

from . import services


@shared_task
def flag_overdue_stages() -> int:
    with acting(channel="task"):
        return len(services.flag_overdue_stages())
