from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "role", "clearance", "organisation", "is_active"]
    list_filter = ["role", "clearance", "is_active"]
    fieldsets = DjangoUserAdmin.fieldsets + (("BEV", {"fields": ["role", "clearance", "organisation"]}),)
