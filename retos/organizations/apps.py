from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "retos.organizations"
    label = "organizations"
    verbose_name = "Organizations"

    def ready(self):
        from retos.organizations import permissions  # noqa: F401
