"""What each kind of notification says, written in one language at a time.

``notify_followers`` renders each message once per language its recipients read (Spanish and
English), not once per recipient. The text speaks of the challenge only: never of the person who
asked, answered or acted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from retos.challenges.stages import STAGE_DESCRIPTIONS, Stage
from retos.core.formatting import format_datetime
from retos.notifications.models import Kind


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str  # a path on this site, in the language of the message


def _url(challenge, context: dict[str, Any]) -> str:
    name = context.get("url_name") or "challenges:detail"
    kwargs = context.get("url_kwargs") or {"slug": challenge.slug}
    anchor = context.get("anchor") or ""
    if anchor and not anchor.startswith("#"):
        anchor = f"#{anchor}"
    return reverse(name, kwargs=kwargs) + anchor


def _deadline(challenge, context: dict[str, Any]) -> str:
    deadline: datetime | None = context.get("deadline") or challenge.submissions_close_at
    return format_datetime(deadline, challenge.body.time_zone) if deadline else ""


def _question_answered(challenge, context) -> tuple[str, str]:
    title = _("A question about “%(challenge)s” was answered") % {"challenge": challenge.title}
    number = context.get("number")
    if number:
        body = _(
            "Question %(number)s now has a published answer. Everyone sees the same answer at "
            "the same time."
        ) % {"number": number}
    else:
        body = _(
            "A question now has a published answer. Everyone sees the same answer at the same time."
        )
    return title, body


def _amendment_published(challenge, context) -> tuple[str, str]:
    title = _("“%(challenge)s” was amended") % {"challenge": challenge.title}
    body = _("The agency published an amendment to the terms. Read what changed and why.")
    reason = (context.get("reason") or "").strip()
    if reason:
        body += "\n\n" + _("Reason given: %(reason)s") % {"reason": reason}
    return title, body


def _deadline_3_days(challenge, context) -> tuple[str, str]:
    title = _("Submissions for “%(challenge)s” close in 3 days") % {"challenge": challenge.title}
    body = _("Submissions close on %(deadline)s. After that, no proposal can be sent.") % {
        "deadline": _deadline(challenge, context)
    }
    return title, body


def _deadline_24_hours(challenge, context) -> tuple[str, str]:
    title = _("Submissions for “%(challenge)s” close within 24 hours") % {
        "challenge": challenge.title
    }
    body = _("Submissions close on %(deadline)s. After that, no proposal can be sent.") % {
        "deadline": _deadline(challenge, context)
    }
    return title, body


def _stage_changed(challenge, context) -> tuple[str, str]:
    stage = Stage(context.get("stage") or challenge.stage)
    title = _("“%(challenge)s” is now in stage “%(stage)s”") % {
        "challenge": challenge.title,
        "stage": stage.label,
    }
    body = str(STAGE_DESCRIPTIONS[stage])
    reason = (context.get("reason") or "").strip()
    if reason:
        body += "\n\n" + _("Reason given: %(reason)s") % {"reason": reason}
    return title, body


RENDERERS = {
    Kind.QUESTION_ANSWERED: _question_answered,
    Kind.AMENDMENT_PUBLISHED: _amendment_published,
    Kind.DEADLINE_3_DAYS: _deadline_3_days,
    Kind.DEADLINE_24_HOURS: _deadline_24_hours,
    Kind.STAGE_CHANGED: _stage_changed,
}


def render_message(
    *, kind: str, challenge, context: dict[str, Any] | None, language: str
) -> Message:
    """The title, text and link of a notification of ``kind``, in ``language``."""
    context = context or {}
    with translation.override(language):
        title, body = RENDERERS[Kind(kind)](challenge, context)
        return Message(title=title[:300], body=body, url=_url(challenge, context)[:500])
