from celery import shared_task

from .services import audit_chain_seal


@shared_task(ignore_result=True)
def seal_chain() -> int:
    """Chain the records committed since the last seal (beat: every few seconds)."""
    return audit_chain_seal()
