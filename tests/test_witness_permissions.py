"""The social witness's permission matrix: the witness app's own rules × every role × every
stage; the witness reads what the officials read at every stage, through the rules of the other
apps, and holds no write rule anywhere (the matrices of the other apps carry the witness's row
for their rules on proposals, complaints, milestones and the rest)."""

import pytest
from django.utils import timezone

from retos.challenges.stages import Stage
from retos.core import rules
from retos.organizations.models import Role
from retos.witness.models import SocialWitness
from tests.factories import MembershipFactory, UserFactory
from tests.lifecycle import ROLES, challenge_in, person
from tests.witness_helpers import assign

pytestmark = pytest.mark.django_db

PAST_DEADLINE = "published_past_deadline"
STAGES = [s.value for s in Stage] + [PAST_DEADLINE]
WITNESS_ROLES = ["social_witness", "revoked_witness", "other_challenges_witness", "staff_in_body"]
ALL_ROLES = ROLES + WITNESS_ROLES

ASSIGN_STAGES = {"published", "closed", PAST_DEADLINE, "opened", "evaluation", "finalists",
                 "decided", "awarded", "implementation"}  # fmt: skip
PUBLIC = set(STAGES) - {"draft", "in_review"}
# ``challenge_in`` stamps ``opened_at`` on the main path from "opened" on.
OPENED = {"opened", "evaluation", "finalists", "decided", "awarded", "implementation", "completed"}


def expected(rule: str, role: str, stage: str) -> bool:
    if rule == "witness:assign":
        return role == "platform_staff" and stage in ASSIGN_STAGES
    if rule == "witness:revoke":
        return role == "platform_staff"
    if rule in ("witness:observe", "witness:dossier"):
        return role == "social_witness" and stage in PUBLIC
    if rule == "witness:view_conflicts":
        return role == "social_witness" and stage in OPENED
    raise AssertionError(rule)


def a_challenge(stage: str):
    if stage == PAST_DEADLINE:
        challenge = challenge_in(Stage.PUBLISHED, deadline_passed=True)
        assert challenge.current_stage_at() == Stage.CLOSED
        return challenge
    return challenge_in(Stage(stage))


def the_person(role: str, challenge):
    if role == "social_witness":
        return assign(challenge).user
    if role == "revoked_witness":
        witness = assign(challenge)
        SocialWitness.objects.filter(pk=witness.pk).update(
            revoked_at=timezone.now(),
            revoked_by=UserFactory(is_platform_staff=True),
            revoke_reason="Motivo.",
        )
        return type(witness.user).objects.get(pk=witness.user_id)
    if role == "other_challenges_witness":
        return assign(challenge_in(Stage.EVALUATION)).user
    if role == "staff_in_body":
        user = MembershipFactory(organization=challenge.body, role=Role.ADMIN).user
        user.is_platform_staff = True
        user.save(update_fields=["is_platform_staff"])
        return user
    return person(role, challenge.body)


CHALLENGE_RULES = ["witness:assign", "witness:observe", "witness:dossier", "witness:view_conflicts"]


@pytest.mark.parametrize("stage", STAGES)
def test_the_witness_rules_match_the_table(stage):
    challenge = a_challenge(stage)
    target = assign(challenge)
    wrong = []
    for role in ALL_ROLES:
        user = the_person(role, challenge)
        for rule in CHALLENGE_RULES:
            if rules.can(user, rule, challenge) != expected(rule, role, stage):
                wrong.append(f"{rule} × {role}")
        if rules.can(user, "witness:revoke", target) != expected("witness:revoke", role, stage):
            wrong.append(f"witness:revoke × {role}")
    assert not wrong, f"{stage}: {wrong}"


def test_the_table_grants_something_and_denies_something():
    cells = [
        expected(rule, role, stage)
        for rule in [*CHALLENGE_RULES, "witness:revoke"]
        for role in ALL_ROLES
        for stage in STAGES
    ]
    assert any(cells) and not all(cells)


# --- The witness reads what the officials read ------------------------------------------------

# Each read rule the witness holds, and the official whose view it mirrors.
READS = {
    "evaluation:view_panel": "body_approver",
    "evaluation:view_progress": "body_approver",
    "ranking:view": "body_official",
    "ranking:view_names": "body_official",
    "demo:agenda": "body_official",
}


@pytest.mark.parametrize("stage", STAGES)
def test_at_every_stage_the_witness_reads_what_the_official_reads(stage):
    challenge = a_challenge(stage)
    witness = assign(challenge).user
    revoked = the_person("revoked_witness", challenge)
    outsider = UserFactory()
    for rule, official_role in READS.items():
        official = person(official_role, challenge.body)
        want = rules.can(official, rule, challenge)
        assert rules.can(witness, rule, challenge) == want, (rule, stage)
        # Not through being signed in: a revoked witness reads what anyone reads.
        assert rules.can(revoked, rule, challenge) == rules.can(outsider, rule, challenge), rule


def test_the_read_rules_grant_the_witness_something():
    """Guard against a comparison that holds because nobody reads anything."""
    challenge = challenge_in(Stage.EVALUATION)
    witness = assign(challenge).user
    for rule in ("evaluation:view_panel", "evaluation:view_progress", "ranking:view"):
        assert rules.can(witness, rule, challenge), rule
    assert not rules.can(UserFactory(), "evaluation:view_panel", challenge)


# --- No write rule names the witness ----------------------------------------------------------

# The rules into which the witness's predicate is OR-ed: reads only (and the witness's own).
WITNESS_RULES = {
    "proposal:read",
    "evaluation:view_panel",
    "evaluation:view_progress",
    "ranking:view",
    "ranking:view_names",
    "demo:view",
    "demo:agenda",
    "complaint:download_evidence",
    "witness:observe",
    "witness:dossier",
    "witness:view_conflicts",
}


def test_the_witness_predicate_appears_only_in_read_rules():
    named = {name for name, rule in rules.PERMISSIONS.items() if "is_social_witness" in rule.name}
    assert named == WITNESS_RULES


# Every rule on a challenge that changes something, in the apps whose rules take a challenge.
# ``challenge:close`` records a fact anyone may record once the deadline has passed, and
# following is not an act on the process; the rules on other objects (a proposal, a membership,
# a score, a question, a delivery, an assignment) are in those apps' matrices, with the
# witness's row.
APPS = ("challenge", "evaluation", "finalists", "decision", "demo", "contract", "delivery",
        "drafting", "documents", "witness", "question")  # fmt: skip
NOT_A_WRITE_ON_A_CHALLENGE = {
    "challenge:close",
    "challenge:follow",
    "challenge:unfollow",
    "challenge:view",
    "challenge:create",  # on a body
    "drafting:start",  # on a body
    "drafting:review_queue",  # no object
    "evaluation:respond",  # on an invitation: the service checks its secret link
    "evaluation:declare_conflicts",  # on a membership
    "evaluation:read_proposal",  # on a proposal
    "evaluation:score",  # on a proposal
    "evaluation:correct",  # on a score
    "demo:submit",  # on a proposal
    "delivery:review",  # on a delivery
    "decision:view",  # public once published
    "question:answer",  # on a question
    "question:decline",  # on a question
    "question:see_asker",  # on a question
    "question:ask",  # a company's members
    "witness:revoke",  # on an assignment (above)
}
CHALLENGE_WRITES = sorted(
    name
    for name in rules.PERMISSIONS
    if name.split(":")[0] in APPS and name not in WITNESS_RULES | NOT_A_WRITE_ON_A_CHALLENGE
)


def test_the_write_list_is_not_empty():
    assert "challenge:cancel" in CHALLENGE_WRITES and "witness:assign" in CHALLENGE_WRITES
    assert "evaluation:invite" in CHALLENGE_WRITES and "contract:award" in CHALLENGE_WRITES


@pytest.mark.parametrize("stage", STAGES)
def test_the_witness_holds_no_write_rule_on_the_challenge_at_any_stage(stage):
    challenge = a_challenge(stage)
    witness = assign(challenge).user
    held = [name for name in CHALLENGE_WRITES if rules.can(witness, name, challenge)]
    assert held == []
