"""Celery tasks of the fund: thin, they call services."""

from celery import shared_task

from audit.context import acting
from core.exceptions import NotFound

from . import services


@shared_task
def accrue_loan_interest() -> int:
    """Daily (beat "accrue-ezk-loan-interest"): accrue the interest of every complete period of EZK's
    loan not accrued yet ("rente betaald moet worden over de middelen", letter, footnote 9). Each
    period is accrued once, so a retried or doubled run books nothing more; where no terms are set,
    it stops (logged) until an administrator enters them."""
    with acting(channel="task"):
        try:
            return len(services.loan_interest_accrue())
        except NotFound:  # the fund is not established yet (deploy step 4)
            return 0
