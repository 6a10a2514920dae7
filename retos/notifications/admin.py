from django.contrib import admin
from django.db.models import Q

from retos.notifications.models import PROPOSAL_KINDS, DeadlineReminder, EmailDelivery
from retos.organizations.admin import ReadOnlyAdmin


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    """Read-only: to see which notification emails failed, and why."""

    list_display = ["subject", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    exclude = ["body"]

    def get_queryset(self, request):
        # Who bids, and how many, is sealed until the opening act: the emails about a proposal
        # (receipts, withdrawals, re-confirmations) stay out of the admin until then.
        return (
            super()
            .get_queryset(request)
            .exclude(
                Q(kind__in=PROPOSAL_KINDS)
                & (Q(challenge__isnull=True) | Q(challenge__opened_at__isnull=True))
            )
        )


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(ReadOnlyAdmin):
    list_display = ["challenge", "kind", "deadline", "sent_at"]
    list_filter = ["kind"]
