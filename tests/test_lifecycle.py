"""The lifecycle: only the transitions in the table exist, and only the right roles make them."""

from itertools import product

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from retos.challenges import services
from retos.challenges.models import Challenge
from retos.challenges.stages import TRANSITIONS, TRANSITIONS_BY_PAIR, Stage
from retos.ledger.models import Event
from tests.factories import GovernmentBodyFactory, MembershipFactory, UserFactory
from tests.lifecycle import ROLES, challenge_in, person

pytestmark = pytest.mark.django_db

# Who may make each transition (besides the stage condition in the table).
ALLOWED = {
    "submit_for_review": {"body_approver"},
    "approve": {"platform_staff"},
    "request_changes": {"platform_staff"},
    "open": {"body_opening_officer"},
    "start_evaluation": {"body_approver"},
    "confirm_finalists": {"body_approver"},
    "decide": {"body_approver"},
    "award": {"body_approver"},
    "reopen_evaluation": {"body_approver"},
    "start_implementation": {"body_official", "body_approver"},
    "complete": {"body_approver"},
    "cancel": {"body_approver"},
    "declare_deserted": {"body_approver"},
}


def omnipotent(body):
    """Someone holding every role there is, so that only the table can refuse."""
    user = UserFactory(is_platform_staff=True, is_superuser=True, is_staff=True, is_expert=True)
    for role in ("admin", "official", "approver", "opening_officer"):
        MembershipFactory(user=user, organization=body, role=role)
    return user


NOT_IN_TABLE = [
    (source, target)
    for source, target in product(Stage, Stage)
    if (source, target) not in TRANSITIONS_BY_PAIR
]


@pytest.mark.parametrize(("source", "target"), NOT_IN_TABLE, ids=lambda s: s.value)
def test_every_pair_not_in_the_table_is_refused(source, target):
    body = GovernmentBodyFactory()
    challenge = challenge_in(source, body=body)
    events = Event.objects.count()
    with pytest.raises(services.InvalidTransition):
        services._transition(
            challenge=challenge, actor=omnipotent(body), target=target, reason="porque sí"
        )
    challenge.refresh_from_db()
    assert challenge.stage == source
    assert Event.objects.count() == events


def test_the_table_covers_every_stage():
    reachable = {t.target for t in TRANSITIONS} | {Stage.DRAFT}
    assert reachable == set(Stage)
    terminal = {Stage.COMPLETED, Stage.CANCELLED}
    assert {t.source for t in TRANSITIONS} == set(Stage) - terminal
    # A deserted challenge moves on only when a complaint against the declaration is upheld.
    assert {t.name for t in TRANSITIONS if t.source == Stage.DESERTED} == {"reopen_evaluation"}


def _prepare(transition, challenge, actor) -> None:
    """Write what a transition's guards need (the records the dedicated services write in the
    same transaction), so that this test checks who may make each move, not how the panel, the
    finalists, the decision, the award or the delivery came to be."""
    from tests.complaint_helpers import ready_for_award
    from tests.contract_helpers import (
        ready_for_award_transition,
        ready_for_complete,
        ready_for_start_implementation,
    )
    from tests.decision_helpers import ready_for_decide
    from tests.evaluation_panel_helpers import ready_for_start_evaluation
    from tests.ranking_helpers import ready_confirm_finalists

    actor = actor if getattr(actor, "pk", None) else None  # the records need a real user
    if transition.name == "start_evaluation":
        ready_for_start_evaluation(challenge)
    elif transition.name == "confirm_finalists":
        ready_confirm_finalists(challenge, actor)
    elif transition.name == "decide":
        ready_for_decide(challenge, actor)
    elif transition.name == "award":
        ready_for_award_transition(challenge, actor)
        ready_for_award(challenge)
    elif transition.name == "start_implementation":
        ready_for_start_implementation(challenge, actor)
    elif transition.name == "complete":
        ready_for_complete(challenge, actor)


def _setup_source(transition):
    body = GovernmentBodyFactory()
    if transition.name == "close":
        challenge = challenge_in(Stage.PUBLISHED, body=body, deadline_passed=True)
    else:
        challenge = challenge_in(transition.source, body=body)
    return body, challenge


def _run(transition, challenge, actor):
    return services.challenge_transition(
        challenge=challenge, actor=actor, name=transition.name, reason="Motivo publicado."
    )


MATRIX = [(t, role) for t in TRANSITIONS if t.name != "close" for role in ROLES]


@pytest.mark.parametrize(
    ("transition", "role"), MATRIX, ids=[f"{t.source}->{t.target}-{r}" for t, r in MATRIX]
)
def test_each_transition_is_made_only_by_the_roles_allowed(transition, role):
    body, challenge = _setup_source(transition)
    actor = person(role, body)
    _prepare(transition, challenge, actor)
    events = Event.objects.count()
    if role in ALLOWED[transition.name]:
        _run(transition, challenge, actor)
        if transition.name == "open":
            # The opening act: one officer's confirmation waits for a second, distinct one.
            challenge.refresh_from_db()
            assert challenge.stage == transition.source
            _run(transition, challenge, person(role, body))
        challenge.refresh_from_db()
        assert challenge.stage == transition.target
        assert getattr(challenge, transition.stamp) is not None
        event = (
            Event.objects.filter(action__startswith="challenge.")
            .exclude(action__startswith="challenge.opening_")
            .latest("sequence")
        )
        assert event.action == f"challenge.{transition.name}"
        assert event.payload["from"] == transition.source
        assert event.payload["to"] == transition.target
    else:
        with pytest.raises(PermissionDenied):
            _run(transition, challenge, actor)
        challenge.refresh_from_db()
        assert challenge.stage == transition.source
        assert Event.objects.count() == events


@pytest.mark.parametrize("role", ROLES)
def test_anyone_may_record_the_close_once_the_deadline_passed(role):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.PUBLISHED, body=body, deadline_passed=True)
    services.challenge_close(challenge=challenge, actor=person(role, body))
    challenge.refresh_from_db()
    assert challenge.stage == Stage.CLOSED
    # The close happened at the deadline, not when someone noticed.
    assert challenge.closed_at == challenge.submissions_close_at


@pytest.mark.parametrize("role", ROLES)
def test_no_one_can_close_before_the_deadline(role):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.PUBLISHED, body=body)
    with pytest.raises(services.DomainError) as excinfo:
        services.challenge_close(challenge=challenge, actor=person(role, body))
    assert excinfo.value.code == "deadline_not_passed"
    challenge.refresh_from_db()
    assert challenge.stage == Stage.PUBLISHED


def test_a_transition_from_a_time_closed_challenge_records_the_close_first():
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.PUBLISHED, body=body, deadline_passed=True)
    first, second = (
        MembershipFactory(organization=body, role="opening_officer").user for _ in range(2)
    )
    services.challenge_open(challenge=challenge, actor=first)
    services.challenge_open(challenge=challenge, actor=second)
    challenge.refresh_from_db()
    assert challenge.stage == Stage.OPENED
    actions = list(
        Event.objects.for_subject(challenge).values_list("action", flat=True).order_by("sequence")
    )
    assert actions[-5:] == [
        "challenge.close",
        "challenge.opening_confirmed",
        "challenge.opening_confirmed",
        "challenge.open",
        "challenge.opening_act_published",
    ]


@pytest.mark.parametrize("name", ["cancel", "declare_deserted", "request_changes"])
def test_transitions_that_need_a_reason_refuse_an_empty_one(name):
    transition = next(t for t in TRANSITIONS if t.name == name)
    body, challenge = _setup_source(transition)
    actor = person(next(iter(ALLOWED[name])), body)
    with pytest.raises(services.DomainError) as excinfo:
        services.challenge_transition(challenge=challenge, actor=actor, name=name, reason="  ")
    assert excinfo.value.code == "reason_required"


def test_cancel_publishes_the_reason():
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.PUBLISHED, body=body)
    approver = MembershipFactory(organization=body, role="approver").user
    services.challenge_cancel(
        challenge=challenge, actor=approver, reason="Cambio de prioridades presupuestales."
    )
    challenge = Challenge.objects.get(pk=challenge.pk)
    assert challenge.stage == Stage.CANCELLED
    assert challenge.outcome_reason == "Cambio de prioridades presupuestales."
    event = Event.objects.latest("sequence")
    assert event.public and event.payload["reason"] == challenge.outcome_reason


def test_an_unverified_body_cannot_be_published():
    body = GovernmentBodyFactory(verified_at=None)
    challenge = challenge_in(Stage.IN_REVIEW, body=body)
    with pytest.raises(services.DomainError) as excinfo:
        services.challenge_approve(challenge=challenge, actor=UserFactory(is_platform_staff=True))
    assert excinfo.value.code == "unverified_body"


def test_an_incomplete_draft_cannot_go_to_review():
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body, licences=[], criteria=[])
    approver = MembershipFactory(organization=body, role="approver").user
    with translation.override("en"), pytest.raises(services.DomainError) as excinfo:
        services.challenge_submit_for_review(challenge=challenge, actor=approver)
    assert excinfo.value.code == "incomplete"
    assert "licence" in str(excinfo.value)
    assert "criterion" in str(excinfo.value)


def test_weights_must_sum_to_100_before_review():
    body = GovernmentBodyFactory()
    challenge = challenge_in(
        Stage.DRAFT, body=body, criteria=[("Técnica", 60, "technology"), ("UX", 30, "data")]
    )
    approver = MembershipFactory(organization=body, role="approver").user
    with translation.override("en"), pytest.raises(services.DomainError, match="add up to 90"):
        services.challenge_submit_for_review(challenge=challenge, actor=approver)


def test_the_full_happy_path_writes_one_public_event_per_public_transition():
    body = GovernmentBodyFactory()
    approver = MembershipFactory(organization=body, role="approver").user
    official = MembershipFactory(organization=body, role="official").user
    staff = UserFactory(is_platform_staff=True)
    challenge = services.challenge_create(
        actor=official,
        body=body,
        title="Alerta temprana de sismos",
        summary="Una app que avisa.",
        problem_statement="Las alertas no llegan a tiempo.",
        category="civil_protection",
        amount="2500000.00",
        licences=["MIT"],
        questions_close_at=challenge_in(Stage.DRAFT).questions_close_at,
        submissions_close_at=challenge_in(Stage.DRAFT).submissions_close_at,
        criteria=[
            {"name": "Técnica", "weight": "60", "expertise_area": "technology"},
            {"name": "UX", "weight": "40", "expertise_area": "user_experience"},
        ],
    )
    services.challenge_submit_for_review(challenge=challenge, actor=approver)
    services.challenge_approve(challenge=challenge, actor=staff)
    challenge.refresh_from_db()
    assert challenge.stage == Stage.PUBLISHED
    assert challenge.published_at is not None
    public = list(Event.objects.for_subject(challenge).public().values_list("action", flat=True))
    assert public == ["challenge.approve"]
