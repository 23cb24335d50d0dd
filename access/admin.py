"""People in the admin: only administrators (user.manage), changes audited (the form's through
`user_save_by_admin`; the password form, groups and permissions through access.signals). Authenticator devices
and API tokens are not shown: nobody sees another person's TOTP secret or token; an administrator
can only reset a lost second factor (the person enrols again at the next login)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import UserAdminChangeForm
from .models import User
from .permissions import can
from .services import account_snapshot, user_reset_second_factor, user_save_by_admin

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

    @admin.action(description=_("Tweede factor opnieuw laten instellen"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            user_reset_second_factor(actor=request.user, user=user)
        self.message_user(
            request,
            _("De tweede factor is verwijderd; bij de volgende login stelt men hem opnieuw in."),
            messages.SUCCESS,
        )
