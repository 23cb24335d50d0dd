"""Logins, logouts and failed logins go into the audit trail."""

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db import transaction
from django.dispatch import receiver

from audit.models import AuditRecord
from audit.services import audit_log


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    with transaction.atomic():
        audit_log(actor=user, action=AuditRecord.Action.LOGIN, event="auth.login", obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        with transaction.atomic():
            audit_log(actor=user, action=AuditRecord.Action.LOGOUT, event="auth.logout", obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    with transaction.atomic():
        audit_log(actor=None, action=AuditRecord.Action.LOGIN_FAILED, event="auth.login_failed",
                  object_type="access.user", object_id=str(credentials.get("username", ""))[:64])
