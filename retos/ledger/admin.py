from django.contrib import admin

from retos.ledger.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "sequence",
        "occurred_at",
        "actor_label",
        "action",
        "subject_type",
        "subject_id",
    ]
    list_filter = ["action", "public"]
    search_fields = ["action", "subject_id", "actor_label"]

    # The ledger is append-only: the admin may read it, never change it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
