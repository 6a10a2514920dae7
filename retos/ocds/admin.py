from django.contrib import admin

from retos.ocds.models import Release


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["release_id", "date", "tags", "publication", "sha256"]
    search_fields = ["ocid", "release_id"]
    list_select_related = False

    # Published releases are append-only: the admin may read them, never change them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
