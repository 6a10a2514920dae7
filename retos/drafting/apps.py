from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "retos.drafting"
    label = "drafting"
    verbose_name = "Drafting"

    def ready(self):
        # Registers the named permissions of this app.
        from retos.drafting import permissions  # noqa: F401
