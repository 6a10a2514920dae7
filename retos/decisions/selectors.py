"""Reads of the demos and the decision (fallo), each in a constant number of queries.

Fetch-and-authorize: a demo page is a 404 for anyone who may not see it (whether the proposal
exists is not theirs to learn); the decision's pages are a 404 until a decision is published;
the approver's decision page and the officials' agenda are a 404 for everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F
from django.http import Http404
from django.utils import timezone

from retos.challenges.models import Challenge
from retos.challenges.permissions import is_body_approver
from retos.challenges.selectors import challenge_for_view
from retos.challenges.stages import Stage
from retos.core import rules
from retos.decisions.models import Decision, Demo, DemoSlot
from retos.decisions.permissions import (
    AFTER_FINALISTS,
    PUBLISH_STAGES,
    committee_member,
    is_body_official,
)
from retos.decisions.record import demo_deadline, record_view
from retos.notifications.calendar import CRLF, escape_text, fold, utc
from retos.proposals.models import Proposal
from retos.proposals.permissions import is_company_member

# ---------------------------------------------------------------------------------------------
# A finalist's demo page


@dataclass
class DemoPage:
    proposal: Proposal
    challenge: Challenge
    demos: list[Demo]
    slot: DemoSlot | None
    deadline: datetime | None
    now: datetime
    is_member: bool
    can_submit: bool

    @property
    def current(self) -> Demo | None:
        """The demo that counts: the last received before the deadline."""
        counted = [
            d for d in self.demos if self.deadline is None or d.submitted_at <= self.deadline
        ]
        return counted[-1] if counted else None

    @property
    def late(self) -> bool:
        return self.deadline is not None and self.now > self.deadline


def proposal_for_demo(user, public_id) -> Proposal:
    """A finalist's proposal, for those who may see its demo; 404 otherwise."""
    proposal = (
        Proposal.objects.select_related("challenge__body", "company")
        .filter(public_id=public_id)
        .first()
    )
    if proposal is None or not rules.can(user, "demo:view", proposal):
        raise Http404
    return proposal


def demo_page(user, proposal: Proposal) -> DemoPage:
    challenge = proposal.challenge
    now = timezone.now()
    return DemoPage(
        proposal=proposal,
        challenge=challenge,
        demos=list(Demo.objects.filter(proposal=proposal).order_by("number")),
        slot=DemoSlot.objects.filter(proposal=proposal).first(),
        deadline=demo_deadline(challenge),
        now=now,
        is_member=is_company_member(user, proposal),
        can_submit=rules.can(user, "demo:submit", proposal),
    )


def slot_for_calendar(user, public_id) -> DemoSlot:
    proposal = proposal_for_demo(user, public_id)
    slot = DemoSlot.objects.filter(proposal=proposal).first()
    if slot is None:
        raise Http404
    slot.proposal = proposal
    slot.challenge = proposal.challenge
    return slot


def slot_calendar(slot: DemoSlot, *, url: str, host: str, now: datetime, summary: str) -> str:
    """The slot as an iCalendar invitation (RFC 5545). Its UID is stable and its SEQUENCE is
    the slot's, so a calendar replaces the earlier invitation when the slot moves."""
    description = escape_text(f"{slot.challenge.title}\n\n{url}")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Retos//Retos//ES",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:demo-{slot.proposal.public_id}@{host}",
        f"SEQUENCE:{slot.sequence}",
        f"DTSTAMP:{utc(now)}",
        f"DTSTART:{utc(slot.starts_at)}",
        f"DTEND:{utc(slot.ends_at)}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(slot.location)}",
        f"DESCRIPTION:{description}",
        f"URL:{url}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return CRLF.join(fold(line) for line in lines) + CRLF


# ---------------------------------------------------------------------------------------------
# The demo-day agenda


@dataclass
class AgendaRow:
    proposal: Proposal
    position: int
    slot: DemoSlot | None
    demo: Demo | None
    form: object = None


@dataclass
class Agenda:
    challenge: Challenge
    rows: list[AgendaRow]
    deadline: datetime | None
    can_schedule: bool


def _finalists(challenge) -> list[tuple[int, Proposal]]:
    from retos.evaluation.models import Finalist

    return [
        (f.position, f.proposal)
        for f in Finalist.objects.filter(
            selection__challenge_id=challenge.pk, selection__voided_at__isnull=True
        )
        .select_related("proposal__company")
        .order_by("position")
    ]


def _latest_demos(proposal_ids, deadline) -> dict[int, Demo]:
    demos = Demo.objects.filter(proposal_id__in=proposal_ids).order_by("proposal_id", "number")
    if deadline is not None:
        demos = demos.filter(submitted_at__lte=deadline)
    latest: dict[int, Demo] = {}
    for demo in demos:
        latest[demo.proposal_id] = demo
    return latest


def agenda(user, slug: str) -> Agenda:
    """Every finalist with its slot and its demo: for the body's officials and the decision
    committee from the finalists stage on, for everyone once the decision is published."""
    challenge = challenge_for_view(user, slug)
    if not rules.can(user, "demo:agenda", challenge):
        raise Http404
    finalists = _finalists(challenge)
    ids = [p.pk for _, p in finalists]
    slots = {s.proposal_id: s for s in DemoSlot.objects.filter(proposal_id__in=ids)}
    deadline = demo_deadline(challenge)
    demos = _latest_demos(ids, deadline)
    rows = []
    for position, proposal in finalists:
        proposal.challenge = challenge
        rows.append(
            AgendaRow(
                proposal=proposal,
                position=position,
                slot=slots.get(proposal.pk),
                demo=demos.get(proposal.pk),
            )
        )
    rows.sort(key=lambda r: (r.slot is None, r.slot.starts_at if r.slot else 0, r.position))
    return Agenda(
        challenge=challenge,
        rows=rows,
        deadline=deadline,
        can_schedule=rules.can(user, "demo:schedule", challenge),
    )


def proposal_for_slot(user, slug: str, public_id) -> Proposal:
    """A finalist of the challenge, for whoever may schedule slots; 404 otherwise."""
    challenge = challenge_for_view(user, slug)
    if not is_body_official(user, challenge):
        raise Http404
    proposal = (
        Proposal.objects.select_related("company").filter(challenge=challenge, public_id=public_id)
    ).first()
    if proposal is None or proposal.pk not in {p.pk for _, p in _finalists(challenge)}:
        raise Http404
    proposal.challenge = challenge
    return proposal


# ---------------------------------------------------------------------------------------------
# The decision


@dataclass
class PublishedDecision:
    challenge: Challenge
    decision: Decision
    view: dict = field(default_factory=dict)

    @property
    def in_force(self) -> bool:
        return self.decision.voided_at is None


def _shown_decision(challenge) -> Decision | None:
    """The decision in force, else the latest voided one (still public, marked as voided)."""
    return (
        Decision.objects.filter(challenge_id=challenge.pk)
        .select_related("winner__company", "decided_by")
        .order_by(F("voided_at").desc(nulls_first=True), "-published_at", "-id")
        .first()
    )


def published_decision(user, slug: str) -> PublishedDecision:
    """The published decision of a visible challenge; 404 before it exists (for everyone:
    there is nothing to show yet)."""
    challenge = challenge_for_view(user, slug)
    decision = _shown_decision(challenge)
    if decision is None:
        raise Http404
    return PublishedDecision(
        challenge=challenge, decision=decision, view=record_view(decision.record)
    )


@dataclass
class DecideState:
    challenge: Challenge
    stage: str
    can_publish: bool
    options: dict
    decision: Decision | None


def challenge_for_decision(user, slug: str) -> DecideState:
    """The approver's decision page: only the body's approvers get past the 404."""
    from retos.decisions.services import decision_in_force, decision_options

    challenge = challenge_for_view(user, slug)
    if not is_body_approver(user, challenge):
        raise Http404
    can_publish = rules.can(user, "decision:publish", challenge)
    return DecideState(
        challenge=challenge,
        stage=challenge.current_stage_at(timezone.now()),
        can_publish=can_publish,
        options=decision_options(challenge) if can_publish else {},
        decision=decision_in_force(challenge),
    )


# ---------------------------------------------------------------------------------------------
# The challenge page's panel


def decision_summary(user, challenge) -> dict | None:
    """What the challenge page shows of this app to ``user`` (None: nothing).

    - once a decision is published, to everyone: the outcome, the winner, the complaint
      window's end and the links to the decision and to the complaints;
    - from the finalists stage, to the body's officials and the decision committee: each
      finalist's demo links and slot, and the agenda; to a finalist's members: their own;
    - to the body's approver, while a decision may be published: the link to its page.

    A constant number of queries whatever the data size (none for a challenge before the
    opening act).
    """
    if challenge.opened_at is None:
        return None
    now = timezone.now()
    stage = challenge.current_stage_at(now)
    authenticated = user.is_authenticated
    official = authenticated and is_body_official(user, challenge)
    approver = authenticated and is_body_approver(user, challenge)
    summary: dict = {}
    decision = None
    if challenge.decided_at is not None or challenge.deserted_at is not None:
        decision = _shown_decision(challenge)
    if decision is not None:
        summary["decision"] = decision
        summary["complaints_open"] = (
            decision.voided_at is None
            and decision.complaints_close_at is not None
            and now <= decision.complaints_close_at
        )
    if approver and stage in PUBLISH_STAGES and (decision is None or decision.voided_at):
        summary["can_decide"] = True
    pending = decision is None or decision.voided_at is not None
    if stage in AFTER_FINALISTS and challenge.finalists_at is not None and pending:
        committee = authenticated and not official and committee_member(user, challenge)
        if official or committee:
            finalists = _finalists(challenge)
            ids = [p.pk for _, p in finalists]
            slots = {s.proposal_id: s for s in DemoSlot.objects.filter(proposal_id__in=ids)}
            demos = _latest_demos(ids, demo_deadline(challenge))
            summary["finalists"] = [
                {"proposal": p, "slot": slots.get(p.pk), "demo": demos.get(p.pk)}
                for _, p in finalists
            ]
            summary["agenda"] = True
        elif authenticated:
            own = [p for _, p in _finalists(challenge) if is_company_member(user, p)]
            if own:
                proposal = own[0]
                summary["own"] = {
                    "proposal": proposal,
                    "slot": DemoSlot.objects.filter(proposal=proposal).first(),
                    "demo": _latest_demos([proposal.pk], demo_deadline(challenge)).get(proposal.pk),
                    "can_submit": stage == Stage.FINALISTS,
                }
    return summary or None
