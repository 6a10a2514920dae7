"""What companies with a proposal hear when the terms of their challenge change.

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


def proposals_notify_amendment(*, challenge, amendment) -> None:
    """Tell the companies with a proposal to ``challenge`` that ``amendment`` was published.

    Submitted proposals' members get ``proposal_reconfirm``; drafts' members get
    ``proposal_draft_amended``; withdrawn proposals hear nothing. Call it inside the
    amendment's transaction. A fixed number of queries (the proposals, their companies'
    members, then ``notify_audiences``), plus one private ledger event per proposal notified,
    recorded on the proposal (sealed until the opening act, like the proposal's own events).
    """
    from retos.organizations.models import Membership
    from retos.proposals.models import Proposal, Status
    from retos.proposals.permissions import COMPANY_ROLES

    kinds = {
        Status.SUBMITTED: Kind.PROPOSAL_RECONFIRM,
        Status.DRAFT: Kind.PROPOSAL_DRAFT_AMENDED,
    }
    proposals = list(
        Proposal.objects.filter(challenge=challenge, status__in=list(kinds))
        .only("pk", "public_id", "status", "company_id", "challenge_id")
        .order_by("pk")
    )
    if not proposals:
        return
    members: dict[int, set[int]] = defaultdict(set)
    for company_id, user_id in Membership.objects.filter(
        organization_id__in={proposal.company_id for proposal in proposals},
        role__in=COMPANY_ROLES,
    ).values_list("organization_id", "user_id"):
        members[company_id].add(user_id)
    notify_audiences(
        challenge=challenge,
        audiences=[
            Audience(
                users=members[proposal.company_id],
                kind=kinds[proposal.status],
                context={
                    "number": amendment.number,
                    "url_name": "proposals:detail",
                    "url_kwargs": {"public_id": str(proposal.public_id)},
                },
                subject=proposal,
            )
            for proposal in proposals
        ],
    )
