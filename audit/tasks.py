import logging

from celery import shared_task

from .context import acting
from .services import (
    audit_chain_seal,
    chain_verification_fail,
    chain_verification_run,
    chain_verifications_to_retry,
)

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def seal_chain() -> int:
    """Chain the records committed since the last seal (beat: every few seconds)."""
    return audit_chain_seal()


@shared_task(ignore_result=True)
def verify_chain(verification_id: int) -> str:
    """Walk the chain for one asked-for verification (`audit.services.chain_verification_run`).
    Redelivered or started twice, it does the work once; a failure is kept on the row."""
    with acting(channel="task"):
        try:
            done = chain_verification_run(verification_id=verification_id)
        except Exception as exc:  # noqa: BLE001 - shown to the person through the status row
            logger.exception("Chain verification %s failed", verification_id)
            chain_verification_fail(verification_id=verification_id, error=f"{type(exc).__name__}: {exc}")
            return "failed"
    return "skipped" if done is None else "done"


@shared_task(ignore_result=True)
def retry_chain_verifications() -> int:
    """Every minute (beat "retry-chain-verifications"): verifications whose hand-off failed because
    the broker was down, or whose worker died, are done here."""
    ids = chain_verifications_to_retry()
    for verification_id in ids:
        verify_chain(verification_id)
    return len(ids)
