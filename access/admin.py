"""People in the admin: only administrators (user.manage), changes audited (the form's through
`user_save_by_admin`; the password form, groups and permissions through access.signals). Authenticator devices
and API tokens are not shown: nobody sees another person's TOTP secret or token; an administrator
can only reset a lost second factor (the person enrols again at the next login), and lift a login
lockout (django-axes) before its cool-off ends, with a reason (`user_lockout_lift`)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.exceptions import ApplicationError, PermissionDenied

from .forms import UserAdminChangeForm
from .models import User
from .permissions import can
from .selectors import locked_out
from .services import (
    account_snapshot,
    require_not_both_keys,
    user_lockout_lift,
    user_reset_second_factor,
    user_save_by_admin,
)

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "clearance", "organisation", "is_active", "login_locked_out"]
    list_filter = ["role", "clearance", "is_active"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("BEV", {"fields": ["role", "clearance", "organisation", "login_lockout"]}),
    )
    readonly_fields = ["login_lockout"]
    actions = ["reset_second_factor", "lift_lockout"]
    form = UserAdminChangeForm

    @admin.display(description=_("naam"), ordering="last_name")
    def full_name(self, obj: User) -> str:  # the column was headed "GET FULL NAME", on every page language
        return obj.get_full_name()

    def get_queryset(self, request):
        # whether each person is locked out now (django-axes), one subquery for the whole page
        return super().get_queryset(request).annotate(is_locked_out=locked_out())

    @admin.display(description=_("geblokkeerd"), boolean=True)
    def login_locked_out(self, obj: User) -> bool:
        return bool(getattr(obj, "is_locked_out", False))

    @admin.display(description=_("Blokkering van de login"))
    def login_lockout(self, obj: User | None) -> str:
        if obj is None or obj.pk is None:
            return "-"
        if not getattr(obj, "is_locked_out", False):
            return gettext("Niet geblokkeerd.")
        return format_html(
            '{} <a class="button" href="{}">{}</a>',
            gettext("Geblokkeerd na te veel mislukte inlogpogingen: inloggen, API-token en sessies werken niet."),
            reverse("admin:access_user_lockout_lift", args=[obj.pk]),
            gettext("Blokkering opheffen"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/lockout/",
                self.admin_site.admin_view(self.lockout_lift_view),
                name="access_user_lockout_lift",
            ),
            *super().get_urls(),
        ]

    def lockout_lift_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The change page's "Blokkering opheffen": the reason asked, then `user_lockout_lift`."""
        if not self.has_change_permission(request):
            raise DjangoPermissionDenied
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404
        error = None
        if request.method == "POST":
            error = self._lift_lockouts(request, [person], request.POST.get("reason", ""))
            if error is None:
                return redirect(reverse("admin:access_user_change", args=[person.pk]))
        return self._lockout_lift_page(request, [person], error=error, action=None)

    @admin.action(description=_("Blokkering van de login opheffen"))
    def lift_lockout(self, request, queryset):
        """Asks the reason on a page of its own (as Django's delete asks to confirm), then lifts."""
        error = None
        if request.POST.get("confirm_lockout_lift"):
            error = self._lift_lockouts(request, list(queryset), request.POST.get("reason", ""))
            if error is None:
                return None  # back to the list, with the messages
        return self._lockout_lift_page(request, list(queryset), error=error, action="lift_lockout")

    def _lift_lockouts(self, request, people: list[User], reason: str) -> str | None:
        """Lift each person's lock; the messages say what was done and refused. Returns the refusal
        of the reason (shown at its field, nothing lifted), or None."""
        lifted, refused = [], []
        for person in people:
            try:
                user_lockout_lift(user=request.user, target=person, reason=reason)
            except ApplicationError as refusal:
                if refusal.field == "reason":
                    return refusal.message
                refused.append(f"{person.username}: {refusal.message}")
            else:
                lifted.append(person.username)
        if lifted:
            self.message_user(
                request,
                gettext("De blokkering is opgeheven voor %(people)s; zij kunnen weer inloggen.")
                % {"people": ", ".join(lifted)},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)
        return None

    def _lockout_lift_page(self, request, people: list[User], *, error: str | None, action: str | None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Blokkering van de login opheffen"),
            "people": people,
            "action": action,
            "reason": request.POST.get("reason", ""),
            "error": error,
        }
        return TemplateResponse(request, "admin/access/user/lockout_lift.html", context)

    def has_module_permission(self, request):
        return can(request.user, "user.manage")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "user.manage")

    def has_add_permission(self, request):
        return can(request.user, "user.manage")

    def has_change_permission(self, request, obj=None):
        return can(request.user, "user.manage")

    def has_delete_permission(self, request, obj=None):
        return False  # people stay in the audit trail: deactivate instead

    def save_model(self, request, obj, form, change):
        before = account_snapshot(User.objects.get(pk=obj.pk)) if change else {}
        user_save_by_admin(actor=request.user, user=obj, before=before)

    def user_change_password(self, request, id, form_url=""):
        """Django's password form for another person, not for the administrator who removed that
        person's second factor (`access.services.require_not_both_keys`)."""
        user = self.get_object(request, id)
        if user is not None:
            try:
                require_not_both_keys(actor=request.user, user=user, step="password")
            except PermissionDenied as refused:
                self.message_user(request, refused.message, messages.ERROR)
                return redirect(reverse("admin:access_user_change", args=[user.pk]))
        return super().user_change_password(request, id, form_url)

    @admin.action(description=_("Tweede factor opnieuw laten instellen"))
    def reset_second_factor(self, request, queryset):
        done, refused = 0, []
        for user in queryset:
            try:
                user_reset_second_factor(actor=request.user, user=user)
                done += 1
            except PermissionDenied as refusal:
                refused.append(f"{user.username}: {refusal.message}")
        if done:
            self.message_user(
                request,
                _("De tweede factor is verwijderd; bij de volgende login stelt men hem opnieuw in."),
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)
