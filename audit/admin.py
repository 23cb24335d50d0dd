from django.contrib import admin
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyModelAdmin

from .models import AuditRecord, TaskFailure
from .readers import may
from .selectors import shown, with_visibility


class _ReadOnlyAdmin(ReadOnlyModelAdmin):
    """Seen by those with `view_permission`, changed by nobody (records the service writes itself)."""

    view_permission = ""

    def has_module_permission(self, request):
        return may(request.user, self.view_permission)

    def has_view_permission(self, request, obj=None):
        return may(request.user, self.view_permission)


@admin.register(AuditRecord)
class AuditRecordAdmin(_ReadOnlyAdmin):
    """Read-only; only auditors and administrators see it, with the same masking as the API
    (`audit.selectors.shown`): a record about a case the reader cannot see shows its id, place in
    the chain, time, hashes, who and the kind of action and event, nothing that identifies the case.
    Its masked fields are not searched either: a search is no oracle for them."""

    list_display = [
        "id",
        "timestamp",
        "actor_username",
        "action",
        "shown_event",
        "object_type",
        "shown_object_id",
        "shown_repr",
        "shown_case_id",
    ]
    list_filter = ["action", "channel"]
    search_fields = ["actor_username", "event", "object_id", "request_id"]
    # Searched in every record; the other search fields only in records whose case the reader may see.
    unmasked_search_fields = ("actor_username", "request_id")
    fields = (
        "id",
        "timestamp",
        "actor_username",
        "action",
        "shown_event",
        "object_type",
        "shown_object_id",
        "shown_repr",
        "shown_case_id",
        "request_id",
        "ip_address",
        "channel",
        "shown_changes",
        "seq",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return with_visibility(super().get_queryset(request), user=request.user)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return results, may_have_duplicates
        in_masked = Q()
        for term in search_term.split():
            in_masked &= Q(
                *[Q(**{f"{field}__icontains": term}) for field in self.unmasked_search_fields], _connector=Q.OR
            )
        return results.filter(Q(content_visible=True) | in_masked), may_have_duplicates

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    @admin.display(description=_("gebeurtenis"))
    def shown_event(self, obj):
        return shown(obj)["event"]

    @admin.display(description=_("object-id"))
    def shown_object_id(self, obj):
        return shown(obj)["object_id"]

    @admin.display(description=_("object"))
    def shown_repr(self, obj):
        return shown(obj)["object_repr"]

    @admin.display(description=_("casus"))
    def shown_case_id(self, obj):
        return shown(obj)["case_id"]

    @admin.display(description=_("wijzigingen"))
    def shown_changes(self, obj):
        return shown(obj)["changes"]

    view_permission = "audit.view"


@admin.register(TaskFailure)
class TaskFailureAdmin(_ReadOnlyAdmin):
    """Background tasks that failed (audit.task_signals), read-only, for the administrator: what did
    not get done, with the task id and request id to find the log lines (README "Operations")."""

    list_display = ["failed_at", "task_name", "exception", "task_id", "request_id"]
    list_filter = ["task_name", "exception"]
    search_fields = ["task_name", "task_id", "request_id"]
    fields = ("failed_at", "task_name", "task_id", "request_id", "exception", "message")
    readonly_fields = fields

    view_permission = "operations.view"
