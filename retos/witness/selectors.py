"""Reads of the social witness app: the public list of witnesses and observations, the
challenge page's panel, the witness's dossier (what each stage shows the officials, as links
to the officials' own pages, the state of the opening act and the conflict declarations) and
staff's assignment page.

Before the opening act nothing here reads a proposal, or even counts them: the opening's state
is read from the act's confirmations only (who confirmed, when). Each read costs a constant
number of queries whatever the number of witnesses, observations or declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F
from django.http import Http404
from django.utils import timezone

from retos.challenges.models import Challenge
from retos.challenges.selectors import challenge_for_view
from retos.challenges.stages import Stage
from retos.core import rules
from retos.witness.models import Observation, SocialWitness

# How many observations the challenge page shows (the newest); the list page has them all.
PANEL_OBSERVATIONS = 3


def _witnesses(challenge) -> list[SocialWitness]:
    """Every assignment of the challenge, active first, oldest first (one query)."""
    witnesses = list(
        SocialWitness.objects.filter(challenge_id=challenge.pk).order_by(
            "revoked_at", "assigned_at", "id"
        )
    )
    for w in witnesses:
        w.challenge = challenge
    return witnesses


def _is_witness(user, witnesses) -> bool:
    return user.is_authenticated and any(w.active and w.user_id == user.pk for w in witnesses)


def _observations(challenge, witnesses, *, limit: int | None = None) -> list[Observation]:
    """The challenge's observations, newest first, each with its witness, the number of the
    one it corrects and the numbers of those that correct it (one query).

    A correction is always newer than what it corrects, so the newest ``limit`` observations
    hold every correction of each one they show."""
    by_id = {w.pk: w for w in witnesses}
    rows = (
        Observation.objects.filter(challenge_id=challenge.pk)
        .annotate(corrects_number=F("corrects__number"))
        .order_by("-number")
    )
    if limit is not None:
        rows = rows[:limit]
    observations = list(rows)
    corrected_by: dict[int, list[int]] = {}
    for o in observations:
        o.challenge = challenge
        o.witness = by_id[o.witness_id]
        if o.corrects_id:
            corrected_by.setdefault(o.corrects_id, []).append(o.number)
    for o in observations:
        o.corrected_by_numbers = sorted(corrected_by.get(o.pk, []))
    return observations


# --- The challenge page's panel --------------------------------------------------------------


def witness_summary(user, challenge) -> dict | None:
    """What the challenge page shows of this app to ``user`` (context key ``witness``; None:
    nothing).

    To everyone, once a witness was assigned: the witnesses' names (revoked ones with their
    reason) and the newest observations with a link to all. To an active witness: links to
    publish an observation and to their dossier. To platform staff who may assign: the link to
    the assignment page. None for a draft or a challenge in review (and no query), and for a
    challenge with no witness ever when the person may not assign one. Two queries at most
    (plus the roles of a signed-in person, which the page loads anyway).
    """
    stage = challenge.current_stage
    if stage in (Stage.DRAFT, Stage.IN_REVIEW):
        return None
    witnesses = _witnesses(challenge)
    may_assign = (
        user.is_authenticated
        and user.is_platform_staff
        and rules.can(user, "witness:assign", challenge)
    )
    if not witnesses and not may_assign:
        return None
    observations = (
        _observations(challenge, witnesses, limit=PANEL_OBSERVATIONS) if witnesses else []
    )
    is_witness = _is_witness(user, witnesses)
    return {
        "witnesses": witnesses,
        "active": [w for w in witnesses if w.active],
        "revoked": [w for w in witnesses if not w.active],
        "observations": observations,
        # Numbers are consecutive and observations are never deleted: the newest is the count.
        "total": observations[0].number if observations else 0,
        "is_witness": is_witness,
        "can_observe": is_witness and stage in _observe_stages(),
        "can_assign": may_assign,
    }


def _observe_stages():
    from retos.witness.permissions import OBSERVE_STAGES

    return OBSERVE_STAGES


# --- The public list -------------------------------------------------------------------------


@dataclass
class ObservationsPage:
    challenge: Challenge
    witnesses: list[SocialWitness]
    observations: list[Observation]
    can_observe: bool
    can_assign: bool
    is_witness: bool

    @property
    def active(self) -> list[SocialWitness]:
        return [w for w in self.witnesses if w.active]

    @property
    def revoked(self) -> list[SocialWitness]:
        return [w for w in self.witnesses if not w.active]


def observations_page(user, slug: str) -> ObservationsPage:
    """The public page of a visible challenge's witnesses and every observation, newest
    first (the same 404 as the challenge's own page when it is not visible). Two queries
    besides the challenge's."""
    challenge = challenge_for_view(user, slug)
    if challenge.current_stage in (Stage.DRAFT, Stage.IN_REVIEW):
        raise Http404
    witnesses = _witnesses(challenge)
    is_witness = _is_witness(user, witnesses)
    return ObservationsPage(
        challenge=challenge,
        witnesses=witnesses,
        observations=_observations(challenge, witnesses) if witnesses else [],
        can_observe=is_witness and rules.can(user, "witness:observe", challenge),
        can_assign=user.is_authenticated
        and user.is_platform_staff
        and rules.can(user, "witness:assign", challenge),
        is_witness=is_witness,
    )


def own_observations(user, challenge) -> list[Observation]:
    """``user``'s own observations on ``challenge``, newest first (what a correction may
    name; one query)."""
    return list(
        Observation.objects.filter(challenge_id=challenge.pk, witness__user_id=user.pk).order_by(
            "-number"
        )
    )


def challenge_for_observing(user, slug: str) -> Challenge:
    """A visible challenge; the view then checks ``witness:observe`` (403: the page of a
    public challenge's witnesses is no secret)."""
    return challenge_for_view(user, slug)


# --- The witness's dossier -------------------------------------------------------------------


@dataclass
class DeclarationRow:
    member: object
    declarations: list = field(default_factory=list)


@dataclass
class Dossier:
    challenge: Challenge
    stage: Stage
    opening: object  # proposals.opening_selectors.OpeningState
    links: dict[str, bool]
    declarations: list[DeclarationRow] | None
    observations: int


def dossier(user, slug: str) -> Dossier:
    """What an active witness of the challenge reads at this stage: the opening's state (the
    confirmations only: who, when — never a proposal or their number before the act), the
    pages of the officials they may open now, and, after the opening act, the panel's conflict
    declarations. 404 for anyone else. A constant number of queries."""
    challenge = challenge_for_view(user, slug)
    if not rules.can(user, "witness:dossier", challenge):
        raise Http404
    from retos.proposals.models import OpeningAct
    from retos.proposals.opening_selectors import OpeningState

    now = timezone.now()
    stage = challenge.current_stage_at(now)
    act = (
        OpeningAct.objects.select_related("first_officer", "second_officer")
        .defer("entries", "proposals_count", "withdrawn_count")
        .filter(challenge_id=challenge.pk)
        .first()
    )
    if act is not None:
        act.challenge = challenge
    opening = OpeningState(challenge=challenge, act=act, stage=stage, now=now)
    opened = challenge.opened_at is not None
    links = {
        "opened_list": opened,
        "panel": rules.can(user, "evaluation:view_panel", challenge),
        "progress": rules.can(user, "evaluation:view_progress", challenge),
        "ranking": rules.can(user, "ranking:view", challenge),
        "agenda": rules.can(user, "demo:agenda", challenge),
        "decision": challenge.decided_at is not None or challenge.deserted_at is not None,
        "complaints": challenge.decided_at is not None or challenge.deserted_at is not None,
        "contract": challenge.awarded_at is not None,
        "observe": rules.can(user, "witness:observe", challenge),
    }
    declarations = None
    if rules.can(user, "witness:view_conflicts", challenge):
        declarations = _declarations(challenge)
    last = (
        Observation.objects.filter(challenge_id=challenge.pk)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return Dossier(
        challenge=challenge,
        stage=stage,
        opening=opening,
        links=links,
        declarations=declarations,
        observations=last or 0,
    )


def _declarations(challenge) -> list[DeclarationRow]:
    """Every accepted panel member with their conflict declarations, bidder by bidder (two
    queries)."""
    from retos.evaluation.models import ConflictDeclaration, PanelMember

    members = list(
        PanelMember.objects.accepted()
        .filter(challenge_id=challenge.pk)
        .order_by("role", "-is_chair", "full_name", "id")
    )
    rows = {m.pk: DeclarationRow(member=m) for m in members}
    for d in (
        ConflictDeclaration.objects.filter(member__challenge_id=challenge.pk)
        .select_related("proposal__company")
        .order_by("proposal__company__name", "id")
    ):
        if d.member_id in rows:
            rows[d.member_id].declarations.append(d)
    return list(rows.values())


# --- Staff's assignment page -----------------------------------------------------------------


@dataclass
class AssignmentPage:
    challenge: Challenge
    witnesses: list[SocialWitness]
    can_assign: bool


def assignment_page(user, slug: str) -> AssignmentPage:
    """The assignment page of a visible challenge for platform staff independent of its body
    (``witness:assign``, or ``witness:revoke`` once the challenge has ended); PermissionDenied
    for anyone else."""
    from django.core.exceptions import PermissionDenied

    challenge = challenge_for_view(user, slug)
    witnesses = _witnesses(challenge)
    can_assign = rules.can(user, "witness:assign", challenge)
    may_revoke = any(rules.can(user, "witness:revoke", w) for w in witnesses[:1])
    if not can_assign and not may_revoke:
        raise PermissionDenied("witness:assign")
    if witnesses:
        from retos.accounts.models import User

        users = User.objects.in_bulk(
            {w.user_id for w in witnesses} | {w.assigned_by_id for w in witnesses}
        )
        for w in witnesses:
            w.user = users[w.user_id]
            w.assigned_by = users[w.assigned_by_id]
    return AssignmentPage(challenge=challenge, witnesses=witnesses, can_assign=can_assign)


def assignment_for_revoke(user, slug: str, public_id) -> SocialWitness:
    """One assignment of a visible challenge (404 if none); the service checks the rule."""
    challenge = challenge_for_view(user, slug)
    witness = (
        SocialWitness.objects.select_related("user")
        .filter(challenge_id=challenge.pk, public_id=public_id)
        .first()
    )
    if witness is None:
        raise Http404
    witness.challenge = challenge
    return witness
