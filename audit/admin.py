from django.contrib import admin

from access.permissions import can

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only; only auditors and administrators see it."""

    list_display = ["id", "timestamp", "actor_username", "action", "event", "object_type", "object_id", "case_id"]
    list_filter = ["action", "channel"]
    search_fields = ["actor_username", "event", "object_id", "request_id"]

    def has_module_permission(self, request):
        return can(request.user, "audit.view")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "audit.view")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
