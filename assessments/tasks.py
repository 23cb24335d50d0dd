from celery import shared_task

from audit.context import acting

from . import services


@shared_task
def flag_overdue_consultations() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): flag advice requests past their due date."""
    with acting(channel="task"):
        return len(services.flag_overdue_consultations())
