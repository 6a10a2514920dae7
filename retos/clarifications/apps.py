from django.apps import AppConfig


class ClarificationsConfig(AppConfig):
    name = "retos.clarifications"
    label = "clarifications"
    verbose_name = "Clarifications"
