from celery import shared_task

from .notifications import send_task_mail


@shared_task(ignore_result=True)
def deliver_task_mail(subject: str, body: str, addresses: list[str]) -> None:
    """Send a task mail (access.notifications) in the worker, not in the request that made the task:
    a slow or unreachable mail server never holds a web request (EMAIL_TIMEOUT per attempt)."""
    send_task_mail(subject, body, addresses)
