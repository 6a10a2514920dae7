from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WitnessConfig(AppConfig):
    name = "retos.witness"
    verbose_name = _("Social witnesses")

    def ready(self):
        from retos.witness import permissions  # noqa: F401  (registers the rules)
