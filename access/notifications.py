"""Telling people by e-mail that a task waits on them (issue 23): a four-eyes approval (something
proposed that needs another's approval) or a consultation request.

Called by the service that created the task, inside its transaction; the mail goes out after the
commit (`transaction.on_commit`), so a rolled-back change sends nothing, and is handed to the Celery
worker (`access.tasks.deliver_task_mail`), so a slow or unreachable mail server never holds the
request; with the broker down it is sent from the request instead (a notification, not a fact: the
task is on "Mijn werk" either way). One mail per person (nobody
sees who else was told), only to active people with an address who did not switch mails off
(`User.notify_by_email`, their settings page). Through Django's mail backend: the console in the
embedded demo, SMTP in production (EMAIL_HOST etc., config/settings), in memory in the tests.

A mail leaves the service's need-to-know boundary, so it carries only the case's reference, the
kind of task and a link to it: never the case's title, company, acquirer, amounts or any other
content of the case file, whatever its classification. The link opens only after login, for
people on the team with enough clearance."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def notify_task(*, recipients: Iterable, kind: str | Promise, reference: str, path: str) -> int:
    """Schedule a mail about a task (`kind`, e.g. "Vier ogen: uitbetaling goedkeuren") on the case
    `reference` (or another neutral reference), whose page is `path`, to each of `recipients` who
    wants one. Returns how many mails are scheduled."""
    addresses = sorted({u.email for u in recipients if u.email and u.is_active and getattr(u, "notify_by_email", True)})
    if not addresses:
        return 0
    with translation.override(settings.LANGUAGE_CODE):  # the service's language, not the sender's
        subject = f"[BEV] {kind}: {reference}"
        body = "\n".join(
            [
                _("Er wacht een taak op u in de Beschermingsvoorziening Economische Veiligheid."),
                "",
                f"{_('Taak')}: {kind}",
                f"{_('Betreft')}: {reference}",
                f"{_('Openen')}: {settings.BEV_SITE_URL}{path}",
                "",
                _(
                    "Dit bericht bevat bewust geen inhoud van het dossier. U kunt deze e-mails uitzetten bij "
                    "Instellingen: %(url)s"
                )
                % {"url": f"{settings.BEV_SITE_URL}{reverse('access:settings')}"},
            ]
        )
    transaction.on_commit(lambda: _hand_to_worker(subject, body, addresses))
    return len(addresses)


def _hand_to_worker(subject: str, body: str, addresses: list[str]) -> None:
    from . import tasks

    try:
        tasks.deliver_task_mail.delay(subject, body, addresses)
    except Exception:  # noqa: BLE001 - any broker error: send it from here, bounded by EMAIL_TIMEOUT
        logger.warning("Could not hand the task mail %r to the worker; sending it now", subject, exc_info=True)
        send_task_mail(subject, body, addresses)


def send_task_mail(subject: str, body: str, addresses: list[str]) -> None:
    """After the commit: a mail server that is down must not turn the committed step into an error."""
    try:
        with get_connection() as connection:
            for address in addresses:
                EmailMessage(subject=subject, body=body, to=[address], connection=connection).send()
    except Exception:  # noqa: BLE001 - the change is committed; the task is on "Mijn werk" anyway
        logger.exception("Task mail %r not sent to %d recipients", subject, len(addresses))
