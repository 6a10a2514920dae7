from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "retos.demo"
    label = "demo"
    verbose_name = "Retos demo data"
