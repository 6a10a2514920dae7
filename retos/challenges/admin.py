from django.contrib import admin

from retos.challenges.models import Challenge, Criterion
from retos.organizations.admin import ReadOnlyAdmin, ReadOnlyInline


class CriterionInline(ReadOnlyInline):
    model = Criterion


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    """Read-only: every change to a challenge is a service call that records a ledger event."""

    list_display = ["title", "body", "stage", "amount", "submissions_close_at"]
    list_filter = ["stage", "category"]
    search_fields = ["title", "slug"]
    inlines = [CriterionInline]
