"""Changes to how people get in: second-factor devices and API tokens. Each in one transaction,
each with its audit record."""

from __future__ import annotations

import re
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditRecord
from audit.services import audit_log, diff
from core.classification import Classification, rank
from core.exceptions import Conflict, NotFound, PermissionDenied, RuleViolation

from . import hooks
from .models import ApiToken, User, api_token_digest, password_fingerprint
from .permissions import require
from .selectors import user_is_locked_out

ENROLMENT_DEVICE_NAME = "authenticator"
_TOTP_CODE = re.compile(r"^\d{6}$")


# ---------------------------------------------------------------------------------------------
# Second factor
# ---------------------------------------------------------------------------------------------
def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_device_matching(*, user: User, code: str) -> Device | None:
    """The user's confirmed device that accepts `code` (a 6-digit TOTP code or a backup code), or None.

    Only devices of the kind the code looks like are tried, so a typo in a TOTP code does not
    throttle the backup codes (and vice versa)."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    kind = TOTPDevice if _TOTP_CODE.match(code) else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if not isinstance(device, kind):
                continue
            allowed, _extra = device.verify_is_allowed()
            if allowed and device.verify_token(code):
                return device
    return None


def totp_enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator the person is enrolling (made on first call, kept until confirmed)."""
    if has_confirmed_totp(user):
        raise RuleViolation(_("U heeft al een bevestigde authenticator."), code="already_enrolled")
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=ENROLMENT_DEVICE_NAME).first()
    if device is None:
        with transaction.atomic():
            device = TOTPDevice(user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False)
            setattr(device, AUDITED_FLAG, True)
            device.save()
            audit_log(
                actor=user,
                action=AuditRecord.Action.CREATE,
                event="auth.totp_enrol_start",
                obj=user,
                object_repr=user.username,
                changes={"totp_device": {"before": None, "after": f"{device.pk} (unconfirmed)"}},
            )
    return device


@transaction.atomic
def totp_enrolment_confirm(*, user: User, code: str) -> TOTPDevice:
    """Confirm the authenticator with a code from the app; from then on it is the person's second factor."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False, name=ENROLMENT_DEVICE_NAME).first()
    )
    if device is None:
        raise RuleViolation(_("Er is geen authenticator om te bevestigen. Begin opnieuw."), field="code")
    code = (code or "").strip().replace(" ", "")
    if not _TOTP_CODE.match(code) or not device.verify_token(code):
        raise RuleViolation(_("Deze code klopt niet. Voer de zescijferige code uit de app in."), field="code")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="auth.totp_enrol",
        obj=user,
        object_repr=user.username,
        changes={"totp_device": {"before": None, "after": device.pk}},
    )
    return device


# ---------------------------------------------------------------------------------------------
# API tokens (one per person, for integrations)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def api_token_create(*, user: User, otp_verified: bool) -> tuple[ApiToken, str]:
    """A new token for the person, replacing any earlier one; returns the token and its key, which
    is shown once (only its digest is stored). Only from a session verified with the second factor:
    a token can never mint its own successor."""
    if not otp_verified:
        raise PermissionDenied(
            _("Een API-token maakt u aan vanuit een sessie die met de tweede factor is geverifieerd."),
            code="otp_required",
        )
    previous = ApiToken.objects.select_for_update().filter(user=user).first()
    if previous is not None:
        previous.delete()
    key = ApiToken.new_key()
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        digest=api_token_digest(key),
        password_fingerprint=password_fingerprint(user),
        created=now,
        expires_at=now + timedelta(days=settings.BEV_API_TOKEN_TTL_DAYS),
    )
    audit_log(
        actor=user,
        action=AuditRecord.Action.CREATE,
        event="auth.token_create",
        obj=user,
        object_repr=user.username,
        changes={
            "token": {"before": "replaced" if previous else None, "after": "created"},
            "expires_at": {"before": None, "after": token.expires_at.isoformat()},
        },
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    if not deleted:
        raise NotFound(_("U heeft geen API-token."))
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="auth.token_revoke",
        obj=user,
        object_repr=user.username,
        changes={"token": {"before": "active", "after": None}},
    )


def _revoke_token_of(*, actor: User, user: User, reason: str) -> None:
    """Part of another service's transaction: remove the person's token, recorded with the reason."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    if deleted:
        audit_log(
            actor=actor,
            action=AuditRecord.Action.UPDATE,
            event="auth.token_revoke",
            obj=user,
            object_repr=user.username,
            changes={"token": {"before": "active", "after": None}, "reason": {"before": None, "after": reason}},
        )


# ---------------------------------------------------------------------------------------------
# The person's own settings
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def user_set_notify_by_email(*, user: User, enabled: bool) -> User:
    """Task mails (access.notifications) on or off, by the person themselves (issue 23)."""
    return _own_setting_set(user=user, name="notify_by_email", value=bool(enabled))


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """The person's language for the web pages (issue 23): one of settings.LANGUAGES, or "" to follow
    the browser. Set on the settings page and by the language switch."""
    language = (language or "").strip()
    if language and language not in dict(settings.LANGUAGES):
        raise RuleViolation(_("Kies een van de talen van de dienst."), field="language")
    return _own_setting_set(user=user, name="language", value=language)


def _own_setting_set(*, user: User, name: str, value: object) -> User:
    """One of the person's own settings, under the row lock, audited as `user.<name>` when it changes."""
    user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
    before = getattr(user, name)
    if before != value:
        setattr(user, name, value)
        user.save(update_fields=[name])
        audit_log(
            actor=user,
            action=AuditRecord.Action.UPDATE,
            event=f"user.{name}",
            obj=user,
            object_repr=user.username,
            changes={name: {"before": before, "after": value}},
        )
    return user


# ---------------------------------------------------------------------------------------------
# People (the admin)
# ---------------------------------------------------------------------------------------------
SECURITY_FIELDS = ("username", "role", "clearance", "organisation", "is_active", "is_staff", "is_superuser")
# Everything about an account that is audited when it changes (issue 22); the password only as the
# fact that it changed, never its hash.
ACCOUNT_FIELDS = (*SECURITY_FIELDS, "first_name", "last_name", "email", "password")
AUDITED_FLAG = "_account_audited"  # set on an instance whose change the calling service audits itself


def user_snapshot(user: User) -> dict:
    if user is None or user.pk is None:
        return {}
    return {name: getattr(user, name) for name in SECURITY_FIELDS}


def account_snapshot(user: User | None) -> dict:
    """The audited fields of a saved account as stored (the password's hash only to compare)."""
    if user is None or user.pk is None:
        return {}
    return {name: getattr(user, name) for name in ACCOUNT_FIELDS}


def account_changes(before: dict, after: dict) -> dict:
    """The audited changes between two snapshots, the password as "changed" (or "set"/"unusable")."""
    changes = diff(
        {k: v for k, v in before.items() if k != "password"}, {k: v for k, v in after.items() if k != "password"}
    )
    if before.get("password") != after.get("password"):
        unusable = (after.get("password") or "").startswith("!")
        changes["password"] = {
            "before": "(set)" if before.get("password") else None,
            "after": "(unusable)" if unusable else "(changed)" if before else "(set)",
        }
    return changes


def account_change_audit(*, actor: User | None, user: User, before: dict, created: bool) -> AuditRecord | None:
    """The audit record of a change to an account that no service recorded: Django's own password
    views (the admin's form for another person, a person's own change), `manage.py changepassword`,
    `createsuperuser`, a shell. Written right after the save (in its transaction where there is one)."""
    changes = account_changes(before, account_snapshot(user))
    if not changes and not created:
        return None
    event = "user.create" if created else "user.password_change" if set(changes) == {"password"} else "user.update"
    return audit_log(
        actor=actor,
        action=AuditRecord.Action.CREATE if created else AuditRecord.Action.UPDATE,
        event=event,
        obj=user,
        object_repr=user.username,
        changes=changes,
    )


def user_require_clearance_covers_teams(*, user: User, clearance: str, is_active: bool) -> None:
    """A clearance is not lowered below a case not ended on whose team the person is: they would lose
    sight of it mid-work while still counting as its assessor or fund manager (the team rule, cleared
    for the classification, would no longer hold). Refused at the field `clearance`, naming the
    cases, as raising a case above a member's clearance is refused naming them
    (`classification_above_member_clearance`). Whoever lowers it first has the person taken off
    those teams (or the case lowered), each its own audited step; a deactivated person counts on no
    team. An ended case's frozen team does not block it (docs/security.md, "Classification changes")."""
    if user.pk is None or not is_active or clearance not in Classification.values:
        return
    references = hooks.open_cases_above_clearance(user_id=user.pk, clearance_rank=rank(clearance))
    if references:
        raise ValidationError(
            {
                "clearance": _(
                    "%(user)s staat in het team van casussen met een hogere rubricering dan %(level)s: "
                    "%(cases)s. Haal deze persoon daar eerst uit het team, of verlaag de rubricering van die casussen."
                )
                % {"user": user.username, "level": Classification(clearance).label, "cases": ", ".join(references)}
            }
        )


@transaction.atomic
def user_save_by_admin(*, actor: User, user: User, before: dict) -> User:
    """Save a person's account as changed in the admin; every change (role, clearance, access, name,
    e-mail, the password set when adding a person) is audited. A clearance is not lowered below an
    open case of the person's team (`user_require_clearance_covers_teams`): the person's row is
    locked first, and a team add locks it too (`cases.services.case_team_add`), so the check holds."""
    require(actor, "user.manage")
    created = user.pk is None
    user.full_clean(exclude=["password"])
    if not created:
        stored = User.objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("clearance_rank").get()[0]
        if rank(user.clearance) < stored:
            user_require_clearance_covers_teams(user=user, clearance=user.clearance, is_active=user.is_active)
    setattr(user, AUDITED_FLAG, True)
    user.save()
    if not created and before.get("is_active") and not user.is_active:
        # deactivated: the token goes (it would otherwise work again on reactivation); the open
        # sessions are refused by the auth backend on their next request
        _revoke_token_of(actor=actor, user=user, reason="deactivated")
    changes = account_changes(before, account_snapshot(user))
    if changes or created:
        audit_log(
            actor=actor,
            action=AuditRecord.Action.CREATE if created else AuditRecord.Action.UPDATE,
            event="user.create" if created else "user.update",
            obj=user,
            object_repr=user.username,
            changes=changes,
        )
    return user


@transaction.atomic
def user_groups_change_audit(
    *, actor: User | None, user: User, field: str, added: list[str], removed: list[str]
) -> None:
    """A person's groups or extra permissions changed (the admin's form): who, which, added/removed."""
    if added or removed:
        audit_log(
            actor=actor,
            action=AuditRecord.Action.UPDATE,
            event="user.update",
            obj=user,
            object_repr=user.username,
            changes={field: {"added": sorted(added), "removed": sorted(removed)}},
        )


@transaction.atomic
def second_factor_change_audit(*, actor: User | None, user_id: int, device: str, change: str) -> None:
    """A second-factor device or backup code added or removed outside the services (the demo's seed,
    a shell): the kind of device, never its secret."""
    audit_log(
        actor=actor,
        action=AuditRecord.Action.UPDATE,
        event="user.second_factor_change",
        object_type="access.user",
        object_id=str(user_id),
        changes={"second_factor": {"device": device, "change": change}},
    )


# Account recovery, four eyes (the service's own rule). A person's password and their second factor
# are the two things only they hold. An administrator who set a person's password, and then removed
# their second factor, could log in as them and enrol their own authenticator: every case the person
# is on, and their place as the second pair of eyes, would be the administrator's (found by a security
# probe). So one administrator does one of the two; another does the other. Both are in the trail.
def _last_account_record(user: User, *, password: bool = False, event: str = "") -> AuditRecord | None:
    records = AuditRecord.objects.filter(object_type=User._meta.label_lower, object_id=str(user.pk))
    records = records.filter(changes__has_key="password") if password else records.filter(event=event)
    return records.order_by("-id").first()


def require_not_both_keys(*, actor: User, user: User, step: str) -> None:
    """Refuse the administrator `actor` the second key of `user`'s account: resetting the second
    factor of a person whose password they set (`step="second_factor"`), or setting the password of
    a person without a second factor whose second factor they removed (`step="password"`)."""
    if actor.pk == user.pk:  # a person's own account: both keys are theirs
        return
    if step == "second_factor":
        record = _last_account_record(user, password=True)
        message = _(
            "Vier ogen: u heeft het wachtwoord van deze persoon ingesteld; een andere beheerder stelt de "
            "tweede factor opnieuw in."
        )
    else:
        if has_confirmed_totp(user):
            return
        record = _last_account_record(user, event="user.reset_second_factor")
        message = _(
            "Vier ogen: u heeft de tweede factor van deze persoon verwijderd; een andere beheerder stelt "
            "het wachtwoord in."
        )
    if record is not None and record.actor_id == actor.pk:
        raise PermissionDenied(message, code="four_eyes")


@transaction.atomic
def user_reset_second_factor(*, actor: User, user: User) -> None:
    """Remove a person's authenticators and backup codes: at the next login they enrol again.
    (For a lost phone; an administrator never sees anyone's secret.) Not by the administrator who
    set the person's password (`require_not_both_keys`)."""
    require(actor, "user.manage")
    require_not_both_keys(actor=actor, user=user, step="second_factor")
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        setattr(device, AUDITED_FLAG, True)
        device.delete()
        removed += 1
    _revoke_token_of(actor=actor, user=user, reason="second_factor_reset")
    audit_log(
        actor=actor,
        action=AuditRecord.Action.UPDATE,
        event="user.reset_second_factor",
        obj=user,
        object_repr=user.username,
        changes={"devices": {"before": removed, "after": 0}},
    )


@transaction.atomic
def user_lockout_lift(*, user: User, target: User, reason: str) -> int:
    """Lift django-axes' lockout of `target` (docs/security.md, "Lockout"): an administrator
    (`user.manage`), with a reason, before the cool-off ends. Clears every failed login counted for
    the username, from every address (`axes.utils.reset`, django-axes' own API, so its bookkeeping
    stays its own), so the person logs in again and their token and sessions work again. Refused
    when nothing is locked. Returns the number of address records cleared."""
    require(user, "user.manage")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Geef een reden op voor het opheffen van de blokkering."), field="reason")
    # the person's row first: two administrators lifting the same lock write one record
    target = User.objects.select_for_update(no_key=True).get(pk=target.pk)
    if not target.username or not user_is_locked_out(target):
        # (an empty username would have axes reset every attempt of everyone)
        raise Conflict(_("%(user)s is niet geblokkeerd.") % {"user": target.username}, code="not_locked_out")
    cleared = axes_reset(username=target.username)
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="user.lockout_lift",
        obj=target,
        object_repr=target.username,
        changes={"locked_out": {"before": True, "after": False}, "reason": {"before": None, "after": reason}},
    )
    return cleared
