from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "retos.core"
    label = "core"
    verbose_name = "Retos core"
