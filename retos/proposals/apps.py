from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "retos.proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from retos.proposals import permissions  # noqa: F401  (registers the rules)
