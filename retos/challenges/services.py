"""Every write to a challenge. Each function runs in a transaction, checks the actor's
permission, and records a ledger event in that same transaction."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from retos.accounts.models import ExpertiseArea
from retos.challenges.models import (
    OPEN_SOURCE_LICENCES,
    TIMELINE_FIELDS,
    Challenge,
    Criterion,
    ReviewComment,
)
from retos.challenges.stages import TRANSITIONS_BY_PAIR, Stage, Transition, closed_by_time
from retos.core import rules
from retos.core.business_days import business_days_between
from retos.core.errors import DomainError
from retos.ledger.services import event_record

EDITABLE_FIELDS = [
    "title",
    "summary",
    "problem_statement",
    "context",
    "users_affected",
    "expected_outcomes",
    "deliverables",
    "category",
    "amount",
    "finalists_count",
    "licences",
    "eligibility",
    "max_company_size",
    *TIMELINE_FIELDS,
]


class InvalidTransition(DomainError):
    pass


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "reto"
    slug, n = base, 2
    while Challenge.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _clean_criteria(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    names = set()
    for position, c in enumerate(criteria):
        name = (c.get("name") or "").strip()
        if not name:
            raise DomainError(_("Every criterion needs a name."))
        if len(name) > Criterion._meta.get_field("name").max_length:
            raise DomainError(
                _("The name of a criterion has at most %(n)d characters.")
                % {"n": Criterion._meta.get_field("name").max_length}
            )
        if name.casefold() in names:
            raise DomainError(
                _("Two criteria are called “%(name)s”; give each its own name.") % {"name": name}
            )
        names.add(name.casefold())
        try:
            weight = Decimal(str(c.get("weight")))
        except ArithmeticError as exc:
            raise DomainError(
                _("The weight of “%(name)s” is not a number.") % {"name": name}
            ) from exc
        if not weight.is_finite() or weight.normalize().as_tuple().exponent < -2:
            raise DomainError(
                _("The weight of “%(name)s” has at most two decimals.") % {"name": name}
            )
        if not (Decimal(0) < weight <= Decimal(100)):
            raise DomainError(
                _("The weight of “%(name)s” must be more than 0 and at most 100.") % {"name": name}
            )
        area = c.get("expertise_area")
        if area not in ExpertiseArea.values:
            raise DomainError(_("Choose an expertise area for “%(name)s”.") % {"name": name})
        cleaned.append(
            {
                "name": name,
                "description": (c.get("description") or "").strip(),
                "weight": weight,
                "expertise_area": area,
                "position": position,
            }
        )
    return cleaned


def challenge_problems(challenge: Challenge) -> list[str]:
    """What a draft still lacks before it can go to review, in plain words."""
    problems = []
    for field in ("title", "summary", "problem_statement", "category"):
        if not getattr(challenge, field):
            problems.append(
                _("Fill in “%(field)s”.") % {"field": Challenge._meta.get_field(field).verbose_name}
            )
    if challenge.amount is None or challenge.amount <= 0:
        problems.append(_("The contract amount must be more than zero."))
    if not challenge.licences:
        problems.append(_("Allow at least one OSI-approved open-source licence."))
    elif any(spdx not in OPEN_SOURCE_LICENCES for spdx in challenge.licences):
        problems.append(_("Every licence must be an OSI-approved SPDX identifier from the list."))
    dates = [getattr(challenge, f) for f in TIMELINE_FIELDS]
    if dates[0] is None or dates[1] is None:
        problems.append(_("Set when questions close and when submissions close."))
    set_dates = [d for d in dates if d is not None]
    if any(a >= b for a, b in pairwise(set_dates)):
        problems.append(_("The timeline dates must be in order, each after the one before."))
    criteria = list(challenge.criteria.all())
    if not criteria:
        problems.append(_("Add at least one evaluation criterion."))
    elif sum(c.weight for c in criteria) != Decimal(100):
        problems.append(
            _("The criteria weights add up to %(total)s; they must add up to 100.")
            % {"total": sum(c.weight for c in criteria)}
        )
    return problems


@transaction.atomic
def challenge_create(
    *, actor, body, criteria: list[dict[str, Any]] | None = None, **fields: Any
) -> Challenge:
    """Create a draft challenge for ``body``. Any field may still be empty in a draft."""
    rules.require(actor, "challenge:create", body)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown challenge fields: {sorted(unknown)}")
    challenge = Challenge(body=body, slug=_unique_slug(fields.get("title", "")), **fields)
    challenge.full_clean(exclude=["slug"])
    challenge.save()
    if criteria:
        Criterion.objects.bulk_create(
            Criterion(challenge=challenge, **c) for c in _clean_criteria(criteria)
        )
    event_record(
        actor=actor,
        action="challenge.created",
        subject=challenge,
        payload={"title": challenge.title, "body": body.slug},
        public=False,
    )
    return challenge


@transaction.atomic
def challenge_update_draft(
    *, challenge: Challenge, actor, criteria: list[dict[str, Any]] | None = None, **fields: Any
) -> Challenge:
    """Change a draft's terms (and, when given, replace its criteria)."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    rules.require(actor, "challenge:edit", challenge)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown challenge fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(challenge, name, value)
    challenge.full_clean()
    challenge.save(update_fields=list(fields))
    if criteria is not None:
        cleaned = _clean_criteria(criteria)
        challenge.criteria.all().delete()
        Criterion.objects.bulk_create(Criterion(challenge=challenge, **c) for c in cleaned)
    event_record(
        actor=actor,
        action="challenge.draft_updated",
        subject=challenge,
        payload={"fields": sorted(fields) + (["criteria"] if criteria is not None else [])},
        public=False,
    )
    return challenge


def submission_window_problem(challenge: Challenge, publish_at) -> str | None:
    """The submission window must span enough Mexican business days from publication."""
    minimum = settings.RETOS_MIN_SUBMISSION_BUSINESS_DAYS
    if challenge.submissions_close_at is None:
        return None
    tz = ZoneInfo(challenge.body.time_zone)
    days = business_days_between(
        publish_at.astimezone(tz).date(), challenge.submissions_close_at.astimezone(tz).date()
    )
    if days < minimum:
        return _(
            "Submissions must stay open at least %(minimum)d business days after publication "
            "(weekends and official holidays do not count); this timeline gives %(days)d."
        ) % {"minimum": minimum, "days": days}
    return None


# Conditions that later stages' apps put on a transition (``register_guard``): each takes the
# locked challenge and returns the problems (empty when the transition may go ahead). The
# evaluation app, for instance, refuses to start evaluation without a panel covering every
# criterion, and to confirm finalists without a selection recorded in the same transaction.
GUARDS: dict[str, list] = {}


def register_guard(name: str, guard) -> None:
    """Add ``guard(challenge) -> list[str]`` to the transition called ``name``."""
    GUARDS.setdefault(name, []).append(guard)


def _guard(transition: Transition, challenge: Challenge, now, publish_at=None) -> None:
    """Conditions beyond role and stage that a transition needs."""
    for guard in GUARDS.get(transition.name, []):
        problems = guard(challenge)
        if problems:
            raise DomainError(" ".join(str(p) for p in problems), code=f"{transition.name}_blocked")
    if transition.name == "submit_for_review":
        problems = challenge_problems(challenge)
        if problems:
            raise DomainError(" ".join(problems), code="incomplete")
    if transition.name == "approve":
        if challenge.stage == Stage.PUBLISHED:
            raise DomainError(
                _("This challenge is already scheduled for publication."), code="scheduled"
            )
        if not challenge.body.verified:
            raise DomainError(
                _("Only verified government bodies can publish. Verify the body first."),
                code="unverified_body",
            )
        problems = challenge_problems(challenge)
        if problems:
            raise DomainError(" ".join(problems), code="incomplete")
        if publish_at < now:
            raise DomainError(_("The publication time cannot be in the past."), code="past")
        if challenge.questions_close_at <= publish_at:
            raise DomainError(
                _(
                    "The questions deadline is before the publication time. Request changes to "
                    "the timeline."
                ),
                code="deadline_passed",
            )
        window = submission_window_problem(challenge, publish_at)
        if window:
            raise DomainError(window, code="window_too_short")


@transaction.atomic
def _transition(
    *,
    challenge: Challenge,
    actor,
    target: Stage,
    reason: str = "",
    payload: dict | None = None,
    publish_at=None,
) -> Challenge:
    # Lock the row: two people acting at once see one stage, and the second is refused.
    locked = Challenge.objects.select_for_update().select_related("body").get(pk=challenge.pk)
    now = timezone.now()
    # Recording the close moves from the stored stage; every other transition starts from the
    # current stage, which time may have moved (published → closed) or not yet reached
    # (a scheduled publication is still in review).
    source = Stage(locked.stage) if target == Stage.CLOSED else locked.current_stage_at(now)
    transition = TRANSITIONS_BY_PAIR.get((source, target))
    if transition is None:
        raise InvalidTransition(
            _("A challenge in stage “%(source)s” cannot move to “%(target)s”.")
            % {"source": Stage(source).label, "target": Stage(target).label},
            code="invalid_transition",
        )
    if transition.name == "close" and not closed_by_time(locked, now):
        raise DomainError(
            _(
                "Submissions are still open: the deadline has not passed, or a question is "
                "still waiting for its answer."
            ),
            code="deadline_not_passed",
        )
    rules.require(actor, transition.permission, locked)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise DomainError(_("Give the reason; it will be published."), code="reason_required")
    publish_at = publish_at or now
    _guard(transition, locked, now, publish_at=publish_at)
    if source == Stage.CLOSED and locked.stage == Stage.PUBLISHED and target != Stage.CLOSED:
        # The deadline closed it but nobody recorded that yet: record it first, as of the
        # deadline, so the ledger tells the whole story in order.
        _record_close(locked, actor=None)
    if transition.name == "close":
        _record_close(locked, actor=actor)
    else:
        update_fields = ["stage", transition.stamp]
        if source == Stage.IN_REVIEW and locked.stage == Stage.PUBLISHED:
            # Withdrawn from a scheduled publication before it happened: it never was public.
            locked.published_at = None
            update_fields.append("published_at")
        locked.stage = target
        setattr(locked, transition.stamp, publish_at if transition.name == "approve" else now)
        if target in (Stage.CANCELLED, Stage.DESERTED):
            locked.outcome_reason = reason
            update_fields.append("outcome_reason")
        locked.save(update_fields=update_fields)
        extra = {"publish_at": publish_at.isoformat()} if transition.name == "approve" else {}
        event_record(
            actor=actor,
            action=f"challenge.{transition.name}",
            subject=locked,
            payload={"from": source, "to": target, "reason": reason, **extra, **(payload or {})},
            # Before publication, the life of a draft is the agency's business.
            public=target not in (Stage.DRAFT, Stage.IN_REVIEW),
            occurred_at=now,
        )
        _notify_stage_change(locked, stage=target, reason=reason, actor=actor)
    for field in ("stage", "closed_at", "published_at", transition.stamp, "outcome_reason"):
        setattr(challenge, field, getattr(locked, field))
    for annotation in ("stage_now", "questions_open", "submissions_open", "questions_pending"):
        challenge.__dict__.pop(annotation, None)
    return challenge


def _record_close(challenge: Challenge, *, actor) -> None:
    # Closed at the deadline, or later if a pending question held submissions open until its
    # answer was published.
    last_answer = challenge.questions.aggregate(last=Max("resolved_at"))["last"]
    closed_at = challenge.submissions_close_at
    if last_answer is not None and last_answer > closed_at:
        closed_at = last_answer
    challenge.stage = Stage.CLOSED
    challenge.closed_at = closed_at
    challenge.save(update_fields=["stage", "closed_at"])
    event_record(
        actor=actor,
        action="challenge.close",
        subject=challenge,
        payload={
            "from": Stage.PUBLISHED,
            "to": Stage.CLOSED,
            "deadline": challenge.submissions_close_at.isoformat(),
            "closed_at": closed_at.isoformat(),
        },
        occurred_at=timezone.now(),
    )
    _notify_stage_change(challenge, stage=Stage.CLOSED, reason="", actor=actor)


def _notify_stage_change(challenge: Challenge, *, stage: Stage, reason: str, actor) -> None:
    # Followers hear of every public stage change; notify_followers itself skips a challenge
    # the public cannot see yet, and sends nothing before the transaction commits.
    from retos.notifications.models import Kind
    from retos.notifications.services import notify_followers

    notify_followers(
        challenge=challenge,
        kind=Kind.STAGE_CHANGED,
        context={"stage": stage, "reason": reason},
        exclude_user=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if stage == Stage.CANCELLED:
        # Every bidder hears it, followers or not, each about their own proposal.
        from retos.proposals.notices import proposals_notify_cancellation

        proposals_notify_cancellation(
            challenge=challenge,
            reason=reason,
            exclude_user=actor if getattr(actor, "is_authenticated", False) else None,
        )


def challenge_submit_for_review(*, challenge: Challenge, actor) -> Challenge:
    """An approver of the body sends a complete draft to platform review."""
    return _transition(challenge=challenge, actor=actor, target=Stage.IN_REVIEW)


def challenge_approve(*, challenge: Challenge, actor, publish_at=None) -> Challenge:
    """Platform staff approve a challenge in review. It is published at once, or at
    ``publish_at``: until then it stays in review for everyone but its body and the staff."""
    return _transition(
        challenge=challenge, actor=actor, target=Stage.PUBLISHED, publish_at=publish_at
    )


@transaction.atomic
def challenge_request_changes(*, challenge: Challenge, actor, reason: str) -> Challenge:
    """Platform staff return a challenge to draft, saying what must change. The reason is
    kept in the review conversation."""
    challenge = _transition(challenge=challenge, actor=actor, target=Stage.DRAFT, reason=reason)
    ReviewComment.objects.create(
        challenge=challenge, author=actor, body=reason.strip(), requests_changes=True
    )
    return challenge


@transaction.atomic
def review_comment_add(*, challenge: Challenge, actor, body: str) -> ReviewComment:
    """Add to the review conversation: the body's officials and platform staff, while the
    challenge is a draft or in review."""
    rules.require(actor, "challenge:comment_review", challenge)
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write the comment before sending it."), code="empty")
    comment = ReviewComment.objects.create(challenge=challenge, author=actor, body=body)
    event_record(
        actor=actor,
        action="challenge.review_comment",
        subject=challenge,
        payload={"comment": comment.pk},
        public=False,
    )
    return comment


def challenge_close(*, challenge: Challenge, actor=None) -> Challenge:
    """Record that the submission deadline has passed. Refused before the deadline."""
    return _transition(challenge=challenge, actor=actor, target=Stage.CLOSED)


def challenge_open(*, challenge: Challenge, actor) -> Challenge:
    """Confirm the opening act: after the deadline, two distinct opening officers must each
    confirm (``retos.proposals.services.opening_confirm``); the second confirmation opens."""
    from retos.proposals.services import opening_confirm

    opening_confirm(challenge=challenge, actor=actor)
    return challenge


def challenge_start_evaluation(*, challenge: Challenge, actor) -> Challenge:
    """Admissibility checked: the panel may start scoring."""
    return _transition(challenge=challenge, actor=actor, target=Stage.EVALUATION)


def challenge_confirm_finalists(*, challenge: Challenge, actor) -> Challenge:
    """The approver confirms the shortlist; finalists build their demos."""
    return _transition(challenge=challenge, actor=actor, target=Stage.FINALISTS)


def challenge_decide(*, challenge: Challenge, actor) -> Challenge:
    """Publish the decision (fallo); the complaint window starts."""
    return _transition(challenge=challenge, actor=actor, target=Stage.DECIDED)


def challenge_award(*, challenge: Challenge, actor) -> Challenge:
    """Record the award and contract with the winner."""
    return _transition(challenge=challenge, actor=actor, target=Stage.AWARDED)


def challenge_reopen_evaluation(*, challenge: Challenge, actor, reason: str) -> Challenge:
    """An upheld complaint returns the decided challenge to evaluation (called by the
    complaints service, which voids the decision first)."""
    return _transition(challenge=challenge, actor=actor, target=Stage.EVALUATION, reason=reason)


def challenge_start_implementation(*, challenge: Challenge, actor) -> Challenge:
    """The winner starts building; milestones and payments follow."""
    return _transition(challenge=challenge, actor=actor, target=Stage.IMPLEMENTATION)


def challenge_complete(*, challenge: Challenge, actor) -> Challenge:
    """The agency accepts the delivery; the tool enters the catalog."""
    return _transition(challenge=challenge, actor=actor, target=Stage.COMPLETED)


def challenge_cancel(*, challenge: Challenge, actor, reason: str) -> Challenge:
    """Cancel before the award, with a published reason."""
    return _transition(challenge=challenge, actor=actor, target=Stage.CANCELLED, reason=reason)


def challenge_declare_deserted(*, challenge: Challenge, actor, reason: str) -> Challenge:
    """End without a winner (no admissible proposal, none above the minimum), with a reason."""
    return _transition(challenge=challenge, actor=actor, target=Stage.DESERTED, reason=reason)


SERVICES = {
    "submit_for_review": challenge_submit_for_review,
    "approve": challenge_approve,
    "request_changes": challenge_request_changes,
    "close": challenge_close,
    "open": challenge_open,
    "start_evaluation": challenge_start_evaluation,
    "confirm_finalists": challenge_confirm_finalists,
    "decide": challenge_decide,
    "award": challenge_award,
    "reopen_evaluation": challenge_reopen_evaluation,
    "start_implementation": challenge_start_implementation,
    "complete": challenge_complete,
    "cancel": challenge_cancel,
    "declare_deserted": challenge_declare_deserted,
}


def challenge_transition(*, challenge: Challenge, actor, name: str, reason: str = "") -> Challenge:
    """Run the transition service called ``name`` (used by the generic action form)."""
    service = SERVICES[name]
    transition = next(t for t in TRANSITIONS_BY_PAIR.values() if t.name == name)
    if transition.needs_reason:
        return service(challenge=challenge, actor=actor, reason=reason)
    return service(challenge=challenge, actor=actor)
