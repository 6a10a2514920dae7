from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "retos.opendata"
    label = "opendata"
    verbose_name = "Open data"
