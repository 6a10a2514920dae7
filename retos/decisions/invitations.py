"""The demo-day notice carries its calendar invitation: the same iCalendar text as the
download on the finalist's demo page (``selectors.slot_calendar``), attached to the email."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retos.decisions.models import DemoSlot
from retos.decisions.selectors import slot_calendar


def demo_invitation(delivery) -> list[tuple[str, str, str]]:
    """The ``.ics`` of the slot the notice's link points at (none if the slot is gone)."""
    try:
        match = resolve(urlsplit(delivery.url).path)
    except Resolver404:
        return []
    public_id = match.kwargs.get("public_id")
    if match.view_name != "decisions:demo" or public_id is None:
        return []
    slot = (
        DemoSlot.objects.select_related("proposal__company", "challenge")
        .filter(proposal__public_id=public_id)
        .first()
    )
    if slot is None:
        return []
    site = settings.SITE_URL.rstrip("/")
    language = "en" if delivery.url.startswith("/en/") else "es-mx"
    with translation.override(language):
        summary = _("Demo of %(company)s: %(challenge)s") % {
            "company": slot.proposal.company.name,
            "challenge": slot.challenge.title,
        }
    text = slot_calendar(
        slot,
        url=f"{site}{delivery.url}",
        host=urlsplit(site).hostname or "retos.localhost",
        now=timezone.now(),
        summary=summary,
    )
    return [(f"demo-{slot.challenge.slug}.ics", text, "text/calendar; method=PUBLISH")]
