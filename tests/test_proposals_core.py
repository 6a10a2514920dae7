"""The proposal services end to end: draft, attach, submit with receipt, read, verify,
withdraw, and the two-officer opening act."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from retos.challenges.stages import Stage
from retos.core.errors import DomainError
from retos.ledger.models import Event
from retos.proposals import services
from retos.proposals.models import Proposal, ProposalVersion, Status
from tests.factories import ChallengeFactory
from tests.proposal_helpers import (
    MARKER,
    complete_sections,
    open_challenge,
    opening_officers,
    past_deadline,
    started_proposal,
    submitted_proposal,
)

pytestmark = pytest.mark.django_db


def test_a_submission_gets_a_receipt_whose_digests_match_the_stored_content():
    challenge = ChallengeFactory()
    proposal, _actor, version = submitted_proposal(challenge)
    assert proposal.status == Status.SUBMITTED
    assert version.folio.startswith("AC-")
    assert len(version.content_sha256) == 64
    assert len(version.attachments) == 1
    assert services.version_verify(version).ok


def test_changing_the_stored_content_makes_the_receipt_mismatch():
    challenge = ChallengeFactory()
    _proposal, _actor, version = submitted_proposal(challenge)
    ProposalVersion.objects.filter(pk=version.pk).update(content_sha256="0" * 64)
    version.refresh_from_db()
    assert not services.version_verify(version).content_ok


def test_the_draft_is_stored_only_as_ciphertext():
    challenge = ChallengeFactory()
    proposal, _actor, version = submitted_proposal(challenge)
    row = Proposal.objects.get(pk=proposal.pk)
    assert MARKER.encode() not in bytes(row.draft)
    assert MARKER.encode() not in bytes(ProposalVersion.objects.get(pk=version.pk).content)


def test_members_read_their_draft_and_others_are_refused_and_recorded(user):
    challenge = ChallengeFactory()
    proposal, actor, version = submitted_proposal(challenge)
    draft = services.proposal_draft_read(proposal=proposal, actor=actor)
    assert MARKER in draft.sections["summary"]
    with pytest.raises(PermissionDenied):
        services.proposal_draft_read(proposal=proposal, actor=user)
    with pytest.raises(PermissionDenied):
        services.proposal_version_read(version=version, actor=user)
    refused = Event.objects.filter(action="proposal.read_refused", actor=user)
    assert refused.count() == 2
    assert not refused.filter(public=True).exists()


def test_submitting_after_the_deadline_is_refused_and_the_draft_kept():
    challenge = ChallengeFactory()
    proposal, actor = started_proposal(challenge)
    services.proposal_save(proposal=proposal, actor=actor, changes=complete_sections())
    with past_deadline(challenge, minutes=0), translation.override("en"):
        with pytest.raises(DomainError) as exc:
            services.proposal_submit(proposal=proposal, actor=actor)
        assert exc.value.code == "deadline_passed"
        assert "deadline has passed" in exc.value.message
        draft = services.proposal_draft_read(proposal=proposal, actor=actor)
    assert MARKER in draft.sections["summary"]
    assert not proposal.versions.exists()


def test_one_officer_cannot_open_alone_nor_twice_and_two_distinct_officers_open():
    challenge = ChallengeFactory()
    submitted_proposal(challenge)
    first, second = opening_officers(challenge.body)
    with past_deadline(challenge):
        act = services.opening_confirm(challenge=challenge, actor=first)
        assert not act.is_open
        with pytest.raises(DomainError) as exc:
            services.opening_confirm(challenge=challenge, actor=first)
        assert exc.value.code == "same_officer"
        act = services.opening_confirm(challenge=challenge, actor=second)
    challenge.refresh_from_db()
    assert challenge.stage == Stage.OPENED
    assert act.is_open and act.proposals_count == 1
    assert act.entries[0]["price"] == "990000.00"


def test_a_non_officer_cannot_confirm_the_opening(user):
    challenge = ChallengeFactory()
    with past_deadline(challenge), pytest.raises(PermissionDenied):
        services.opening_confirm(challenge=challenge, actor=user)


def test_officials_read_the_counted_version_only_after_opening():
    challenge = ChallengeFactory()
    proposal, _actor, version = submitted_proposal(challenge)
    official = opening_officers(challenge.body, 1)[0]
    with pytest.raises(PermissionDenied):
        services.proposal_version_read(version=version, actor=official)
    with past_deadline(challenge):
        open_challenge(challenge)
        proposal.refresh_from_db()
        version = ProposalVersion.objects.get(pk=version.pk)
        document = services.proposal_version_read(version=version, actor=official)
    assert MARKER in document["sections"]["summary"]


def test_a_withdrawn_proposal_is_not_opened():
    challenge = ChallengeFactory()
    proposal, actor, _version = submitted_proposal(challenge)
    services.proposal_withdraw(proposal=proposal, actor=actor)
    with past_deadline(challenge):
        act = open_challenge(challenge)
    assert act.proposals_count == 0 and act.withdrawn_count == 1


def test_the_second_confirmation_after_the_time_limit_starts_over(settings):
    settings.RETOS_OPENING_CONFIRM_MINUTES = 30
    challenge = ChallengeFactory()
    first, second = opening_officers(challenge.body)
    with past_deadline(challenge) as traveller:
        services.opening_confirm(challenge=challenge, actor=first)
        traveller.shift(31 * 60)
        act = services.opening_confirm(challenge=challenge, actor=second)
        assert not act.is_open and act.first_officer == second
        act = services.opening_confirm(challenge=challenge, actor=first)
    assert act.is_open


def test_price_above_the_contract_amount_is_refused():
    challenge = ChallengeFactory()
    proposal, actor = started_proposal(challenge)
    with translation.override("en"), pytest.raises(DomainError) as exc:
        services.proposal_save(proposal=proposal, actor=actor, changes={"price": "99999999"})
    assert exc.value.code == "price_above_amount"
