"""The demo data: loaded through the services, complete, idempotent, and right on any day."""

import hashlib
import sys
import time as time_module
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from itertools import pairwise
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from retos.accounts.models import Expertise, User
from retos.challenges.models import TIMELINE_FIELDS, Amendment, Challenge, Criterion
from retos.challenges.stages import MAIN_PATH, WINDOWS, Stage, closed_by_time
from retos.clarifications.models import Minutes, Question, QuestionStatus, Section
from retos.contracts import publiccode
from retos.contracts.models import (
    Award,
    CatalogEntry,
    Contract,
    Delivery,
    DeliveryStatus,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    Payment,
    Reuse,
)
from retos.core.business_days import add_business_days, business_days_between, is_business_day
from retos.decisions.models import (
    Complaint,
    ComplaintStatus,
    ComplaintStep,
    Decision,
    DecisionReason,
    Demo,
    DemoSlot,
    Outcome,
)
from retos.demo import activity, data, outcome
from retos.demo import evaluation as panels
from retos.demo import proposals as bids
from retos.demo.loader import DemoError, DemoLoader
from retos.demo.timeline import (
    COMPLAINT_BUSINESS_DAYS,
    build_timeline,
    company_person,
    signed_up_day,
)
from retos.documents.models import ChallengeDocument, Document
from retos.evaluation.models import (
    ConflictDeclaration,
    EvaluationSettings,
    Finalist,
    FinalistSelection,
    MemberRole,
    MemberStatus,
    Method,
    PanelMember,
    Round,
    Score,
)
from retos.evaluation.ranking import challenge_ranking
from retos.ledger.models import Event
from retos.notifications.models import EmailDelivery, Follow, Kind, Notification
from retos.organizations.mexico import check_rfc
from retos.organizations.models import Level, Membership, Organization, Role
from retos.proposals.models import (
    Admissibility,
    OpeningAct,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
    Status,
)
from retos.proposals.services import (
    counted_version,
    proposal_version_read,
    terms_version,
    version_verify,
)

MODELS = [
    User,
    Expertise,
    Organization,
    Membership,
    Challenge,
    Criterion,
    Event,
    Question,
    Minutes,
    Amendment,
    Document,
    ChallengeDocument,
    Follow,
    Notification,
    EmailDelivery,
    Proposal,
    ProposalVersion,
    ProposalAttachment,
    OpeningAct,
    EvaluationSettings,
    PanelMember,
    ConflictDeclaration,
    Score,
    FinalistSelection,
    Finalist,
    Demo,
    DemoSlot,
    Decision,
    DecisionReason,
    Complaint,
    ComplaintStep,
    Award,
    Contract,
    Milestone,
    MilestoneUpdate,
    Payment,
    Delivery,
    CatalogEntry,
    Reuse,
]

#: CPU seconds the whole demo may take to load in the tests (it took about 50 in late 2026:
#: the decisions' PDFs, with every score and justification, are the largest part).
LOAD_CPU_BUDGET = 150


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def _media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker, _media):
    """Load the demo once for the whole module, in a transaction rolled back at its end.

    Each test's own transaction nests inside (as a savepoint), so tests stay isolated while
    the few seconds of loading are paid once. The loaded files (documents, minutes) go to a
    folder of the module's own; the emails the load queues are never sent (they would be after
    the commit, and the transaction is rolled back).
    """
    with (
        django_db_blocker.unblock(),
        # The autouse fixture's settings are function-scoped; this load happens before them.
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=_media
        ),
        transaction.atomic(),
    ):
        started = time_module.process_time()
        output = load()
        _load_cpu_seconds.append(time_module.process_time() - started)
        yield output
        transaction.set_rollback(True)


_load_cpu_seconds: list[float] = []


@pytest.fixture
def demo(_loaded_once, db, settings, _media):
    settings.MEDIA_ROOT = _media  # where the load stored its files
    return _loaded_once


def test_a_second_run_changes_nothing(demo):
    before = counts()
    last_event = Event.objects.last().sequence

    output = load()

    assert "Demo data already loaded" in output
    assert counts() == before
    assert Event.objects.last().sequence == last_event


def test_every_stage_has_a_challenge(demo):
    now = timezone.now()
    stages = {c.current_stage_at(now) for c in Challenge.objects.all()}
    assert stages == set(Stage)
    published = Challenge.objects.in_stage(Stage.PUBLISHED, now)
    # One still answering questions, one past its questions but still taking proposals.
    assert published.filter(WINDOWS["questions"].q(now)).exists()
    assert published.exclude(WINDOWS["questions"].q(now)).filter(WINDOWS["submissions"].q(now))
    for challenge in Challenge.objects.filter(stage__in=[Stage.CANCELLED, Stage.DESERTED]):
        assert challenge.outcome_reason


def test_the_program_s_two_famous_tools_exist(demo):
    alert = Challenge.objects.get(title__icontains="alerta temprana")
    assert alert.body.acronym == "SEGOB"
    assert alert.stage == Stage.COMPLETED
    corruption = Challenge.objects.get(title__icontains="corrupción")
    assert corruption.body.acronym == "SABG"


def test_each_challenge_ends_in_its_stage_through_the_real_steps(demo):
    now = timezone.now()
    by_title = {c.title: c for c in Challenge.objects.all()}
    for spec in data.CHALLENGES:
        assert by_title[spec.title].current_stage_at(now) == spec.target, spec.key
    assert _load_cpu_seconds and _load_cpu_seconds[0] < LOAD_CPU_BUDGET


def _challenge(key: str) -> Challenge:
    spec = panels.challenge_spec(key)
    return Challenge.objects.get(title=spec.title)


def _after(stage: Stage) -> list[Challenge]:
    """The demo's challenges that went through ``stage`` (in the order of ``MAIN_PATH``)."""
    now = timezone.now()
    later = MAIN_PATH[MAIN_PATH.index(stage) :]
    return [
        c
        for c in Challenge.objects.select_related("body")
        if c.current_stage_at(now) in later
        or (c.current_stage_at(now) == Stage.DESERTED and stage == Stage.EVALUATION)
    ]


def test_panels_cover_every_criterion_with_a_chair(demo):
    evaluated = _after(Stage.EVALUATION)
    assert len(evaluated) >= 8
    methods, blind = set(), set()
    for challenge in evaluated:
        settings = EvaluationSettings.objects.get(challenge=challenge)
        methods.add(settings.method)
        blind.add(settings.blind_first_round)
        experts = PanelMember.objects.filter(
            challenge=challenge, role=MemberRole.EXPERT, status=MemberStatus.ACCEPTED
        )
        covered = {area for areas in experts.values_list("areas", flat=True) for area in areas}
        assert covered >= set(challenge.criteria.values_list("expertise_area", flat=True))
        chairs = experts.filter(is_chair=True)
        assert chairs.count() == 1, challenge.slug
        assert all(m.user.is_expert for m in experts)
        if settings.method == Method.TRIMMED_MEAN:
            assert experts.count() >= 5, challenge.slug
        assert challenge.evaluation_at > max(m.responded_at for m in experts)
    assert methods == set(Method.values) and blind == {True, False}
    declined = PanelMember.objects.filter(status=MemberStatus.DECLINED)
    assert declined.count() == 1 and declined.get().decline_reason
    # The challenge still in "opened" is forming its panel: some invitations unanswered.
    opened = [c for c in Challenge.objects.all() if c.current_stage_at(timezone.now()) == "opened"]
    assert PanelMember.objects.filter(challenge__in=opened, status=MemberStatus.INVITED).exists()
    committee = PanelMember.objects.filter(role=MemberRole.COMMITTEE, status=MemberStatus.ACCEPTED)
    officials = committee.filter(user__memberships__role=Role.OFFICIAL)
    assert officials.exists() and committee.exclude(pk__in=officials).exists()


def test_conflicts_are_declared_and_recuse_the_expert(demo):
    conflicts = ConflictDeclaration.objects.filter(has_conflict=True).select_related("member")
    assert conflicts.count() >= 2
    for declaration in conflicts:
        assert declaration.note
        assert not Score.objects.filter(
            member=declaration.member, proposal=declaration.proposal
        ).exists()
    for member in PanelMember.objects.filter(
        role=MemberRole.EXPERT, status=MemberStatus.ACCEPTED, challenge__evaluation_at__isnull=False
    ):
        admissible = member.challenge.proposals.filter(admissibility=Admissibility.ADMISSIBLE)
        declared = set(member.declarations.values_list("proposal_id", flat=True))
        assert declared == set(admissible.values_list("pk", flat=True)), member
        assert member.conflicts_declared_at < min(
            member.scores.values_list("saved_at", flat=True), default=timezone.now()
        )


def test_scores_are_justified_corrected_and_flagged(demo):
    scores = Score.objects.filter(round=Round.PROPOSALS)
    assert scores.count() > 600
    assert not scores.filter(submitted_at__isnull=False, justification="").exists()
    assert scores.values("value").distinct().count() >= 10
    # One correction by the chair, with its reason; both entries kept.
    (correction,) = Score.objects.filter(corrects__isnull=False).select_related("corrects")
    assert correction.correction_reason and correction.corrects.submitted_at
    assert correction.value != correction.corrects.value
    chair = PanelMember.objects.get(challenge=correction.member.challenge, is_chair=True)
    assert correction.entered_by == chair.user != correction.member.user
    # Every expert of a challenge past the evaluation scored every proposal they may score.
    for challenge in _after(Stage.FINALISTS):
        ranking = challenge_ranking(challenge)
        assert ranking.progress.complete, challenge.slug
    # The challenge still in evaluation: some scores submitted, some drafts, some missing.
    (evaluating,) = [c for c in _after(Stage.EVALUATION) if c.stage == Stage.EVALUATION]
    progress = challenge_ranking(evaluating).progress
    assert 0 < progress.done < progress.expected
    assert Score.objects.filter(proposal__challenge=evaluating, submitted_at__isnull=True)
    flagged = {
        (c.slug, e.company)
        for c in _after(Stage.EVALUATION)
        for e in challenge_ranking(c).entries
        if e.row.flagged
    }
    assert len(flagged) == 1


def test_finalists_demos_and_the_committee_s_scores(demo):
    selections = FinalistSelection.objects.filter(voided_at__isnull=True)
    assert selections.count() == len(_after(Stage.FINALISTS))
    deviating = [s for s in selections if s.deviates]
    assert len(deviating) == 1 and deviating[0].justification
    event = Event.objects.get(action="finalists.confirmed", payload__deviation=True)
    assert event.public and event.payload["justification"] == deviating[0].justification
    for selection in selections:
        challenge = selection.challenge
        finalists = list(
            Finalist.objects.filter(selection=selection).values_list("proposal_id", flat=True)
        )
        assert finalists == selection.confirmed
        slots = DemoSlot.objects.filter(challenge=challenge)
        assert set(slots.values_list("proposal_id", flat=True)) == set(finalists)
        for slot in slots:
            assert slot.scheduled_at < slot.starts_at
            assert slot.starts_at.astimezone(ZoneInfo(challenge.body.time_zone)).date() == (
                challenge.demo_day_at.astimezone(ZoneInfo(challenge.body.time_zone)).date()
            )
        deadline = challenge.evaluation_settings.demo_deadline
        for demo_ in Demo.objects.filter(proposal__challenge=challenge):
            assert demo_.proposal_id in finalists
            assert selection.confirmed_at < demo_.submitted_at <= deadline
        if challenge.decided_at:
            committee = PanelMember.objects.filter(
                challenge=challenge, role=MemberRole.COMMITTEE, status=MemberStatus.ACCEPTED
            )
            demo_scores = Score.objects.current().filter(
                proposal__challenge=challenge, round=Round.DEMOS
            )
            assert demo_scores.count() == committee.count() * len(finalists) * (
                challenge.criteria.count()
            )
            assert all(s.submitted_at < challenge.decided_at for s in demo_scores)
    assert Demo.objects.filter(number=2).exists()


def test_decisions_give_reasons_and_their_pdf(demo):
    decisions = Decision.objects.in_force().select_related("challenge", "winner")
    decided = _after(Stage.DECIDED)
    assert {d.challenge for d in decisions if d.outcome == Outcome.WINNER} == set(decided)
    (deserted,) = [d for d in decisions if d.outcome == Outcome.DESERTED]
    assert deserted.challenge.stage == Stage.DESERTED
    assert deserted.justification == deserted.challenge.outcome_reason
    for decision in decisions:
        challenge = decision.challenge
        admissible = set(
            challenge.proposals.filter(admissibility=Admissibility.ADMISSIBLE).values_list(
                "pk", flat=True
            )
        )
        reasons = set(decision.reasons.values_list("proposal_id", flat=True))
        assert reasons == admissible - {decision.winner_id}, challenge.slug
        if decision.winner_id:
            assert (
                decision.winner_id
                in FinalistSelection.objects.get(
                    challenge=challenge, voided_at__isnull=True
                ).confirmed
            )
        with decision.pdf.open("rb") as f:
            pdf = f.read()
        assert pdf.startswith(b"%PDF")
        assert hashlib.sha256(pdf).hexdigest() == decision.pdf_sha256


def test_complaints_dismissed_and_one_open_within_the_window(demo):
    now = timezone.now()
    dismissed = Complaint.objects.get(status=ComplaintStatus.DISMISSED)
    assert [s.to_status for s in dismissed.steps.all()] == [
        ComplaintStatus.UNDER_REVIEW,
        ComplaintStatus.DISMISSED,
    ]
    assert all(step.response for step in dismissed.steps.all())
    evidence = list(dismissed.evidence.all())
    assert {e.confidential for e in evidence} == {True, False}
    award = Award.objects.get(challenge=dismissed.challenge)
    assert dismissed.resolved_at < award.recorded_at
    assert dismissed.decision.complaints_close_at < award.recorded_at
    (open_,) = Complaint.objects.open().select_related("decision", "challenge")
    assert open_.challenge.current_stage_at(now) == Stage.DECIDED
    assert open_.decision.published_at < open_.filed_at < open_.decision.complaints_close_at
    assert now < open_.decision.complaints_close_at  # the window is still open
    assert open_.evidence.filter(confidential=True).exists()
    assert not Award.objects.filter(challenge=open_.challenge).exists()


def test_contracts_milestones_and_payments(demo):
    awarded = _after(Stage.AWARDED)
    assert {a.challenge for a in Award.objects.select_related("challenge")} == set(awarded)
    for award in Award.objects.select_related("challenge", "contract__document", "decision"):
        challenge = award.challenge
        assert award.supplier_id == award.decision.winner.company_id
        assert award.amount <= challenge.amount
        contract = award.contract
        with contract.document.file.open("rb") as f:
            pdf = f.read()
        assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == (
            contract.document.sha256
        )
        milestones = list(contract.milestones.order_by("number"))
        assert len(milestones) == 4
        assert sum(m.amount for m in milestones) == award.amount
        assert contract.signed_on <= contract.starts_on <= milestones[0].due_on
        assert milestones[-1].due_on == contract.ends_on
        statuses = [m.status for m in milestones]
        stage = challenge.current_stage_at(timezone.now())
        if stage == Stage.AWARDED:
            assert set(statuses) == {MilestoneStatus.PLANNED}
        elif stage == Stage.IMPLEMENTATION:
            assert statuses[0] == MilestoneStatus.PAID
            assert MilestoneStatus.PLANNED in statuses and len(set(statuses)) >= 3
        else:
            assert set(statuses) == {MilestoneStatus.PAID}
        for milestone in milestones:
            payment = Payment.objects.filter(milestone=milestone).first()
            if payment:
                assert payment.amount == milestone.amount
                zone = ZoneInfo(challenge.body.time_zone)
                assert milestone.accepted_at.astimezone(zone).date() <= payment.paid_on
            if milestone.status != MilestoneStatus.PLANNED:
                assert milestone.updates.exists()


def test_deliveries_catalog_and_reuse(demo):
    completed = _after(Stage.COMPLETED)
    assert len(completed) == 2
    entries = CatalogEntry.objects.select_related("challenge", "delivery")
    assert {e.challenge for e in entries} == set(completed)
    for entry in entries:
        delivery = entry.delivery
        assert delivery.status == DeliveryStatus.ACCEPTED
        parsed = publiccode.validate(
            delivery.publiccode_yml,
            licence=delivery.licence,
            repository_url=delivery.repository_url,
        )
        assert parsed.name == entry.name
        assert delivery.licence in entry.challenge.licences
        assert entry.challenge.completed_at == delivery.reviewed_at
    returned = Delivery.objects.get(status=DeliveryStatus.REJECTED)
    assert returned.review_note and returned.number == 1
    reuse = Reuse.objects.select_related("entry__challenge", "body").first()
    assert reuse is not None and reuse.body != reuse.entry.challenge.body
    assert reuse.body.is_government and reuse.reported_at > reuse.entry.published_at


def test_the_ledger_publishes_each_step_after_the_opening(demo):
    public = set(Event.objects.public().values_list("action", flat=True))
    assert {
        "finalists.confirmed",
        "demo.scheduled",
        "decision.published",
        "complaint.filed",
        "complaint.moved",
        "award.recorded",
        "milestone.progress",
        "milestone.submitted",
        "milestone.accepted",
        "payment.recorded",
        "delivery.submitted",
        "delivery.reviewed",
        "catalog.published",
        "reuse.reported",
    } <= public
    # Panels, declarations and scores stay private until the decision publishes them.
    private = Event.objects.exclude(pk__in=Event.objects.public())
    assert private.filter(action__startswith="panel.").exists()
    assert private.filter(action__startswith="score.").exists()
    assert not Event.objects.public().filter(action__startswith="score.").exists()


def test_challenges_are_complete_and_in_order(demo):
    for challenge in Challenge.objects.all():
        assert challenge.problem_statement and challenge.context and challenge.deliverables
        assert Decimal(100_000) <= challenge.amount <= Decimal(5_000_000)
        assert 1 <= challenge.finalists_count <= 5
        assert challenge.licences
        dates = [getattr(challenge, f) for f in TIMELINE_FIELDS]
        assert all(a < b for a, b in pairwise(dates)), challenge.slug
        weights = challenge.criteria.aggregate(total=Sum("weight"))["total"]
        assert weights == 100, challenge.slug
        assert not challenge.criteria.filter(expertise_area="").exists()


def test_organizations(demo):
    bodies = Organization.objects.government().verified()
    assert bodies.filter(level=Level.FEDERAL).count() >= 8
    assert bodies.filter(level=Level.STATE).count() >= 2
    assert bodies.filter(level=Level.MUNICIPAL).count() >= 2
    for body in Organization.objects.government():
        roles = set(body.memberships.values_list("role", flat=True))
        assert {Role.ADMIN, Role.OFFICIAL, Role.APPROVER} <= roles
    for body in Organization.objects.government().filter(level=Level.MUNICIPAL):
        assert body.municipality_code.startswith(body.state_id)

    companies = Organization.objects.companies()
    assert companies.count() >= 30
    for company in companies:
        checked = check_rfc(company.rfc)
        assert checked.is_legal_person and not checked.check_digit_warning, company.rfc
        assert company.is_sme, company.name
        assert company.memberships.filter(role=Role.ADMIN).exists()
    sizes = {c.sme_size for c in companies}
    assert sizes == {"micro", "small", "medium"}


def test_people_and_credentials(demo):
    assert User.objects.filter(is_expert=True, expertise__isnull=False).distinct().count() >= 12
    staff = authenticate(email=data.STAFF_EMAIL, password=data.DEMO_PASSWORD)
    assert staff is not None and staff.is_platform_staff
    for email in [
        "funcionario@segob.example",
        "direccion@cenzontle.example",
        "equipo@cenzontle.example",
        "equipo@tzolkin.example",
    ]:
        assert authenticate(email=email, password=data.DEMO_PASSWORD) is not None
        assert email in demo or email.split("@")[1].removesuffix(".example") in demo
    assert data.DEMO_PASSWORD in demo


def test_the_ledger_tells_the_history_in_order(demo):
    events = list(Event.objects.order_by("sequence"))
    assert len(events) > 300
    assert all(a.occurred_at <= b.occurred_at for a, b in pairwise(events))
    assert events[-1].occurred_at < timezone.now()
    for challenge in Challenge.objects.all():
        actions = list(Event.objects.for_subject(challenge).values_list("action", flat=True))
        assert actions[0] == "challenge.created"
        assert Event.objects.for_subject(challenge).filter(actor__isnull=False).exists()
    completed = Challenge.objects.get(title__icontains="alerta temprana")
    lifecycle = [
        "challenge.created",
        *(
            f"challenge.{name}"
            for name in [
                "submit_for_review",
                "approve",
                "close",
                "open",
                "start_evaluation",
                "confirm_finalists",
                "decide",
                "award",
                "start_implementation",
                "complete",
            ]
        ),
    ]
    actions = list(Event.objects.for_subject(completed).values_list("action", flat=True))
    assert [a for a in actions if a in lifecycle] == lifecycle
    # Around the stages: documents while drafting, then followers, questions and answers, and
    # the minutes, all before the close.
    close = actions.index("challenge.close")
    assert actions.index("challenge.document_added") < actions.index("challenge.submit_for_review")
    assert actions.index("challenge.approve") < actions.index("challenge.followed")
    assert actions.index("question.asked") < actions.index("question.answered") < close
    assert actions.index("minutes.generated") < close


def test_without_time_machine_the_loader_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "time_machine", None)
    with pytest.raises(DemoError, match="time-machine"):
        DemoLoader().run()


# Proposals: sealed, opened by two officers, withdrawn; every receipt verifies.


def test_proposals_sealed_opened_and_withdrawn(demo):
    now = timezone.now()
    proposals = Proposal.objects.select_related("challenge")
    statuses = set(proposals.values_list("status", flat=True))
    assert statuses == {Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN}
    sealed = [p for p in proposals if p.challenge.opened_at is None]
    opened = [p for p in proposals if p.challenge.opened_at is not None]
    stages = {p.challenge.current_stage_at(now) for p in sealed}
    # Still taking proposals, and past the deadline awaiting the opening act.
    assert {Stage.PUBLISHED, Stage.CLOSED} <= stages
    assert any(p.status == Status.SUBMITTED for p in sealed)
    assert any(p.status == Status.DRAFT for p in sealed)
    assert any(p.status == Status.SUBMITTED for p in opened)
    assert any(p.status == Status.WITHDRAWN for p in opened)
    assert any(p.status == Status.WITHDRAWN for p in sealed)
    # Re-submitted: a proposal with two versions (receipts).
    assert ProposalVersion.objects.filter(number=2).exists()
    # Submitted before an amendment and not re-confirmed since.
    stale = [
        p
        for p in proposals.filter(status=Status.SUBMITTED)
        if counted_version(p).terms_version < terms_version(p.challenge)
    ]
    assert stale and all(p.challenge.opened_at is None for p in stale)
    for proposal in proposals:
        assert proposal.attachments.exists(), proposal
        if proposal.status != Status.DRAFT:
            assert proposal.versions.exists(), proposal


def test_every_receipt_verifies(demo):
    versions = ProposalVersion.objects.select_related("proposal__challenge")
    assert versions.count() >= 50
    for version in versions:
        check = version_verify(version)
        assert check.ok, version.folio
        assert len(check.attachments_ok) == len(version.attachments) >= 1
        assert version.received_at < version.proposal.challenge.submissions_close_at


def test_opened_challenges_were_opened_by_two_officers(demo):
    opened = Challenge.objects.filter(opened_at__isnull=False)
    assert opened.count() >= 8
    for challenge in opened:
        act = OpeningAct.objects.get(challenge=challenge)
        assert act.is_open and act.opened_at == challenge.opened_at
        assert act.first_officer_id and act.second_officer_id
        assert act.first_officer_id != act.second_officer_id
        officers = challenge.body.memberships.filter(role=Role.OPENING_OFFICER)
        assert {act.first_officer_id, act.second_officer_id} <= set(
            officers.values_list("user_id", flat=True)
        )
        submitted = Proposal.objects.filter(challenge=challenge, status=Status.SUBMITTED)
        # Every challenge the demo takes past the deadline has proposals, opened by the act.
        assert submitted.exists(), challenge.slug
        assert {e["proposal"] for e in act.entries} == {
            str(p) for p in submitted.values_list("public_id", flat=True)
        }
        assert act.proposals_count == len(act.entries)
        assert act.withdrawn_count == challenge.proposals.filter(status=Status.WITHDRAWN).count()
    # No act (not even a first confirmation) where the proposals are still sealed.
    assert not OpeningAct.objects.filter(challenge__opened_at__isnull=True).exists()


def test_admissibility_was_decided_after_opening(demo):
    decided = Proposal.objects.exclude(admissibility=Admissibility.PENDING)
    assert decided.filter(admissibility=Admissibility.ADMISSIBLE).count() >= 30
    inadmissible = decided.filter(admissibility=Admissibility.INADMISSIBLE)
    assert inadmissible.exists()
    for proposal in decided.select_related("challenge"):
        assert proposal.challenge.opened_at < proposal.admissibility_decided_at
        assert proposal.status == Status.SUBMITTED
    for proposal in inadmissible:
        assert proposal.admissibility_reason
        assert Notification.objects.filter(
            user__memberships__organization=proposal.company, kind=Kind.PROPOSAL_ADMISSIBILITY
        ).exists()
    # The challenge still in "opened" has one decision pending.
    now = timezone.now()
    in_opened = [c for c in Challenge.objects.all() if c.current_stage_at(now) == Stage.OPENED]
    assert any(
        c.proposals.filter(status=Status.SUBMITTED, admissibility=Admissibility.PENDING).exists()
        for c in in_opened
    )


def test_proposals_are_complete_and_priced_within_the_amount(demo):
    handles = {c.rfc: c.handle for c in data.COMPANIES}
    versions = ProposalVersion.objects.select_related("proposal__challenge", "proposal__company")
    for version in versions:
        proposal = version.proposal
        member = proposal.company.memberships.select_related("user").first().user
        document = proposal_version_read(version=version, actor=member)
        sections = document["sections"]
        assert Decimal(sections["price"]) <= proposal.challenge.amount
        assert sections["licence"] in proposal.challenge.licences
        assert all(sections[key] for key in ("summary", "solution", "work_plan", "team"))
        assert [a["name"] for a in document["attachments"]] == [
            f"propuesta-tecnica-{handles[proposal.company.rfc]}.pdf"
        ]


def test_a_technical_proposal_pdf_is_a_pdf():
    spec = next(c for c in data.CHALLENGES if c.key == "carreteras")
    bid = bids.BIDS["carreteras"][0]
    pdf = bids.attachment_pdf(spec, bid, bids.sections(spec, bid))
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert 1_000 < len(pdf) < 20_000
    assert "Propuesta técnica".encode("cp1252") in pdf


# The activity around the stages: questions, minutes, amendments, documents, followers.


def _public(now):
    return [c for c in Challenge.objects.select_related("body") if c.is_public_at(now)]


def _questions_open(challenge, now) -> bool:
    return challenge.window_open("questions", now)


def test_questions_are_realistic_and_answered_by_the_body(demo):
    now = timezone.now()
    public = _public(now)
    with_questions = [c for c in public if c.questions.exists()]
    assert len(with_questions) >= len(public) - 2  # most public challenges
    for challenge in with_questions:
        assert 2 <= challenge.questions.count() <= 6, challenge.slug
    declined = Question.objects.filter(status=QuestionStatus.DECLINED)
    assert declined.exists()
    assert not declined.filter(decline_reason="").exists()
    sections = set(Question.objects.values_list("section", flat=True))
    assert sections <= set(Section.values) and len(sections) >= 6
    assert Question.objects.values("company").distinct().count() >= 10
    for question in Question.objects.select_related("challenge", "company", "resolved_by"):
        challenge = question.challenge
        assert question.company.is_company
        assert question.company.memberships.filter(user=question.asker_id).exists()
        assert challenge.published_at < question.asked_at < challenge.questions_close_at
        if question.status == QuestionStatus.PENDING:
            continue
        assert question.asked_at < question.resolved_at < challenge.submissions_close_at
        official = challenge.body.memberships.filter(
            user=question.resolved_by, role__in=[Role.OFFICIAL, Role.APPROVER]
        )
        assert official.exists(), question
    # Numbered in the order they were asked.
    for challenge in with_questions:
        asked = list(challenge.questions.order_by("number").values_list("asked_at", flat=True))
        assert asked == sorted(asked)


def test_one_question_waits_only_where_the_questions_window_is_open(demo):
    now = timezone.now()
    pending = Question.objects.filter(status=QuestionStatus.PENDING).select_related("challenge")
    assert pending.exists()
    for question in pending:
        assert _questions_open(question.challenge, now), question.challenge.slug
    open_now = [c for c in _public(now) if _questions_open(c, now)]
    assert open_now
    for challenge in open_now:
        assert challenge.questions.filter(status=QuestionStatus.ANSWERED).exists()
    # No deadline is held open by a question: every passed deadline closed its challenge.
    for challenge in Challenge.objects.filter(submissions_close_at__lte=now):
        assert not challenge.questions.filter(status=QuestionStatus.PENDING).exists()
        if challenge.is_public_at(now) and challenge.stage == Stage.PUBLISHED:
            assert challenge.current_stage_at(now) == Stage.CLOSED


def test_minutes_exist_once_the_questions_window_closed(demo):
    now = timezone.now()
    for challenge in _public(now):
        minutes = Minutes.objects.filter(challenge=challenge).first()
        if _questions_open(challenge, now):
            assert minutes is None, challenge.slug
            continue
        assert minutes is not None, challenge.slug
        assert minutes.questions_count == challenge.questions.count()
        assert challenge.questions_close_at <= minutes.generated_at < now
        with minutes.pdf.open("rb") as f:
            pdf = f.read()
        assert pdf.startswith(b"%PDF")
        assert hashlib.sha256(pdf).hexdigest() == minutes.sha256
        event = Event.objects.for_subject(challenge).get(action="minutes.generated")
        assert event.payload["sha256"] == minutes.sha256
    assert Minutes.objects.count() == len([c for c in _public(now) if not _questions_open(c, now)])


def test_amendments_were_published_while_taking_proposals(demo):
    now = timezone.now()
    amendments = list(Amendment.objects.select_related("challenge", "challenge__body"))
    assert amendments
    stages = set()
    for amendment in amendments:
        challenge = amendment.challenge
        stages.add(challenge.current_stage_at(now))
        assert amendment.reason and amendment.changes
        assert challenge.published_at < amendment.published_at
        if challenge.closed_at:
            assert amendment.published_at < challenge.closed_at
        assert amendment.actor.memberships.filter(
            organization=challenge.body, role__in=[Role.OFFICIAL, Role.APPROVER]
        ).exists()
        if amendment.new_submissions_close_at:
            assert amendment.previous_submissions_close_at < amendment.new_submissions_close_at
            assert amendment.published_at < amendment.previous_submissions_close_at
        event = Event.objects.for_subject(challenge).get(action="challenge.amended")
        assert event.payload["reason"] == amendment.reason
    # One on a challenge still taking proposals, with its deadline extended; one on a
    # challenge that has since moved on.
    assert Stage.PUBLISHED in stages
    assert stages - {Stage.PUBLISHED}
    extended = [a for a in amendments if a.new_submissions_close_at]
    assert any(a.challenge.current_stage_at(now) == Stage.PUBLISHED for a in extended)
    for amendment in extended:
        assert amendment.challenge.submissions_close_at == amendment.new_submissions_close_at


def test_documents_were_attached_while_drafting(demo):
    links = list(ChallengeDocument.objects.select_related("challenge", "document"))
    assert len({link.challenge_id for link in links}) >= 5
    titles = {link.title for link in links}
    assert "Términos de referencia" in titles
    assert any(title.startswith("Anexo") for title in titles)
    for link in links:
        document, challenge = link.document, link.challenge
        with document.file.open("rb") as f:
            content = f.read()
        assert content.startswith(b"%PDF"), link.title
        assert document.content_type == "application/pdf"
        assert document.size == len(content)
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert challenge.created_at < link.added_at
        if challenge.in_review_at:
            assert link.added_at < challenge.in_review_at
    for challenge in Challenge.objects.filter(documents__isnull=False).distinct():
        assert 1 <= challenge.documents.count() <= 2


def test_public_challenges_have_followers_who_were_told(demo):
    now = timezone.now()
    for challenge in _public(now):
        follows = Follow.objects.filter(challenge=challenge).select_related("user")
        assert 5 <= follows.count() <= 20, challenge.slug
        for follow in follows:
            user = follow.user
            assert (
                user.is_expert
                or Membership.objects.filter(
                    user=user, organization__in=Organization.objects.companies()
                ).exists()
            )
            assert challenge.published_at <= follow.created_at
        first_news = [
            *challenge.questions.exclude(resolved_at=None).values_list("resolved_at", flat=True),
            *challenge.amendments.values_list("published_at", flat=True),
        ]
        if first_news:
            assert max(f.created_at for f in follows) < min(first_news)
    assert not Follow.objects.filter(challenge__stage__in=[Stage.DRAFT, Stage.IN_REVIEW])
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {Kind.QUESTION_ANSWERED, Kind.AMENDMENT_PUBLISHED, Kind.STAGE_CHANGED} <= kinds
    company = User.objects.get(email=data.COMPANIES[0].admin_email)
    assert Notification.objects.filter(user=company).unread().exists()


# The calendar, without the database: on every day of a year, each challenge lands in its stage.


def _stage_after(spec, timeline, moment) -> Stage:
    """The stage the steps lead to, with time closing a published challenge."""
    stage = {
        "create": Stage.DRAFT,
        "submit_for_review": Stage.IN_REVIEW,
        "request_changes": Stage.DRAFT,
        "update_draft": Stage.DRAFT,
        "approve": Stage.PUBLISHED,
        "close": Stage.CLOSED,
        "open": Stage.OPENED,
        "start_evaluation": Stage.EVALUATION,
        "confirm_finalists": Stage.FINALISTS,
        "decide": Stage.DECIDED,
        "award": Stage.AWARDED,
        "start_implementation": Stage.IMPLEMENTATION,
        "complete": Stage.COMPLETED,
        "cancel": Stage.CANCELLED,
        "declare_deserted": Stage.DESERTED,
    }[timeline.steps[-1][1]]

    approved = [when for when, action in timeline.steps if action == "approve"]
    row = SimpleNamespace(
        pk=None,  # not saved: no pending questions to look up
        stage=stage,
        published_at=approved[0] if approved else None,
        submissions_close_at=timeline.dates["submissions_close_at"],
    )
    return Stage.CLOSED if closed_by_time(row, moment) else stage


def _check_activity(spec, timeline, zone, first_moment, last_moment, signed_up) -> None:
    """Documents, follows, questions, amendments and minutes fit the challenge's calendar."""
    key = (first_moment.date(), spec.key)
    dates, initial = timeline.dates, timeline.initial_dates
    assert all(a < b for a, b in pairwise(initial.values())), key
    assert {f: d for f, d in initial.items() if f != "submissions_close_at"} == {
        f: d for f, d in dates.items() if f != "submissions_close_at"
    }, key
    steps = {action: when for when, action in timeline.steps}

    # Documents: attached to the draft, before it first went to review.
    for when, document in timeline.documents:
        assert steps["create"] < when < steps.get("submit_for_review", first_moment), key
        assert document.file_name.endswith(".pdf"), key
    assert len(timeline.documents) <= 2, key

    approved = steps.get("approve")
    if approved is None:
        assert spec.key not in activity.QUESTIONS and spec.key not in activity.AMENDMENTS, key
        assert not (timeline.follows or timeline.questions or timeline.amendments), key
        assert timeline.minutes_at is None, key
        return
    # The challenge takes proposals (and answers questions) until the first step after its
    # publication (the close, or a cancellation), and never past the day before the load.
    after = [when for when, _action in timeline.steps if when > approved]
    published_until = min([dates["submissions_close_at"], first_moment, *after[:1]])

    # Followers: people already signed up, from the day of publication, before any news.
    news = [q.resolved_at for q in timeline.questions if q.resolved_at is not None]
    news += [a.when for a in timeline.amendments]
    emails = [email for _when, email in timeline.follows]
    assert 5 <= len(emails) <= 20 and len(set(emails)) == len(emails), key
    for when, email in timeline.follows:
        assert approved < when < min([published_until, *news]), key
        assert signed_up[email] < spec.publish_day, key

    # Questions: asked inside the window by a verified company's person, in number order;
    # answered on a working day while the challenge takes proposals. Only where the questions
    # window is still open at load time may one wait.
    asked = [q.asked_at for q in timeline.questions]
    assert asked == sorted(asked) and len(set(asked)) == len(asked), key
    assert [q.number for q in timeline.questions] == list(range(1, len(asked) + 1)), key
    window_open_at_load = dates["questions_close_at"] > last_moment
    for question in timeline.questions:
        assert question.spec.section in Section.values, key
        assert approved < question.asked_at < dates["questions_close_at"], key
        assert question.asked_at < first_moment, key
        company, email = company_person(question.spec.company)
        assert email == question.email and company.verified, key
        # Registered, joined and verified (three days after registering) the day before.
        assert company.registered_day + 3 < spec.publish_day + question.spec.day, key
        assert signed_up[email] < spec.publish_day + question.spec.day, key
        if question.resolved_at is None:
            assert spec.target == Stage.PUBLISHED and window_open_at_load, key
            continue
        assert bool(question.spec.answer) != bool(question.spec.declined), key
        assert question.asked_at < question.resolved_at < published_until, key
        assert question.resolved_at < initial["submissions_close_at"], key
        # On a working day, unless none came between the question and the limit (asked on a
        # Saturday before a long weekend that ends on the load day).
        answered_on = question.resolved_at.astimezone(zone).date()
        if not is_business_day(answered_on):
            asked_on = question.asked_at.astimezone(zone).date()
            limit_on = published_until.astimezone(zone).date()
            between = (asked_on + timedelta(days=n) for n in range(1, (limit_on - asked_on).days))
            assert not any(is_business_day(d) for d in between), key
    if spec.target == Stage.PUBLISHED and window_open_at_load:
        pending = [q for q in timeline.questions if q.resolved_at is None]
        assert len(pending) == 1 and len(timeline.questions) > 1, key

    # Amendments: while published, before the deadline in force; a late one (fewer business
    # days left than the rule asks) extends the deadline so that enough remain.
    late = django_settings.RETOS_LATE_AMENDMENT_BUSINESS_DAYS
    deadline = initial["submissions_close_at"]
    for amendment in timeline.amendments:
        assert amendment.deadline == deadline, key
        assert approved < amendment.when < min(deadline, published_until), key
        day = amendment.when.astimezone(zone).date()
        assert is_business_day(day), key
        if amendment.new_deadline is None:
            assert business_days_between(day, deadline.astimezone(zone).date()) >= late, key
        else:
            assert amendment.new_deadline > deadline, key
            new_day = amendment.new_deadline.astimezone(zone).date()
            assert business_days_between(day, new_day) >= late, key
            deadline = amendment.new_deadline
    assert deadline == dates["submissions_close_at"], key

    # Minutes: once the questions window closed and every question has its answer.
    if timeline.minutes_at is None:
        assert spec.target == Stage.PUBLISHED and window_open_at_load, key
    else:
        assert dates["questions_close_at"] < timeline.minutes_at < first_moment, key
        assert all(
            q.resolved_at and q.resolved_at < timeline.minutes_at for q in timeline.questions
        )


def _check_bids(spec, timeline, today, tz, first_moment) -> None:
    """Proposals are written and submitted while the challenge takes them, by companies that
    exist by then, and decided on after the two officers opened them."""
    key = (today, spec.key)
    steps = bids.plan_bids(spec, timeline, today, tz.key)
    if spec.key in bids.BIDS and timeline.step_at("approve") is not None:
        assert steps, key
    approved = timeline.step_at("approve")
    after = [when for when, _action in timeline.steps if approved and when > approved]
    limit = min([timeline.dates["submissions_close_at"], first_moment, *after[:1]])
    amendment = timeline.amendments[0].when if timeline.amendments else None
    opened = timeline.step_at("open")
    for bid in bids.BIDS.get(spec.key, ()):
        mine = [s for s in steps if s.bid is bid]
        actions = [s.action for s in mine]
        whens = [s.when for s in mine]
        assert all(a < b for a, b in pairwise(whens)), key
        assert actions[0] == "write", key
        company = bids.company_spec(bid.company)
        ready = datetime.combine(
            today + timedelta(days=bids._company_ready_day(bid.company) + 1), time(0), tzinfo=tz
        )
        assert approved < whens[0] and ready < whens[0], (key, bid.company, company.name)
        writing = [s.when for s in mine if s.action != "admissibility"]
        assert writing[-1] < limit, (key, bid.company)
        submits = [s.when for s in mine if s.action in ("submit", "resubmit")]
        assert len(submits) == (0 if bid.outcome == bids.DRAFT else 1 + bid.resubmitted), key
        if amendment is not None and submits:
            if bid.before_amendment:
                assert submits[0] < amendment, (key, bid.company)
                assert all(when > amendment for when in submits[1:]), (key, bid.company)
            else:
                assert submits[0] > amendment, (key, bid.company)
        if bid.last_seconds and limit == timeline.dates["submissions_close_at"]:
            assert submits[-1] == limit - timedelta(seconds=bid.last_seconds), key
        decided = [s.when for s in mine if s.action == "admissibility"]
        if opened is not None and bid.outcome == bids.SUBMITTED and bid.admissible is not None:
            evaluation = [when for when, _action in timeline.steps if when > opened][:1]
            assert len(decided) == 1, key
            assert (
                opened + bids.SECOND_OFFICER_AFTER < decided[0] < min([first_moment, *evaluation])
            ), key
        else:
            assert not decided, key


def _on_business_day(moment, zone) -> bool:
    return is_business_day(moment.astimezone(zone).date())


def _check_after_opening(spec, timeline, today, zone, first_moment, last_moment) -> None:
    """From the panel to the catalog: every step already happened, in a possible order, on
    working days where an office acts, and consistent with the stage the challenge ends in."""
    key = (today, spec.key)
    evaluating = panels.plan_evaluation(spec, timeline, today, zone.key)
    closing = outcome.plan_outcome(spec, timeline, today, zone.key)
    moments = timeline.moments
    steps = {action: when for when, action in timeline.steps}
    if "open" not in steps:
        assert not (moments or evaluating or closing), key
        return
    for step in [*evaluating, *closing]:
        assert steps["open"] < step.when < first_moment, (key, step)
    ev = defaultdict(list)
    for step in evaluating:
        ev[step.action].append(step)
    out = defaultdict(list)
    for step in closing:
        out[step.action].append(step)
    for step in ev["settings"] + ev["invite"] + ev["chair"]:
        assert _on_business_day(step.when, zone), (key, step)
    invited = {s.who: s.when for s in ev["invite"]}
    for step in ev["respond"]:
        assert invited[step.who] < step.when, (key, step)
    if spec.key in panels.FORMING:
        # Still opened: the panel is being formed, some invitations still unanswered.
        assert ev["invite"] and len(ev["respond"]) < len(ev["invite"]), key
        assert {s.action for s in evaluating} <= {"settings", "invite", "respond"}, key
        return
    if spec.key not in panels.PANELS:
        assert not (evaluating or closing), key
        return
    panel = panels.PANELS[spec.key]
    start = steps["start_evaluation"]
    ends = [s.when for s in [*ev["settings"], *ev["invite"], *ev["respond"], *ev["chair"]]]
    assert max(ends) < start, key
    assert max(s.when for s in ev["respond"]) < ev["chair"][0].when, key
    assert [s.who for s in ev["respond"] if not s.accept] == (
        [panel.declined[0]] if panel.declined else []
    ), key

    # Each expert declares before scoring, and never scores a proposal they are recused from.
    declared = {s.who: s.when for s in ev["conflicts"] if s.role == "expert"}
    assert set(declared) == set(panels.accepted_experts(panel)), key
    assert all(start < when for when in declared.values()), key
    scored = ev["score"] + ev["draft"]
    limit = min(moments["scoring_until"], first_moment)
    for step in scored:
        assert declared[step.who] < step.when < limit, (key, step)
        assert not panels.recused(panel, step.who, step.company), (key, step)
    expected = {
        (e, c)
        for e in panels.accepted_experts(panel)
        for c in panel.quality
        if not panels.recused(panel, e, c)
    }
    done = {(s.who, s.company) for s in ev["score"]}
    if spec.target == Stage.EVALUATION:
        assert ev["draft"] and done and done < expected, key
        assert not (ev["finalists"] or closing), key
        return
    assert done == expected and not ev["draft"], key
    last_score = max(s.when for s in scored)
    for step in ev["correct"]:
        assert last_score < step.when == moments["correction"], key
    if spec.target == Stage.DESERTED:
        assert not ev["finalists"] and [s.action for s in closing] == ["deserted"], key
        assert last_score < closing[0].when == steps["declare_deserted"], key
        return

    # Finalists: confirmed once scored; the committee declares about them; each has a slot on
    # demo day and sends its demo before the demo deadline.
    confirmed = ev["finalists"][0].when
    assert confirmed == steps["confirm_finalists"] and last_score < confirmed, key
    finalists = panels.finalists(spec.key)
    committee = [s for s in ev["conflicts"] if s.role == "committee"]
    assert {s.who for s in committee} == set(panel.committee), key
    assert all(confirmed < s.when for s in committee), key
    slots = sorted(ev["demo_slot"], key=lambda s: s.starts_at)
    assert [s.company for s in ev["demo_slot"]] == finalists, key
    for step in slots:
        assert confirmed < step.when < step.starts_at < step.ends_at, key
        assert step.starts_at >= moments["demo_day"], key
    assert all(a.ends_at <= b.starts_at for a, b in pairwise(slots)), key
    for step in ev["demo"]:
        assert max(s.when for s in slots) < step.when <= moments["demo_deadline"], (key, step)
    assert moments["demo_deadline"] < moments["demo_day"], key
    if spec.target == Stage.FINALISTS:
        assert not (ev["demo_score"] or closing), key
        return
    assert {s.company for s in ev["demo"]} == set(finalists), key
    assert {(s.who, s.company) for s in ev["demo_score"]} == {
        (m, c) for m in panel.committee for c in finalists
    }, key
    for step in ev["demo_score"]:
        assert slots[-1].ends_at < step.when < steps["decide"], key

    # The decision; complaints within the window; the award after it, with none open.
    assert out["decide"][0].when == steps["decide"], key
    assert out["decide"][0].company == panel.winner in finalists, key
    closes = moments["complaints_close"]
    window_last = add_business_days(
        steps["decide"].astimezone(zone).date(), COMPLAINT_BUSINESS_DAYS
    )
    assert closes.date() == window_last, key
    for step in out["complaint_file"]:
        assert steps["decide"] < step.when < closes, key
    for step in out["complaint_move"]:
        filed = out["complaint_file"][step.number].when
        assert filed < step.when < closes, key
    if spec.target == Stage.DECIDED:
        # Still decided on the load day: the window is open and a complaint is filed.
        assert closes > last_moment, key
        assert out["complaint_file"], key
        assert not out["award"], key
        return
    assert closes < steps["award"] == out["award"][0].when, key
    statuses = [s.status for s in out["complaint_move"]]
    if out["complaint_file"]:
        assert statuses[-1] in ("dismissed", "withdrawn"), key
    if spec.target == Stage.AWARDED:
        assert [s.action for s in closing][-1] == "award", key
        return

    # Implementation: progress, submission, acceptance and payment of each milestone, in order.
    started = steps["start_implementation"]
    by_number = defaultdict(list)
    for step in closing:
        if step.action in ("progress", "milestone_submit", "milestone_accept", "payment"):
            assert started < step.when, (key, step)
            by_number[step.number].append(step)
    assert by_number, key
    for number, mine in by_number.items():
        actions = [s.action for s in mine]
        assert actions == sorted(
            actions, key=["progress", "milestone_submit", "milestone_accept", "payment"].index
        ), key
        for step in mine:
            if step.action in ("milestone_accept", "payment"):
                assert _on_business_day(step.when, zone), (key, step)
        assert 1 <= number <= 4, key
    if spec.target == Stage.IMPLEMENTATION:
        assert not out["delivery_review"] and not out["reuse"], key
        assert {s.number for s in out["payment"]} < {1, 2, 3, 4}, key
        return
    assert {s.number for s in out["payment"]} == {1, 2, 3, 4}, key
    reviews = out["delivery_review"]
    assert reviews[-1].accept and reviews[-1].when == steps["complete"], key
    assert all(not r.accept and r.text for r in reviews[:-1]), key
    submissions = out["delivery_submit"]
    assert len(submissions) == len(reviews), key
    for sent, review in zip(submissions, reviews, strict=True):
        assert sent.when < review.when, key
    bodies = {b.key: b for b in data.BODIES}
    for step in out["reuse"]:
        assert steps["complete"] < step.when, key
        registered = today + timedelta(days=bodies[step.body].registered_day + 1)
        assert registered < step.when.astimezone(zone).date(), key
        assert step.body != spec.body, key


@pytest.mark.parametrize("start", [date(2026, 1, 1), date(2027, 7, 1)])
def test_the_calendar_holds_on_every_day(start):
    bodies = {b.key: b for b in data.BODIES}
    signed_up = signed_up_day()
    for offset in range(366):
        today = start + timedelta(days=offset)
        central = ZoneInfo("America/Mexico_City")
        first_moment = datetime.combine(today, time(0, 0), tzinfo=central)
        last_moment = datetime.combine(today, time(23, 59), tzinfo=central)
        questions_open = set()
        for spec in data.CHALLENGES:
            body = bodies[spec.body]
            timeline = build_timeline(spec, today, body.time_zone)
            whens = [when for when, _action in timeline.steps]
            assert all(a < b for a, b in pairwise(whens)), (today, spec.key)
            assert whens[-1] < first_moment, (today, spec.key)
            dates = list(timeline.dates.values())
            assert all(a < b for a, b in pairwise(dates)), (today, spec.key)
            steps = {action: when for when, action in timeline.steps}
            if "approve" in steps:
                assert steps["approve"] < timeline.dates["questions_close_at"]
            for moment in (first_moment, last_moment):
                assert _stage_after(spec, timeline, moment) == spec.target, (today, spec.key)
            if spec.target == Stage.PUBLISHED:
                is_open = {
                    timeline.dates["questions_close_at"] > m for m in (first_moment, last_moment)
                }
                assert len(is_open) == 1, (today, spec.key)
                questions_open |= is_open
            _check_activity(
                spec, timeline, ZoneInfo(body.time_zone), first_moment, last_moment, signed_up
            )
            _check_bids(spec, timeline, today, ZoneInfo(body.time_zone), first_moment)
            _check_after_opening(
                spec, timeline, today, ZoneInfo(body.time_zone), first_moment, last_moment
            )
        # Both windows of a published challenge are on show.
        assert questions_open == {True, False}, today
