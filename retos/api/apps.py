from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "retos.api"
    label = "api"
    verbose_name = _("API")

    def ready(self):
        from retos.api import permissions, schema  # noqa: F401  (rules; the schema extensions)
