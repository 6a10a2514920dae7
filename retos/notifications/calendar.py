"""A challenge's deadlines as an iCalendar file (RFC 5545), written by hand.

One VEVENT per date of the timeline, in UTC, so any calendar shows it in its own time zone.
Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); TEXT values
escape backslashes, semicolons, commas and newlines.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.text import capfirst

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT property value (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets (RFC 5545 §3.1).

    Each continuation line starts with one space, which counts toward its 75 octets.
    """
    if len(line.encode("utf-8")) <= MAX_OCTETS:
        return line
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return CRLF.join(parts)


def utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def challenge_calendar(challenge, *, url: str, host: str, now: datetime) -> str:
    """The iCalendar text of ``challenge``'s timeline; ``url`` is its absolute address.

    Summaries use the translated names of the dates, so call it in the reader's language.
    """
    from retos.challenges.models import TIMELINE_FIELDS, Challenge

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Retos//Retos//ES",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(challenge.title)}",
    ]
    for field in TIMELINE_FIELDS:
        value = getattr(challenge, field)
        if value is None:
            continue
        label = capfirst(str(Challenge._meta.get_field(field).verbose_name))
        summary = escape_text(f"{label}: {challenge.title}")
        description = escape_text(challenge.summary + "\n\n" + url)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{challenge.pk}-{field.removesuffix('_at')}@{host}",
            f"DTSTAMP:{utc(now)}",
            f"DTSTART:{utc(value)}",
            f"SUMMARY:{summary}",
            f"DESCRIPTION:{description}",
            f"URL:{url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
