"""The writes of the social witness app: assign and revoke a witness (platform staff), publish
an observation (the witness). Each in one transaction, each checking its named rule, each
recorded as a public ledger event (the witness's name is public, as in Mexican practice).

Nothing written here says anything about the challenge's proposals: before the opening act not
even their number is known to the witness, and the events carry only the challenge, the
witness's public name and what the witness wrote.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from retos.challenges.models import Challenge
from retos.core import rules
from retos.core.errors import DomainError
from retos.ledger.services import event_record
from retos.organizations.models import Role
from retos.organizations.selectors import roles_by_organization
from retos.witness.models import OBSERVATION_MAX_LENGTH, Observation, SocialWitness
from retos.witness.permissions import forget

NAME_MAX_LENGTH = 200
REASON_MAX_LENGTH = 2_000
COMPANY_ROLES = (Role.ADMIN, Role.MEMBER)


def _clean(text: str | None, *, limit: int, missing: str, code: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(missing, code=f"{code}_required")
    if len(text) > limit:
        raise DomainError(
            _("The text is %(length)d characters long; use at most %(limit)d.")
            % {"length": len(text), "limit": limit},
            code=f"{code}_too_long",
        )
    if "\x00" in text:
        raise DomainError(
            _("The text contains a null character; remove it and send it again."),
            code=f"{code}_invalid",
        )
    return text


def _lock(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge.pk)


def _bidder_company_ids(challenge: Challenge) -> set[int]:
    """The companies the published opening act counted (public from the act on); none before
    it, so nothing here can reveal a proposal."""
    if challenge.opened_at is None:
        return set()
    from retos.proposals.models import Proposal, Status

    return set(
        Proposal.objects.filter(
            challenge_id=challenge.pk, status=Status.SUBMITTED, submitted_at__isnull=False
        ).values_list("company_id", flat=True)
    )


@transaction.atomic
def witness_assign(*, challenge: Challenge, user, actor, name: str = "") -> SocialWitness:
    """Assign ``user`` as a social witness of ``challenge`` (platform staff, from the
    publication until the challenge ends: ``witness:assign``).

    The witness is independent: a member of the challenge's body, in any role, is refused, and
    so, once the opening act has made the bidders public, is a member of a bidder company. The
    name published is ``name`` or the account's full name (never the email address). The
    witness follows the challenge from then on (its notices reach them). Records the public
    event ``witness.assigned``.
    """
    locked = _lock(challenge)
    rules.require(actor, "witness:assign", locked)
    User = get_user_model()
    if user is None or not isinstance(user, User) or not user.is_active:
        raise DomainError(
            _("No active account uses this address: ask the person to sign up, then assign them."),
            code="no_account",
        )
    public_name = _clean(
        name or user.full_name,
        limit=NAME_MAX_LENGTH,
        missing=_("Give the name to publish: the person's account has no full name."),
        code="name",
    )
    roles = roles_by_organization(user)
    if roles.get(locked.body_id):
        raise DomainError(
            _(
                "This person belongs to the agency that runs the challenge: a social witness "
                "must be independent of it."
            ),
            code="not_independent",
        )
    bidders = _bidder_company_ids(locked)
    if any(org in bidders and held & set(COMPANY_ROLES) for org, held in roles.items()):
        raise DomainError(
            _(
                "This person belongs to a company that bid on the challenge: a social witness "
                "must be independent of the bidders."
            ),
            code="not_independent",
        )
    if SocialWitness.objects.active().filter(challenge=locked, user=user).exists():
        raise DomainError(
            _("This person is already a social witness of this challenge."),
            code="already_assigned",
        )
    now = timezone.now()
    witness = SocialWitness.objects.create(
        challenge=locked, user=user, name=public_name, assigned_by=actor, assigned_at=now
    )
    witness.challenge = locked
    from retos.notifications.services import challenge_follow

    if rules.can(user, "challenge:follow", locked):
        challenge_follow(challenge=locked, user=user)
    forget(user)
    event_record(
        actor=actor,
        action="witness.assigned",
        subject=witness,
        payload={
            "challenge": locked.slug,
            "witness": public_name,
            "stage": locked.current_stage_at(now),
        },
        public=True,
    )
    return witness


@transaction.atomic
def witness_revoke(*, witness: SocialWitness, actor, reason: str) -> SocialWitness:
    """Revoke an assignment, with a reason that is published (platform staff:
    ``witness:revoke``). The witness's observations stay published. Records the public event
    ``witness.revoked``."""
    locked = (
        SocialWitness.objects.select_for_update().select_related("challenge").get(pk=witness.pk)
    )
    rules.require(actor, "witness:revoke", locked)
    if locked.revoked_at is not None:
        raise DomainError(_("This assignment is already revoked."), code="already_revoked")
    reason = _clean(
        reason,
        limit=REASON_MAX_LENGTH,
        missing=_("Give the reason for the revocation: it is published."),
        code="reason",
    )
    now = timezone.now()
    locked.revoked_at = now
    locked.revoked_by = actor
    locked.revoke_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    # The rules cache what a user object witnesses: clear it on the object the caller holds.
    if SocialWitness.user.is_cached(witness):
        forget(witness.user)
    event_record(
        actor=actor,
        action="witness.revoked",
        subject=locked,
        payload={"challenge": locked.challenge.slug, "witness": locked.name, "reason": reason},
        public=True,
    )
    return locked


@transaction.atomic
def observation_publish(
    *, challenge: Challenge, actor, text: str, corrects: Observation | None = None
) -> Observation:
    """Publish an observation of ``actor``, an active social witness of ``challenge``
    (``witness:observe``), numbered after the challenge's last one and stamped with the stage
    at the time. Published at once and for good: a correction is a new observation naming the
    earlier one (``corrects``: one of the same person's observations on this challenge).
    Records the public event ``observation.published`` with the text."""
    locked = _lock(challenge)
    rules.require(actor, "witness:observe", locked)
    witness = (
        SocialWitness.objects.active()
        .select_for_update()
        .filter(challenge=locked, user_id=actor.pk)
        .first()
    )
    if witness is None:  # revoked since the rule was read from a cached object
        forget(actor)
        raise PermissionDenied("witness:observe")
    text = _clean(
        text,
        limit=OBSERVATION_MAX_LENGTH,
        missing=_("Write the observation: it cannot be empty."),
        code="text",
    )
    if corrects is not None and (
        corrects.challenge_id != locked.pk
        or not SocialWitness.objects.filter(pk=corrects.witness_id, user_id=actor.pk).exists()
    ):
        raise DomainError(
            _(
                "An observation corrects only one of your own earlier observations on this "
                "challenge."
            ),
            code="corrects_invalid",
        )
    now = timezone.now()
    last = Observation.objects.filter(challenge=locked).aggregate(n=Max("number"))["n"] or 0
    observation = Observation.objects.create(
        challenge=locked,
        witness=witness,
        number=last + 1,
        stage=locked.current_stage_at(now),
        text=text,
        published_at=now,
        corrects=corrects,
    )
    event_record(
        actor=actor,
        action="observation.published",
        subject=observation,
        payload={
            "challenge": locked.slug,
            "number": observation.number,
            "witness": witness.name,
            "stage": observation.stage,
            "text": text,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "corrects": corrects.number if corrects is not None else None,
        },
        public=True,
    )
    return observation
