from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditRecord, TaskFailure
from .readers import may
from .selectors import MASKED_REPR, masked, with_visibility


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only; only auditors and administrators see it, with the same masking as the API:
    records about a case the reader cannot see show who/when/what, not the case's content."""

    list_display = ["id", "timestamp", "actor_username", "action", "event", "object_type", "object_id",
                    "shown_repr", "case_id"]
    list_filter = ["action", "channel"]
    search_fields = ["actor_username", "event", "object_id", "request_id"]
    fields = ("id", "timestamp", "actor_username", "action", "event", "object_type", "object_id", "shown_repr",
              "case_id", "request_id", "ip_address", "channel", "shown_changes", "seq", "prev_hash", "hash")
    readonly_fields = fields

    def get_queryset(self, request):
        return with_visibility(super().get_queryset(request), user=request.user)

    @admin.display(description=_("object"))
    def shown_repr(self, obj):
        return MASKED_REPR if masked(obj) else obj.object_repr

    @admin.display(description=_("wijzigingen"))
    def shown_changes(self, obj):
        return MASKED_REPR if masked(obj) else obj.changes

    def has_module_permission(self, request):
        return may(request.user, "audit.view")

    def has_view_permission(self, request, obj=None):
        return may(request.user, "audit.view")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    """Background tasks that failed (audit.task_signals), read-only, for the administrator: what did
    not get done, with the task id and request id to find the log lines (README "Operations")."""

    list_display = ["failed_at", "task_name", "exception", "task_id", "request_id"]
    list_filter = ["task_name", "exception"]
    search_fields = ["task_name", "task_id", "request_id"]
    fields = ("failed_at", "task_name", "task_id", "request_id", "exception", "message")
    readonly_fields = fields

    def has_module_permission(self, request):
        return may(request.user, "operations.view")

    def has_view_permission(self, request, obj=None):
        return may(request.user, "operations.view")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
