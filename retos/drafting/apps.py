from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "retos.drafting"
    label = "drafting"
    verbose_name = "Drafting"
