from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "retos.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Registers the named permissions of this app.
        from retos.notifications import permissions  # noqa: F401
