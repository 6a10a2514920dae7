"""Reads for the company side of proposals: fetch-and-authorize, the challenge page's entry
block, the dashboard rows and a proposal's versions.

None of these reads sealed content (that is ``services.proposal_draft_read`` and friends,
which record every read). They return rows only to the company's own members, or, for
``proposal_for_reader``, to whoever ``proposal:read`` lets in; anyone else gets the same 404
as for a proposal that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone

from retos.challenges.models import Challenge
from retos.core import rules
from retos.organizations.eligibility import Eligibility, company_eligibility
from retos.organizations.models import Membership, Organization
from retos.proposals.models import Proposal, ProposalVersion
from retos.proposals.permissions import COMPANY_ROLES, is_company_member


def _proposal(public_id) -> Proposal:
    try:
        return Proposal.objects.select_related("challenge__body", "company").get(
            public_id=public_id
        )
    except (Proposal.DoesNotExist, ValueError):
        raise Http404 from None


def proposal_for_member(user, public_id) -> Proposal:
    """The proposal, for a member of its company; 404 for anyone else or a missing one."""
    proposal = _proposal(public_id)
    if not is_company_member(user, proposal):
        raise Http404
    return proposal


def proposal_for_reader(user, public_id) -> Proposal:
    """The proposal, for anyone ``proposal:read`` lets in (members; the body's readers after
    the opening act, for a counted proposal); 404 otherwise."""
    proposal = _proposal(public_id)
    if not rules.can(user, "proposal:read", proposal):
        raise Http404
    return proposal


def versions_of(proposal: Proposal) -> list[ProposalVersion]:
    """Every submitted version, newest first (one query)."""
    return list(proposal.versions.order_by("-number"))


def version_of(proposal: Proposal, folio: str) -> ProposalVersion:
    try:
        return proposal.versions.get(folio=folio)
    except ProposalVersion.DoesNotExist:
        raise Http404 from None


def company_for_member(user, company_id) -> Organization:
    """One of the companies ``user`` may write proposals for; 404 otherwise."""
    try:
        wanted = int(company_id)
    except (TypeError, ValueError):
        raise Http404 from None
    for company in user_companies(user):
        if company.pk == wanted:
            return company
    raise Http404


# --- The challenge page: "take part" ---------------------------------------------------------


@dataclass
class CompanyEntry:
    company: Organization
    eligibility: Eligibility
    proposal: Proposal | None


@dataclass
class ProposalEntry:
    """What the challenge page's "take part" block shows to the person looking at it.

    Only ever the person's own companies and their own proposals: nothing about anyone else.
    """

    submissions_open: bool
    anonymous: bool = False
    companies: list[CompanyEntry] = field(default_factory=list)

    @property
    def has_company(self) -> bool:
        return bool(self.companies)

    @property
    def has_proposal(self) -> bool:
        return any(entry.proposal for entry in self.companies)


def user_companies(user) -> list[Organization]:
    """The companies ``user`` may write proposals for (one query)."""
    memberships = Membership.objects.filter(
        user=user, role__in=COMPANY_ROLES, organization__kind="company"
    ).select_related("organization")
    seen = {}
    for membership in memberships.order_by("organization__name"):
        seen.setdefault(membership.organization_id, membership.organization)
    return list(seen.values())


def proposal_entry(user, challenge: Challenge) -> ProposalEntry | None:
    """The block, or None when there is nothing to show: submissions closed and no proposal
    of the person's companies. Anonymous visitors cost no query."""
    submissions_open = challenge.__dict__.get("submissions_open")
    if submissions_open is None:
        submissions_open = challenge.window_open("submissions")
    if not user.is_authenticated:
        return ProposalEntry(submissions_open=True, anonymous=True) if submissions_open else None
    companies = user_companies(user)
    proposals = {}
    if companies:
        proposals = {
            p.company_id: p
            for p in Proposal.objects.filter(
                challenge=challenge, company__in=[c.pk for c in companies]
            )
        }
    entries = [
        CompanyEntry(
            company=company,
            eligibility=company_eligibility(company, challenge),
            proposal=proposals.get(company.pk),
        )
        for company in companies
    ]
    entry = ProposalEntry(submissions_open=bool(submissions_open), companies=entries)
    if not submissions_open and not entry.has_proposal:
        return None
    return entry


# --- The dashboard ---------------------------------------------------------------------------


def dashboard_proposals(user):
    """The proposals of ``user``'s companies, newest first, with their last version's receipt
    (folio, time, terms version) annotated: one query for a page of rows."""
    last = ProposalVersion.objects.filter(proposal=OuterRef("pk")).order_by("-number")
    return (
        Proposal.objects.of_member(user)
        .select_related("company")
        .annotate(
            last_folio=Subquery(last.values("folio")[:1]),
            last_received_at=Subquery(last.values("received_at")[:1]),
            last_terms_version=Subquery(last.values("terms_version")[:1]),
            last_number=Subquery(last.values("number")[:1]),
        )
        .order_by("-created_at", "-id")
    )


def attach_challenges(proposals: list[Proposal], now=None) -> list[Proposal]:
    """Give each proposal its challenge with the timeline (stage now, submissions open) and
    the number of amendments annotated: one query, whatever the number of rows."""
    ids = {p.challenge_id for p in proposals}
    challenges = {
        c.pk: c
        for c in Challenge.objects.with_timeline(now or timezone.now())
        .filter(pk__in=ids)
        .select_related("body")
        .annotate(amendments_count=Count("amendments", distinct=True))
    }
    for proposal in proposals:
        proposal.challenge = challenges[proposal.challenge_id]
    return proposals


def challenge_with_timeline(challenge_id: int) -> Challenge:
    """The challenge with its timeline and amendment count annotated (one query)."""
    return (
        Challenge.objects.with_timeline()
        .select_related("body")
        .annotate(amendments_count=Count("amendments", distinct=True))
        .get(pk=challenge_id)
    )
