"""The permission matrix of complaints: file, decide (review, uphold, dismiss), withdraw and
download confidential evidence × every role (``tests/lifecycle.ROLES`` plus the roles this
feature adds: a bidder, the complaining company, the winner, a company whose proposal was
withdrawn before the opening) × the stages before, during and after the complaint window.

Every denial is checked to leave nothing behind. Each test builds its situation once (the
sealed proposals and the opening act are slow to make) and tries every role in turn inside a
savepoint rolled back after each, reporting every role that disagrees."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction

from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.core import rules
from retos.core.errors import DomainError
from retos.decisions import complaints
from retos.decisions.models import Complaint, ComplaintStatus, ComplaintStep
from retos.ledger.models import Event
from retos.organizations.models import Role
from tests.complaint_helpers import (
    approver_of,
    bidder,
    decision_for,
    opened_with_a_withdrawal,
    pdf_upload,
)
from tests.evaluation_helpers import in_stage
from tests.factories import MembershipFactory
from tests.lifecycle import ROLES, person
from tests.witness_helpers import witness_of

pytestmark = pytest.mark.django_db

# The roles this feature adds to the platform-wide ones.
EXTRA_ROLES = ["bidder", "complainant", "winner", "withdrawn_company", "social_witness"]
ALL_ROLES = ROLES + EXTRA_ROLES


class Scenario:
    """A challenge with three counted proposals (0 won, 1 complains, 2 is another bidder) and
    one withdrawn before the opening, in one of the ``stage`` situations:

    - ``before``: finalists chosen, no decision yet;
    - ``during``: decided, complaint window open (complaint 1 filed by proposal 1);
    - ``after``: decided, window closed (complaint 1 still filed);
    - ``awarded``: window closed, no complaint, award recorded;
    - ``reopened``: complaint 2 (by proposal 2) was upheld: back in evaluation, complaint 1 open.
    """

    def __init__(self, stage: str):
        self.challenge, self.proposals, self.withdrawn = opened_with_a_withdrawal(3)
        for s in (Stage.EVALUATION, Stage.FINALISTS):
            in_stage(self.challenge, s)
        self.complaint = None
        self.now = None
        if stage == "before":
            return
        in_stage(self.challenge, Stage.DECIDED)
        self.decision = decision_for(self.challenge, winner=self.proposals[0])
        if stage == "awarded":
            in_stage(self.challenge, Stage.AWARDED)
            self.decision.complaints_close_at = self._past()
            self.decision.save(update_fields=["complaints_close_at"])
            return
        self.complaint = complaints.complaint_file(
            proposal=self.proposals[1],
            actor=bidder(self.proposals[1]),
            grounds="Fundamentos.",
            evidence=[(pdf_upload("publica.pdf"), False), (pdf_upload("reservada.pdf"), True)],
        )
        if stage == "after":
            self.now = self.decision.complaints_close_at + timedelta(seconds=1)
        if stage == "reopened":
            other = complaints.complaint_file(
                proposal=self.proposals[2], actor=bidder(self.proposals[2]), grounds="Otra."
            )
            approver = approver_of(self.challenge)
            for status, remedy in (("under_review", ""), ("upheld", "reevaluate")):
                complaints.complaint_move(
                    complaint=other, actor=approver, to_status=status, response="R.", remedy=remedy
                )
            assert Challenge.objects.get(pk=self.challenge.pk).stage == Stage.EVALUATION

    def _past(self):
        from django.utils import timezone

        return timezone.now() - timedelta(seconds=1)

    def clock(self):
        return time_machine.travel(self.now, tick=False) if self.now else _Nothing()

    def who(self, role: str):
        if role == "bidder":
            return bidder(self.proposals[2])
        if role == "complainant":
            # A colleague of the person who filed: the company acts, not only its filer.
            return MembershipFactory(organization=self.proposals[1].company, role=Role.MEMBER).user
        if role == "winner":
            return bidder(self.proposals[0])
        if role == "withdrawn_company":
            return MembershipFactory(organization=self.withdrawn.company, role=Role.MEMBER).user
        if role == "social_witness":
            return witness_of(self.challenge)
        return person(role, self.challenge.body)


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def each_role(check) -> None:
    """Run ``check(role)`` for every role, each in a savepoint rolled back afterwards; fail
    naming every role whose check failed."""
    failures = []
    for role in ALL_ROLES:
        savepoint = transaction.savepoint()
        try:
            check(role)
        except AssertionError as exc:
            failures.append(f"{role}: {exc}")
        finally:
            transaction.savepoint_rollback(savepoint)
    assert not failures, "\n".join(failures)


def _trace():
    return (Complaint.objects.count(), ComplaintStep.objects.count(), Event.objects.count())


# --- File -----------------------------------------------------------------------------------

FILE_STAGES = ["before", "during", "after", "awarded"]


def _file_expectation(role: str, stage: str):
    """None: filed; an exception type (and code) otherwise."""
    if role == "complainant":
        role = "bidder"  # a member of a counted, losing company, like any bidder
    if role == "bidder":
        return {
            "before": (DomainError, "no_decision"),
            "during": None,
            "after": (DomainError, "window_closed"),
            "awarded": (DomainError, "window_closed"),
        }[stage]
    if role == "winner" and stage == "before":
        # Before a decision there is no winner yet: refused for the lack of a decision.
        return (DomainError, "no_decision")
    return (PermissionDenied, None)


def _attempt_file(scenario, role, stage):
    actor = scenario.who(role)
    # Each files for their own company's proposal if it has one, else for a bidder's.
    own = {
        "complainant": scenario.proposals[1],
        "winner": scenario.proposals[0],
        "withdrawn_company": scenario.withdrawn,
    }.get(role, scenario.proposals[2])
    expected = _file_expectation(role, stage)
    before = _trace()
    with scenario.clock():
        if expected is None:
            complaint = complaints.complaint_file(proposal=own, actor=actor, grounds="Motivos.")
            assert complaint.filed_by == actor
            return
        error, code = expected
        with pytest.raises(error) as excinfo:
            complaints.complaint_file(proposal=own, actor=actor, grounds="Motivos.")
    if code:
        assert excinfo.value.code == code
    assert _trace() == before


@pytest.mark.parametrize("stage", FILE_STAGES)
def test_file(stage):
    scenario = Scenario(stage)
    each_role(lambda role: _attempt_file(scenario, role, stage))


# --- Decide (take under review; then dismiss) ------------------------------------------------

MOVE_STAGES = ["during", "after", "reopened"]


def _attempt_decide(scenario, role):
    actor = scenario.who(role)
    allowed = role == "body_approver"
    assert rules.can(actor, "complaint:decide", scenario.complaint) is allowed
    before = _trace()
    with scenario.clock():
        if allowed:
            complaints.complaint_move(
                complaint=scenario.complaint, actor=actor, to_status="under_review", response="R."
            )
            complaints.complaint_move(
                complaint=scenario.complaint, actor=actor, to_status="dismissed", response="R."
            )
            assert Complaint.objects.get(pk=scenario.complaint.pk).status == "dismissed"
            return
        for to_status in ("under_review", "dismissed", "upheld"):
            with pytest.raises(PermissionDenied):
                complaints.complaint_move(
                    complaint=scenario.complaint,
                    actor=actor,
                    to_status=to_status,
                    response="R.",
                    remedy="cancel" if to_status == "upheld" else "",
                )
    assert _trace() == before
    assert Complaint.objects.get(pk=scenario.complaint.pk).status == ComplaintStatus.FILED


@pytest.mark.parametrize("stage", MOVE_STAGES)
def test_decide(stage):
    scenario = Scenario(stage)
    each_role(lambda role: _attempt_decide(scenario, role))


# --- Withdraw -------------------------------------------------------------------------------


def _attempt_withdraw(scenario, role):
    actor = scenario.who(role)
    allowed = role == "complainant"
    assert rules.can(actor, "complaint:withdraw", scenario.complaint) is allowed
    before = _trace()
    with scenario.clock():
        if allowed:
            complaints.complaint_move(
                complaint=scenario.complaint, actor=actor, to_status="withdrawn", response="R."
            )
            assert Complaint.objects.get(pk=scenario.complaint.pk).status == "withdrawn"
            return
        with pytest.raises(PermissionDenied):
            complaints.complaint_move(
                complaint=scenario.complaint, actor=actor, to_status="withdrawn", response="R."
            )
    assert _trace() == before


@pytest.mark.parametrize("stage", MOVE_STAGES)
def test_withdraw(stage):
    scenario = Scenario(stage)
    each_role(lambda role: _attempt_withdraw(scenario, role))


# --- Evidence -------------------------------------------------------------------------------

CONFIDENTIAL_READERS = {"body_official", "body_approver", "complainant", "social_witness"}


@pytest.mark.parametrize("stage", MOVE_STAGES)
def test_download_evidence(stage):
    scenario = Scenario(stage)
    public, confidential = scenario.complaint.evidence.order_by("id")

    def check(role):
        actor = scenario.who(role)
        with scenario.clock():
            # Public evidence: anyone who may see the challenge (it is public).
            assert rules.can(actor, "complaint:download_evidence", public)
            assert rules.can(actor, "complaint:download_evidence", confidential) is (
                role in CONFIDENTIAL_READERS
            )

    each_role(check)


def test_public_evidence_of_a_challenge_nobody_may_see_is_not_downloadable():
    scenario = Scenario("during")
    public = scenario.complaint.evidence.filter(confidential=False).get()
    Challenge.objects.filter(pk=scenario.challenge.pk).update(stage=Stage.DRAFT)
    public.complaint.challenge.refresh_from_db()
    outsider = person("plain_user", scenario.challenge.body)
    assert not rules.can(outsider, "complaint:download_evidence", public)
