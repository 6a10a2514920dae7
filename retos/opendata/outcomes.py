"""The open-data files of what follows the opening act: the evaluation's scores and the
conflict-of-interest declarations (published with the decision), the awards, the contracts,
their milestones and the payments.

What these files may contain is decided here and only here:

- scores and declarations: only of public challenges with a decision in force
  (``Decision.objects.in_force()``, published by now). A challenge still in evaluation, in the
  finalists stage, or whose decision an upheld complaint voided contributes nothing, not even
  a row count. The scores are the *current* ones (``Score.objects.current()``: submitted, not
  superseded by a chair's correction; the correction names the value it replaced) of the
  admissible counted proposals — the same scores the decision's public record lists;
- awards, contracts, milestones and payments: those of public challenges whose award rests on
  the decision in force. A contract's milestones are a separate file (one row per milestone)
  rather than columns of the contract's row, because a contract has any number of them; the
  contract's row carries their count and totals, and the files join on ``challenge`` (a
  challenge has at most one contract) and ``milestone``.

Each file is one query (aggregates are subqueries), read in chunks and streamed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retos.challenges.models import Challenge
from retos.contracts.models import (
    Award,
    Contract,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    Payment,
)
from retos.decisions.models import Decision
from retos.evaluation.models import ConflictDeclaration, Round, Score
from retos.opendata.columns import CHUNK_SIZE, Column, Dataset, day, decimal, utc
from retos.proposals.models import Admissibility, Status

CURRENCY = "MXN"


def decided_challenges(now: datetime):
    """The ids of the public challenges whose decision in force was published by ``now``: the
    only ones whose scores and declarations are public."""
    in_force = Decision.objects.in_force().filter(challenge=OuterRef("pk"), published_at__lte=now)
    return Challenge.objects.public(now).filter(Exists(in_force)).values("pk")


def awarded_challenges(now: datetime):
    """The ids of the public challenges with an award resting on the decision in force."""
    return (
        Challenge.objects.public(now)
        .filter(award__isnull=False, award__decision__voided_at__isnull=True)
        .values("pk")
    )


def _count(queryset, group: str):
    rows = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _sum(queryset, group: str, field: str):
    rows = queryset.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(
        Subquery(rows, output_field=DecimalField(max_digits=16, decimal_places=2)),
        Value(0, output_field=DecimalField(max_digits=16, decimal_places=2)),
    )


# ---------------------------------------------------------------------------------------------
# Scores


def scores(now: datetime | None = None) -> Iterator[Score]:
    """The current scores of the admissible proposals of challenges with a decision in force,
    by challenge (in order of publication), round (proposals, then demos), proposal (in order of
    receipt), criterion (in the terms' order) and evaluator."""
    now = now or timezone.now()
    return (
        Score.objects.current()
        .filter(
            proposal__challenge__in=decided_challenges(now),
            proposal__status=Status.SUBMITTED,
            proposal__admissibility=Admissibility.ADMISSIBLE,
        )
        .select_related(
            "member", "proposal__company", "proposal__challenge", "criterion", "corrects"
        )
        .annotate(round_order=Case(When(round=Round.PROPOSALS, then=Value(0)), default=Value(1)))
        .order_by(
            "proposal__challenge__published_at",
            "proposal__challenge_id",
            "round_order",
            "proposal__submitted_at",
            "proposal_id",
            "criterion__position",
            "criterion_id",
            "member__full_name",
            "member_id",
            "id",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )


SCORE_COLUMNS: list[Column] = [
    Column(
        "challenge",
        "text",
        _("The identifier of the challenge (the “slug” of the challenges file)."),
        lambda s: s.proposal.challenge.slug,
    ),
    Column(
        "round",
        "text",
        _(
            "The round (a code): “proposals” (the expert panel scores the proposals) or "
            "“demos” (the decision committee scores the finalists' demos)."
        ),
        lambda s: s.round,
    ),
    Column(
        "proposal",
        "text",
        _("The proposal's public identifier, as in the opening act and the proposals file."),
        lambda s: str(s.proposal.public_id),
    ),
    Column(
        "company",
        "text",
        _("The name of the company that made the proposal."),
        lambda s: s.proposal.company.name,
    ),
    Column(
        "evaluator",
        "text",
        _("The full name of the panel member who gave the score, as the decision publishes it."),
        lambda s: s.member.full_name,
    ),
    Column(
        "evaluator_role",
        "text",
        _(
            "The member's role (a code): “expert” (expert panel) or “committee” (decision "
            "committee)."
        ),
        lambda s: s.member.role,
    ),
    Column(
        "criterion",
        "text",
        _("The evaluation criterion, as published in the terms."),
        lambda s: s.criterion.name,
    ),
    Column(
        "weight",
        "decimal",
        _("The criterion's weight, in percent (the weights of a challenge add up to 100)."),
        lambda s: decimal(s.criterion.weight),
    ),
    Column(
        "value",
        "decimal",
        _("The score, from 0 to 10 with one decimal."),
        lambda s: decimal(s.value, 1),
    ),
    Column(
        "justification",
        "text",
        _("The evaluator's written reason for the score (required for every score)."),
        lambda s: s.justification,
    ),
    Column(
        "submitted_at",
        "datetime",
        _("When the score was submitted (or the correction written)."),
        lambda s: utc(s.submitted_at),
    ),
    Column(
        "corrected_from",
        "decimal",
        _(
            "For a correction by the panel chair: the value of the score it replaced (empty "
            "otherwise). Only the current score of each evaluator, criterion and proposal is a row."
        ),
        lambda s: decimal(s.corrects.value, 1) if s.corrects_id else None,
    ),
    Column(
        "correction_reason",
        "text",
        _("For a correction: the chair's published reason (empty otherwise)."),
        lambda s: s.correction_reason or None,
    ),
]


# ---------------------------------------------------------------------------------------------
# Conflict-of-interest declarations


def conflicts(now: datetime | None = None) -> Iterator[ConflictDeclaration]:
    """Every panel member's declaration about each counted bidder, of the challenges with a
    decision in force."""
    now = now or timezone.now()
    return (
        ConflictDeclaration.objects.filter(
            member__challenge__in=decided_challenges(now), proposal__status=Status.SUBMITTED
        )
        .select_related("member__challenge", "proposal__company")
        .order_by(
            "member__challenge__published_at",
            "member__challenge_id",
            "member__role",
            "member__full_name",
            "member_id",
            "proposal__submitted_at",
            "proposal_id",
            "id",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )


CONFLICT_COLUMNS: list[Column] = [
    Column(
        "challenge",
        "text",
        _("The identifier of the challenge (the “slug” of the challenges file)."),
        lambda d: d.member.challenge.slug,
    ),
    Column(
        "evaluator",
        "text",
        _("The full name of the panel member who declared."),
        lambda d: d.member.full_name,
    ),
    Column(
        "evaluator_role",
        "text",
        _(
            "The member's role (a code): “expert” (expert panel) or “committee” (decision "
            "committee)."
        ),
        lambda d: d.member.role,
    ),
    Column(
        "proposal",
        "text",
        _("The proposal's public identifier, as in the opening act and the proposals file."),
        lambda d: str(d.proposal.public_id),
    ),
    Column(
        "company",
        "text",
        _("The bidding company the declaration is about."),
        lambda d: d.proposal.company.name,
    ),
    Column(
        "conflict",
        "boolean",
        _(
            "Whether the member declared a conflict of interest (and so was recused from that "
            "proposal)."
        ),
        lambda d: d.has_conflict,
    ),
    Column(
        "note",
        "text",
        _("The member's note (required when there is a conflict)."),
        lambda d: d.note or None,
    ),
    Column(
        "declared_at", "datetime", _("When the declaration was made."), lambda d: utc(d.declared_at)
    ),
]


# ---------------------------------------------------------------------------------------------
# Awards


def awards(now: datetime | None = None) -> Iterator[Award]:
    now = now or timezone.now()
    return (
        Award.objects.filter(challenge__in=awarded_challenges(now))
        .select_related("challenge", "supplier", "proposal", "decision")
        .order_by("awarded_on", "recorded_at", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


AWARD_COLUMNS: list[Column] = [
    Column(
        "challenge",
        "text",
        _("The identifier of the challenge (the “slug” of the challenges file)."),
        lambda a: a.challenge.slug,
    ),
    Column(
        "proposal",
        "text",
        _(
            "The winning proposal's public identifier, as in the opening act and the proposals "
            "file."
        ),
        lambda a: str(a.proposal.public_id),
    ),
    Column(
        "supplier",
        "text",
        _("The supplier: the winning company's name."),
        lambda a: a.supplier.name,
    ),
    Column(
        "rfc", "text", _("The supplier's RFC (Mexican taxpayer number)."), lambda a: a.supplier.rfc
    ),
    Column(
        "amount",
        "decimal",
        _("The amount awarded, in Mexican pesos (never more than the challenge's amount)."),
        lambda a: decimal(a.amount),
    ),
    Column(
        "challenge_amount",
        "decimal",
        _("The contract amount the challenge published, in Mexican pesos."),
        lambda a: decimal(a.challenge.amount),
    ),
    Column("currency", "text", _("The currency of the amounts: always MXN."), lambda a: CURRENCY),
    Column("awarded_on", "date", _("The date of the award."), lambda a: day(a.awarded_on)),
    Column(
        "decision_published_at",
        "datetime",
        _("When the decision (fallo) the award rests on was published."),
        lambda a: utc(a.decision.published_at),
    ),
]


# ---------------------------------------------------------------------------------------------
# Contracts, milestones and payments


def _contracts_in_force(now: datetime):
    return Contract.objects.filter(award__challenge__in=awarded_challenges(now))


def contracts(now: datetime | None = None) -> Iterator[Contract]:
    now = now or timezone.now()
    milestones = Milestone.objects.filter(contract=OuterRef("pk"))
    done = milestones.filter(status__in=[MilestoneStatus.ACCEPTED, MilestoneStatus.PAID])
    payments = Payment.objects.filter(milestone__contract=OuterRef("pk"))
    return (
        _contracts_in_force(now)
        .select_related("award__challenge", "award__supplier", "document")
        .annotate(
            milestones_count=_count(milestones, "contract"),
            milestones_amount=_sum(milestones, "contract", "amount"),
            milestones_accepted=_count(done, "contract"),
            paid_amount=_sum(payments, "milestone__contract", "amount"),
        )
        .order_by("signed_on", "recorded_at", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


CONTRACT_COLUMNS: list[Column] = [
    Column(
        "challenge",
        "text",
        _("The identifier of the challenge (the “slug” of the challenges file)."),
        lambda c: c.award.challenge.slug,
    ),
    Column(
        "contract", "text", _("The contract number the agency gave it."), lambda c: c.number or None
    ),
    Column(
        "supplier",
        "text",
        _("The supplier: the winning company's name."),
        lambda c: c.award.supplier.name,
    ),
    Column(
        "rfc",
        "text",
        _("The supplier's RFC (Mexican taxpayer number)."),
        lambda c: c.award.supplier.rfc,
    ),
    Column(
        "amount",
        "decimal",
        _("The amount awarded, in Mexican pesos."),
        lambda c: decimal(c.award.amount),
    ),
    Column("currency", "text", _("The currency of the amounts: always MXN."), lambda c: CURRENCY),
    Column("signed_on", "date", _("The date the contract was signed."), lambda c: day(c.signed_on)),
    Column("starts_on", "date", _("The date the contract starts."), lambda c: day(c.starts_on)),
    Column("ends_on", "date", _("The date the contract ends."), lambda c: day(c.ends_on)),
    Column(
        "document_sha256",
        "text",
        _("The SHA-256 of the signed contract's file, as its download on the contract page."),
        lambda c: c.document.sha256,
    ),
    Column(
        "milestones",
        "integer",
        _("The number of milestones (each is a row of the milestones file)."),
        lambda c: c.milestones_count,
    ),
    Column(
        "milestones_amount",
        "decimal",
        _("The sum of the milestones' payment amounts, in Mexican pesos."),
        lambda c: decimal(c.milestones_amount),
    ),
    Column(
        "milestones_accepted",
        "integer",
        _("The number of milestones the agency has accepted (paid or not yet)."),
        lambda c: c.milestones_accepted,
    ),
    Column(
        "paid_amount",
        "decimal",
        _("The sum of the payments recorded so far, in Mexican pesos."),
        lambda c: decimal(c.paid_amount),
    ),
]


def milestones(now: datetime | None = None) -> Iterator[Milestone]:
    now = now or timezone.now()
    latest = (
        MilestoneUpdate.objects.filter(milestone=OuterRef("pk"))
        .order_by("-posted_at", "-id")
        .values("progress")[:1]
    )
    return (
        Milestone.objects.filter(contract__in=_contracts_in_force(now))
        .select_related("contract__award__challenge")
        .annotate(progress=Subquery(latest, output_field=IntegerField()))
        .order_by("contract__signed_on", "contract__recorded_at", "contract_id", "number")
        .iterator(chunk_size=CHUNK_SIZE)
    )


MILESTONE_COLUMNS: list[Column] = [
    Column(
        "challenge",
        "text",
        _("The identifier of the challenge (the “slug” of the challenges file)."),
        lambda m: m.contract.award.challenge.slug,
    ),
    Column(
        "contract",
        "text",
        _("The contract number (the “contract” of the contracts file)."),
        lambda m: m.contract.number or None,
    ),
    Column(
        "milestone",
        "integer",
        _("The milestone's number within its contract (1, 2, …)."),
        lambda m: m.number,
    ),
    Column("title", "text", _("The milestone's title."), lambda m: m.title),
    Column(
        "deliverables",
        "text",
        _("What the supplier must deliver for the milestone."),
        lambda m: m.deliverables,
    ),
    Column("due_on", "date", _("The date the milestone is due."), lambda m: day(m.due_on)),
    Column(
        "amount",
        "decimal",
        _("The payment the milestone carries, in Mexican pesos."),
        lambda m: decimal(m.amount),
    ),
    Column(
        "status",
        "text",
        _(
            "Where the milestone stands (a code): planned, in_progress, submitted, accepted or "
            "paid."
        ),
        lambda m: m.status,
    ),
    Column(
        "progress",
        "integer",
        _("The progress the supplier last reported, in percent (empty if none was reported)."),
        lambda m: m.progress,
    ),
    Column(
        "submitted_at",
        "datetime",
        _("When the supplier last submitted the milestone for acceptance (empty if not)."),
        lambda m: utc(m.submitted_at),
    ),
    Column(
        "accepted_at",
        "datetime",
        _("When the agency accepted the milestone (empty if not yet)."),
        lambda m: utc(m.accepted_at),
    ),
]


def payments(now: datetime | None = None) -> Iterator[Payment]:
    now = now or timezone.now()
    return (
        Payment.objects.filter(milestone__contract__in=_contracts_in_force(now))
        .select_related(
            "milestone__contract__award__challenge", "milestone__contract__award__supplier"
        )
        .order_by("paid_on", "recorded_at", "pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


PAYMENT_COLUMNS: list[Column] = [
    Column(
        "challenge",
        "text",
        _("The identifier of the challenge (the “slug” of the challenges file)."),
        lambda p: p.milestone.contract.award.challenge.slug,
    ),
    Column(
        "contract",
        "text",
        _("The contract number (the “contract” of the contracts file)."),
        lambda p: p.milestone.contract.number or None,
    ),
    Column(
        "milestone",
        "integer",
        _("The number of the milestone paid (the “milestone” of the milestones file)."),
        lambda p: p.milestone.number,
    ),
    Column(
        "supplier",
        "text",
        _("The supplier paid: the winning company's name."),
        lambda p: p.milestone.contract.award.supplier.name,
    ),
    Column(
        "amount", "decimal", _("The amount paid, in Mexican pesos."), lambda p: decimal(p.amount)
    ),
    Column("currency", "text", _("The currency of the amounts: always MXN."), lambda p: CURRENCY),
    Column("paid_on", "date", _("The date of the payment."), lambda p: day(p.paid_on)),
    Column(
        "reference",
        "text",
        _("The payment's reference, as the agency recorded it."),
        lambda p: p.reference,
    ),
]


DATASETS: list[Dataset] = [
    Dataset(
        "puntajes",
        _("Scores"),
        _(
            "Every current score of the evaluation, with the evaluator's name and written "
            "justification: the experts' scores of the proposals and the decision committee's "
            "scores of the finalists' demos. A challenge's scores appear only once its "
            "decision (fallo) is published and while it is in force."
        ),
        SCORE_COLUMNS,
        scores,
        note=_(
            "One row per evaluator, proposal, criterion and round. When the panel chair "
            "corrected a score, the row is the correction, and “corrected_from” gives the value "
            "it replaced. If an upheld complaint voids a decision, the challenge's scores leave "
            "this file until a new decision is published."
        ),
    ),
    Dataset(
        "conflictos",
        _("Conflict-of-interest declarations"),
        _(
            "What each panel member declared about each bidder before reading any proposal: a "
            "conflict of interest (the member was then recused from it) or none. Published "
            "with the decision, like the scores."
        ),
        CONFLICT_COLUMNS,
        conflicts,
    ),
    Dataset(
        "adjudicaciones",
        _("Awards"),
        _(
            "Each award: the supplier, the amount awarded against the challenge's amount, and "
            "the date. Recorded after the complaint window closed with no complaint open."
        ),
        AWARD_COLUMNS,
        awards,
    ),
    Dataset(
        "contratos",
        _("Contracts"),
        _(
            "Each signed contract, with its dates, the digest of the signed document, and the "
            "count and totals of its milestones and payments."
        ),
        CONTRACT_COLUMNS,
        contracts,
        note=_(
            "A contract has any number of milestones, so they are a file of their own (one row "
            "per milestone) instead of columns here. A challenge has at most one contract: "
            "join the files on “challenge”."
        ),
    ),
    Dataset(
        "hitos",
        _("Contract milestones"),
        _(
            "Each milestone of each contract: its deliverables, due date and payment amount, "
            "where it stands and the progress the supplier last reported."
        ),
        MILESTONE_COLUMNS,
        milestones,
    ),
    Dataset(
        "pagos",
        _("Payments"),
        _("Each payment the agency recorded, for an accepted milestone."),
        PAYMENT_COLUMNS,
        payments,
        note=_(
            "Join with the milestones file on “challenge” and “milestone”; a milestone is paid "
            "at most once."
        ),
    ),
]
