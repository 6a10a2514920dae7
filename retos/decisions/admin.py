"""The published decisions in the admin site, read-only: a decision is a public record, changed
by no one (an upheld complaint voids it through the complaints service). Demos and slots are
not here: before the decision they are the finalists' and the agency's business."""

from django.contrib import admin

from retos.decisions.models import Decision, DecisionReason


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionReasonInline(admin.TabularInline):
    model = DecisionReason
    fields = ["proposal", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["challenge", "outcome", "published_at", "complaints_close_at", "voided_at"]
    list_filter = ["outcome"]
    list_select_related = ["challenge"]
    fields = [
        "challenge",
        "outcome",
        "winner",
        "justification",
        "decided_by",
        "published_at",
        "complaints_close_at",
        "record_sha256",
        "pdf",
        "pdf_sha256",
        "voided_at",
        "void_reason",
    ]
    readonly_fields = fields
    inlines = [DecisionReasonInline]
