"""What each kind of notification says, written in one language at a time.

``notify_followers`` and ``notify_users`` render each message once per language its recipients
read (Spanish and English), not once per recipient. The text speaks of the challenge only:
never of the person who asked, answered or acted. The proposal kinds speak to a company's
members about their own proposal, and say nothing of its content beyond what the receipt
holds in the clear (folio, time, digests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
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


def _reason(context) -> str:
    """The published reason of an amendment or a stage change, as a closing paragraph."""
    reason = (context.get("reason") or "").strip()
    return "\n\n" + _("Reason given: %(reason)s") % {"reason": reason} if reason else ""


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
    body += _reason(context)
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
    body += _reason(context)
    return title, body


def _proposal_received(challenge, context) -> tuple[str, str]:
    """The receipt (*acuse de recibo*): folio, the server's time of receipt and the digests.

    The attachments are listed by position and digest only: their names are part of the sealed
    content, and this text is stored in the clear (the receipt page shows the names).
    """
    title = _("Receipt of your proposal to “%(challenge)s”") % {"challenge": challenge.title}
    lines = [
        _(
            "Your company's proposal was received. Keep this receipt: it proves what was "
            "received and when."
        )
    ]
    folio = context.get("folio")
    if folio:
        lines.append(_("Folio: %(folio)s") % {"folio": folio})
    received = context.get("received_at")
    if received:
        when = datetime.fromisoformat(received) if isinstance(received, str) else received
        tz = context.get("time_zone") or challenge.body.time_zone
        lines.append(
            _("Received: %(time)s (server time, UTC: %(utc)s)")
            % {
                "time": format_datetime(when, tz),
                "utc": when.astimezone(UTC).isoformat(timespec="seconds"),
            }
        )
    digest = context.get("content_sha256")
    if digest:
        lines.append(_("SHA-256 of the content: %(sha256)s") % {"sha256": digest})
    attachments = context.get("attachments") or []
    if attachments:
        lines.append(_("SHA-256 of each attached file, in the order of the proposal:"))
        lines.extend(
            f"{position}. {item['sha256']}" for position, item in enumerate(attachments, start=1)
        )
    lines.append(
        _(
            "You may submit again until submissions close on %(deadline)s; the last version "
            "received before then is the one that counts."
        )
        % {"deadline": _deadline(challenge, {})}
    )
    return title, "\n\n".join(lines)


def _proposal_withdrawn(challenge, context) -> tuple[str, str]:
    title = _("Your proposal to “%(challenge)s” was withdrawn") % {"challenge": challenge.title}
    body = _(
        "Your company withdrew its proposal: it will not be opened. You may submit it again "
        "until submissions close on %(deadline)s."
    ) % {"deadline": _deadline(challenge, context)}
    return title, body


def _proposal_admissibility(challenge, context) -> tuple[str, str]:
    admissible = context.get("admissible")
    names = {"challenge": challenge.title}
    if admissible is True:
        title = _("Your proposal to “%(challenge)s” is admissible") % names
        body = _("The agency reviewed the opened proposal: it goes on to evaluation.")
    elif admissible is False:
        title = _("Your proposal to “%(challenge)s” is not admissible") % names
        body = _("The agency reviewed the opened proposal: it will not be evaluated.")
    else:
        title = _("The admissibility of your proposal to “%(challenge)s” is decided") % names
        body = _("The agency reviewed the opened proposal. Its decision is on your proposal page.")
    body += _reason(context)
    return title, body


def _proposal_reconfirm(challenge, context) -> tuple[str, str]:
    title = _("Confirm your proposal to “%(challenge)s” again") % {"challenge": challenge.title}
    number = context.get("number")
    if number:
        changed = _(
            "Amendment %(number)s changed the terms after your company submitted its proposal."
        ) % {"number": number}
    else:
        changed = _("An amendment changed the terms after your company submitted its proposal.")
    body = (
        changed
        + " "
        + _(
            "Read what changed, then submit the proposal again before submissions close on "
            "%(deadline)s, to confirm it under the current terms."
        )
        % {"deadline": _deadline(challenge, context)}
    )
    body += _reason(context)
    return title, body


def _proposal_draft_amended(challenge, context) -> tuple[str, str]:
    title = _("The terms of “%(challenge)s” changed while your proposal is a draft") % {
        "challenge": challenge.title
    }
    number = context.get("number")
    if number:
        changed = _("Amendment %(number)s changed the terms.") % {"number": number}
    else:
        changed = _("An amendment changed the terms.")
    body = (
        changed
        + " "
        + _(
            "Read what changed and review your draft before you submit it. Submissions close "
            "on %(deadline)s."
        )
        % {"deadline": _deadline(challenge, context)}
    )
    body += _reason(context)
    return title, body


def _bidders_cancelled(challenge, context) -> tuple[str, str]:
    title = _("“%(challenge)s” was cancelled") % {"challenge": challenge.title}
    body = _(
        "The agency cancelled the challenge your company bid on. Nothing else will happen to "
        "your proposal."
    )
    return title, body + _reason(context)


def _finalist_selected(challenge, context) -> tuple[str, str]:
    title = _("Your proposal to “%(challenge)s” is a finalist") % {"challenge": challenge.title}
    deadline = context.get("demo_deadline")
    body = _("Congratulations: the agency confirmed your proposal as a finalist.")
    if deadline:
        body += " " + _("Submit your demo before %(deadline)s.") % {
            "deadline": format_datetime(
                datetime.fromisoformat(deadline).astimezone(UTC), challenge.body.time_zone
            )
        }
    return title, body


def _demo_scheduled(challenge, context) -> tuple[str, str]:
    title = _("Your demo for “%(challenge)s” is scheduled") % {"challenge": challenge.title}
    if not context.get("starts_at"):
        return title, _("The time of your presentation is on your demo page.")
    starts = datetime.fromisoformat(context["starts_at"]).astimezone(UTC)
    body = _(
        "Your presentation is on %(when)s at %(location)s. The calendar invitation is on your "
        "demo page."
    ) % {
        "when": format_datetime(starts, challenge.body.time_zone),
        "location": context.get("location", ""),
    }
    return title, body


def _decision_published(challenge, context) -> tuple[str, str]:
    title = _("The decision on “%(challenge)s” is published") % {"challenge": challenge.title}
    body = _(
        "Read the decision: every admissible proposal's scores, each expert's justifications "
        "and the reasons for each proposal not selected."
    )
    closes = context.get("complaints_close_at")
    if closes:
        body += " " + _("A bidder may file a complaint until %(deadline)s.") % {
            "deadline": format_datetime(
                datetime.fromisoformat(closes).astimezone(UTC), challenge.body.time_zone
            )
        }
    return title, body


def _complaint_updated(challenge, context) -> tuple[str, str]:
    names = {"challenge": challenge.title, "number": context.get("number", "")}
    title = _("Complaint %(number)s on “%(challenge)s”: %(status)s") % {
        **names,
        "status": context.get("status_label", ""),
    }
    response = (context.get("response") or "").strip()
    body = _("The complaint changed state.")
    if response:
        body += "\n\n" + _("Response: %(response)s") % {"response": response}
    return title, body


def _contract_updated(challenge, context) -> tuple[str, str]:
    title = _("“%(challenge)s”: %(what)s") % {
        "challenge": challenge.title,
        "what": context.get("what", ""),
    }
    body = (context.get("detail") or "").strip() or _("The contract's page shows the details.")
    return title, body


RENDERERS = {
    Kind.QUESTION_ANSWERED: _question_answered,
    Kind.AMENDMENT_PUBLISHED: _amendment_published,
    Kind.DEADLINE_3_DAYS: _deadline_3_days,
    Kind.DEADLINE_24_HOURS: _deadline_24_hours,
    Kind.STAGE_CHANGED: _stage_changed,
    Kind.PROPOSAL_RECEIVED: _proposal_received,
    Kind.PROPOSAL_WITHDRAWN: _proposal_withdrawn,
    Kind.PROPOSAL_ADMISSIBILITY: _proposal_admissibility,
    Kind.PROPOSAL_RECONFIRM: _proposal_reconfirm,
    Kind.PROPOSAL_DRAFT_AMENDED: _proposal_draft_amended,
    Kind.BIDDERS_CANCELLED: _bidders_cancelled,
    Kind.FINALIST_SELECTED: _finalist_selected,
    Kind.DEMO_SCHEDULED: _demo_scheduled,
    Kind.DECISION_PUBLISHED: _decision_published,
    Kind.COMPLAINT_UPDATED: _complaint_updated,
    Kind.CONTRACT_UPDATED: _contract_updated,
}


def render_message(
    *, kind: str, challenge, context: dict[str, Any] | None, language: str
) -> Message:
    """The title, text and link of a notification of ``kind``, in ``language``."""
    context = context or {}
    with translation.override(language):
        title, body = RENDERERS[Kind(kind)](challenge, context)
        return Message(title=title[:300], body=body, url=_url(challenge, context)[:500])
