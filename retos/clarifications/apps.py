from django.apps import AppConfig


class ClarificationsConfig(AppConfig):
    name = "retos.clarifications"
    label = "clarifications"
    verbose_name = "Clarifications"

    def ready(self) -> None:
        from retos.clarifications import permissions  # noqa: F401  (registers the permissions)
