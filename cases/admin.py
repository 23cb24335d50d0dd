"""The admin reaches cases only through `visible_to` and changes them only through services."""

from django.contrib import admin

from access.permissions import can
from core.admin import ReadOnlyInline
from core.admin_money import EuroFieldsAdmin

from .admin_scope import CaseScopedAdmin
from .models import CabinetDecision, Case, CaseTeamMember, TimelineEvent


class TeamInline(ReadOnlyInline):
    model = CaseTeamMember
    fields = readonly_fields = ("user", "role", "added_at")


class TimelineInline(ReadOnlyInline):
    model = TimelineEvent
    fields = readonly_fields = ("at", "actor", "kind", "transition", "from_state", "to_state", "reason")


class DecisionInline(ReadOnlyInline):
    model = CabinetDecision
    fields = readonly_fields = (
        "meeting_date",
        "reference",
        "deploy",
        "recorded_by",
        "confirmed_by",
        "confirmed_at",
        "rejected_by",
        "rejected_at",
        "rejection_reason",
    )


@admin.register(Case)
class CaseAdmin(EuroFieldsAdmin, CaseScopedAdmin):
    case_lookup = "pk"
    euro_fields = ("transaction_value",)
    list_display = ["reference", "title", "state", "urgency", "classification", "signal_received_at"]
    list_filter = ["state", "urgency", "classification"]
    search_fields = ["reference", "title", "target_name"]
    inlines = [TeamInline, DecisionInline, TimelineInline]

    def get_queryset(self, request):
        return Case.objects.case_file_visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Case._meta.fields]

    def has_view_permission(self, request, obj=None):
        return (
            request.user.is_active
            and request.user.is_staff
            and (obj is None or can(request.user, "case.view", case=obj))
        )

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False  # new signals are recorded through the service (API or web form)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # cases are never deleted
