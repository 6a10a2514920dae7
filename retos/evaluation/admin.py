"""The evaluation app in the admin site: read-only.

Panels, declarations and scores are written only by the services (each with its rule and its
ledger event); the admin shows them and changes nothing. A submitted score is immutable in
the database too (``triggers.py``), so even a change that got past this would be refused.
The link secrets of invitations are never shown (only their digest is stored anyway).
"""

from django.contrib import admin

from retos.evaluation.models import ConflictDeclaration, PanelMember, Score


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PanelMember)
class PanelMemberAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "email", "challenge", "role", "is_chair", "status", "invited_at"]
    list_filter = ["role", "status", "is_chair"]
    search_fields = ["full_name", "email", "challenge__title"]
    exclude = ["token_sha256"]
    list_select_related = ["challenge"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["member", "proposal", "has_conflict", "declared_at"]
    list_filter = ["has_conflict"]
    list_select_related = ["member__challenge", "proposal__company", "proposal__challenge"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["member", "proposal", "criterion", "round", "value", "submitted_at"]
    list_filter = ["round"]
    list_select_related = [
        "member__challenge",
        "proposal__company",
        "proposal__challenge",
        "criterion",
    ]
