from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "retos.challenges"
    label = "challenges"
    verbose_name = "Challenges"

    def ready(self):
        # Registers the named permissions of this app.
        from retos.challenges import permissions  # noqa: F401
