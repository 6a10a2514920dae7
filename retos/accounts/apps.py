from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "retos.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from retos.accounts import permissions  # noqa: F401
