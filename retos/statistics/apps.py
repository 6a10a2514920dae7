from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "retos.statistics"
    label = "retos_statistics"
    verbose_name = _("Statistics")
