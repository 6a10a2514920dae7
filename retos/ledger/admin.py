from django.contrib import admin
from django.db.models import CharField
from django.db.models.functions import Cast

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

    def get_queryset(self, request):
        # The seal reaches the admin too: until a challenge's opening act, the events about its
        # proposals (who started, saved, submitted, read) are hidden from every admin user,
        # superusers included; they stay in the database for the auditors of the record. After
        # the act only the proposals it counted come out: drafts never submitted and withdrawn
        # proposals stay sealed for good.
        from retos.proposals.models import Proposal, Status

        sealed = Proposal.objects.exclude(
            challenge__opened_at__isnull=False, status=Status.SUBMITTED
        ).values_list(Cast("pk", CharField()), flat=True)
        return (
            super()
            .get_queryset(request)
            .exclude(subject_type="proposals.proposal", subject_id__in=sealed)
        )

    # The ledger is append-only: the admin may read it, never change it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
