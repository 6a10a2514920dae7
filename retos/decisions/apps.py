from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "retos.decisions"
    verbose_name = _("Decisions and complaints")

    def ready(self):
        from retos.decisions import complaint_permissions, permissions  # noqa: F401  (rules)
