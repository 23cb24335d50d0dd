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
