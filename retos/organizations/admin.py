from django.contrib import admin

from retos.organizations.models import Invitation, Membership, Organization


class ReadOnlyAdmin(admin.ModelAdmin):
    """Inspection only: writes go through the services, which check and record them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyInline):
    model = Membership


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "level", "state", "rfc", "verified_at"]
    list_filter = ["kind", "level", "state"]
    search_fields = ["name", "acronym", "rfc"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organization", "role", "created_at", "accepted_at"]
    exclude = ["token"]
