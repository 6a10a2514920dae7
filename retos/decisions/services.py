"""Every write of the demos and the decision (fallo).

- :func:`demo_submit`: a finalist's members submit their demo (append-only; the last before
  the demo deadline counts; late is refused).
- :func:`demo_slot_schedule`: the body's officials give a finalist its demo-day slot (moving
  it bumps the calendar invitation's sequence); the finalist's members are notified.
- :func:`decision_publish`: the approver publishes the decision — a winner among the
  finalists, or deserted — with the record frozen, its digest, the PDF and its digest, the
  complaint window, the ledger event and the challenge's transition, in one transaction.

The complaints (inconformidades) are in ``complaints.py``.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.core import rules
from retos.core.business_days import add_business_days
from retos.core.errors import DomainError
from retos.decisions import record as records
from retos.decisions.models import Decision, DecisionReason, Demo, DemoSlot, Outcome
from retos.ledger.services import event_record

URL_MAX = 500
NOTES_MAX = 5000
LOCATION_MAX = 300
JUSTIFICATION_MAX = 20000
REASON_MAX = 5000

_url_validator = URLValidator(schemes=["http", "https"])


def _clean_url(value: str, *, label: str, required: bool) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            raise DomainError(_("Give the %(label)s.") % {"label": label}, code="url_required")
        return ""
    if len(value) > URL_MAX:
        raise DomainError(
            _("The %(label)s has at most %(n)d characters.") % {"label": label, "n": URL_MAX},
            code="too_long",
        )
    try:
        _url_validator(value)
    except ValidationError:
        raise DomainError(
            _("The %(label)s must be a web address starting with https:// or http://.")
            % {"label": label},
            code="invalid_url",
        ) from None
    return value


def _company_members(proposal):
    from retos.accounts.models import User
    from retos.proposals.permissions import COMPANY_ROLES

    return User.objects.filter(
        memberships__organization_id=proposal.company_id, memberships__role__in=COMPANY_ROLES
    )


def _lock_proposal(proposal):
    from retos.proposals.models import Proposal

    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("challenge__body", "company")
        .get(pk=proposal.pk)
    )
    for name in ("_retos_is_finalist",):
        if hasattr(proposal, name):
            setattr(locked, name, getattr(proposal, name))
    return locked


# ---------------------------------------------------------------------------------------------
# Demos


@transaction.atomic
def demo_submit(
    *, proposal, actor, demo_url: str, repository_url: str, video_url: str = "", notes: str = ""
) -> Demo:
    """A finalist's member submits the demo: the demo's address, the repository's, an optional
    video link and notes. Each submission is a new version; the last one received before the
    demo deadline (the evaluation settings' ``demo_deadline``, else demo day) counts. After the
    deadline the submission is refused and nothing is stored."""
    proposal = _lock_proposal(proposal)
    rules.require(actor, "demo:submit", proposal)
    demo_url = _clean_url(demo_url, label=_("demo URL"), required=True)
    repository_url = _clean_url(repository_url, label=_("repository URL"), required=True)
    video_url = _clean_url(video_url, label=_("video link"), required=False)
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise DomainError(
            _("The notes have at most %(n)d characters.") % {"n": NOTES_MAX}, code="too_long"
        )
    number = (proposal.demos.aggregate(last=Max("number"))["last"] or 0) + 1
    deadline = records.demo_deadline(proposal.challenge)
    # The time of receipt is the server's, taken after all the work.
    now = timezone.now()
    if deadline is not None and now > deadline:
        raise DomainError(
            _(
                "The demo deadline has passed: demos were received until %(deadline)s. Your "
                "last demo submitted in time is the one that counts."
            )
            % {"deadline": _format(deadline, proposal.challenge)},
            code="demo_late",
        )
    demo = Demo.objects.create(
        proposal=proposal,
        number=number,
        demo_url=demo_url,
        repository_url=repository_url,
        video_url=video_url,
        notes=notes,
        submitted_by=actor,
        submitted_at=now,
    )
    # Private until the decision publishes the demos with the record.
    event_record(
        actor=actor,
        action="demo.submitted",
        subject=demo,
        payload={"proposal": str(proposal.public_id), "number": number},
        public=False,
        occurred_at=now,
    )
    return demo


def _format(value: datetime, challenge) -> str:
    from retos.core.formatting import format_datetime

    return format_datetime(value, challenge.body.time_zone)


@transaction.atomic
def demo_slot_schedule(*, proposal, actor, starts_at: datetime, ends_at: datetime, location: str):
    """Give a finalist its demo-day slot (or move it). The slot must lie ahead, end after it
    starts and not overlap another finalist's; moving it bumps the calendar invitation's
    sequence so calendars replace the earlier one. The finalist's members are notified, with
    the calendar invitation linked from their demo page."""
    from retos.decisions.permissions import is_finalist_proposal

    # The challenge first (as every service that locks both), then the proposal: two officials
    # scheduling at once cannot both take one time.
    Challenge.objects.select_for_update(of=("self",)).filter(pk=proposal.challenge_id).first()
    proposal = _lock_proposal(proposal)
    challenge = proposal.challenge
    rules.require(actor, "demo:schedule", challenge)
    if not is_finalist_proposal(proposal):
        raise DomainError(_("Only a finalist has a demo-day slot."), code="not_finalist")
    location = (location or "").strip()
    if not location:
        raise DomainError(
            _("Give the place or the video-call link of the demo."), code="location_required"
        )
    if len(location) > LOCATION_MAX:
        raise DomainError(
            _("The place or link has at most %(n)d characters.") % {"n": LOCATION_MAX},
            code="too_long",
        )
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise DomainError(_("The slot must end after it starts."), code="slot_order")
    now = timezone.now()
    if starts_at <= now:
        raise DomainError(_("The slot has already started. Choose a time ahead."), code="slot_past")
    clash = (
        DemoSlot.objects.filter(challenge=challenge, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(proposal=proposal)
        .select_related("proposal__company")
        .first()
    )
    if clash is not None:
        raise DomainError(
            _("The slot overlaps the demo of %(company)s (%(start)s). Choose another time.")
            % {
                "company": clash.proposal.company.name,
                "start": _format(clash.starts_at, challenge),
            },
            code="slot_overlap",
        )
    slot = DemoSlot.objects.select_for_update().filter(proposal=proposal).first()
    if slot is None:
        slot = DemoSlot.objects.create(
            challenge=challenge,
            proposal=proposal,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            scheduled_by=actor,
            scheduled_at=now,
        )
    else:
        if (slot.starts_at, slot.ends_at, slot.location) == (starts_at, ends_at, location):
            return slot
        slot.starts_at, slot.ends_at, slot.location = starts_at, ends_at, location
        slot.scheduled_by, slot.scheduled_at = actor, now
        slot.sequence += 1
        slot.save(
            update_fields=[
                "starts_at",
                "ends_at",
                "location",
                "scheduled_by",
                "scheduled_at",
                "sequence",
            ]
        )
    event_record(
        actor=actor,
        action="demo.scheduled",
        subject=slot,
        # The finalists are public; the place (possibly a private video-call link) is not.
        payload={
            "challenge": challenge.slug,
            "proposal": str(proposal.public_id),
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "sequence": slot.sequence,
        },
        public=True,
        occurred_at=now,
    )
    from retos.notifications.models import Kind
    from retos.notifications.services import notify_users

    notify_users(
        users=_company_members(proposal),
        kind=Kind.DEMO_SCHEDULED,
        challenge=challenge,
        context={
            "starts_at": starts_at.isoformat(),
            "location": location,
            "url_name": "decisions:demo",
            "url_kwargs": {"public_id": str(proposal.public_id)},
        },
        exclude_user=actor,
    )
    return slot


# ---------------------------------------------------------------------------------------------
# The decision


def decision_in_force(challenge) -> Decision | None:
    """The challenge's decision in force (not voided by an upheld complaint), if any."""
    return (
        Decision.objects.in_force()
        .filter(challenge_id=challenge.pk)
        .select_related("winner__company", "decided_by")
        .first()
    )


def complaints_close(published_at: datetime, *, business_days: int, time_zone: str) -> datetime:
    """The end of the complaint window: the end of the day (23:59:59 on the body's clock)
    ``business_days`` Mexican business days after the day of publication."""
    zone = ZoneInfo(time_zone)
    last = add_business_days(published_at.astimezone(zone).date(), business_days)
    return datetime.combine(last, time(23, 59, 59), tzinfo=zone)


def decision_options(challenge) -> dict:
    """What the decision may be: the finalists in force (in their order), the admissible
    proposals (each needs a reason if not selected), and whether deserted is the only outcome
    (no admissible proposal, or none reaching the minimum score), with the first round's
    ranking (``retos.evaluation.ranking.challenge_ranking``)."""
    from retos.evaluation.models import Finalist
    from retos.proposals.models import Admissibility, Proposal, Status

    admissible = list(
        Proposal.objects.filter(
            challenge_id=challenge.pk,
            status=Status.SUBMITTED,
            admissibility=Admissibility.ADMISSIBLE,
        )
        .select_related("company")
        .order_by("submitted_at", "id")
    )
    finalists = [
        f.proposal
        for f in Finalist.objects.filter(
            selection__challenge_id=challenge.pk, selection__voided_at__isnull=True
        )
        .select_related("proposal__company")
        .order_by("position")
    ]
    from retos.evaluation.ranking import challenge_ranking

    ranking = challenge_ranking(challenge, round="proposals")
    admissible_ids = {p.pk for p in admissible}
    eligible = any(row.proposal in admissible_ids for row in ranking.eligible_rows)
    return {
        "admissible": admissible,
        "finalists": finalists,
        "eligible": eligible,
        "deserted_required": not admissible or not eligible,
        "ranking": ranking,
    }


@transaction.atomic
def decision_publish(
    *, challenge, actor, winner, justification: str, reasons: dict[int, str]
) -> Decision:
    """Publish the decision (fallo).

    ``winner`` is a finalist's proposal, or None to declare the challenge deserted — required
    when no proposal is admissible or none reaches the minimum score, allowed otherwise.
    ``justification`` is published; ``reasons`` maps each admissible proposal not selected
    (by id) to the published reason why (all required).

    In one transaction: the public record is frozen (``record.build_record``) with the SHA-256
    of its canonical JSON, the PDF is made from it and stored with its own SHA-256, the
    complaint window's end is fixed (``complaint_business_days`` Mexican business days after
    publication, at 23:59:59 on the body's clock), the public ledger event
    ``decision.published`` carries both digests, the challenge moves (``challenge_decide``, or
    ``challenge_declare_deserted`` with the justification as the reason) and every bidder's
    members are told.
    """
    from retos.challenges.services import challenge_decide, challenge_declare_deserted
    from retos.decisions import pdf
    from retos.evaluation.models import EvaluationSettings
    from retos.notifications.models import Kind
    from retos.notifications.services import notify_users

    locked = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=challenge.pk)
    )
    rules.require(actor, "decision:publish", locked)
    now = timezone.now()
    justification = (justification or "").strip()
    if not justification:
        raise DomainError(
            _("Write the justification of the decision; it will be published."),
            code="justification_required",
        )
    if len(justification) > JUSTIFICATION_MAX:
        raise DomainError(
            _("The justification has at most %(n)d characters.") % {"n": JUSTIFICATION_MAX},
            code="too_long",
        )
    options = decision_options(locked)
    finalist_ids = {p.pk for p in options["finalists"]}
    if winner is not None:
        if options["deserted_required"]:
            raise DomainError(
                _(
                    "No admissible proposal reaches the minimum score: the challenge must be "
                    "declared deserted."
                ),
                code="deserted_required",
            )
        if locked.current_stage_at(now) != Stage.FINALISTS:
            raise DomainError(
                _("A winner is chosen among the confirmed finalists, in the finalists stage."),
                code="not_finalists_stage",
            )
        if winner.pk not in finalist_ids:
            raise DomainError(
                _("The winner must be one of the confirmed finalists."), code="not_finalist"
            )
    expected = {p.pk for p in options["admissible"]} - ({winner.pk} if winner else set())
    cleaned: dict[int, str] = {}
    unexpected = set(reasons or {}) - expected
    if unexpected:
        raise DomainError(
            _("Reasons are given only for the admissible proposals not selected."),
            code="reason_unexpected",
        )
    names = {p.pk: p.company.name for p in options["admissible"]}
    for pk in sorted(expected, key=lambda i: names[i].casefold()):
        text = ((reasons or {}).get(pk) or "").strip()
        if not text:
            raise DomainError(
                _("Give the reason why the proposal of %(company)s was not selected.")
                % {"company": names[pk]},
                code="reason_required",
            )
        if len(text) > REASON_MAX:
            raise DomainError(
                _("Each reason has at most %(n)d characters.") % {"n": REASON_MAX},
                code="too_long",
            )
        cleaned[pk] = text

    settings = EvaluationSettings.objects.filter(challenge=locked).first()
    days = settings.complaint_business_days if settings else 6
    closes = complaints_close(now, business_days=days, time_zone=locked.body.time_zone)
    outcome = Outcome.WINNER if winner is not None else Outcome.DESERTED
    record = records.build_record(
        challenge=locked,
        outcome=outcome,
        winner=winner,
        justification=justification,
        reasons=cleaned,
        decided_by=actor,
        published_at=now,
        complaints_close_at=closes,
    )
    digest = records.sha256_hex(records.canonical_bytes(record))
    decision = Decision(
        challenge=locked,
        outcome=outcome,
        winner=winner,
        justification=justification,
        decided_by=actor,
        published_at=now,
        complaints_close_at=closes,
        record=record,
        record_sha256=digest,
    )
    document = pdf.html_to_pdf(pdf.render_decision_html(challenge=locked, decision=decision))
    decision.pdf_sha256 = records.sha256_hex(document)
    # Written before the row; if the transaction then fails, an orphan file is left behind,
    # never a row without its file.
    decision.pdf.save(
        f"fallo-{locked.slug}-{decision.pdf_sha256[:12]}.pdf", ContentFile(document), save=False
    )
    decision.save()
    DecisionReason.objects.bulk_create(
        DecisionReason(decision=decision, proposal_id=pk, reason=text)
        for pk, text in cleaned.items()
    )
    event_record(
        actor=actor,
        action="decision.published",
        subject=decision,
        payload={
            "challenge": locked.slug,
            "outcome": outcome,
            "winner": str(winner.public_id) if winner is not None else None,
            "record_sha256": digest,
            "pdf_sha256": decision.pdf_sha256,
            "complaints_close_at": closes.isoformat(),
        },
        public=True,
        occurred_at=now,
    )
    if winner is not None:
        challenge_decide(challenge=locked, actor=actor)
    else:
        challenge_declare_deserted(challenge=locked, actor=actor, reason=justification)
    from retos.accounts.models import User
    from retos.proposals.models import Status
    from retos.proposals.permissions import COMPANY_ROLES

    bidders = User.objects.filter(
        memberships__role__in=COMPANY_ROLES,
        memberships__organization__proposals__challenge=locked,
        memberships__organization__proposals__status=Status.SUBMITTED,
    )
    notify_users(
        users=bidders,
        kind=Kind.DECISION_PUBLISHED,
        challenge=locked,
        context={
            "complaints_close_at": closes.isoformat(),
            "url_name": "decisions:public",
            "url_kwargs": {"slug": locked.slug},
        },
    )
    for field in ("stage", "decided_at", "deserted_at", "outcome_reason"):
        setattr(challenge, field, getattr(locked, field))
    return decision
