"""Helpers to put a challenge in any stage with consistent dates, and people in every role."""

from datetime import timedelta

from django.utils import timezone

from retos.challenges.stages import Stage
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, UserFactory

# Stamps a challenge carries once it has reached a stage on the main path.
_STAMPS = [
    (Stage.IN_REVIEW, "in_review_at"),
    (Stage.PUBLISHED, "published_at"),
    (Stage.CLOSED, "closed_at"),
    (Stage.OPENED, "opened_at"),
    (Stage.EVALUATION, "evaluation_at"),
    (Stage.FINALISTS, "finalists_at"),
    (Stage.DECIDED, "decided_at"),
    (Stage.AWARDED, "awarded_at"),
    (Stage.IMPLEMENTATION, "implementation_at"),
    (Stage.COMPLETED, "completed_at"),
]
_ORDER = [s for s, _ in _STAMPS]


def challenge_in(stage: Stage, *, body=None, deadline_passed: bool | None = None, **extra):
    """A challenge stored in ``stage``.

    Deadlines lie ahead for draft/in review/published (unless ``deadline_passed``) and behind
    for every later stage, so the stored stage is also the current one.
    """
    now = timezone.now()
    past = (
        deadline_passed
        if deadline_passed is not None
        else stage not in (Stage.DRAFT, Stage.IN_REVIEW, Stage.PUBLISHED)
    )
    base = now - timedelta(days=60) if past else now
    fields = {
        "stage": stage,
        "questions_close_at": base + timedelta(days=10),
        "submissions_close_at": base + timedelta(days=20),
        "evaluation_ends_at": base + timedelta(days=70),
        "demo_day_at": base + timedelta(days=80),
        "decision_at": base + timedelta(days=90),
        "delivery_at": base + timedelta(days=200),
        "published_at": None,
    }
    reached = {
        Stage.CANCELLED: Stage.PUBLISHED,
        Stage.DESERTED: Stage.CLOSED,
    }.get(stage, stage)
    if reached in _ORDER:
        for s, stamp in _STAMPS[: _ORDER.index(reached) + 1]:
            fields[stamp] = base if s == Stage.PUBLISHED else now
    if stage == Stage.PUBLISHED or reached == Stage.PUBLISHED:
        fields["published_at"] = base - timedelta(days=1)
    if stage in (Stage.CANCELLED, Stage.DESERTED):
        fields["outcome_reason"] = "Motivo publicado."
        fields[f"{stage.value}_at"] = now
    if body is not None:
        fields["body"] = body
    fields.update(extra)
    return ChallengeFactory(**fields)


ROLES = [
    "anonymous",
    "plain_user",
    "company_admin",
    "expert",
    "platform_staff",
    "superuser",
    "body_admin",
    "body_official",
    "body_approver",
    "body_opening_officer",
    "other_body_approver",
]


def person(role: str, body):
    """A user holding ``role`` with respect to ``body`` (``None`` for anonymous)."""
    from django.contrib.auth.models import AnonymousUser

    if role == "anonymous":
        return AnonymousUser()
    if role == "plain_user":
        return UserFactory()
    if role == "company_admin":
        return MembershipFactory(organization=CompanyFactory(), role="admin").user
    if role == "expert":
        return UserFactory(is_expert=True)
    if role == "platform_staff":
        return UserFactory(is_platform_staff=True)
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    if role == "other_body_approver":
        return MembershipFactory(role="approver").user
    return MembershipFactory(organization=body, role=role.removeprefix("body_")).user
