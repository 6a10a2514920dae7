from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "retos.contracts"
    verbose_name = _("Contracts and catalog")

    def ready(self):
        from retos.contracts import permissions  # noqa: F401  (registers the rules)
