"""People in the admin: only administrators (user.manage), changes audited (the form's through
`user_save_by_admin`; the password form, groups and permissions through access.signals). Authenticator devices
and API tokens are not shown: nobody sees another person's TOTP secret or token; an administrator
can only reset a lost second factor (the person enrols again at the next login)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.exceptions import PermissionDenied

from .forms import UserAdminChangeForm
from .models import User
from .permissions import can
from .services import account_snapshot, require_not_both_keys, user_reset_second_factor, user_save_by_admin

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "clearance", "organisation", "is_active"]
    list_filter = ["role", "clearance", "is_active"]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("BEV", {"fields": ["role", "clearance", "organisation"]}))
    actions = ["reset_second_factor"]
    form = UserAdminChangeForm

    @admin.display(description=_("naam"), ordering="last_name")
    def full_name(self, obj: User) -> str:  # the column was headed "GET FULL NAME", on every page language
        return obj.get_full_name()

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
