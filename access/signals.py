"""Logins, logouts and failed logins go into the audit trail; so does every change to an account
or a second factor that no service recorded itself (issue 22).

The services (access.services) audit what they change, with the actor they are given, and mark the
instance (AUDITED_FLAG). What reaches an account without a service -- Django's own password views
(the admin's form for another person's password, a person's own change in the admin),
`manage.py changepassword`, groups and permissions in the admin form, a
device added in a shell or by the demo's seed -- is caught here, at the model, with the request's
user as the actor (audit.context; none for a command)."""

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.context import current
from audit.models import AuditRecord
from audit.services import audit_log

from .models import User
from .services import (
    ACCOUNT_FIELDS,
    AUDITED_FLAG,
    account_change_audit,
    account_snapshot,
    second_factor_change_audit,
    user_groups_change_audit,
)


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
        audit_log(
            actor=None,
            action=AuditRecord.Action.LOGIN_FAILED,
            event="auth.login_failed",
            object_type="access.user",
            object_id=str(credentials.get("username", ""))[:64],
        )


# ---------------------------------------------------------------------------------------------
# Changes to accounts and second factors that no service recorded
# ---------------------------------------------------------------------------------------------
_BEFORE = "_account_before"


def _actor():
    """The person whose request this is, or None (a command, a task, an anonymous request)."""
    actor = current().actor
    try:
        return actor if actor is not None and actor.is_authenticated else None
    except AttributeError:
        return None


def _audited_by_service(instance) -> bool:
    return bool(instance.__dict__.pop(AUDITED_FLAG, False))


@receiver(pre_save, sender=User)
def _account_before(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.__dict__.get(AUDITED_FLAG) or instance.pk is None:
        return  # a new account is recorded by the service that creates it (admin, first administrator)
    if update_fields is not None and set(ACCOUNT_FIELDS).isdisjoint(update_fields):
        return  # e.g. last_login at each login: nothing audited changes, no query
    instance.__dict__[_BEFORE] = account_snapshot(User.objects.filter(pk=instance.pk).first())


@receiver(post_save, sender=User)
def _account_saved(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop(_BEFORE, None)
    if raw or _audited_by_service(instance) or before is None:
        return
    with transaction.atomic():
        account_change_audit(actor=_actor(), user=instance, before=before, created=created)


def _groups_changed(field):
    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        if reverse or not isinstance(instance, User):
            return  # a group's members changed from the group's side: not through the account
        if action == "pre_clear":
            instance.__dict__[f"_cleared_{field}"] = [str(o) for o in getattr(instance, field).all()]
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        names = (
            instance.__dict__.pop(f"_cleared_{field}", [])
            if action == "post_clear"
            else [str(o) for o in model.objects.filter(pk__in=pk_set or ())]
        )
        user_groups_change_audit(
            actor=_actor(),
            user=instance,
            field=field,
            added=names if action == "post_add" else [],
            removed=names if action != "post_add" else [],
        )

    return handler


_groups_handler = _groups_changed("groups")
_permissions_handler = _groups_changed("user_permissions")
m2m_changed.connect(_groups_handler, sender=User.groups.through, weak=False)
m2m_changed.connect(_permissions_handler, sender=User.user_permissions.through, weak=False)


@receiver(post_save, sender=TOTPDevice)
@receiver(post_save, sender=StaticDevice)
def _device_added(sender, instance, created, raw=False, **kwargs):
    if raw or _audited_by_service(instance) or not created:
        return  # a device's counters change at every login; confirming one is audited by its service
    second_factor_change_audit(actor=_actor(), user_id=instance.user_id, device=sender.__name__, change="added")


@receiver(post_delete, sender=TOTPDevice)
@receiver(post_delete, sender=StaticDevice)
def _device_removed(sender, instance, **kwargs):
    if not _audited_by_service(instance):
        second_factor_change_audit(actor=_actor(), user_id=instance.user_id, device=sender.__name__, change="removed")


@receiver(post_save, sender=StaticToken)
def _backup_code_added(sender, instance, created, raw=False, **kwargs):
    # A used backup code is deleted at login (auth.login records that); adding one is a change.
    if created and not raw and not _audited_by_service(instance):
        second_factor_change_audit(
            actor=_actor(), user_id=instance.device.user_id, device="StaticToken", change="added"
        )
