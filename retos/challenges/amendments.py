"""Amendments: the only way the terms of a published challenge change.

Every change has a published reason and a visible diff, and makes a new version of the terms;
companies that already submitted a proposal are told to re-confirm it under the new terms.
A change with fewer than ``RETOS_LATE_AMENDMENT_BUSINESS_DAYS`` business days left before the
submission deadline must extend the deadline so that that many remain. Deadlines only move
later: shortening them would be unfair to whoever planned around them.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from retos.challenges.models import (
    OPEN_SOURCE_LICENCES,
    TIMELINE_FIELDS,
    Amendment,
    Challenge,
    Criterion,
)
from retos.challenges.services import EDITABLE_FIELDS, _clean_criteria, challenge_problems
from retos.core import rules
from retos.core.business_days import business_days_between
from retos.core.errors import DomainError
from retos.core.formatting import format_datetime, format_mxn
from retos.ledger.services import event_record
from retos.notifications.models import Kind
from retos.notifications.services import notify_followers
from retos.proposals.notices import proposals_notify_amendment

# Fields an amendment may change (everything in the terms; the title too, visibly).
AMENDABLE_FIELDS = list(EDITABLE_FIELDS)
CRITERIA = "criteria"


def _as_text(field: str, value: Any) -> str:
    """A field's value as stable text for the record (ISO dates, plain decimals)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo("UTC")).isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _criteria_text(criteria) -> str:
    lines = []
    for c in criteria:
        weight = Decimal(str(c["weight"] if isinstance(c, dict) else c.weight))
        name = c["name"] if isinstance(c, dict) else c.name
        area = c["expertise_area"] if isinstance(c, dict) else c.expertise_area
        lines.append(f"{name} — {weight.normalize():f} % ({area})")
    return "\n".join(lines)


def late_window_problem(*, tz: str, deadline, new_deadline, now) -> str | None:
    """Refuse a late change that does not leave enough business days before the deadline."""
    minimum = settings.RETOS_LATE_AMENDMENT_BUSINESS_DAYS
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    left_now = business_days_between(today, deadline.astimezone(zone).date())
    if left_now >= minimum:
        return None
    if business_days_between(today, new_deadline.astimezone(zone).date()) >= minimum:
        return None
    return _(
        "Only %(left)d business days are left before submissions close. A change this late "
        "must extend the submission deadline so that at least %(minimum)d business days "
        "remain."
    ) % {"left": left_now, "minimum": minimum}


@transaction.atomic
def challenge_amend(
    *,
    challenge: Challenge,
    actor,
    reason: str,
    changes: dict[str, Any] | None = None,
    criteria: list[dict[str, Any]] | None = None,
) -> Amendment:
    """Publish an amendment: change the terms of a published challenge, with a reason."""
    locked = Challenge.objects.select_for_update().select_related("body").get(pk=challenge.pk)
    rules.require(actor, "challenge:amend", locked)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give the reason for the amendment; it will be published."), code="reason_required"
        )
    changes = dict(changes or {})
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise TypeError(f"fields that cannot be amended: {sorted(unknown)}")
    now = timezone.now()
    original_deadline = locked.submissions_close_at

    record = []
    for field, new in changes.items():
        old = getattr(locked, field)
        if _as_text(field, old) == _as_text(field, new):
            continue
        if field in TIMELINE_FIELDS and old is not None and (new is None or new < old):
            raise DomainError(
                _("Deadlines can only move later. Extend them; do not shorten them."),
                code="deadline_shortened",
            )
        record.append({"field": field, "old": _as_text(field, old), "new": _as_text(field, new)})
        setattr(locked, field, new)
    if criteria is not None:
        cleaned = _clean_criteria(criteria)
        old_text = _criteria_text(locked.criteria.all())
        new_text = _criteria_text(cleaned)
        if old_text != new_text:
            record.append({"field": CRITERIA, "old": old_text, "new": new_text})
    if not record:
        raise DomainError(_("Nothing changed: edit at least one field."), code="no_change")

    deadline_moved = any(r["field"] == "submissions_close_at" for r in record)
    previous_deadline = original_deadline if deadline_moved else None
    problem = late_window_problem(
        tz=locked.body.time_zone,
        deadline=original_deadline,
        new_deadline=locked.submissions_close_at,
        now=now,
    )
    if problem:
        raise DomainError(problem, code="extension_required")

    locked.full_clean(exclude=["slug"])
    if criteria is not None and any(r["field"] == CRITERIA for r in record):
        locked.criteria.all().delete()
        Criterion.objects.bulk_create(Criterion(challenge=locked, **c) for c in cleaned)
    problems = [p for p in challenge_problems(locked) if p]
    if problems:
        raise DomainError(" ".join(problems), code="incomplete")
    fields = [r["field"] for r in record if r["field"] != CRITERIA]
    if fields:
        locked.save(update_fields=fields)
    number = locked.amendments.count() + 1
    amendment = Amendment.objects.create(
        challenge=locked,
        number=number,
        reason=reason,
        changes=record,
        actor=actor,
        published_at=now,
        previous_submissions_close_at=previous_deadline,
        new_submissions_close_at=locked.submissions_close_at if deadline_moved else None,
    )
    event_record(
        actor=actor,
        action="challenge.amended",
        subject=locked,
        payload={
            "amendment": number,
            "reason": reason,
            "fields": [r["field"] for r in record],
            "submissions_close_at": locked.submissions_close_at.isoformat()
            if deadline_moved
            else None,
        },
        occurred_at=now,
    )
    notify_followers(
        challenge=locked,
        kind=Kind.AMENDMENT_PUBLISHED,
        context={
            "reason": reason,
            "url_name": "challenges:amendments",
            "url_kwargs": {"slug": locked.slug},
        },
        exclude_user=actor,
    )
    # Companies that submitted must re-confirm under the new terms; drafts are told to re-read.
    proposals_notify_amendment(challenge=locked, amendment=amendment)
    for field in fields:
        setattr(challenge, field, getattr(locked, field))
    return amendment


def challenge_extend_deadline(
    *, challenge: Challenge, actor, reason: str, submissions_close_at, questions_close_at=None
) -> Amendment:
    """Move the submission (and optionally the questions) deadline later: an amendment."""
    rules.require(actor, "challenge:extend", challenge)
    changes = {"submissions_close_at": submissions_close_at}
    if questions_close_at is not None:
        changes["questions_close_at"] = questions_close_at
    return challenge_amend(challenge=challenge, actor=actor, reason=reason, changes=changes)


# ---------------------------------------------------------------------------------------------
# Showing an amendment.


def word_diff(old: str, new: str) -> SafeString:
    """The change from ``old`` to ``new`` word by word, with <del> and <ins>, escaped."""
    a, b = old.split(" "), new.split(" ")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out).replace("\n", "<br>"))  # noqa: S308 - every part escaped


def _display(field: str, text: str, tz: str) -> str:
    if not text:
        return "—"
    if field in TIMELINE_FIELDS:
        return format_datetime(datetime.fromisoformat(text), tz)
    if field == "amount":
        return format_mxn(Decimal(text))
    if field == "licences":
        return ", ".join(s for s in text.split(", ") if s in OPEN_SOURCE_LICENCES) or text
    if field in ("category", "max_company_size"):
        choices = dict(Challenge._meta.get_field(field).choices)
        return str(choices.get(text, text))
    return text


def amendment_rows(amendment: Amendment, tz: str) -> list[dict]:
    """What the public page shows for each changed field: label, old, new and a diff."""
    rows = []
    for change in amendment.changes:
        field = change["field"]
        label = (
            _("Evaluation criteria")
            if field == CRITERIA
            else str(Challenge._meta.get_field(field).verbose_name)
        )
        old, new = _display(field, change["old"], tz), _display(field, change["new"], tz)
        long_text = (
            field == CRITERIA or Challenge._meta.get_field(field).get_internal_type() == "TextField"
        )
        rows.append(
            {
                "label": label,
                "old": old,
                "new": new,
                "diff": word_diff(change["old"], change["new"]) if long_text else None,
            }
        )
    return rows


def amendments_shown(challenge: Challenge) -> list[tuple[Amendment, list[dict]]]:
    """Every amendment of ``challenge``, newest first, with its rows (one query)."""
    return [
        (amendment, amendment_rows(amendment, challenge.body.time_zone))
        for amendment in challenge.amendments.order_by("-number")
    ]
