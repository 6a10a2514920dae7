"""Cancellation (issue #5, point 11): possible at every stage before the award, with a published
reason, and every bidder hears of it — each company about its own proposal, without learning
who else bid, and before the opening act without anything public counting the bidders."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from retos.challenges import services
from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.ledger.models import Event
from retos.notifications.models import EmailDelivery, Follow, Kind, Notification
from retos.notifications.models import NotificationPreference as Preference
from retos.organizations.models import Role
from retos.proposals import services as proposal_services
from tests.complaint_helpers import bidder, decided_challenge
from tests.evaluation_helpers import in_stage, opened_challenge
from tests.factories import ChallengeFactory, MembershipFactory, UserFactory
from tests.lifecycle import challenge_in
from tests.proposal_helpers import started_proposal, submitted_proposal

pytestmark = pytest.mark.django_db

REASON = "La dependencia perdió la suficiencia presupuestal para este ejercicio."


def cancel(challenge):
    challenge = Challenge.objects.get(pk=challenge.pk)
    approver = MembershipFactory(organization=challenge.body, role=Role.APPROVER).user
    services.challenge_cancel(challenge=challenge, actor=approver, reason=REASON)
    return approver


def bidders_before_the_opening(challenge, *, submitted=2, drafts=1, withdrawn=1):
    """Proposals made through the services while the challenge takes them. Returns
    ``(notified, silent)``: lists of (proposal, member) pairs."""
    notified, silent = [], []
    for i in range(submitted):
        proposal, actor, _version = submitted_proposal(challenge, marker=f"SELLO-{i}")
        notified.append((proposal, actor))
    for _ in range(drafts):
        notified.append(started_proposal(challenge))
    for i in range(withdrawn):
        proposal, actor, _version = submitted_proposal(challenge, marker=f"RETIRO-{i}")
        proposal_services.proposal_withdraw(proposal=proposal, actor=actor)
        silent.append((proposal, actor))
    return notified, silent


def cancellations(user):
    return list(Notification.objects.filter(user=user, kind=Kind.BIDDERS_CANCELLED))


def test_before_the_opening_each_bidder_with_a_draft_or_a_submission_is_told_once():
    challenge = ChallengeFactory()
    notified, silent = bidders_before_the_opening(challenge)
    colleague = MembershipFactory(organization=notified[0][0].company, role=Role.MEMBER).user
    cancel(challenge)
    for proposal, member in [*notified, (notified[0][0], colleague)]:
        [note] = cancellations(member)
        assert note.challenge_id == challenge.pk
        assert REASON in note.body
        # Linked to their own proposal.
        assert note.url == reverse("proposals:detail", kwargs={"public_id": proposal.public_id})
        assert EmailDelivery.objects.filter(user=member, kind=Kind.BIDDERS_CANCELLED).count() == 1
    for _proposal, member in silent:
        assert cancellations(member) == []


def test_no_bidder_learns_who_else_bid():
    challenge = ChallengeFactory()
    notified, silent = bidders_before_the_opening(challenge, submitted=3, drafts=1, withdrawn=1)
    cancel(challenge)
    everyone = [*notified, *silent]
    for proposal, member in notified:
        others = [p for p, _ in everyone if p.pk != proposal.pk]
        texts = [
            text for note in cancellations(member) for text in (note.title, note.body, note.url)
        ] + [
            text
            for delivery in EmailDelivery.objects.filter(user=member)
            for text in (delivery.subject, delivery.body, delivery.url)
        ]
        assert texts
        for other in others:
            for secret in (other.company.name, other.company.rfc, str(other.public_id)):
                assert all(secret not in text for text in texts)
    # One email per person, addressed to that person alone.
    deliveries = EmailDelivery.objects.filter(kind=Kind.BIDDERS_CANCELLED)
    assert deliveries.count() == len(notified)
    assert len(set(deliveries.values_list("user_id", flat=True))) == len(notified)


def _public_trace(challenge, since: int) -> list:
    return [
        (event.action, event.subject_type, sorted(event.payload))
        for event in Event.objects.public().filter(sequence__gt=since).order_by("sequence")
    ]


@pytest.mark.parametrize("count", [1, 4])
def test_before_the_opening_nothing_public_counts_or_names_the_bidders(count):
    challenge = ChallengeFactory()
    follower = UserFactory()
    Follow.objects.create(user=follower, challenge=challenge)
    bidders_before_the_opening(challenge, submitted=count, drafts=0, withdrawn=0)
    since = Event.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    cancel(challenge)
    # The only public event is the challenge's own, with the reason and nothing else.
    assert _public_trace(challenge, since) == [
        ("challenge.cancel", "challenges.challenge", ["from", "reason", "to"])
    ]
    event = Event.objects.public().get(sequence__gt=since)
    assert event.payload == {"from": "published", "to": "cancelled", "reason": REASON}
    # Each sending to a bidder is recorded privately on its proposal, never on the challenge.
    sent = Event.objects.filter(sequence__gt=since, action="notifications.sent")
    bidder_events = [e for e in sent if e.payload["kind"] == Kind.BIDDERS_CANCELLED]
    assert len(bidder_events) == count
    assert all(not e.public and e.subject_type == "proposals.proposal" for e in bidder_events)
    on_challenge = [e for e in sent if e.subject_type == "challenges.challenge"]
    assert all(e.payload["kind"] == Kind.STAGE_CHANGED for e in on_challenge)
    # The followers hear of the stage change as usual.
    assert Notification.objects.filter(user=follower, kind=Kind.STAGE_CHANGED).exists()


def test_a_bidder_is_told_even_with_stage_changes_turned_off_and_without_following():
    challenge = ChallengeFactory()
    _proposal, member, _ = submitted_proposal(challenge)
    Preference.objects.create(user=member, kind=Kind.STAGE_CHANGED, email=False, site=False)
    cancel(challenge)
    assert len(cancellations(member)) == 1


def test_the_approver_who_cancels_and_people_who_did_not_bid_are_not_told():
    challenge = ChallengeFactory()
    submitted_proposal(challenge)
    outsider = MembershipFactory(role=Role.ADMIN).user  # a member of some other organization
    approver = cancel(challenge)
    assert cancellations(approver) == []
    assert cancellations(outsider) == []


def _closed_by_time():
    challenge = ChallengeFactory()
    notified, silent = bidders_before_the_opening(challenge)
    return challenge, notified, silent


@pytest.mark.parametrize(
    "stage",
    [Stage.CLOSED, Stage.OPENED, Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED],
)
def test_every_bidder_is_told_at_each_stage_before_the_award(stage):
    if stage == Stage.CLOSED:
        challenge, notified, _silent = _closed_by_time()
        with time_machine.travel(challenge.submissions_close_at + timedelta(minutes=1)):
            cancel(challenge)
    else:
        if stage == Stage.DECIDED:
            challenge, proposals, _decision = decided_challenge(3)
        else:
            challenge, proposals = opened_challenge(3)
            path = {
                Stage.OPENED: [],
                Stage.EVALUATION: [Stage.EVALUATION],
                Stage.FINALISTS: [Stage.EVALUATION, Stage.FINALISTS],
            }[stage]
            for later in path:
                in_stage(challenge, later)
        assert Challenge.objects.get(pk=challenge.pk).stage == stage
        notified = [(p, bidder(p)) for p in proposals]
        cancel(challenge)
    challenge = Challenge.objects.get(pk=challenge.pk)
    assert challenge.stage == Stage.CANCELLED
    assert challenge.outcome_reason == REASON
    for _proposal, member in notified:
        assert len(cancellations(member)) == 1


@pytest.mark.parametrize("stage", [Stage.AWARDED, Stage.IMPLEMENTATION, Stage.COMPLETED])
def test_after_the_award_a_challenge_cannot_be_cancelled_and_nobody_is_told(stage):
    challenge = challenge_in(stage)
    with pytest.raises(services.InvalidTransition):
        cancel(challenge)
    assert Challenge.objects.get(pk=challenge.pk).stage == stage
    assert not Notification.objects.filter(kind=Kind.BIDDERS_CANCELLED).exists()
