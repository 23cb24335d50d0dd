"""Read-only listing of documents, reached only through the cases the admin user may see.
Files are never served from here: downloads go through the audited, checked view."""

from django.contrib import admin

from cases.admin_scope import CaseScopedAdmin

from .models import Document, DocumentVersion


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "number",
        "original_filename",
        "file_kind",
        "size",
        "sha256",
        "uploaded_at",
        "uploaded_by",
        "withdrawn_at",
        "withdrawal_reason",
    )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(CaseScopedAdmin):
    list_display = ["title", "case", "document_type", "document_date", "classification", "created_at"]
    list_filter = ["document_type", "classification"]
    search_fields = ["title"]
    date_hierarchy = "document_date"
    inlines = [VersionInline]

    def get_queryset(self, request):
        return Document.objects.visible_to(request.user).select_related("case")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Document._meta.fields]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False  # uploads go through the service (API or web form)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # documents are never deleted
