"""Reads of the evaluation app: the settings, the panel and its coverage, an evaluator's work,
the chair's progress, and what the challenge page shows.

Fetch-and-authorize selectors raise ``Http404`` both for what does not exist and for what the
person may not see: a panel, a proposal under evaluation and a score are private until the
decision. Each read costs a bounded number of queries whatever the number of members,
proposals or scores (see the query-budget tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from retos.accounts.models import ExpertiseArea
from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.core import rules
from retos.evaluation.blind import blind_code
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
from retos.evaluation.permissions import (
    DECLARE_STAGES,
    ROUND_OF_ROLE,
    STAGE_OF_ROUND,
    evaluator_access,
    finalist_ids,
    member_of,
)
from retos.organizations.models import Role
from retos.organizations.selectors import has_role
from retos.proposals.models import Admissibility, Proposal, Status

# --- Settings --------------------------------------------------------------------------------


def settings_of(challenge) -> EvaluationSettings:
    """The challenge's evaluation settings; an unsaved row with the defaults when the approver
    has not set them yet."""
    try:
        return EvaluationSettings.objects.get(challenge_id=challenge.pk)
    except EvaluationSettings.DoesNotExist:
        return EvaluationSettings(challenge=challenge)


# --- Fetching and authorizing ----------------------------------------------------------------


def challenge_for(user, slug: str, permission: str) -> Challenge:
    """The challenge, if ``user`` holds ``permission`` on it; 404 otherwise (missing or not)."""
    try:
        challenge = (
            Challenge.objects.with_timeline().select_related("body", "body__state").get(slug=slug)
        )
    except Challenge.DoesNotExist:
        raise Http404 from None
    if not rules.can(user, permission, challenge):
        raise Http404
    return challenge


def member_for_evaluation(user, slug: str) -> PanelMember:
    """``user``'s accepted membership of the challenge's panel (with the challenge); 404 for
    anyone else."""
    try:
        challenge = Challenge.objects.with_timeline().select_related("body").get(slug=slug)
    except Challenge.DoesNotExist:
        raise Http404 from None
    member = member_of(user, challenge)
    if member is None:
        raise Http404
    member.challenge = challenge
    return member


def member_for_token(token: str) -> PanelMember:
    """The invitation a link's secret belongs to (any status: the page explains); 404 when the
    secret matches none."""
    from retos.evaluation.services import token_digest

    if not token or len(token) > 200:
        raise Http404
    try:
        return PanelMember.objects.select_related("challenge__body", "invited_by").get(
            token_sha256=token_digest(token)
        )
    except PanelMember.DoesNotExist:
        raise Http404 from None


# --- Which proposals a member sees -----------------------------------------------------------


def evaluable_proposals(challenge):
    """The proposals the panel evaluates: counted by the opening act, not inadmissible."""
    if challenge.opened_at is None:
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(
            challenge_id=challenge.pk, status=Status.SUBMITTED, submitted_at__isnull=False
        )
        .exclude(admissibility=Admissibility.INADMISSIBLE)
        .select_related("company")
    )


def bidders_for(member: PanelMember) -> list[Proposal]:
    """The bidders ``member`` declares about: experts, every evaluable proposal; committee
    members, the finalists in force. Ordered by company name (their names are public)."""
    challenge = member.challenge
    proposals = evaluable_proposals(challenge)
    if member.role == MemberRole.COMMITTEE:
        proposals = proposals.filter(pk__in=finalist_ids(challenge))
    return list(proposals.order_by("company__name", "pk"))


def pending_declarations(member: PanelMember) -> list[Proposal]:
    """The bidders ``member`` has not declared about yet (two queries)."""
    declared = set(
        ConflictDeclaration.objects.filter(member=member).values_list("proposal_id", flat=True)
    )
    return [p for p in bidders_for(member) if p.pk not in declared]


def may_declare_now(member: PanelMember) -> bool:
    return member.challenge.current_stage_at(timezone.now()) in DECLARE_STAGES[member.role]


@dataclass
class AssignedProposal:
    proposal: Proposal
    code: str
    criteria: int
    drafts: int = 0
    submitted: int = 0

    @property
    def done(self) -> bool:
        return self.criteria > 0 and self.submitted >= self.criteria

    @property
    def started(self) -> bool:
        return self.drafts > 0 or self.submitted > 0


def assigned_proposals(member: PanelMember) -> list[AssignedProposal]:
    """The proposals ``member`` scores in their round (cleared of conflicts; the committee,
    finalists only), each with its blind code and the member's progress. Four queries."""
    challenge = member.challenge
    round_ = ROUND_OF_ROLE[member.role]
    cleared = set(
        ConflictDeclaration.objects.filter(member=member, has_conflict=False).values_list(
            "proposal_id", flat=True
        )
    )
    proposals = [p for p in bidders_for(member) if p.pk in cleared]
    criteria = challenge.criteria.count()
    counts = {
        row["proposal_id"]: row
        for row in Score.objects.filter(member=member, round=round_, corrects__isnull=True)
        .values("proposal_id")
        .annotate(
            drafts=Count("pk", filter=Q(submitted_at__isnull=True)),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        )
    }
    rows = [
        AssignedProposal(
            proposal=p,
            code=blind_code(p),
            criteria=criteria,
            drafts=counts.get(p.pk, {}).get("drafts", 0),
            submitted=counts.get(p.pk, {}).get("submitted", 0),
        )
        for p in proposals
    ]
    return sorted(rows, key=lambda row: row.code)


def proposal_by_code(challenge, code: str) -> Proposal:
    """The evaluable proposal whose blind code is ``code``; 404 otherwise."""
    code = (code or "").upper()
    for proposal in evaluable_proposals(challenge).select_related("challenge__body"):
        if blind_code(proposal) == code:
            return proposal
    raise Http404


def proposal_for_evaluator(user, slug: str, code: str) -> tuple[PanelMember, Proposal]:
    """``user``'s membership and the proposal with ``code``, if ``user`` may read and score it
    now (``evaluation:read_proposal``: their round, declared, not recused); 404 otherwise."""
    member = member_for_evaluation(user, slug)
    proposal = proposal_by_code(member.challenge, code)
    proposal.challenge = member.challenge
    if evaluator_access(user, proposal, member=member) is None:
        raise Http404
    return member, proposal


def is_blind(member: PanelMember, challenge=None) -> bool:
    """The member reads proposals without the company's identity: an expert, when the
    challenge's first round is blind."""
    return (
        member.role == MemberRole.EXPERT
        and settings_of(challenge or member.challenge).blind_first_round
    )


# --- A member's scores of one proposal -------------------------------------------------------


@dataclass
class SheetRow:
    criterion: object
    score: Score | None
    corrections: list[Score] = field(default_factory=list)

    @property
    def current(self) -> Score | None:
        return self.corrections[-1] if self.corrections else self.score


def score_sheet(member: PanelMember, proposal: Proposal) -> list[SheetRow]:
    """For each criterion of the challenge, the member's score of ``proposal`` in their round
    (draft or submitted) and the chair's corrections of it, oldest first. Two queries."""
    round_ = ROUND_OF_ROLE[member.role]
    scores = list(
        Score.objects.filter(member=member, proposal=proposal, round=round_)
        .select_related("entered_by")
        .order_by("id")
    )
    return _sheet(list(member.challenge.criteria.order_by("position", "id")), scores)


def _sheet(criteria, scores) -> list[SheetRow]:
    originals = {s.criterion_id: s for s in scores if s.corrects_id is None}
    by_corrected = {s.corrects_id: s for s in scores if s.corrects_id is not None}
    rows = []
    for criterion in criteria:
        original = originals.get(criterion.pk)
        chain = []
        cursor = original
        while cursor is not None and cursor.pk in by_corrected:
            cursor = by_corrected[cursor.pk]
            chain.append(cursor)
        rows.append(SheetRow(criterion=criterion, score=original, corrections=chain))
    return rows


def demos_of(proposal: Proposal) -> list:
    """The finalist's demos, newest first (for the decision committee)."""
    from retos.decisions.models import Demo

    return list(Demo.objects.filter(proposal=proposal).order_by("-number"))


# --- The approver's panel page ---------------------------------------------------------------


@dataclass
class CoverageRow:
    criterion: object
    area_label: str
    accepted: list[str]
    invited: list[str]

    @property
    def covered(self) -> bool:
        return bool(self.accepted)


def panel_members(challenge) -> list[PanelMember]:
    """Every invitation and member of the panel, experts first, the chair first (one query)."""
    return list(
        PanelMember.objects.filter(challenge_id=challenge.pk)
        .select_related("user")
        .order_by("role", "-is_chair", "full_name", "id")
    )


def coverage(challenge, members: list[PanelMember] | None = None) -> list[CoverageRow]:
    """For each criterion, which accepted (and which invited) experts cover its expertise
    area."""
    members = panel_members(challenge) if members is None else members
    labels = dict(ExpertiseArea.choices)
    rows = []
    for criterion in challenge.criteria.order_by("position", "id"):
        experts = [
            m
            for m in members
            if m.role == MemberRole.EXPERT and criterion.expertise_area in (m.areas or [])
        ]
        rows.append(
            CoverageRow(
                criterion=criterion,
                area_label=str(labels.get(criterion.expertise_area, criterion.expertise_area)),
                accepted=[m.full_name for m in experts if m.status == MemberStatus.ACCEPTED],
                invited=[m.full_name for m in experts if m.status == MemberStatus.INVITED],
            )
        )
    return rows


def start_evaluation_problems(challenge) -> list[str]:
    """What stops ``challenge`` from starting evaluation, one sentence each (three queries):
    a criterion's area that no accepted expert covers, no accepted chair, proposals whose
    admissibility is still pending."""
    problems = []
    members = list(
        PanelMember.objects.accepted()
        .experts()
        .filter(challenge_id=challenge.pk)
        .values("areas", "is_chair")
    )
    covered = {area for m in members for area in (m["areas"] or [])}
    labels = dict(ExpertiseArea.choices)
    for criterion in challenge.criteria.order_by("position", "id"):
        if criterion.expertise_area not in covered:
            problems.append(
                _(
                    "No accepted expert covers “%(area)s”, the area of the criterion "
                    "“%(criterion)s”: invite one from the panel page."
                )
                % {
                    "area": labels.get(criterion.expertise_area, criterion.expertise_area),
                    "criterion": criterion.name,
                }
            )
    if not any(m["is_chair"] for m in members):
        problems.append(
            _(
                "The panel has no chair who has accepted: choose an accepted expert as chair, "
                "or wait for the chair you invited to accept."
            )
        )
    # Before the opening act not even the number of proposals may show (the panel page lists
    # these problems from the publication on): count them only once the act is published.
    pending = (
        Proposal.objects.filter(
            challenge_id=challenge.pk,
            status=Status.SUBMITTED,
            admissibility=Admissibility.PENDING,
        ).count()
        if challenge.opened_at is not None
        else 0
    )
    if pending:
        from django.utils.translation import ngettext

        problems.append(
            ngettext(
                "One proposal still awaits its admissibility decision: decide it on the list "
                "of opened proposals.",
                "%(count)d proposals still await their admissibility decision: decide them on "
                "the list of opened proposals.",
                pending,
            )
            % {"count": pending}
        )
    return problems


# --- "My evaluations" ------------------------------------------------------------------------


@dataclass
class EvaluationRow:
    member: PanelMember
    challenge: Challenge
    stage: str
    bidders: int
    declared: int
    conflicts: int
    submitted: int
    drafts: int

    @property
    def assigned(self) -> int:
        return max(self.declared - self.conflicts, 0)

    @property
    def must_declare(self) -> bool:
        return self.stage in DECLARE_STAGES[self.member.role] and self.declared < self.bidders

    @property
    def round_open(self) -> bool:
        return self.stage == STAGE_OF_ROUND[ROUND_OF_ROLE[self.member.role]]

    @property
    def to_score(self) -> int:
        return max(self.assigned - self.submitted, 0) if self.round_open else 0


def my_evaluations(user) -> list[EvaluationRow]:
    """``user``'s accepted panel memberships, newest first, with what is due in each: the
    conflicts to declare, the proposals to score. Five queries, whatever the number of panels,
    proposals or scores."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    members = list(
        PanelMember.objects.accepted()
        .filter(user=user)
        .select_related("challenge__body")
        .order_by("-responded_at", "-id")
    )
    if not members:
        return []
    challenge_ids = {m.challenge_id for m in members}
    evaluable = dict(
        Proposal.objects.filter(
            challenge_id__in=challenge_ids,
            challenge__opened_at__isnull=False,
            status=Status.SUBMITTED,
        )
        .exclude(admissibility=Admissibility.INADMISSIBLE)
        .values("challenge_id")
        .annotate(n=Count("pk"))
        .values_list("challenge_id", "n")
    )
    finalists = dict(
        Finalist.objects.filter(
            selection__challenge_id__in=challenge_ids, selection__voided_at__isnull=True
        )
        .values("selection__challenge_id")
        .annotate(n=Count("pk"))
        .values_list("selection__challenge_id", "n")
    )
    declarations = {
        row["member_id"]: row
        for row in ConflictDeclaration.objects.filter(member__in=members)
        .values("member_id")
        .annotate(n=Count("pk"), conflicts=Count("pk", filter=Q(has_conflict=True)))
    }
    own_round = Q(round=Round.PROPOSALS, member__role=MemberRole.EXPERT) | Q(
        round=Round.DEMOS, member__role=MemberRole.COMMITTEE
    )
    scores = {
        row["member_id"]: row
        for row in Score.objects.filter(own_round, member__in=members, corrects__isnull=True)
        .values("member_id")
        .annotate(
            submitted=Count("proposal", distinct=True, filter=Q(submitted_at__isnull=False)),
            drafts=Count("proposal", distinct=True, filter=Q(submitted_at__isnull=True)),
        )
    }
    rows = []
    for m in members:
        challenge = m.challenge
        bidders = (
            finalists.get(challenge.pk, 0)
            if m.role == MemberRole.COMMITTEE
            else evaluable.get(challenge.pk, 0)
        )
        declared = declarations.get(m.pk, {})
        counted = scores.get(m.pk, {})
        rows.append(
            EvaluationRow(
                member=m,
                challenge=challenge,
                stage=challenge.current_stage_at(now),
                bidders=bidders,
                declared=declared.get("n", 0),
                conflicts=declared.get("conflicts", 0),
                submitted=counted.get("submitted", 0),
                drafts=counted.get("drafts", 0),
            )
        )
    return rows


def pending_invitations(user) -> list[PanelMember]:
    """Invitations still open for ``user``'s email address (their links are in the email)."""
    if not user.is_authenticated:
        return []
    return list(
        PanelMember.objects.filter(
            email__iexact=user.email,
            status=MemberStatus.INVITED,
            expires_at__gt=timezone.now(),
        ).select_related("challenge")
    )


# --- The chair's progress --------------------------------------------------------------------


@dataclass
class ProgressCell:
    state: str  # recused | undeclared | not_started | draft | submitted
    submitted: int = 0
    drafts: int = 0
    corrections: int = 0


@dataclass
class ProgressRow:
    proposal: Proposal
    code: str
    cells: list[ProgressCell]

    @property
    def submitted(self) -> int:
        return sum(1 for c in self.cells if c.state == "submitted")

    @property
    def expected(self) -> int:
        return sum(1 for c in self.cells if c.state not in ("recused",))


@dataclass
class Progress:
    experts: list[PanelMember]
    rows: list[ProgressRow]
    criteria: int

    def expert_totals(self) -> list[tuple[PanelMember, int, int]]:
        """Each expert with the number of proposals submitted and assigned."""
        totals = []
        for i, expert in enumerate(self.experts):
            cells = [row.cells[i] for row in self.rows]
            totals.append(
                (
                    expert,
                    sum(1 for c in cells if c.state == "submitted"),
                    sum(1 for c in cells if c.state != "recused"),
                )
            )
        return totals


def progress(challenge) -> Progress:
    """The first round's progress: each accepted expert × each evaluable proposal (submitted,
    draft, not started, recused, or conflicts not declared yet). Five queries."""
    experts = list(
        PanelMember.objects.accepted()
        .experts()
        .filter(challenge_id=challenge.pk)
        .order_by("-is_chair", "full_name", "id")
    )
    proposals = list(evaluable_proposals(challenge))
    declarations = {
        (d.member_id, d.proposal_id): d.has_conflict
        for d in ConflictDeclaration.objects.filter(member__in=experts).only(
            "member_id", "proposal_id", "has_conflict"
        )
    }
    counts = {
        (row["member_id"], row["proposal_id"]): row
        for row in Score.objects.filter(member__in=experts, round=Round.PROPOSALS)
        .values("member_id", "proposal_id")
        .annotate(
            submitted=Count("pk", filter=Q(submitted_at__isnull=False, corrects__isnull=True)),
            drafts=Count("pk", filter=Q(submitted_at__isnull=True)),
            corrections=Count("pk", filter=Q(corrects__isnull=False)),
        )
    }
    criteria = challenge.criteria.count()
    rows = []
    for proposal in proposals:
        cells = []
        for expert in experts:
            declared = declarations.get((expert.pk, proposal.pk))
            count = counts.get((expert.pk, proposal.pk), {})
            if declared is True:
                state = "recused"
            elif declared is None:
                state = "undeclared"
            elif criteria and count.get("submitted", 0) >= criteria:
                state = "submitted"
            elif count.get("drafts", 0):
                state = "draft"
            else:
                state = "not_started"
            cells.append(
                ProgressCell(
                    state=state,
                    submitted=count.get("submitted", 0),
                    drafts=count.get("drafts", 0),
                    corrections=count.get("corrections", 0),
                )
            )
        rows.append(ProgressRow(proposal=proposal, code=blind_code(proposal), cells=cells))
    rows.sort(key=lambda row: row.code)
    return Progress(experts=experts, rows=rows, criteria=criteria)


@dataclass
class ExpertSheet:
    expert: PanelMember
    rows: list[SheetRow]


def proposal_scores(challenge, proposal: Proposal) -> list[ExpertSheet]:
    """Every accepted expert's first-round scores of ``proposal`` (submitted ones and the
    chair's corrections; drafts stay the expert's own), for the chair. Three queries."""
    experts = list(
        PanelMember.objects.accepted()
        .experts()
        .filter(challenge_id=challenge.pk)
        .order_by("-is_chair", "full_name", "id")
    )
    scores = list(
        Score.objects.filter(
            member__in=experts,
            proposal=proposal,
            round=Round.PROPOSALS,
            submitted_at__isnull=False,
        )
        .select_related("entered_by")
        .order_by("id")
    )
    criteria = list(challenge.criteria.order_by("position", "id"))
    return [
        ExpertSheet(expert=e, rows=_sheet(criteria, [s for s in scores if s.member_id == e.pk]))
        for e in experts
    ]


def score_for_correction(user, slug: str, score_id) -> Score:
    """A submitted score the chair ``user`` may correct now; 404 otherwise."""
    try:
        score = Score.objects.select_related(
            "member__challenge__body", "proposal__company", "criterion"
        ).get(pk=int(score_id), member__challenge__slug=slug)
    except (Score.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not rules.can(user, "evaluation:correct", score):
        raise Http404
    return score


# --- The challenge page ----------------------------------------------------------------------


def evaluation_summary(user, challenge) -> dict | None:
    """What the challenge page shows of this app to ``user`` (None: nothing).

    The body's approver: links to the panel and the settings, the panel's counts and, while
    the proposals are opened, what still stops evaluation from starting. An accepted member: a
    link to their evaluation. Everyone else (the public included): nothing; what the panel did
    is published with the decision. At most six queries, whatever the data size; none for an
    anonymous visitor.
    """
    if not user.is_authenticated:
        return None
    stage = challenge.current_stage
    if stage in (Stage.DRAFT, Stage.IN_REVIEW):
        return None
    approver = has_role(user, challenge.body_id, Role.APPROVER)
    member = member_of(user, challenge)
    if not approver and member is None:
        return None
    summary: dict = {"challenge": challenge, "stage": stage, "member": member}
    if approver:
        counts = PanelMember.objects.filter(challenge_id=challenge.pk).aggregate(
            experts=Count("pk", filter=Q(role=MemberRole.EXPERT, status=MemberStatus.ACCEPTED)),
            committee=Count(
                "pk", filter=Q(role=MemberRole.COMMITTEE, status=MemberStatus.ACCEPTED)
            ),
            invited=Count("pk", filter=Q(status=MemberStatus.INVITED)),
        )
        summary.update(
            is_approver=True,
            counts=counts,
            settings_editable=stage in (Stage.PUBLISHED, Stage.CLOSED, Stage.OPENED),
            problems=start_evaluation_problems(challenge) if stage == Stage.OPENED else [],
            progress_visible=challenge.evaluation_at is not None,
        )
    return summary
