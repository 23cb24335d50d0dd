"""What every app's admin shares (no model of core is registered here)."""

from django.contrib import admin


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows rows but adds, changes and deletes none: records are changed only through
    the services, which audit them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """A model admin that shows records but adds, changes and deletes none, for the same reason; who may
    see them is each app's own (`has_view_permission`, `has_module_permission`)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
