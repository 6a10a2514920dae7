"""Reads of complaints for pages. Each costs a fixed number of queries whatever the number of
complaints, steps and files."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from retos.challenges.selectors import challenge_for_view
from retos.decisions.models import Complaint, ComplaintEvidence, ComplaintStep


def bidder_proposals(user, challenge) -> list:
    """The proposals to ``challenge`` that the opening act counted and that belong to a company
    ``user`` is a member of (one query; none before the opening act)."""
    from retos.proposals.models import Proposal, Status
    from retos.proposals.permissions import COMPANY_ROLES

    if challenge.opened_at is None or user is None or not user.is_authenticated:
        return []
    proposals = list(
        Proposal.objects.filter(
            challenge=challenge,
            status=Status.SUBMITTED,
            submitted_at__isnull=False,
            company__memberships__user=user,
            company__memberships__role__in=COMPANY_ROLES,
        )
        .select_related("company")
        .distinct()
        .order_by("company__name", "pk")
    )
    for proposal in proposals:
        proposal.challenge = challenge
    return proposals


def _complaints(challenge):
    return (
        Complaint.objects.filter(challenge=challenge)
        .select_related("proposal__company", "decision")
        .prefetch_related(
            Prefetch("steps", queryset=ComplaintStep.objects.order_by("at", "id")),
            Prefetch(
                "evidence",
                queryset=ComplaintEvidence.objects.select_related("document").order_by("id"),
            ),
        )
        .order_by("number")
    )


def _attach(complaints: list[Complaint], challenge) -> list[Complaint]:
    for complaint in complaints:
        complaint.challenge = challenge
        complaint.proposal.challenge = challenge
        for item in complaint.evidence.all():
            item.complaint = complaint
    return complaints


def complaints_of(challenge) -> list[Complaint]:
    """Every complaint on ``challenge`` with its steps and evidence, by number (3 queries)."""
    return _attach(list(_complaints(challenge)), challenge)


def complaint_for_view(user, slug: str, number: int) -> Complaint:
    """A complaint on a challenge ``user`` may see; the same 404 whether the challenge is
    missing, not visible, or has no complaint of that number."""
    challenge = challenge_for_view(user, slug)
    found = _attach(list(_complaints(challenge).filter(number=number)), challenge)
    if not found:
        raise Http404
    return found[0]


def evidence_of(complaint: Complaint, evidence_id: int) -> ComplaintEvidence:
    """One piece of a complaint's evidence (already prefetched), or 404."""
    for item in complaint.evidence.all():
        if item.pk == evidence_id:
            return item
    raise Http404
