from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "retos.ledger"
    label = "ledger"
    verbose_name = "Event ledger"
