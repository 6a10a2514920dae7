from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OcdsConfig(AppConfig):
    name = "retos.ocds"
    verbose_name = _("Open Contracting (OCDS)")

    def ready(self):
        from retos.ledger.services import LISTENERS, register_listener
        from retos.ocds.services import release_for_event

        # Each public ledger event that changes a challenge's public record publishes a release
        # in the same transaction.
        if release_for_event not in LISTENERS:
            register_listener(release_for_event)
