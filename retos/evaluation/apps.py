from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "retos.evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from retos.evaluation import permissions, ranking_permissions  # noqa: F401  (rules)
