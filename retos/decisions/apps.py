from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "retos.decisions"
    verbose_name = _("Decisions and complaints")

    def ready(self):
        from retos.decisions import complaint_permissions, permissions  # noqa: F401  (rules)
        from retos.decisions.invitations import demo_invitation
        from retos.notifications.models import Kind
        from retos.notifications.services import register_email_attachments

        register_email_attachments(Kind.DEMO_SCHEDULED, demo_invitation)
