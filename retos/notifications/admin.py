from django.contrib import admin

from retos.notifications.models import DeadlineReminder, EmailDelivery
from retos.organizations.admin import ReadOnlyAdmin


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    """Read-only: to see which notification emails failed, and why."""

    list_display = ["subject", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    exclude = ["body"]


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(ReadOnlyAdmin):
    list_display = ["challenge", "kind", "deadline", "sent_at"]
    list_filter = ["kind"]
