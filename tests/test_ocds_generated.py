"""OCDS over generated challenges (hypothesis) taken to every public stage.

Each example writes a challenge's rows straight into the database, step by step along its
life (questions, amendments, the opening act with its bids and admissibility, finalists, the
decision and its jury, the award and contract, milestones, progress, payments, the delivery,
or a cancellation or a deserted end), and records at each step the public ledger event the real
service would record: the OCDS listener publishes a release from the database as it stands.
Then every OCDS file must validate against the local schemas with the extensions, no release
before the opening act may show a bid, and the record must end in the challenge's stage.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retos.accounts.models import ExpertiseArea
from retos.challenges.models import Amendment
from retos.challenges.stages import PUBLIC_STAGES, Stage
from retos.clarifications.models import Question, QuestionStatus
from retos.contracts.models import (
    Award,
    Contract,
    Delivery,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    Payment,
)
from retos.decisions.models import Decision, DecisionReason, Outcome
from retos.documents.models import Document
from retos.evaluation.models import Finalist, FinalistSelection
from retos.ledger.services import event_record
from retos.ocds.build import TENDER_STATUS, ocid_for
from retos.ocds.models import Release
from retos.ocds.services import ACTIONS
from retos.proposals.models import Admissibility, OpeningAct, Proposal, Status
from tests.evaluation_helpers import member
from tests.factories import ChallengeFactory, CompanyFactory, UserFactory
from tests.test_ocds import check_every_endpoint, fetch

pytestmark = pytest.mark.django_db

# Text as people type it, hostile bits included (markup, quotes, line separators, emoji).
HOSTILE = ["<script>", "</script>", '"', "\\", "\u2028", "\u2029", "\x85", "'; DROP TABLE x;--"]
TEXT = (
    st.lists(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
            min_size=1,
            max_size=20,
        )
        | st.sampled_from(HOSTILE),
        min_size=1,
        max_size=4,
    )
    .map("".join)
    .map(str.strip)
    .filter(bool)
)
AMOUNT = st.decimals(min_value=Decimal("1000.00"), max_value=Decimal("999999999999.99"), places=2)
AREAS = list(ExpertiseArea.values)


@dataclass
class Plan:
    title: str
    amount: Decimal
    criteria: list[str]
    questions: list[tuple[str, str, bool]]
    amendments: list[str]
    bidders: list[tuple[str, Decimal, bool]]
    winner: int
    milestones: int
    paid: int
    cancel_after: Stage


@st.composite
def plans(draw, stage: Stage) -> Plan:
    needs_bids = stage not in (Stage.PUBLISHED, Stage.CLOSED, Stage.CANCELLED)
    bidders = draw(
        st.lists(
            st.tuples(TEXT, AMOUNT, st.booleans()), min_size=1 if needs_bids else 0, max_size=4
        )
    )
    if stage in (
        Stage.FINALISTS,
        Stage.DECIDED,
        Stage.AWARDED,
        Stage.IMPLEMENTATION,
        Stage.COMPLETED,
    ):
        # The finalists and the winner are among the admissible bids.
        bidders[0] = (bidders[0][0], bidders[0][1], True)
    milestones = draw(st.integers(1, 3))
    return Plan(
        title=draw(TEXT),
        amount=draw(AMOUNT),
        criteria=draw(st.lists(TEXT, min_size=1, max_size=5, unique_by=str.casefold)),
        questions=draw(st.lists(st.tuples(TEXT, TEXT, st.booleans()), max_size=3)),
        amendments=draw(st.lists(TEXT, max_size=2)),
        bidders=bidders,
        winner=0,
        milestones=milestones,
        paid=draw(st.integers(0, milestones)),
        cancel_after=draw(
            st.sampled_from([Stage.PUBLISHED, Stage.CLOSED, Stage.OPENED, Stage.EVALUATION])
        ),
    )


class Walk:
    """Writes one challenge's life and records each public event."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.now = timezone.now()
        self.user = UserFactory()
        self.events: list[str] = []
        self.act_release: int | None = None
        weights = _weights(len(plan.criteria))
        start = self.now - timedelta(days=300)
        self.challenge = ChallengeFactory(
            title=plan.title[:200],
            summary=plan.title[:400],
            amount=plan.amount,
            published_at=start,
            questions_close_at=start + timedelta(days=10),
            submissions_close_at=start + timedelta(days=20),
            evaluation_ends_at=start + timedelta(days=60),
            demo_day_at=start + timedelta(days=70),
            decision_at=start + timedelta(days=80),
            delivery_at=start + timedelta(days=250),
            criteria=[
                (name[:120], weight, AREAS[i % len(AREAS)])
                for i, (name, weight) in enumerate(zip(plan.criteria, weights, strict=True))
            ],
        )
        self.proposals: list[Proposal] = []

    def event(self, action: str, subject=None) -> None:
        with transaction.atomic():
            event_record(actor=None, action=action, subject=subject or self.challenge)
        self.events.append(action)

    def stage(self, stage: Stage, stamp: str | None = None, **fields) -> None:
        self.challenge.stage = stage
        update = ["stage", *fields]
        for name, value in fields.items():
            setattr(self.challenge, name, value)
        if stamp:
            setattr(self.challenge, stamp, self.now)
            update.append(stamp)
        self.challenge.save(update_fields=update)

    # --- the steps ---------------------------------------------------------------------------

    def published(self) -> None:
        self.event("challenge.approve")
        for n, (text, answer, answered) in enumerate(self.plan.questions, start=1):
            Question.objects.create(
                challenge=self.challenge,
                number=n,
                asker=self.user,
                company=CompanyFactory(),
                text=text,
                status=QuestionStatus.ANSWERED if answered else QuestionStatus.DECLINED,
                answer=answer if answered else "",
                decline_reason="" if answered else answer,
                resolved_at=self.now,
            )
            self.event("question.answered" if answered else "question.declined")
        for n, reason in enumerate(self.plan.amendments, start=1):
            Amendment.objects.create(
                challenge=self.challenge,
                number=n,
                reason=reason,
                changes=[{"field": "summary", "old": "a", "new": "b"}],
                actor=self.user,
            )
            self.event("challenge.amended")

    def closed(self) -> None:
        self.stage(Stage.CLOSED, "closed_at")
        self.event("challenge.close")

    def opened(self) -> None:
        entries = []
        for i, (name, price, _admissible) in enumerate(self.plan.bidders):
            company = CompanyFactory(name=name[:255])
            proposal = Proposal.objects.create(
                challenge=self.challenge,
                company=company,
                created_by=self.user,
                draft_saved_by=self.user,
                key_id="k",
                wrapped_key=b"k",
                draft=b"d",
                status=Status.SUBMITTED,
                submitted_at=self.now - timedelta(days=100, hours=i),
            )
            self.proposals.append(proposal)
            entries.append(
                {
                    "proposal": str(proposal.public_id),
                    "company": company.name,
                    "rfc": company.rfc,
                    "folio": secrets.token_hex(6),
                    "version": 1,
                    "received_at": proposal.submitted_at.isoformat(),
                    "price": f"{price:.2f}",
                    "licence": "MIT",
                    "content_sha256": "0" * 64,
                    "attachments": [],
                    "terms_version": 1,
                    "reconfirmed": True,
                }
            )
        OpeningAct.objects.create(
            challenge=self.challenge,
            first_officer=self.user,
            first_confirmed_at=self.now,
            second_officer=UserFactory(),
            opened_at=self.now,
            entries=entries,
            proposals_count=len(entries),
            withdrawn_count=0,
            sha256="a" * 64,
        )
        self.stage(Stage.OPENED, "opened_at")
        self.event("challenge.opening_act_published")
        self.act_release = Release.objects.filter(challenge=self.challenge).count()
        for proposal, (_name, _price, admissible) in zip(
            self.proposals, self.plan.bidders, strict=True
        ):
            proposal.admissibility = (
                Admissibility.ADMISSIBLE if admissible else Admissibility.INADMISSIBLE
            )
            proposal.admissibility_reason = "" if admissible else "Falta un requisito."
            proposal.admissibility_decided_at = self.now
            proposal.save()
            self.event("proposal.admissibility", proposal)

    def evaluation(self) -> None:
        self.stage(Stage.EVALUATION, "evaluation_at")
        self.event("challenge.start_evaluation")

    def finalists(self) -> None:
        chosen = [p for p, b in zip(self.proposals, self.plan.bidders, strict=True) if b[2]]
        selection = FinalistSelection.objects.create(
            challenge=self.challenge,
            proposed=[p.pk for p in chosen],
            confirmed=[p.pk for p in chosen],
            confirmed_by=self.user,
        )
        for position, proposal in enumerate(chosen, start=1):
            Finalist.objects.create(selection=selection, proposal=proposal, position=position)
        self.stage(Stage.FINALISTS, "finalists_at")
        self.event("finalists.confirmed", selection)
        self.event("challenge.confirm_finalists")

    def decided(self) -> None:
        member(self.challenge, areas=AREAS, chair=True)
        member(self.challenge, role="committee")
        winner = self.proposals[self.plan.winner]
        self.decision = Decision.objects.create(
            challenge=self.challenge,
            outcome=Outcome.WINNER,
            winner=winner,
            justification="La mejor propuesta según la rúbrica.",
            decided_by=self.user,
            complaints_close_at=self.now + timedelta(days=8),
            record_sha256="b" * 64,
        )
        for proposal in self.proposals[1:]:
            DecisionReason.objects.create(
                decision=self.decision, proposal=proposal, reason="Menor puntaje."
            )
        # As the decision service does: its event, then the transition.
        self.event("decision.published", self.decision)
        self.stage(Stage.DECIDED, "decided_at")
        self.event("challenge.decide")

    def deserted(self) -> None:
        member(self.challenge, areas=AREAS, chair=True)
        decision = Decision.objects.create(
            challenge=self.challenge,
            outcome=Outcome.DESERTED,
            justification="Ninguna propuesta alcanzó el mínimo.",
            decided_by=self.user,
            record_sha256="c" * 64,
        )
        self.event("decision.published", decision)
        self.stage(Stage.DESERTED, "deserted_at", outcome_reason="Ninguna alcanzó el mínimo.")
        self.event("challenge.declare_deserted")

    def awarded(self) -> None:
        winner = self.proposals[self.plan.winner]
        amount = min(self.plan.amount, self.plan.bidders[self.plan.winner][1])
        award = Award.objects.create(
            challenge=self.challenge,
            decision=self.decision,
            proposal=winner,
            supplier=winner.company,
            amount=amount,
            awarded_on=self.now.date(),
            recorded_by=self.user,
        )
        document = Document.objects.create(
            file="documents/contrato.pdf",
            original_name="contrato.pdf",
            content_type="application/pdf",
            size=10,
            sha256="d" * 64,
            uploaded_by=self.user,
        )
        contract = Contract.objects.create(
            award=award,
            number="CONT-1",
            signed_on=self.now.date(),
            document=document,
            starts_on=self.now.date(),
            ends_on=self.now.date() + timedelta(days=120),
            recorded_by=self.user,
        )
        share = (amount / self.plan.milestones).quantize(Decimal("0.01")) or Decimal("0.01")
        self.milestones = [
            Milestone.objects.create(
                contract=contract,
                number=n,
                title=f"Hito {n}",
                deliverables="Entregables del hito.",
                due_on=self.now.date() + timedelta(days=30 * n),
                amount=share,
            )
            for n in range(1, self.plan.milestones + 1)
        ]
        # As the award service does: its event, then the transition.
        self.event("award.recorded", award)
        self.stage(Stage.AWARDED, "awarded_at")
        self.event("challenge.award")

    def implementation(self) -> None:
        self.stage(Stage.IMPLEMENTATION, "implementation_at")
        self.event("challenge.start_implementation")
        for milestone in self.milestones:
            MilestoneUpdate.objects.create(
                milestone=milestone, progress=50, note="Avance.", author=self.user
            )
            self.event("milestone.progress", milestone)
        for milestone in self.milestones[: self.plan.paid]:
            milestone.status = MilestoneStatus.ACCEPTED
            milestone.accepted_at = self.now
            milestone.save()
            self.event("milestone.accepted", milestone)
            payment = Payment.objects.create(
                milestone=milestone,
                amount=milestone.amount,
                paid_on=self.now.date(),
                reference=f"SPEI-{milestone.number}",
                recorded_by=self.user,
            )
            self.event("payment.recorded", payment)

    def completed(self) -> None:
        delivery = Delivery.objects.create(
            challenge=self.challenge,
            number=1,
            repository_url="https://example.org/herramienta",
            licence="MIT",
            publiccode_yml="publiccodeYmlVersion: '0.4'",
            submitted_by=self.user,
            status="accepted",
            reviewed_by=self.user,
            reviewed_at=self.now,
        )
        self.event("delivery.reviewed", delivery)
        self.stage(Stage.COMPLETED, "completed_at")
        self.event("challenge.complete")

    def cancelled(self) -> None:
        self.stage(Stage.CANCELLED, "cancelled_at", outcome_reason="Ya no se necesita.")
        self.event("challenge.cancel")

    def run_to(self, target: Stage) -> None:
        path = [
            (Stage.PUBLISHED, self.published),
            (Stage.CLOSED, self.closed),
            (Stage.OPENED, self.opened),
            (Stage.EVALUATION, self.evaluation),
            (Stage.FINALISTS, self.finalists),
            (Stage.DECIDED, self.decided),
            (Stage.AWARDED, self.awarded),
            (Stage.IMPLEMENTATION, self.implementation),
            (Stage.COMPLETED, self.completed),
        ]
        stop = {Stage.CANCELLED: self.plan.cancel_after, Stage.DESERTED: Stage.EVALUATION}.get(
            target, target
        )
        for stage, step in path:
            step()
            if stage == stop:
                break
        if target == Stage.CANCELLED:
            self.cancelled()
        elif target == Stage.DESERTED:
            self.deserted()


def _weights(n: int) -> list[Decimal]:
    base = (Decimal(100) / n).quantize(Decimal("0.01"))
    return [base] * (n - 1) + [Decimal(100) - base * (n - 1)]


@pytest.mark.parametrize("stage", PUBLIC_STAGES, ids=lambda s: s.value)
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_file_validates_for_generated_challenges_at_every_stage(client, stage, data):
    plan = data.draw(plans(stage))
    with transaction.atomic():
        walk = Walk(plan)
        walk.run_to(stage)
        package = check_every_endpoint(client)
        releases = [r for r in package["releases"] if r["ocid"] == ocid_for(walk.challenge.pk)]
        # One release per public event the listener maps, in order.
        assert len(releases) == sum(1 for action in walk.events if action in ACTIONS)
        tags = [tag for release in releases for tag in release["tag"]]
        assert releases[0]["tag"] == ["planning", "tender"]
        expected = {
            Stage.DECIDED: "award",
            Stage.AWARDED: "contract",
            Stage.IMPLEMENTATION: "implementation",
            Stage.COMPLETED: "contractTermination",
            Stage.CANCELLED: "tenderCancellation",
        }
        if stage in expected:
            assert expected[stage] in tags, tags
        if stage == Stage.CANCELLED:
            assert releases[-1]["tag"] == ["tenderCancellation"]
        # No bid data before the opening act's release; the bids from it on.
        first_bid = walk.act_release - 1 if walk.act_release is not None else len(releases)
        for release in releases[:first_bid]:
            assert "bids" not in release and "tenderers" not in release["tender"]
            roles = {role for party in release["parties"] for role in party["roles"]}
            assert "tenderer" not in roles
        assert all("bids" in release for release in releases[first_bid:])
        (record,) = json.loads(fetch(client, f"/ocds/records/{releases[0]['ocid']}.json"))[
            "records"
        ]
        assert record["compiledRelease"]["tender"]["status"] == TENDER_STATUS[stage]
        if stage in (Stage.DECIDED, Stage.AWARDED, Stage.IMPLEMENTATION, Stage.COMPLETED):
            (award,) = record["compiledRelease"]["awards"]
            assert award["status"] == ("pending" if stage == Stage.DECIDED else "active")
            assert record["compiledRelease"]["tender"]["designContest"]["juryMembers"]
        if stage == Stage.COMPLETED:
            (contract,) = record["compiledRelease"]["contracts"]
            assert contract["status"] == "terminated"
            transactions = contract.get("implementation", {}).get("transactions", [])
            assert len(transactions) == plan.paid
        transaction.set_rollback(True)


def test_a_release_at_the_end_of_the_life_costs_the_same_queries_with_few_and_many_rows():
    """The release of a completed challenge reads a fixed number of queries whatever the
    number of its criteria, questions, amendments, bids, finalists, milestones and payments."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(n: int) -> int:
        plan = Plan(
            title="Reto",
            amount=Decimal("1000000.00"),
            criteria=[f"Criterio {i}" for i in range(n)],
            questions=[(f"¿Pregunta {i}?", "Respuesta.", i % 2 == 0) for i in range(n)],
            amendments=[f"Motivo {i}" for i in range(n)],
            bidders=[(f"Empresa {i}", Decimal("900000.00"), True) for i in range(n)],
            winner=0,
            milestones=n,
            paid=n,
            cancel_after=Stage.PUBLISHED,
        )
        with transaction.atomic():
            walk = Walk(plan)
            walk.run_to(Stage.COMPLETED)
            with CaptureQueriesContext(connection) as ctx:
                walk.event("challenge.complete")
            transaction.set_rollback(True)
        return len(ctx.captured_queries)

    small, large = cost(1), cost(4)
    assert small == large, (small, large)
    # savepoint, the ledger append (lock, head, insert), the release (challenge and previous
    # releases, then one query per part of the record), the insert, release savepoint.
    assert large <= 25, large
