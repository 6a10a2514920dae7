"""What companies with a proposal hear when the terms of their challenge change, or a question
is answered.

An amendment changes the terms a proposal answers. A company that has already submitted must
submit again (re-confirm) before the deadline; a company with a draft should read what changed
before it submits. Each company's members hear about their own proposal only, linked to it.
Whether a proposal still needs re-confirming is computed, not stored: each submitted version
records the terms version it confirmed (``ProposalVersion.terms_version``).
"""

from __future__ import annotations

from collections import defaultdict

from retos.notifications.models import Kind
from retos.notifications.services import Audience, notify_audiences


def _proposal_members(challenge, statuses) -> tuple[list, dict[int, set[int]]]:
    """The proposals to ``challenge`` in ``statuses`` and their companies' members (2 queries)."""
    from retos.organizations.models import Membership
    from retos.proposals.models import Proposal
    from retos.proposals.permissions import COMPANY_ROLES

    proposals = list(
        Proposal.objects.filter(challenge=challenge, status__in=list(statuses))
        .only("pk", "public_id", "status", "company_id", "challenge_id")
        .order_by("pk")
    )
    members: dict[int, set[int]] = defaultdict(set)
    if proposals:
        for company_id, user_id in Membership.objects.filter(
            organization_id__in={proposal.company_id for proposal in proposals},
            role__in=COMPANY_ROLES,
        ).values_list("organization_id", "user_id"):
            members[company_id].add(user_id)
    return proposals, members


def proposals_notify_amendment(*, challenge, amendment) -> None:
    """Tell the companies with a proposal to ``challenge`` that ``amendment`` was published.

    Submitted proposals' members get ``proposal_reconfirm``; drafts' members get
    ``proposal_draft_amended``; withdrawn proposals hear nothing. Call it inside the
    amendment's transaction. A fixed number of queries (the proposals, their companies'
    members, then ``notify_audiences``), plus one private ledger event per proposal notified,
    recorded on the proposal (sealed until the opening act, like the proposal's own events).
    """
    from retos.proposals.models import Status

    kinds = {
        Status.SUBMITTED: Kind.PROPOSAL_RECONFIRM,
        Status.DRAFT: Kind.PROPOSAL_DRAFT_AMENDED,
    }
    proposals, members = _proposal_members(challenge, kinds)
    if not proposals:
        return
    notify_audiences(
        challenge=challenge,
        audiences=[
            Audience(
                users=members[proposal.company_id],
                kind=kinds[proposal.status],
                context={
                    "number": amendment.number,
                    "reason": amendment.reason,
                    "url_name": "proposals:detail",
                    "url_kwargs": {"public_id": str(proposal.public_id)},
                },
                subject=proposal,
            )
            for proposal in proposals
        ],
    )


def proposals_notify_answer(*, challenge, context: dict, exclude_user=None) -> None:
    """Tell the members of every company with a draft or submitted proposal to ``challenge``
    that a question was answered (as followers are told; those who follow hear it once, from
    ``notify_followers``). Each group's sending is recorded on its proposal, so the ledger does
    not count the bidders on the challenge before the opening act. Their preferences for
    "a question is answered" apply."""
    from retos.notifications.models import Follow
    from retos.proposals.models import Status

    proposals, members = _proposal_members(challenge, [Status.DRAFT, Status.SUBMITTED])
    if not proposals:
        return
    following = set(Follow.objects.filter(challenge=challenge).values_list("user_id", flat=True))
    notify_audiences(
        challenge=challenge,
        audiences=[
            Audience(
                users=members[proposal.company_id] - following,
                kind=Kind.QUESTION_ANSWERED,
                context=context,
                subject=proposal,
            )
            for proposal in proposals
            if members[proposal.company_id] - following
        ],
        exclude_user=exclude_user,
    )


def proposals_notify_cancellation(*, challenge, reason: str, exclude_user=None) -> None:
    """Tell the members of every company with a draft or submitted proposal to ``challenge``
    that it was cancelled, with the published reason, each linked to their own proposal.

    Transactional (``bidders_cancelled``, a proposal kind): sent whatever their preferences.
    Each group's sending is recorded privately on its proposal, so before the opening act
    nothing public, and nothing on the challenge, counts or names the bidders. Call it inside
    the cancelling transaction (``challenges.services._notify_stage_change`` does). A fixed
    number of queries plus one private ledger event per proposal notified.
    """
    from retos.proposals.models import Status

    proposals, members = _proposal_members(challenge, [Status.DRAFT, Status.SUBMITTED])
    audiences = [
        Audience(
            users=members[proposal.company_id],
            kind=Kind.BIDDERS_CANCELLED,
            context={
                "reason": reason,
                "url_name": "proposals:detail",
                "url_kwargs": {"public_id": str(proposal.public_id)},
            },
            subject=proposal,
        )
        for proposal in proposals
        if members[proposal.company_id]
    ]
    if audiences:
        notify_audiences(challenge=challenge, audiences=audiences, exclude_user=exclude_user)
