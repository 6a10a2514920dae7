"""``manage.py verify_ledger``: walk the ledger's hash chain; exit 1 naming the first broken
event."""

from django.core.management.base import BaseCommand, CommandError

from retos.ledger import chain
from retos.ledger.models import Event


class Command(BaseCommand):
    help = "Check every ledger event against its hash and the hash of the event before it."

    def handle(self, *args, **options):
        events = Event.objects.order_by("sequence").iterator(chunk_size=2000)
        checked, broken = chain.verify(events)
        if broken is not None:
            raise CommandError(
                f"The ledger is broken at {broken} ({checked} events before it are intact)."
            )
        head = Event.objects.order_by("-sequence").values_list("sequence", "hash").first()
        if head is None:
            self.stdout.write("The ledger is empty.")
            return
        self.stdout.write(f"The ledger is intact: {checked} events; head #{head[0]} {head[1]}.")
