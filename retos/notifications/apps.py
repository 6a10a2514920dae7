from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "retos.notifications"
    label = "notifications"
    verbose_name = "Notifications"
