"""The proposal rules, role × stage × ownership × status, against a table written here.

The expected value of every cell comes from the small table below (``expected``), not from the
rules themselves, so a rule that drifts makes this test fail. ``rules.can`` never consults
``is_superuser``: the superuser, platform staff and the expert evaluator are denied
everywhere, like anyone else who holds no named role.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from retos.challenges.stages import Stage
from retos.core import rules
from retos.organizations.models import Role
from retos.proposals.models import Proposal, Status
from tests.factories import CompanyFactory, MembershipFactory
from tests.lifecycle import ROLES, challenge_in, person
from tests.witness_helpers import witness_of

pytestmark = pytest.mark.django_db

# The proposing company's own people, on top of the lifecycle roles ("company_admin" there is
# an admin of *another* company).
OWNERS = ["own_company_member", "own_company_admin"]
# The challenge's social witness reads what the body's readers read, never writes.
WITNESS = "social_witness"
ALL_ROLES = [*ROLES, *OWNERS, WITNESS]

# Every stored stage, plus a published challenge whose deadline has passed (its current stage
# is "closed" although nobody has recorded it yet).
PAST_DEADLINE = "published_past_deadline"
STAGES = [s.value for s in Stage] + [PAST_DEADLINE]

PROPOSAL_RULES = [
    "proposal:start",
    "proposal:edit",
    "proposal:submit",
    "proposal:withdraw",
    "proposal:read",
    "proposal:decide_admissibility",
]
CHALLENGE_RULES = ["proposal:confirm_opening"]

# Stages in which the opening act has happened (``challenge_in`` stamps ``opened_at``).
OPENED_STAGES = {"opened", "evaluation", "finalists", "decided", "awarded", "implementation",
                 "completed"}  # fmt: skip
# Stages in which the draft may change: before the act, published or closed (also by time).
EDITABLE_STAGES = {"published", "closed", PAST_DEADLINE}
# The current stage is "closed": the only time the opening may be confirmed.
CLOSED_NOW = {"closed", PAST_DEADLINE}
READERS_AFTER_OPENING = {"body_official", "body_approver", "body_opening_officer", WITNESS}
DECIDERS = {"body_official", "body_approver"}


def expected(rule: str, role: str, stage: str, status: str) -> bool:
    owner = role in OWNERS
    if rule == "proposal:start":
        return owner
    if rule in ("proposal:edit", "proposal:submit", "proposal:withdraw"):
        return owner and stage in EDITABLE_STAGES
    if rule == "proposal:read":
        return owner or (
            role in READERS_AFTER_OPENING and stage in OPENED_STAGES and status == "submitted"
        )
    if rule == "proposal:decide_admissibility":
        return role in DECIDERS and stage == "opened" and status == "submitted"
    if rule == "proposal:confirm_opening":
        return role == "body_opening_officer" and stage in CLOSED_NOW
    raise AssertionError(rule)


def a_challenge(stage: str):
    if stage == PAST_DEADLINE:
        challenge = challenge_in(Stage.PUBLISHED, deadline_passed=True)
        assert challenge.current_stage_at() == Stage.CLOSED
        return challenge
    return challenge_in(Stage(stage))


def the_person(role: str, challenge, company):
    if role == "own_company_member":
        return MembershipFactory(organization=company, role=Role.MEMBER).user
    if role == "own_company_admin":
        return MembershipFactory(organization=company, role=Role.ADMIN).user
    if role == WITNESS:
        return witness_of(challenge)
    return person(role, challenge.body)


def a_proposal(challenge, company, status: str) -> Proposal:
    """An unsaved proposal: the rules read only its challenge, company and status."""
    now = timezone.now()
    return Proposal(
        challenge=challenge,
        company=company,
        status=status,
        submitted_at=None if status == Status.DRAFT else now - timedelta(days=1),
        withdrawn_at=now if status == Status.WITHDRAWN else None,
    )


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("rule", PROPOSAL_RULES + CHALLENGE_RULES)
def test_rule_matches_the_table(rule, role, stage):
    challenge = a_challenge(stage)
    company = CompanyFactory()
    actor = the_person(role, challenge, company)
    wrong = []
    for status in Status.values:
        if rule == "proposal:start":
            target = company
        elif rule in CHALLENGE_RULES:
            target = challenge
        else:
            target = a_proposal(challenge, company, status)
        want = expected(rule, role, stage, status)
        got = rules.can(actor, rule, target)
        if got != want:
            wrong.append(f"{status}: expected {want}, got {got}")
    assert not wrong, f"{rule} for {role} in {stage}: {wrong}"


def test_the_table_grants_something_and_denies_something():
    """Guard against a table that is trivially all False or all True."""
    cells = [
        expected(rule, role, stage, status)
        for rule in PROPOSAL_RULES + CHALLENGE_RULES
        for role in ALL_ROLES
        for stage in STAGES
        for status in Status.values
    ]
    assert any(cells) and not all(cells)


@pytest.mark.parametrize("role", ["superuser", "platform_staff", "expert", "body_admin"])
def test_powerful_users_without_a_named_role_never_read_even_after_opening(role):
    challenge = challenge_in(Stage.EVALUATION)
    company = CompanyFactory()
    actor = person(role, challenge.body)
    assert not rules.can(actor, "proposal:read", a_proposal(challenge, company, Status.SUBMITTED))


def test_a_witness_of_another_challenge_never_reads():
    challenge = challenge_in(Stage.OPENED)
    other = witness_of(challenge_in(Stage.OPENED))
    proposal = a_proposal(challenge, CompanyFactory(), Status.SUBMITTED)
    assert not rules.can(other, "proposal:read", proposal)


def test_an_official_of_another_body_never_reads():
    challenge = challenge_in(Stage.OPENED)
    other = MembershipFactory(role=Role.OFFICIAL).user
    proposal = a_proposal(challenge, CompanyFactory(), Status.SUBMITTED)
    assert not rules.can(other, "proposal:read", proposal)
    assert not rules.can(other, "proposal:decide_admissibility", proposal)


def test_a_person_in_both_the_company_and_the_body_reads_as_member_before_opening():
    challenge = challenge_in(Stage.CLOSED)
    company = CompanyFactory()
    actor = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    proposal = a_proposal(challenge, company, Status.SUBMITTED)
    assert not rules.can(actor, "proposal:read", proposal)
    MembershipFactory(organization=company, role=Role.MEMBER, user=actor)
    actor = type(actor).objects.get(pk=actor.pk)  # roles are cached on the user object
    assert rules.can(actor, "proposal:read", proposal)
