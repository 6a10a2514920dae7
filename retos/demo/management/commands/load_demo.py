"""``python manage.py load_demo``: realistic demo data, modelled on Retos Públicos (2014–15).

Loads 8 federal ministries, 3 state and 2 municipal governments (one state still awaiting
verification), 38 SMEs, 12 expert evaluators, a platform staff member and 15 challenges, at
least one in every stage of the lifecycle. Around them: PDF terms of reference and technical
annexes attached while drafting; people following every public challenge; questions from
companies with the officials' answers (a few declined as out of scope, one still waiting in the
challenge whose questions window is open) and the minutes of each closed questions window;
amendments, one of them extending the deadline of a challenge still taking proposals. Followers
get their notifications; their emails are queued for the worker (``make worker``).
Proposals from the companies (``retos.demo.proposals``), written, attached (a PDF each),
submitted with their receipts, some re-submitted or withdrawn: sealed in the challenges still
taking proposals or awaiting the opening act; opened by the body's two opening officers in every
challenge from "opened" on, with the officials' admissibility decisions. From there, every
later stage is reached through its own services: expert panels (a decline, a chair, decision
committees), conflict declarations, justified scores under the mean, the trimmed mean and
z-scores, finalists (one deviation, justified), demos and demo-day slots, decisions with their
PDF and reasons (one challenge deserted), complaints (one dismissed, one under review in its
window), awards with signed contracts, milestones, progress and payments, deliveries with a
valid ``publiccode.yml`` (one returned with observations), the catalog and a reuse by another
body.

Everything is created through the services, with the clock moved to the date each action
happened, so the ledger tells the whole history in order. Dates are relative to the day of
loading, so there are always open challenges.

Running it again does nothing: it says "Demo data already loaded" (and reprints the log-ins).
It needs the development dependency ``time-machine``.

Demo log-ins — every account's password is ``retos-demo-2026``:

=================================  ==========================================
platform staff                     plataforma@retos.example
SEGOB official                     funcionario@segob.example
SEGOB approver (and body admin)    aprobacion@segob.example
SEGOB opening officers             apertura1@segob.example, apertura2@segob.example
company admin (Cenzontle)          direccion@cenzontle.example
company member (Cenzontle)         equipo@cenzontle.example
expert evaluator                   isabel.ramos@expertos.example
=================================  ==========================================

Every government body has ``aprobacion@``, ``funcionario@``, ``apertura1@`` and ``apertura2@``
at its own domain (``sep.example``, ``jalisco.example``, ``guadalajara.example``, …); every
company's admin is ``direccion@<company>.example``. The ``.example`` domain is reserved, so no
email the demo triggers reaches a real person.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from retos.accounts.models import User
from retos.demo.data import STAFF_EMAIL
from retos.demo.loader import DemoError, DemoLoader, credential_lines, summary_lines


class Command(BaseCommand):
    help = "Load realistic demo data (Spanish, Retos Públicos 2014–15) through the services."

    def handle(self, *args, **options):
        if User.objects.filter(email=STAFF_EMAIL).exists():
            self.stdout.write("Demo data already loaded.")
            self._write(credential_lines())
            return
        loader = DemoLoader()
        try:
            # All or nothing: a half-loaded demo would be mistaken for a loaded one.
            with transaction.atomic():
                loader.load()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._write(summary_lines(loader.now))
        self.stdout.write("")
        self._write(credential_lines())

    def _write(self, lines: list[str]) -> None:
        for line in lines:
            self.stdout.write(line)
