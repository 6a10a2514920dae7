from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "retos.documents"
    label = "documents"
    verbose_name = "Documents"
