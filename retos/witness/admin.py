"""Social witnesses and their observations in the admin site, read-only: assignments and
revocations go through the services (they are public ledger events), and a published
observation is immutable (the database refuses to change or delete it)."""

from django.contrib import admin

from retos.witness.models import Observation, SocialWitness


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SocialWitness)
class SocialWitnessAdmin(ReadOnlyAdmin):
    list_display = ["name", "challenge", "assigned_at", "revoked_at"]
    list_select_related = ["challenge"]
    fields = [
        "challenge",
        "user",
        "name",
        "assigned_by",
        "assigned_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    ]
    readonly_fields = fields


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["challenge", "number", "witness", "stage", "published_at"]
    list_select_related = ["challenge", "witness"]
    fields = ["challenge", "number", "witness", "stage", "text", "published_at", "corrects"]
    readonly_fields = fields
