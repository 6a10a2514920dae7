"""``python manage.py requeue_emails``: give a new task to emails stuck in the queue.

A worker that died mid-send, or a task queue that was down when a notification was written,
leaves an ``EmailDelivery`` queued with no task behind it. Run this now and then (e.g. hourly);
a task for an email already sent does nothing.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from retos.notifications.services import email_deliveries_requeue


class Command(BaseCommand):
    help = "Queue again the notification emails still waiting long after they were due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=60,
            help="Only emails due at least this many minutes ago (default: 60).",
        )

    def handle(self, *args, older_than_minutes, **options):
        count = email_deliveries_requeue(older_than=timedelta(minutes=older_than_minutes))
        self.stdout.write(f"{count} email(s) queued again.")
