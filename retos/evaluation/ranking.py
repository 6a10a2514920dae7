"""Reads of the ranking and the finalists.

``challenge_ranking`` reads the scores that count (``Score.objects.current()``) of a challenge's
admissible proposals and ranks them with ``aggregation.rank`` under the challenge's evaluation
settings, together with what the page needs around it (the proposals, their labels, the scoring
progress), in a constant number of queries. ``ranking_page`` is the page's fetch-and-authorize;
``finalists_summary`` is the challenge page's finalists panel.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from retos.challenges.models import Challenge, Criterion
from retos.challenges.selectors import challenge_for_view
from retos.core import rules
from retos.evaluation import aggregation
from retos.evaluation.models import (
    ConflictDeclaration,
    EvaluationSettings,
    Finalist,
    MemberRole,
    MemberStatus,
    PanelMember,
    Round,
    Score,
)
from retos.proposals.models import Admissibility, Proposal, ProposalVersion, Status


def evaluation_settings(challenge: Challenge) -> EvaluationSettings:
    """The challenge's settings, or the defaults (unsaved) when the agency set none."""
    cached = challenge.__dict__.get("_evaluation_settings")
    if cached is None:
        cached = EvaluationSettings.objects.filter(challenge=challenge).first()
        if cached is None:
            cached = EvaluationSettings(challenge=challenge)
        challenge.__dict__["_evaluation_settings"] = cached
    return cached


# ---------------------------------------------------------------------------------------------
# Neutral labels for a blind round


def blind_labels(proposals) -> dict[int, str]:
    """A neutral label per proposal for a blind round ("Proposal 3F9A0C21DE"): the code the
    evaluators' pages use (``blind.blind_code``, from a secret), so the chair can match the
    ranking with the scoring pages, and nothing in it points at the public opening act."""
    from retos.evaluation.blind import blind_code

    return {p.pk: _("Proposal %(code)s") % {"code": blind_code(p)} for p in proposals}


# ---------------------------------------------------------------------------------------------
# Scoring progress


@dataclass(frozen=True)
class Missing:
    """A panel member who has not submitted every criterion of one proposal they must score."""

    member: PanelMember
    proposal: Proposal
    criteria: int  # how many criteria are still without a submitted score
    label: str = ""  # the proposal's neutral label


@dataclass(frozen=True)
class Progress:
    members: int
    #: (member, proposal) pairs to score: every accepted member × every proposal they are not
    #: recused from.
    expected: int
    done: int
    missing: tuple[Missing, ...]

    @property
    def complete(self) -> bool:
        return self.members > 0 and not self.missing


# ---------------------------------------------------------------------------------------------
# The ranking of one challenge


@dataclass(frozen=True)
class Cell:
    criterion: Criterion
    result: aggregation.CriterionResult


@dataclass(frozen=True)
class Entry:
    """A row with what a page shows around it."""

    row: aggregation.Row
    proposal: Proposal
    company: str
    label: str
    cells: tuple[Cell, ...]

    @property
    def flagged_names(self) -> list[str]:
        return [c.criterion.name for c in self.cells if c.result.disagreement]


@dataclass(frozen=True)
class ChallengeRanking(aggregation.Ranking):
    """``aggregation.Ranking`` of one challenge, with its proposals, labels and progress."""

    challenge: Challenge | None = None
    round: str = Round.PROPOSALS
    settings: EvaluationSettings | None = None
    entries: tuple[Entry, ...] = ()
    progress: Progress | None = None
    proposals: dict = field(default_factory=dict)

    @property
    def finalists_count(self) -> int:
        return self.challenge.finalists_count

    @property
    def proposed(self) -> list[int]:
        """The ranking's proposal of finalists: the top N eligible, in rank order."""
        return [r.proposal for r in self.eligible_rows][: self.challenge.finalists_count]

    @property
    def eligible_entries(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.row.eligible)

    def record(self) -> dict:
        """The ranking as stored with a finalist selection: ``to_json`` plus company names."""
        data = self.to_json()
        for row in data["rows"]:
            proposal = self.proposals[row["proposal"]]
            row["company"] = proposal.company.name
            row["submitted_at"] = (
                proposal.counted_received_at.isoformat() if proposal.counted_received_at else None
            )
        data["round"] = self.round
        return data


def _proposals(challenge: Challenge, round: str) -> list[Proposal]:
    counted = ProposalVersion.objects.filter(proposal=OuterRef("pk")).order_by("-number")
    qs = Proposal.objects.filter(challenge=challenge, status=Status.SUBMITTED)
    if round == Round.DEMOS:
        qs = qs.filter(
            finalist_entries__selection__challenge=challenge,
            finalist_entries__selection__voided_at__isnull=True,
        )
    else:
        qs = qs.filter(admissibility=Admissibility.ADMISSIBLE)
    proposals = list(
        qs.select_related("company")
        .annotate(counted_received_at=Subquery(counted.values("received_at")[:1]))
        .order_by("pk")
    )
    for p in proposals:
        p.challenge = challenge
    return proposals


def challenge_ranking(challenge: Challenge, *, round: str = Round.PROPOSALS) -> ChallengeRanking:
    """The ranking of ``challenge``'s admissible proposals (the finalists, for the demos round)
    from the scores that count, by the challenge's method; six queries, whatever the size.

    Only accepted members of the round's panel count (experts for the proposals, the decision
    committee for the demos), and never on a proposal they declared a conflict with.
    """
    settings = evaluation_settings(challenge)
    criteria = list(Criterion.objects.filter(challenge=challenge).order_by("position", "id"))
    proposals = _proposals(challenge, round)
    by_id = {p.pk: p for p in proposals}
    role = MemberRole.COMMITTEE if round == Round.DEMOS else MemberRole.EXPERT
    members = list(
        PanelMember.objects.filter(challenge=challenge, role=role, status=MemberStatus.ACCEPTED)
        .select_related("user")
        .order_by("full_name", "pk")
    )
    conflicts = set(
        ConflictDeclaration.objects.filter(
            member__challenge=challenge, has_conflict=True
        ).values_list("member_id", "proposal_id")
    )
    recused = ConflictDeclaration.objects.filter(
        member=OuterRef("member"), proposal=OuterRef("proposal"), has_conflict=True
    )
    rows = list(
        Score.objects.current()
        .filter(
            proposal_id__in=list(by_id),
            round=round,
            criterion__challenge=challenge,
            member__challenge=challenge,
            member__role=role,
            member__status=MemberStatus.ACCEPTED,
        )
        .exclude(Exists(recused))
        .values_list("member_id", "proposal_id", "criterion_id", "value")
    )
    scores = [
        aggregation.ScoreInput(expert=m, proposal=p, criterion=c, value=v) for m, p, c, v in rows
    ]
    base = aggregation.rank(
        criteria=[
            aggregation.CriterionInput(id=c.pk, weight=c.weight, position=c.position, name=c.name)
            for c in criteria
        ],
        scores=scores,
        proposals=[
            aggregation.ProposalInput(id=p.pk, submitted_at=p.counted_received_at)
            for p in proposals
        ],
        method=settings.method,
        disagreement_threshold=Decimal(settings.disagreement_threshold),
        minimum_score=Decimal(settings.minimum_score),
    )
    labels = blind_labels(proposals)
    criteria_by_id = {c.pk: c for c in criteria}
    entries = tuple(
        Entry(
            row=row,
            proposal=by_id[row.proposal],
            company=by_id[row.proposal].company.name,
            label=labels[row.proposal],
            cells=tuple(Cell(criteria_by_id[r.criterion], r) for r in row.criteria),
        )
        for row in base.rows
    )
    return ChallengeRanking(
        **{f.name: getattr(base, f.name) for f in fields(aggregation.Ranking)},
        challenge=challenge,
        round=round,
        settings=settings,
        entries=entries,
        progress=_progress(members, proposals, conflicts, rows, len(criteria), labels),
        proposals=by_id,
    )


def _progress(members, proposals, conflicts, rows, criteria: int, labels) -> Progress:
    submitted = Counter((m, p) for m, p, _c, _v in rows)
    missing = []
    expected = done = 0
    for member in members:
        for proposal in proposals:
            if (member.pk, proposal.pk) in conflicts:
                continue
            expected += 1
            have = submitted.get((member.pk, proposal.pk), 0)
            if have >= criteria:
                done += 1
            else:
                missing.append(
                    Missing(
                        member=member,
                        proposal=proposal,
                        criteria=criteria - have,
                        label=labels[proposal.pk],
                    )
                )
    return Progress(members=len(members), expected=expected, done=done, missing=tuple(missing))


# ---------------------------------------------------------------------------------------------
# The ranking page


@dataclass(frozen=True)
class RankingPage:
    challenge: Challenge
    ranking: ChallengeRanking
    show_names: bool
    can_confirm: bool


def ranking_page(user, slug: str) -> RankingPage:
    """The ranking of a visible challenge for whoever may see it (``ranking:view``).

    404 when the challenge is not visible or has not reached evaluation (there is no ranking
    yet); ``PermissionDenied`` for anyone else.
    """
    challenge = challenge_for_view(user, slug)
    if challenge.evaluation_at is None:
        raise Http404
    if not rules.can(user, "ranking:view", challenge):
        raise PermissionDenied("ranking:view")
    return RankingPage(
        challenge=challenge,
        ranking=challenge_ranking(challenge),
        show_names=rules.can(user, "ranking:view_names", challenge),
        can_confirm=rules.can(user, "finalists:confirm", challenge),
    )


# ---------------------------------------------------------------------------------------------
# The finalists


@dataclass(frozen=True)
class FinalistEntry:
    position: int
    proposal: Proposal
    company: str


def finalist_entries(challenge: Challenge) -> list[Finalist]:
    """The finalists of the selection in force, in order, with their selection (one query)."""
    return list(
        Finalist.objects.filter(selection__challenge=challenge, selection__voided_at__isnull=True)
        .select_related("selection", "proposal__company")
        .order_by("position")
    )


def finalists_summary(user, challenge) -> dict | None:
    """What the challenge page shows of the finalists to ``user`` (None: nothing).

    Once confirmed, everyone who sees the challenge sees the finalists (company names) and,
    when the approver departed from the ranking's proposal, the published justification.
    Before that, during evaluation, the body's approvers get the link to confirm them and whoever
    may read the ranking a link to it. A constant number of queries (none before evaluation).
    """
    if challenge.evaluation_at is None:
        return None
    finalists = finalist_entries(challenge)
    can_view_ranking = rules.can(user, "ranking:view", challenge)
    if finalists:
        selection = finalists[0].selection
        return {
            "confirmed": True,
            "selection": selection,
            "finalists": [
                FinalistEntry(
                    position=f.position, proposal=f.proposal, company=f.proposal.company.name
                )
                for f in finalists
            ],
            "deviates": selection.deviates,
            "justification": selection.justification,
            "can_view_ranking": can_view_ranking,
        }
    can_confirm = rules.can(user, "finalists:confirm", challenge)
    if can_confirm or can_view_ranking:
        return {
            "confirmed": False,
            "can_confirm": can_confirm,
            "can_view_ranking": can_view_ranking,
        }
    return None
