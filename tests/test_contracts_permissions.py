"""The permission matrix of the contracts app: every action × every role (the lifecycle's roles,
plus the supplier's members and another bidder) × the stages before, during and after.

Each case checks the rule (``rules.can``) for every role, then calls the service as every
role the rule refuses (``PermissionDenied``, nothing recorded) and as one it allows.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from retos.challenges.stages import Stage
from retos.contracts import services
from retos.contracts.models import Delivery, Milestone, MilestoneStatus
from retos.core import rules
from retos.ledger.models import Event
from tests import contract_helpers as h
from tests.contract_helpers import english  # noqa: F401  (the fixture)
from tests.factories import MembershipFactory
from tests.lifecycle import ROLES, person
from tests.witness_helpers import witness_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ALL_ROLES = [*ROLES, "supplier_admin", "supplier_member", "other_bidder", "social_witness"]
AGENCY = {"body_official", "body_approver"}
SUPPLIER = {"supplier_admin", "supplier_member"}

_STAMPS = {
    Stage.FINALISTS: "finalists_at",
    Stage.DECIDED: "decided_at",
    Stage.AWARDED: "awarded_at",
    Stage.IMPLEMENTATION: "implementation_at",
    Stage.COMPLETED: "completed_at",
}


def set_stage(challenge, stage: Stage) -> None:
    challenge.stage = stage
    setattr(challenge, _STAMPS[stage], timezone.now())
    challenge.save(update_fields=["stage", _STAMPS[stage]])


def actors(s) -> dict:
    people = {role: person(role, s.challenge.body) for role in ROLES}
    people["supplier_admin"] = s.supplier_member
    people["supplier_member"] = MembershipFactory(organization=s.supplier, role="member").user
    people["other_bidder"] = s.other_bidder
    # The social witness reads the (public) contract and writes nothing.
    people["social_witness"] = witness_of(s.challenge)
    return people


def _situation(stage: Stage, action: str):
    s = h.decided() if action == "contract:award" else h.awarded()
    set_stage(s.challenge, stage)
    return s


def _target(action, s):
    """The object the rule is checked on, prepared in the state the service needs."""
    if action in ("contract:award", "delivery:submit"):
        return s.challenge
    if action == "delivery:review":
        return Delivery.objects.create(
            challenge=s.challenge,
            number=1,
            repository_url=h.REPOSITORY,
            licence="MIT",
            publiccode_yml=h.valid_publiccode(),
            publiccode={"name": "Alerta Ciudadana"},
            submitted_by=s.supplier_member,
        )
    milestone = h.milestone(s)
    if action == "milestone:review":
        Milestone.objects.filter(pk=milestone.pk).update(status=MilestoneStatus.SUBMITTED)
    if action == "payment:record":
        Milestone.objects.filter(pk=milestone.pk).update(
            status=MilestoneStatus.ACCEPTED, accepted_at=timezone.now() - dt.timedelta(hours=1)
        )
    return Milestone.objects.select_related("contract__award__challenge").get(pk=milestone.pk)


def _run(action, s, target, actor):
    if action == "contract:award":
        return services.award_record(challenge=target, actor=actor, **h.contract_data(s.challenge))
    if action == "milestone:post_progress":
        return services.milestone_progress_post(
            milestone=target, actor=actor, progress=10, note="Avance."
        )
    if action == "milestone:submit":
        return services.milestone_submit(milestone=target, actor=actor)
    if action == "milestone:review":
        return services.milestone_return(milestone=target, actor=actor, note="Falta algo.")
    if action == "payment:record":
        return services.payment_record(
            milestone=target,
            actor=actor,
            amount="1.00",
            paid_on=h.today(s.challenge),
            reference="SPEI 1",
        )
    if action == "delivery:submit":
        return services.delivery_submit(
            challenge=target,
            actor=actor,
            repository_url=h.REPOSITORY,
            licence="MIT",
            publiccode_yml=h.valid_publiccode(),
        )
    if action == "delivery:review":
        return services.delivery_review(delivery=target, actor=actor, accept=False, note="No.")
    raise AssertionError(action)


# (action, stage, who may): the stage before, during and after the one the action belongs to.
MATRIX = [
    ("contract:award", Stage.FINALISTS, set()),
    ("contract:award", Stage.DECIDED, {"body_approver"}),
    ("contract:award", Stage.AWARDED, set()),
    *[
        (action, stage, who if stage == Stage.IMPLEMENTATION else set())
        for action, who in [
            ("milestone:post_progress", SUPPLIER),
            ("milestone:submit", SUPPLIER),
            ("milestone:review", AGENCY),
            ("delivery:submit", SUPPLIER),
            ("delivery:review", {"body_approver"}),
        ]
        for stage in (Stage.AWARDED, Stage.IMPLEMENTATION, Stage.COMPLETED)
    ],
    # A payment may follow the completion (the last milestone is often paid after it).
    ("payment:record", Stage.AWARDED, set()),
    ("payment:record", Stage.IMPLEMENTATION, AGENCY),
    ("payment:record", Stage.COMPLETED, AGENCY),
]


@pytest.mark.parametrize(
    ("action", "stage", "allowed"), MATRIX, ids=[f"{a}-{s.value}" for a, s, _w in MATRIX]
)
def test_each_action_is_allowed_only_to_its_roles_in_its_stages(action, stage, allowed):
    s = _situation(stage, action)
    people = actors(s)
    target = _target(action, s)
    permitted = {role for role, user in people.items() if rules.can(user, action, target)}
    assert permitted == allowed
    events = Event.objects.count()
    for role in sorted(set(ALL_ROLES) - allowed):
        with pytest.raises(PermissionDenied):
            _run(action, s, target, people[role])
    assert Event.objects.count() == events
    for role in sorted(allowed)[:1]:
        assert _run(action, s, target, people[role]) is not None


def test_the_superuser_has_no_power_the_rules_do_not_name():
    s = h.implementing()
    superuser = person("superuser", s.challenge.body)
    for action, target in [
        ("milestone:post_progress", h.milestone(s)),
        ("milestone:review", h.milestone(s)),
        ("payment:record", h.milestone(s)),
        ("delivery:submit", s.challenge),
    ]:
        assert not rules.can(superuser, action, target)


def test_a_member_of_another_company_is_not_the_supplier_even_with_a_proposal():
    s = h.implementing()
    assert not rules.can(s.other_bidder, "milestone:post_progress", h.milestone(s))
    assert not rules.can(s.other_bidder, "delivery:submit", s.challenge)


def test_an_approver_of_another_body_may_not_act_on_this_contract():
    s = h.implementing()
    other = person("other_body_approver", s.challenge.body)
    assert not rules.can(other, "milestone:review", h.milestone(s))
    assert not rules.can(other, "payment:record", h.milestone(s))


REUSE_ROLES = {
    "anonymous": False,
    "plain_user": False,
    "company_admin": False,
    "expert": False,
    "platform_staff": False,
    "superuser": False,
    "body_admin": False,
    "body_official": False,  # the body that ran the challenge does not "reuse" its own tool
    "body_approver": False,
    "body_opening_officer": False,
    "other_body_approver": True,
    "other_body_official": True,
    "other_body_admin": False,
    "supplier_admin": False,
    "social_witness": False,
}


def _bodies(user) -> list:
    """The organizations ``user`` belongs to (what they would report a reuse for)."""
    if not user.is_authenticated:
        return []
    return [m.organization for m in user.memberships.select_related("organization")]


def test_only_officials_of_another_government_body_report_a_reuse():
    s, entry = h.completed()
    people = {role: person(role, s.challenge.body) for role in ROLES}
    other_official = MembershipFactory(role="official")
    other_admin = MembershipFactory(role="admin")
    people["other_body_official"] = other_official.user
    people["other_body_admin"] = other_admin.user
    people["supplier_admin"] = s.supplier_member
    people["social_witness"] = witness_of(s.challenge)
    for role, expected in REUSE_ROLES.items():
        user = people[role]
        bodies = (
            [m.organization for m in getattr(user, "memberships", None).all()]
            if getattr(user, "is_authenticated", False)
            else []
        )
        bodies = bodies or [other_official.organization]
        may = any(rules.can(user, "reuse:report", (entry, body)) for body in bodies)
        assert may is expected, role
        if not expected:
            with pytest.raises(PermissionDenied):
                services.reuse_report(entry=entry, body=bodies[0], actor=user)
    # A company is not a government body, even for its own members.
    company = s.supplier
    assert not rules.can(s.supplier_member, "reuse:report", (entry, company))
