"""Generate the minutes of every challenge whose questions window closed with nothing pending.

Scheduled work (cron or the worker) runs this; it is a convenience, not a condition: the
minutes page generates them on its first request too. Safe to run any number of times.
"""

from django.core.management.base import BaseCommand

from retos.clarifications.selectors import challenges_due_minutes
from retos.clarifications.services import minutes_generate
from retos.core.errors import DomainError


class Command(BaseCommand):
    help = "Generate the clarification minutes that are due (idempotent)."

    def handle(self, *args, **options):
        generated = 0
        for challenge in challenges_due_minutes():
            try:
                minutes_generate(challenge=challenge, actor=None)
            except DomainError as exc:  # a question arrived or the clock moved: next run
                self.stderr.write(f"{challenge.slug}: {exc.message}")
                continue
            generated += 1
            self.stdout.write(f"{challenge.slug}: minutes generated")
        self.stdout.write(f"{generated} minutes generated.")
