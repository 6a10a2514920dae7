"""The deadline rush: many companies submitting in the same instant, in the last seconds before
a real deadline. None is lost, none is received twice, none is accepted after the deadline, and
each accepted one has its receipt. Two members of one company submitting at once get versions
1 and 2, never the same number.

Real concurrency needs PostgreSQL (SQLite serializes every write anyway). The clock is the real
one: ``time_machine`` does not play well with threads, so the deadline is set a few seconds
ahead with a queryset update once the drafts are ready.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from retos.challenges.models import Challenge
from retos.core.errors import DomainError
from retos.ledger.models import Event
from retos.organizations.models import Role, State
from retos.proposals import services
from retos.proposals.models import Proposal, ProposalVersion, Status
from tests.factories import ChallengeFactory, MembershipFactory
from tests.proposal_helpers import company_member, complete_sections

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real row locks and concurrent transactions",
    ),
]

COMPANIES = 50


@pytest.fixture(autouse=True)
def _states():
    # A transactional test starts from empty tables: the factories need these states.
    State.objects.get_or_create(
        code="09", defaults={"name": "Ciudad de México", "abbreviation": "CDMX"}
    )
    State.objects.get_or_create(code="14", defaults={"name": "Jalisco", "abbreviation": "JAL"})


def run_together(calls, *, before=None):
    """Run ``calls`` in threads released at the same instant; return results or errors.
    ``before(i)`` runs in thread ``i`` after the release and before its call (to delay it)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            if before is not None:
                before(i)
            results[i] = call()
        except Exception as exc:  # reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a submission hung"
    return results


def ready_drafts(challenge, count):
    drafts = []
    for _ in range(count):
        company, actor = company_member()
        proposal = services.proposal_start(challenge=challenge, company=company, actor=actor)
        services.proposal_save(proposal=proposal, actor=actor, changes=complete_sections())
        drafts.append((proposal.pk, actor))
    return drafts


def set_deadline(challenge, seconds: float):
    now = timezone.now()
    deadline = now + timedelta(seconds=seconds)
    # Questions close before submissions (a check constraint): close them a moment ago.
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close_at=now - timedelta(minutes=1), submissions_close_at=deadline
    )
    return deadline


def submit(proposal_pk, actor):
    # Each thread loads its own proposal, as a request would.
    proposal = Proposal.objects.get(pk=proposal_pk)
    return services.proposal_submit(proposal=proposal, actor=actor)


def test_fifty_companies_submitting_at_once_before_the_deadline_are_each_received_once():
    challenge = ChallengeFactory()
    drafts = ready_drafts(challenge, COMPANIES)
    deadline = set_deadline(challenge, 8)
    results = run_together([lambda p=p, a=a: submit(p, a) for p, a in drafts])

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    versions = ProposalVersion.objects.filter(proposal__challenge=challenge)
    assert versions.count() == COMPANIES
    assert {r.pk for r in results} == set(versions.values_list("pk", flat=True))
    assert len(set(versions.values_list("folio", flat=True))) == COMPANIES
    assert all(v.received_at < deadline for v in versions)
    assert set(versions.values_list("number", flat=True)) == {1}
    for proposal in Proposal.objects.filter(challenge=challenge):
        assert proposal.status == Status.SUBMITTED
        assert proposal.versions.count() == 1
        version = proposal.versions.get()
        assert proposal.submitted_at == version.received_at
        assert len(version.content_sha256) == 64
        assert services.version_verify(version).ok
    assert Event.objects.filter(action="proposal.submitted").count() == COMPANIES


def test_submissions_racing_the_deadline_are_accepted_before_it_and_refused_after_it():
    challenge = ChallengeFactory()
    drafts = ready_drafts(challenge, 20)
    deadline = set_deadline(challenge, 3)
    late = set(range(0, len(drafts), 2))

    def wait_if_late(i):
        # Half the threads arrive just after the deadline.
        if i in late:
            pause = (deadline - timezone.now()).total_seconds() + 0.05
            if pause > 0:
                time.sleep(pause)

    results = run_together([lambda p=p, a=a: submit(p, a) for p, a in drafts], before=wait_if_late)

    for i, ((proposal_pk, _actor), result) in enumerate(zip(drafts, results, strict=True)):
        proposal = Proposal.objects.get(pk=proposal_pk)
        if i in late:
            assert isinstance(result, DomainError), result
            assert result.code == "deadline_passed"
            assert not proposal.versions.exists()
            assert proposal.status == Status.DRAFT
        else:
            assert isinstance(result, ProposalVersion), result
            assert proposal.versions.count() == 1
    versions = ProposalVersion.objects.filter(proposal__challenge=challenge)
    assert versions.count() == len(drafts) - len(late)
    assert all(v.received_at < deadline for v in versions)


def test_two_members_of_one_company_submitting_at_once_get_versions_one_and_two():
    challenge = ChallengeFactory()
    company, first = company_member()
    others = [MembershipFactory(organization=company, role=Role.MEMBER).user for _ in range(4)]
    proposal = services.proposal_start(challenge=challenge, company=company, actor=first)
    services.proposal_save(proposal=proposal, actor=first, changes=complete_sections())
    set_deadline(challenge, 8)
    members = [first, *others]
    results = run_together([lambda a=a: submit(proposal.pk, a) for a in members])

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    numbers = sorted(proposal.versions.values_list("number", flat=True))
    assert numbers == list(range(1, len(members) + 1))
    assert sorted(r.number for r in results) == numbers
    assert len(set(proposal.versions.values_list("folio", flat=True))) == len(members)
    proposal.refresh_from_db()
    assert services.counted_version(proposal).number == len(members)
