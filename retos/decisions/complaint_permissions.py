"""Named permissions of complaints (see retos/core/rules.py), and the guard they put on the
award.

- ``complaint:file`` (on a proposal): a member of the company whose proposal the opening act
  counted, unless it won the decision in force. *When* (the window) is a fact the service
  checks with its own message (``complaints.complaint_file_problem``).
- ``complaint:decide`` (on a complaint): the body's approvers take it under review, uphold it
  or dismiss it.
- ``complaint:withdraw`` (on a complaint): the complaining company's members.
- ``complaint:download_evidence`` (on a piece of evidence): anyone who may see the challenge,
  unless it is confidential; then only the body's officials and approvers, the social witness
  and the complaining company's members. Confidential evidence is still listed (name, size,
  SHA-256) for everyone.
"""

from retos.challenges.permissions import is_body_approver, is_body_official
from retos.challenges.services import register_guard
from retos.core import rules
from retos.core.rules import Predicate, is_authenticated, predicate, register
from retos.decisions import complaints
from retos.organizations.selectors import has_role
from retos.proposals.permissions import (
    COMPANY_ROLES,
    counted_at_opening,
    is_company_member,
    opened,
)
from retos.witness.permissions import is_social_witness


@predicate
def won_the_decision(user, proposal) -> bool:
    """The proposal is the winner of its challenge's decision in force."""
    decision = complaints.decision_in_force(proposal.challenge)
    return decision is not None and decision.winner_id == proposal.pk


def of_challenge(rule: Predicate) -> Predicate:
    """Apply a challenge rule to a complaint's challenge."""
    return Predicate(lambda user, complaint: rule(user, complaint.challenge), f"of({rule.name})")


def of_complaint(rule: Predicate) -> Predicate:
    """Apply a complaint rule to a piece of evidence's complaint."""
    return Predicate(lambda user, evidence: rule(user, evidence.complaint), f"of({rule.name})")


@predicate
def is_complainant(user, complaint) -> bool:
    """A member of the company that filed the complaint."""
    return is_authenticated(user) and has_role(user, complaint.proposal.company_id, *COMPANY_ROLES)


@predicate
def may_view_challenge(user, complaint) -> bool:
    return rules.can(user, "challenge:view", complaint.challenge)


@predicate
def confidential(user, evidence) -> bool:
    return evidence.confidential


register("complaint:file", is_company_member & opened & counted_at_opening & ~won_the_decision)
register("complaint:decide", of_challenge(is_body_approver))
register("complaint:withdraw", is_complainant)
register(
    "complaint:download_evidence",
    of_complaint(may_view_challenge)
    & (
        ~confidential
        | of_complaint(is_complainant | of_challenge(is_body_official | is_social_witness))
    ),
)

# No award while bidders may still complain, or while a complaint is open.
register_guard("award", complaints.award_problems)
