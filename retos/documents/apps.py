from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "retos.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self):
        # Registers the named permissions of this app.
        from retos.documents import permissions  # noqa: F401
