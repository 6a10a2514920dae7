"""``python manage.py send_deadline_reminders``: remind followers before submissions close.

Run it every few minutes (cron, a systemd timer): each reminder — 3 days and 24 hours before a
challenge's submission deadline — goes once per challenge and deadline, however often it runs.
The emails are queued for the worker (``make worker``).
"""

from django.core.management.base import BaseCommand

from retos.notifications.services import deadline_reminders_send


class Command(BaseCommand):
    help = "Notify followers of challenges whose submissions close within 3 days or 24 hours."

    def handle(self, *args, **options):
        sent = deadline_reminders_send()
        for challenge_id, kind in sent:
            self.stdout.write(f"{kind}: challenge {challenge_id}")
        self.stdout.write(f"{len(sent)} reminder(s) sent.")
