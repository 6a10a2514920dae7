"""The deadline with a frozen clock, and receipts checked against what is stored.

The window rule (``retos/challenges/stages.py``, ``SUBMISSIONS``): submissions are open while
the challenge is live and not closed by time, and it is closed by time when
``now >= submissions_close_at`` with no question pending. So the last instant that counts is
just before the deadline: exactly at the deadline a submission is already late. The time of
receipt is the server's, taken when the version is stored, not when the person pressed submit.
"""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import translation

from retos.challenges.amendments import challenge_extend_deadline
from retos.clarifications.models import Question, QuestionStatus
from retos.core.errors import DomainError
from retos.organizations.models import Role
from retos.proposals import content, services
from retos.proposals.models import ProposalAttachment, ProposalVersion, Status
from tests.factories import ChallengeFactory, MembershipFactory
from tests.proposal_helpers import (
    MARKER,
    company_member,
    complete_sections,
    pdf_file,
    started_proposal,
)

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
MICROSECOND = timedelta(microseconds=1)


@pytest.fixture
def challenge():
    return ChallengeFactory()


@pytest.fixture
def ready(challenge):
    """A complete draft with an attachment, saved well before the deadline."""
    with time_machine.travel(challenge.submissions_close_at - timedelta(days=1), tick=False):
        proposal, actor = started_proposal(challenge)
        services.proposal_save(proposal=proposal, actor=actor, changes=complete_sections())
        services.proposal_attach(proposal=proposal, actor=actor, file=pdf_file())
    return proposal, actor


def refused_submit(proposal, actor) -> DomainError:
    with translation.override("en"), pytest.raises(DomainError) as excinfo:
        services.proposal_submit(proposal=proposal, actor=actor)
    return excinfo.value


def assert_late_and_draft_kept(error, proposal, actor, *, versions: int = 0):
    assert error.code == "deadline_passed"
    assert "The deadline has passed" in error.message
    assert "Your draft is kept" in error.message
    proposal.refresh_from_db()
    assert proposal.versions.count() == versions
    draft = services.proposal_draft_read(proposal=proposal, actor=actor)
    assert MARKER in draft.sections["summary"]
    assert len(draft.attachments) == 1


# The boundary --------------------------------------------------------------------------------


def test_a_submission_one_second_before_the_deadline_is_accepted_at_the_server_time(
    challenge, ready
):
    proposal, actor = ready
    moment = challenge.submissions_close_at - SECOND
    with time_machine.travel(moment, tick=False):
        version = services.proposal_submit(proposal=proposal, actor=actor)
    assert version.received_at == moment
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED and proposal.submitted_at == moment
    assert ProposalVersion.objects.get(pk=version.pk).received_at == moment


def test_a_submission_one_microsecond_before_the_deadline_is_accepted(challenge, ready):
    proposal, actor = ready
    with time_machine.travel(challenge.submissions_close_at - MICROSECOND, tick=False):
        version = services.proposal_submit(proposal=proposal, actor=actor)
    assert version.received_at < challenge.submissions_close_at


def test_a_submission_at_exactly_the_deadline_is_refused(challenge, ready):
    proposal, actor = ready
    with time_machine.travel(challenge.submissions_close_at, tick=False):
        assert not challenge.window_open("submissions")
        error = refused_submit(proposal, actor)
        assert_late_and_draft_kept(error, proposal, actor)


def test_a_submission_one_microsecond_after_the_deadline_is_refused(challenge, ready):
    proposal, actor = ready
    with time_machine.travel(challenge.submissions_close_at + MICROSECOND, tick=False):
        error = refused_submit(proposal, actor)
        assert_late_and_draft_kept(error, proposal, actor)


def test_the_time_of_receipt_is_the_servers_not_the_clients(challenge, ready):
    proposal, actor = ready
    moment = challenge.submissions_close_at - timedelta(hours=3, microseconds=123)
    with time_machine.travel(moment, tick=False):
        version = services.proposal_submit(proposal=proposal, actor=actor)
    assert version.received_at == moment


# A submission that straddles the deadline -------------------------------------------------


def straddle(monkeypatch, traveller, target):
    """Move the clock to ``target`` while the service is in the middle of submitting (while it
    builds the canonical content, after it started and before it stamps the receipt)."""
    real = content.canonical_bytes

    def slow(**kwargs):
        data = real(**kwargs)
        traveller.move_to(target)
        return data

    monkeypatch.setattr(content, "canonical_bytes", slow)


def test_a_submission_that_starts_before_and_ends_after_the_deadline_is_refused(
    challenge, ready, monkeypatch
):
    proposal, actor = ready
    with time_machine.travel(challenge.submissions_close_at - SECOND, tick=False) as traveller:
        straddle(monkeypatch, traveller, challenge.submissions_close_at + MICROSECOND)
        error = refused_submit(proposal, actor)
        assert_late_and_draft_kept(error, proposal, actor)
    assert proposal.status == Status.DRAFT


def test_a_resubmission_that_straddles_the_deadline_keeps_the_earlier_version_counting(
    challenge, ready, monkeypatch
):
    proposal, actor = ready
    with time_machine.travel(challenge.submissions_close_at - timedelta(hours=1), tick=False):
        first = services.proposal_submit(proposal=proposal, actor=actor)
        services.proposal_save(
            proposal=proposal, actor=actor, changes={"summary": f"Segunda versión {MARKER}"}
        )
    with time_machine.travel(challenge.submissions_close_at - SECOND, tick=False) as traveller:
        straddle(monkeypatch, traveller, challenge.submissions_close_at)
        error = refused_submit(proposal, actor)
        assert_late_and_draft_kept(error, proposal, actor, versions=1)
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    assert services.counted_version(proposal) == first
    with time_machine.travel(challenge.submissions_close_at + SECOND, tick=False):
        draft = services.proposal_draft_read(proposal=proposal, actor=actor)
    assert draft.sections["summary"] == f"Segunda versión {MARKER}"


def test_the_same_straddle_ending_before_the_deadline_is_accepted(challenge, ready, monkeypatch):
    """Control for the straddle tests: the patch itself does not break submitting."""
    proposal, actor = ready
    target = challenge.submissions_close_at - MICROSECOND
    with time_machine.travel(challenge.submissions_close_at - SECOND, tick=False) as traveller:
        straddle(monkeypatch, traveller, target)
        version = services.proposal_submit(proposal=proposal, actor=actor)
    assert version.received_at == target


# What holds the window open -------------------------------------------------------------------


def a_pending_question(challenge):
    _company, asker = company_member()
    return Question.objects.create(
        challenge=challenge,
        number=1,
        asker=asker,
        company=asker.memberships.first().organization,
        text="¿Se permite usar software existente?",
        asked_at=challenge.questions_close_at - timedelta(days=1),
    )


def test_a_pending_question_keeps_submissions_open_after_the_nominal_deadline(challenge, ready):
    proposal, actor = ready
    question = a_pending_question(challenge)
    assert question.status == QuestionStatus.PENDING
    late = challenge.submissions_close_at + timedelta(hours=2)
    with time_machine.travel(late, tick=False):
        version = services.proposal_submit(proposal=proposal, actor=actor)
    assert version.received_at == late


def test_once_the_pending_question_is_answered_the_deadline_closes_submissions(challenge, ready):
    proposal, actor = ready
    question = a_pending_question(challenge)
    late = challenge.submissions_close_at + timedelta(hours=2)
    with time_machine.travel(late, tick=False):
        Question.objects.filter(pk=question.pk).update(
            status=QuestionStatus.ANSWERED, answer="Sí.", resolved_at=late
        )
        error = refused_submit(proposal, actor)
        assert_late_and_draft_kept(error, proposal, actor)


def test_an_amendment_extending_the_deadline_accepts_later_submissions(challenge, ready):
    proposal, actor = ready
    old_deadline = challenge.submissions_close_at
    new_deadline = old_deadline + timedelta(days=14)
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    with time_machine.travel(old_deadline - timedelta(days=2), tick=False):
        challenge_extend_deadline(
            challenge=challenge,
            actor=official,
            reason="Más tiempo para preparar propuestas.",
            submissions_close_at=new_deadline,
        )
    proposal.refresh_from_db()
    with time_machine.travel(old_deadline + timedelta(days=1), tick=False):
        version = services.proposal_submit(proposal=proposal, actor=actor)
    assert version.received_at > old_deadline
    assert version.terms_version == 2
    with time_machine.travel(new_deadline, tick=False):
        services.proposal_save(proposal=proposal, actor=actor, changes={"summary": "Tarde"})
        error = refused_submit(proposal, actor)
    assert error.code == "deadline_passed"
    assert proposal.versions.count() == 1


# After the deadline ---------------------------------------------------------------------------


def test_withdrawing_after_the_deadline_is_refused(challenge, ready):
    proposal, actor = ready
    with time_machine.travel(challenge.submissions_close_at - SECOND, tick=False):
        services.proposal_submit(proposal=proposal, actor=actor)
    with (
        time_machine.travel(challenge.submissions_close_at, tick=False),
        translation.override("en"),
        pytest.raises(DomainError) as excinfo,
    ):
        services.proposal_withdraw(proposal=proposal, actor=actor)
    assert excinfo.value.code == "deadline_passed"
    assert "can no longer be withdrawn" in excinfo.value.message
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED and proposal.withdrawn_at is None


def test_withdrawing_one_second_before_the_deadline_is_accepted(challenge, ready):
    proposal, actor = ready
    with time_machine.travel(challenge.submissions_close_at - timedelta(minutes=1), tick=False):
        services.proposal_submit(proposal=proposal, actor=actor)
    with time_machine.travel(challenge.submissions_close_at - SECOND, tick=False):
        services.proposal_withdraw(proposal=proposal, actor=actor)
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


def test_saving_a_draft_after_the_deadline_keeps_what_was_typed_but_it_cannot_be_submitted(
    challenge, ready
):
    proposal, actor = ready
    with time_machine.travel(challenge.submissions_close_at + timedelta(minutes=10), tick=False):
        services.proposal_save(
            proposal=proposal, actor=actor, changes={"solution": f"Escrito tarde {MARKER}"}
        )
        services.proposal_attach(proposal=proposal, actor=actor, file=pdf_file(name="tarde.pdf"))
        draft = services.proposal_draft_read(proposal=proposal, actor=actor)
        assert draft.sections["solution"] == f"Escrito tarde {MARKER}"
        assert [name for _a, name in draft.attachments] == ["propuesta.pdf", "tarde.pdf"]
        error = refused_submit(proposal, actor)
    assert error.code == "deadline_passed"
    assert not proposal.versions.exists()


def test_starting_a_proposal_after_the_deadline_is_refused(challenge):
    company, actor = company_member()
    with (
        time_machine.travel(challenge.submissions_close_at, tick=False),
        translation.override("en"),
        pytest.raises(DomainError) as excinfo,
    ):
        services.proposal_start(challenge=challenge, company=company, actor=actor)
    assert excinfo.value.code == "submissions_closed"
    assert not challenge.proposals.exists()


# Receipts: recomputed digests ----------------------------------------------------------------


@pytest.fixture
def submitted(challenge, ready):
    proposal, actor = ready
    with time_machine.travel(challenge.submissions_close_at - timedelta(hours=1), tick=False):
        version = services.proposal_submit(proposal=proposal, actor=actor)
    return proposal, actor, ProposalVersion.objects.get(pk=version.pk)


def test_the_receipt_digests_recomputed_from_stored_content_match(submitted):
    _proposal, actor, version = submitted
    check = services.version_verify(version)
    assert check.ok and check.content_ok and check.attachments_ok == [True]
    document = services.proposal_version_read(version=version, actor=actor)
    # The digest is the SHA-256 of the canonical bytes, which anyone holding them can check.
    canonical = content.canonical_bytes(
        sections=document["sections"],
        challenge_slug=document["challenge"],
        company=document["company"],
        terms_version=document["terms_version"],
        attachments=document["attachments"],
    )
    assert content.sha256_hex(canonical) == version.content_sha256
    attachment = ProposalAttachment.objects.get(pk=version.attachments[0]["attachment"])
    _name, data = services.attachment_read(attachment=attachment, actor=actor)
    assert content.sha256_hex(data) == version.attachments[0]["sha256"]
    assert document["attachments"][0]["sha256"] == attachment.sha256


def test_altering_the_stored_ciphertext_makes_the_receipt_mismatch(submitted):
    _proposal, _actor, version = submitted
    tampered = bytearray(bytes(version.content))
    tampered[-1] ^= 0x01
    ProposalVersion.objects.filter(pk=version.pk).update(content=bytes(tampered))
    version.refresh_from_db()
    check = services.version_verify(version)
    assert not check.content_ok and not check.ok
    assert check.attachments_ok == [True]


def test_replacing_the_content_with_another_versions_ciphertext_makes_it_mismatch(
    challenge, submitted
):
    proposal, actor, version = submitted
    with time_machine.travel(challenge.submissions_close_at - timedelta(minutes=30), tick=False):
        services.proposal_save(proposal=proposal, actor=actor, changes={"summary": "Otra"})
        second = services.proposal_submit(proposal=proposal, actor=actor)
    ProposalVersion.objects.filter(pk=version.pk).update(content=bytes(second.content))
    version.refresh_from_db()
    assert not services.version_verify(version).ok


def test_altering_the_stored_digest_makes_the_receipt_mismatch(submitted):
    _proposal, _actor, version = submitted
    ProposalVersion.objects.filter(pk=version.pk).update(
        content_sha256=content.sha256_hex(b"otra cosa")
    )
    version.refresh_from_db()
    check = services.version_verify(version)
    assert not check.content_ok and not check.ok


def test_altering_an_attachment_file_on_disk_makes_the_receipt_mismatch(submitted):
    _proposal, _actor, version = submitted
    attachment = ProposalAttachment.objects.get(pk=version.attachments[0]["attachment"])
    path = Path(attachment.file.path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    check = services.version_verify(version)
    assert check.content_ok
    assert check.attachments_ok == [False] and not check.ok


def test_a_missing_attachment_file_makes_the_receipt_mismatch(submitted):
    _proposal, _actor, version = submitted
    attachment = ProposalAttachment.objects.get(pk=version.attachments[0]["attachment"])
    Path(attachment.file.path).unlink()
    assert services.version_verify(version).attachments_ok == [False]


def test_altering_an_attachment_digest_in_the_receipt_makes_it_mismatch(submitted):
    _proposal, _actor, version = submitted
    listed = [{**version.attachments[0], "sha256": "0" * 64}]
    ProposalVersion.objects.filter(pk=version.pk).update(attachments=listed)
    version.refresh_from_db()
    assert services.version_verify(version).attachments_ok == [False]
