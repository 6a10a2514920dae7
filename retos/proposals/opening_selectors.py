"""Reads for the opening act and the officials' side of proposals.

Every function here keeps the seal: before the opening act nothing it returns says whether a
proposal exists, or how many. The officers' page reads only the act's confirmations; the act
and its figures are read only once ``opened_at`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from retos.challenges.models import Challenge
from retos.challenges.permissions import body_role
from retos.challenges.selectors import challenge_for_view
from retos.challenges.stages import Stage
from retos.organizations.models import Role
from retos.proposals.models import OpeningAct, Proposal
from retos.witness.permissions import is_social_witness

# Who reads the counted proposals once opened: the body's officials, approvers and opening
# officers (the same people ``proposal:read`` lets in after the act).
is_body_reader = body_role(Role.OFFICIAL, Role.APPROVER, Role.OPENING_OFFICER)
is_opening_officer = body_role(Role.OPENING_OFFICER)
# Who reads the officials' list once opened: those readers and the challenge's social witness
# (read-only: the admissibility decision stays the officials' rule).
is_list_reader = is_body_reader | is_social_witness


def confirm_window() -> timedelta:
    return timedelta(minutes=settings.RETOS_OPENING_CONFIRM_MINUTES)


def _act_query():
    return OpeningAct.objects.select_related("first_officer", "second_officer")


# ---------------------------------------------------------------------------------------------
# The officers' page


@dataclass(frozen=True)
class OpeningState:
    """Where the two confirmations stand, for the officers' page. Says nothing about
    proposals."""

    challenge: Challenge
    act: OpeningAct | None
    stage: Stage
    now: datetime

    @property
    def opened(self) -> bool:
        return self.act is not None and self.act.is_open

    @property
    def deadline_passed(self) -> bool:
        return self.stage == Stage.CLOSED or self.opened

    @property
    def first_pending(self) -> bool:
        """A first confirmation that still waits for its second (not lapsed)."""
        return self.act is not None and not self.opened and self.second_due >= self.now

    @property
    def lapsed(self) -> bool:
        return self.act is not None and not self.opened and self.second_due < self.now

    @property
    def second_due(self) -> datetime | None:
        if self.act is None:
            return None
        return self.act.first_confirmed_at + confirm_window()

    def is_first_officer(self, user) -> bool:
        return self.first_pending and self.act.first_officer_id == user.pk


def challenge_for_opening(user, slug: str) -> OpeningState:
    """The officers' page: only the body's opening officers get past the 404."""
    challenge = challenge_for_view(user, slug)
    if not is_opening_officer(user, challenge):
        raise Http404
    now = timezone.now()
    return OpeningState(
        challenge=challenge,
        act=_act_query().filter(challenge=challenge).first(),
        stage=challenge.current_stage_at(now),
        now=now,
    )


# ---------------------------------------------------------------------------------------------
# The published act


@dataclass(frozen=True)
class ActEntry:
    """One counted proposal as the act publishes it, with types the templates can format."""

    proposal: str
    company: str
    rfc: str
    folio: str
    version: int
    received_at: datetime
    price: Decimal | None
    price_text: str
    licence: str
    content_sha256: str
    attachments: list[dict]
    terms_version: int
    reconfirmed: bool


def _entry(raw: dict) -> ActEntry:
    try:
        price = Decimal(str(raw.get("price") or ""))
    except InvalidOperation:
        price = None
    return ActEntry(
        proposal=raw["proposal"],
        company=raw["company"],
        rfc=raw["rfc"],
        folio=raw["folio"],
        version=raw["version"],
        received_at=datetime.fromisoformat(raw["received_at"]),
        price=price,
        price_text=str(raw.get("price") or ""),
        licence=raw.get("licence") or "",
        content_sha256=raw["content_sha256"],
        attachments=list(raw.get("attachments") or []),
        terms_version=raw.get("terms_version") or 1,
        reconfirmed=bool(raw.get("reconfirmed")),
    )


@dataclass(frozen=True)
class PublishedAct:
    challenge: Challenge
    act: OpeningAct
    entries: list[ActEntry] = field(default_factory=list)


def published_act(user, slug: str) -> PublishedAct:
    """The opening act of a visible challenge, once opened; 404 before, for everyone (staff
    and superusers included: there is nothing to show yet)."""
    challenge = challenge_for_view(user, slug)
    if challenge.opened_at is None:
        raise Http404
    act = _act_query().filter(challenge=challenge, opened_at__isnull=False).first()
    if act is None:
        raise Http404
    return PublishedAct(challenge=challenge, act=act, entries=[_entry(e) for e in act.entries])


def opening_summary(user, challenge: Challenge) -> dict | None:
    """The opening panel of the challenge page (context key ``opening``).

    After opening: the act's figures and links, for everyone. Closed and not yet opened: a link
    to the officers' page, for the body's opening officers only. Otherwise nothing — and no
    query, so the public page costs the same as before.
    """
    if challenge.opened_at is not None:
        act = (
            OpeningAct.objects.filter(challenge=challenge, opened_at__isnull=False)
            .only("opened_at", "proposals_count", "withdrawn_count", "challenge_id")
            .first()
        )
        return {
            "opened": True,
            "act": act,
            "can_list": is_list_reader(user, challenge),
        }
    if (
        user.is_authenticated
        and challenge.current_stage == Stage.CLOSED
        and is_opening_officer(user, challenge)
    ):
        return {"opened": False, "officer": True}
    return None


# ---------------------------------------------------------------------------------------------
# The officials' list


@dataclass
class OpenedRow:
    entry: ActEntry
    proposal: Proposal
    form: object = None


@dataclass(frozen=True)
class OpenedList:
    challenge: Challenge
    act: OpeningAct
    rows: list[OpenedRow]


def opened_challenge_for_officials(user, slug: str) -> tuple[Challenge, OpeningAct]:
    """A challenge whose act is published, for its body's officials, approvers and opening
    officers and its social witness; 404 for everyone else and before the opening act."""
    challenge = challenge_for_view(user, slug)
    if challenge.opened_at is None or not is_list_reader(user, challenge):
        raise Http404
    act = _act_query().filter(challenge=challenge, opened_at__isnull=False).first()
    if act is None:
        raise Http404
    return challenge, act


def opened_list(user, slug: str) -> OpenedList:
    """The counted proposals in the act's order, each with its row (admissibility), in a
    constant number of queries."""
    challenge, act = opened_challenge_for_officials(user, slug)
    entries = [_entry(e) for e in act.entries]
    proposals = {
        str(p.public_id): p
        for p in Proposal.objects.filter(
            challenge=challenge, public_id__in=[e.proposal for e in entries]
        ).select_related("company", "admissibility_decided_by")
    }
    rows = []
    for entry in entries:
        proposal = proposals.get(entry.proposal)
        if proposal is not None:
            proposal.challenge = challenge
            rows.append(OpenedRow(entry=entry, proposal=proposal))
    return OpenedList(challenge=challenge, act=act, rows=rows)


def proposal_for_admissibility(user, public_id) -> Proposal:
    """A counted proposal of an opened challenge, for the body's readers; 404 otherwise (a
    company member learns nothing new either: this page is not theirs)."""
    proposal = (
        Proposal.objects.select_related("challenge__body", "company")
        .filter(public_id=public_id)
        .first()
    )
    if (
        proposal is None
        or proposal.challenge.opened_at is None
        or not is_body_reader(user, proposal.challenge)
    ):
        raise Http404
    act = OpeningAct.objects.filter(
        challenge_id=proposal.challenge_id, opened_at__isnull=False
    ).first()
    if act is None or str(proposal.public_id) not in {e["proposal"] for e in act.entries}:
        raise Http404
    return proposal
