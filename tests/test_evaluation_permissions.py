"""The permission matrix of the panel: every action × every role (``tests/lifecycle.py``'s
ROLES plus the panel's own: invited expert, accepted expert, conflicted expert, chair,
committee member, and a bidder company's member) × the stages before, during and after.

Each test builds one challenge in one stage with a person in every role, then checks the whole
table of rules, and, for the write services, that every denial is a ``PermissionDenied`` and
every allowance goes through (each service call rolled back, so the calls do not interfere).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from retos.accounts.models import User
from retos.challenges.stages import Stage
from retos.core import rules
from retos.core.errors import DomainError
from retos.evaluation import services
from retos.evaluation.models import MemberRole, MemberStatus, Round
from retos.organizations.models import Role
from tests.evaluation_helpers import in_stage, member, opened_challenge, score
from tests.evaluation_panel_helpers import committee_member, declare, make_finalists
from tests.factories import CompanyFactory, MembershipFactory
from tests.lifecycle import ROLES, challenge_in, person
from tests.witness_helpers import witness_of

pytestmark = pytest.mark.django_db

AREAS = ["technology", "user_experience", "business"]
PANEL_ROLES = [
    "invited_expert",
    "accepted_expert",
    "conflicted_expert",
    "chair",
    "committee_member",
    "company_bidder",
    # The challenge's social witness: reads the panel and the progress, writes nothing.
    "social_witness",
]
ALL_ROLES = ROLES + PANEL_ROLES
EXPERTS = {"accepted_expert", "conflicted_expert", "chair"}
MEMBERS = EXPERTS | {"committee_member"}

# Stages with proposals (the opening act took place) and stages before it.
BEFORE = [Stage.PUBLISHED, Stage.CLOSED]
WITH_PROPOSALS = [Stage.OPENED, Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED, Stage.CANCELLED]
PATH = [Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED]


class World:
    """One challenge in ``stage`` with a person in every role."""

    def __init__(self, stage: Stage):
        self.stage = stage
        if stage in BEFORE:
            self.challenge = challenge_in(stage)
            self.proposals = []
        else:
            self.challenge, self.proposals = opened_challenge(2)
        challenge = self.challenge
        self.people = {role: person(role, challenge.body) for role in ROLES}
        invited = member(challenge, areas=AREAS, status=MemberStatus.INVITED)
        self.people["invited_expert"] = User.objects.get(email=invited.email)
        self.members = {"invited_expert": invited}
        for role in ("accepted_expert", "conflicted_expert", "chair"):
            self.members[role] = member(challenge, areas=AREAS, chair=role == "chair")
        self.members["committee_member"] = committee_member(challenge)
        for role in MEMBERS:
            self.people[role] = self.members[role].user
        self.people["social_witness"] = witness_of(challenge)
        if self.proposals:
            first = self.proposals[0]
            company_admin = first.company.memberships.get(role=Role.ADMIN).user
            self.people["company_bidder"] = company_admin
            declare(self.members["accepted_expert"], self.proposals)
            declare(self.members["chair"], self.proposals)
            declare(self.members["conflicted_expert"], self.proposals, conflicted=[first])
            # A submitted first-round score by the accepted expert, for corrections.
            self.score = score(
                self.members["accepted_expert"], first, challenge.criteria.first(), 6
            )
        else:
            self.people["company_bidder"] = MembershipFactory(
                organization=CompanyFactory(), role=Role.ADMIN
            ).user
            self.score = None
        if stage in WITH_PROPOSALS:
            self._advance(stage)
        challenge.refresh_from_db()
        for m in self.members.values():
            m.challenge = challenge
        for p in self.proposals:
            p.challenge = challenge

    def _advance(self, stage: Stage) -> None:
        challenge = self.challenge
        if stage == Stage.OPENED:
            return
        if stage == Stage.CANCELLED:
            in_stage(challenge, Stage.EVALUATION)
            challenge.stage = Stage.CANCELLED
            challenge.cancelled_at = timezone.now()
            challenge.outcome_reason = "Motivo publicado."
            challenge.save(update_fields=["stage", "cancelled_at", "outcome_reason"])
            return
        for step in PATH:
            if step == Stage.FINALISTS:
                make_finalists(challenge, self.proposals[:1])
                declare(self.members["committee_member"], self.proposals[:1])
            in_stage(challenge, step)
            if step == stage:
                return


def expected(action: str, role: str, stage: Stage) -> bool:
    """Who may, when: the rules as a table."""
    approver = role == "body_approver"
    witness = role == "social_witness"
    if action == "evaluation:view_panel":
        return approver or witness
    if action == "evaluation:manage_settings":
        return approver and stage in (Stage.PUBLISHED, Stage.CLOSED, Stage.OPENED)
    if action == "evaluation:invite":
        return approver and stage in (
            Stage.PUBLISHED,
            Stage.CLOSED,
            Stage.OPENED,
            Stage.EVALUATION,
            Stage.FINALISTS,
        )
    if action == "evaluation:set_chair":
        return approver and stage in (
            Stage.PUBLISHED,
            Stage.CLOSED,
            Stage.OPENED,
            Stage.EVALUATION,
        )
    if action == "evaluation:evaluate":
        return role in MEMBERS
    if action == "evaluation:view_progress":
        started = stage in (Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED, Stage.CANCELLED)
        return started and role in ("body_approver", "chair", "social_witness")
    if action == "evaluation:declare_conflicts":
        if role in EXPERTS:
            return stage in (Stage.OPENED, Stage.EVALUATION)
        if role == "committee_member":
            return stage == Stage.FINALISTS
        return False
    if action in ("evaluation:read_proposal", "evaluation:score"):
        if role in ("accepted_expert", "chair"):
            return stage == Stage.EVALUATION
        if role == "committee_member":
            return stage == Stage.FINALISTS
        return False
    if action == "evaluation:correct":
        return role == "chair" and stage == Stage.EVALUATION
    if action == "proposal:read":
        # The proposals' own rule: the company, and the body's readers after the opening.
        # Evaluators never get in through it (so never to the company's unredacted pages).
        return role in (
            "company_bidder",
            "body_official",
            "body_approver",
            "body_opening_officer",
            "social_witness",
        )
    raise AssertionError(action)


CHALLENGE_ACTIONS = [
    "evaluation:view_panel",
    "evaluation:manage_settings",
    "evaluation:invite",
    "evaluation:set_chair",
    "evaluation:evaluate",
    "evaluation:view_progress",
]
PROPOSAL_ACTIONS = ["evaluation:read_proposal", "evaluation:score", "proposal:read"]


def the_member(world: World, role: str):
    """The membership an action is tried on: the role's own, or else the accepted expert's."""
    return world.members.get(role) or world.members["accepted_expert"]


def check_rules(world: World) -> list[str]:
    wrong = []

    def check(action, role, obj):
        got = rules.can(world.people[role], action, obj)
        want = expected(action, role, world.stage)
        if got != want:
            wrong.append(f"{action} × {role} @ {world.stage}: got {got}, want {want}")

    for role in ALL_ROLES:
        for action in CHALLENGE_ACTIONS:
            check(action, role, world.challenge)
        check("evaluation:declare_conflicts", role, the_member(world, role))
        if world.proposals:
            for action in PROPOSAL_ACTIONS:
                check(action, role, world.proposals[0])
            check("evaluation:correct", role, world.score)
    return wrong


def attempt(call) -> str:
    """Run ``call`` and roll it back: "denied", "refused" (a DomainError) or "done"."""
    with transaction.atomic():
        try:
            call()
        except PermissionDenied:
            return "denied"
        except DomainError:
            return "refused"
        transaction.set_rollback(True)
        return "done"


def check_services(world: World) -> list[str]:
    wrong = []
    challenge = world.challenge
    criterion = challenge.criteria.first()
    for role in ALL_ROLES:
        actor = world.people[role]
        mine = the_member(world, role)
        round_ = Round.DEMOS if mine.role == MemberRole.COMMITTEE else Round.PROPOSALS
        calls = {
            "evaluation:manage_settings": lambda actor=actor: services.evaluation_settings_update(
                challenge=challenge, actor=actor, method="zscore"
            ),
            "evaluation:invite": lambda actor=actor: services.panel_invite(
                challenge=challenge,
                actor=actor,
                email="nueva-persona@example.mx",
                full_name="Nueva Persona",
                areas=[],
                role=MemberRole.COMMITTEE,
            ),
            "evaluation:set_chair": lambda actor=actor: services.panel_set_chair(
                member=world.members["accepted_expert"], actor=actor
            ),
            "evaluation:declare_conflicts": lambda actor=actor, mine=mine: (
                services.conflicts_declare(
                    member=mine,
                    actor=actor,
                    declarations={p.pk: (False, "") for p in world.proposals},
                )
            ),
        }
        if world.proposals:
            proposal = world.proposals[0]
            calls["evaluation:score"] = (
                lambda actor=actor, mine=mine, round_=round_, proposal=proposal: (
                    services.score_save(
                        member=mine,
                        proposal=proposal,
                        criterion=criterion,
                        value="5",
                        justification="J.",
                        actor=actor,
                        round=round_,
                    )
                )
            )
            calls["evaluation:correct"] = lambda actor=actor: services.score_correct(
                score=world.score, value="7", justification="J.", reason="R.", actor=actor
            )
        for action, call in calls.items():
            outcome = attempt(call)
            want = expected(action, role, world.stage)
            if action == "evaluation:score" and want and the_member(world, role).user != actor:
                want = False
            if (outcome == "denied") == want:
                wrong.append(f"service {action} × {role} @ {world.stage}: {outcome}")
    return wrong


@pytest.mark.parametrize("stage", BEFORE + WITH_PROPOSALS, ids=str)
def test_the_rules_match_the_table(stage):
    world = World(stage)
    assert check_rules(world) == []


@pytest.mark.parametrize("stage", BEFORE + WITH_PROPOSALS, ids=str)
def test_every_service_refuses_whom_the_table_refuses(stage):
    world = World(stage)
    assert check_services(world) == []


def test_the_draft_and_in_review_stages_have_no_panel():
    for stage in (Stage.DRAFT, Stage.IN_REVIEW):
        challenge = challenge_in(stage)
        approver = MembershipFactory(organization=challenge.body, role="approver").user
        for action in ("evaluation:view_panel", "evaluation:invite", "evaluation:manage_settings"):
            assert not rules.can(approver, action, challenge)


def test_an_expired_invitation_holder_is_not_a_member():
    world = World(Stage.EVALUATION)
    invited = world.members["invited_expert"]
    invited.expires_at = timezone.now() - timedelta(days=1)
    invited.save(update_fields=["expires_at"])
    user = world.people["invited_expert"]
    assert not rules.can(user, "evaluation:evaluate", world.challenge)
    assert not rules.can(user, "evaluation:read_proposal", world.proposals[1])
