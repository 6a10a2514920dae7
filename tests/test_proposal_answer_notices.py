"""When a question is answered, every company writing a proposal hears it (issue #3, item 3),
not only followers, and the sending does not count the bidders on the challenge."""

import pytest

from retos.clarifications import services as clarifications
from retos.ledger.models import Event
from retos.notifications.models import Kind, Notification
from retos.notifications.services import challenge_follow
from retos.organizations.models import Role
from retos.proposals import services
from tests.factories import ChallengeFactory, MembershipFactory
from tests.proposal_helpers import company_member, started_proposal, submitted_proposal

pytestmark = pytest.mark.django_db


def _answer(challenge):
    _asker_company, asker = company_member()
    question = clarifications.question_ask(
        challenge=challenge, actor=asker, text="¿Se permite software existente?", section="general"
    )
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    clarifications.question_answer(question=question, actor=official, answer="Sí, si es libre.")


def _answered(user):
    return Notification.objects.filter(user=user, kind=Kind.QUESTION_ANSWERED).count()


def test_companies_with_a_draft_or_a_submission_hear_the_answer_without_following():
    challenge = ChallengeFactory()
    _draft, drafter = started_proposal(challenge)
    _submitted, submitter, _version = submitted_proposal(challenge)
    withdrawn, withdrawer, _v = submitted_proposal(challenge)
    services.proposal_withdraw(proposal=withdrawn, actor=withdrawer)
    _answer(challenge)
    assert _answered(drafter) == 1
    assert _answered(submitter) == 1
    assert _answered(withdrawer) == 0


def test_a_bidder_who_also_follows_hears_it_once():
    challenge = ChallengeFactory()
    _proposal, drafter = started_proposal(challenge)
    challenge_follow(challenge=challenge, user=drafter)
    _answer(challenge)
    assert _answered(drafter) == 1


def test_the_sending_to_bidders_is_recorded_on_their_proposals_not_counted_on_the_challenge():
    challenge = ChallengeFactory()
    proposal, _drafter = started_proposal(challenge)
    _answer(challenge)
    on_challenge = Event.objects.for_subject(challenge).filter(action="notifications.sent")
    assert (
        not on_challenge.filter(payload__kind=Kind.QUESTION_ANSWERED)
        .exclude(payload__in_site=0)
        .exists()
    )
    assert Event.objects.for_subject(proposal).filter(action="notifications.sent").exists()


def test_other_members_of_the_bidding_company_hear_it_too():
    challenge = ChallengeFactory()
    company, drafter = company_member()
    started_proposal(challenge, company=company, actor=drafter)
    colleague = MembershipFactory(organization=company, role=Role.ADMIN).user
    _answer(challenge)
    assert _answered(colleague) == 1


def test_an_amendment_tells_submitters_why_they_must_reconfirm():
    from retos.challenges.amendments import challenge_amend

    challenge = ChallengeFactory()
    _proposal, submitter, _version = submitted_proposal(challenge)
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    challenge_amend(
        challenge=challenge,
        actor=official,
        reason="La ley de protección civil cambió los requisitos.",
        changes={"context": "Nuevo contexto legal."},
    )
    notice = Notification.objects.get(user=submitter, kind=Kind.PROPOSAL_RECONFIRM)
    assert "La ley de protección civil cambió los requisitos." in notice.body
