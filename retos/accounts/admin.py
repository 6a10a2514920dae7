from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from retos.accounts.models import Expertise, User


class ExpertiseInline(admin.TabularInline):
    model = Expertise
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_platform_staff", "is_expert", "is_active"]
    list_filter = ["is_platform_staff", "is_expert", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [ExpertiseInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "preferred_language"]}),
        (_("Roles"), {"fields": ["is_active", "is_platform_staff", "is_expert", "is_staff"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
