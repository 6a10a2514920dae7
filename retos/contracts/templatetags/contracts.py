"""Template filters of the contracts pages."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import template

from retos.core.formatting import format_date

register = template.Library()


@register.filter
def plain_date(value):
    """A calendar date (no time, no zone) as people read it: “15 de marzo de 2026”."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        return format_date(value)
    zone = "America/Mexico_City"
    return format_date(dt.datetime.combine(value, dt.time(12), tzinfo=ZoneInfo(zone)), zone)
