"""Complaints (*inconformidades*) against a decision: the window, filing, and each change of
state with its reasoned response. Every write to a complaint is here.

- The window is a fact read on every request: it is open from the publication of the decision
  in force until its ``complaints_close_at`` (the end of the last of the challenge's
  ``complaint_business_days`` business days, in the body's time zone), while the challenge is
  still in the stage that decision put it in (decided, or deserted). No job closes it.
- A bidder is a member of a company whose proposal the opening act counted; the winner of the
  decision in force does not complain about it.
- States: filed → under review → upheld / dismissed, and the complainant may withdraw while it
  is open (``COMPLAINT_TRANSITIONS``). Each change carries a public, reasoned response.
- Upholding needs a remedy: *reevaluate* voids the decision and the finalist selection in force
  and returns the challenge to evaluation; *cancel* voids the decision and cancels the
  challenge. Both with the response as the published reason.
- While the window is open, or any complaint is filed or under review, the award is refused
  (``award_problems``, registered as a guard of the ``award`` transition).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from retos.challenges.models import Challenge
from retos.challenges.stages import TRANSITIONS_BY_PAIR, Stage
from retos.core import rules
from retos.core.errors import DomainError
from retos.core.formatting import format_datetime
from retos.decisions.models import (
    COMPLAINT_TRANSITIONS,
    OPEN_COMPLAINT_STATUSES,
    Complaint,
    ComplaintEvidence,
    ComplaintStatus,
    ComplaintStep,
    Decision,
    Outcome,
    UpheldRemedy,
)
from retos.documents.validation import validate_upload
from retos.ledger.services import event_record

#: The complaint window when the challenge has no evaluation settings.
DEFAULT_BUSINESS_DAYS = 6
MAX_GROUNDS = 20_000
MAX_RESPONSE = 10_000
MAX_EVIDENCE = 5
#: Evidence may be a PDF or an image (a photograph or a screenshot).
EVIDENCE_KINDS = ("pdf", "png", "jpeg")


class EvidenceRefused(DomainError):
    """One evidence file was refused; ``index`` is its position in the list given."""

    def __init__(self, message, *, code: str = "evidence", index: int = 0):
        super().__init__(message, code=code)
        self.index = index


# ---------------------------------------------------------------------------------------------
# Reads: the window and the complaints still open


def decision_in_force(challenge) -> Decision | None:
    """The challenge's decision not voided (at most one: a database constraint)."""
    return Decision.objects.in_force().filter(challenge=challenge).first()


def complaints_close_at_for(challenge, published_at: datetime) -> datetime:
    """When the complaint window of a decision published at ``published_at`` closes.

    ``complaint_business_days`` (the challenge's evaluation settings; 6 by default) business
    days after the day of publication, counted in the body's time zone (weekends and Mexican
    official holidays do not count), to the end of that day: the same rule as
    ``decision_publish`` (``retos.decisions.services.complaints_close``), which stores it in
    ``Decision.complaints_close_at``.
    """
    from retos.decisions.services import complaints_close
    from retos.evaluation.models import EvaluationSettings

    days = (
        EvaluationSettings.objects.filter(challenge=challenge)
        .values_list("complaint_business_days", flat=True)
        .first()
    ) or DEFAULT_BUSINESS_DAYS
    return complaints_close(published_at, business_days=days, time_zone=challenge.body.time_zone)


def decision_stage(decision: Decision) -> Stage:
    """The stage a decision puts the challenge in: decided (a winner) or deserted."""
    return Stage.DECIDED if decision.outcome == Outcome.WINNER else Stage.DESERTED


def _window_open(challenge, decision: Decision | None, now) -> bool:
    return (
        decision is not None
        and decision.complaints_close_at is not None
        and decision.published_at <= now <= decision.complaints_close_at
        and challenge.current_stage_at(now) == decision_stage(decision)
    )


def complaint_window_open(challenge, now=None) -> bool:
    """Whether a bidder may file a complaint now: the decision in force (a winner, or deserted)
    was published, its window has not closed (its last instant still counts), and the
    challenge is still in the stage that decision put it in (decided, or deserted)."""
    now = now or timezone.now()
    return _window_open(challenge, decision_in_force(challenge), now)


def complaint_window_state(challenge, now=None) -> tuple[Decision | None, bool]:
    """The decision in force (or None) and whether its complaint window is open now."""
    now = now or timezone.now()
    decision = decision_in_force(challenge)
    return decision, _window_open(challenge, decision, now)


def open_complaints_exist(challenge) -> bool:
    """Whether any complaint on ``challenge`` is filed or under review."""
    return Complaint.objects.open().filter(challenge=challenge).exists()


def award_problems(challenge) -> list[str]:
    """Why the award cannot be recorded yet (the guard of the ``award`` transition): the
    complaint window is open, or complaints are still open."""
    now = timezone.now()
    problems = []
    decision = decision_in_force(challenge)
    if _window_open(challenge, decision, now):
        problems.append(
            _(
                "Bidders may file complaints against the decision until %(closes)s: the award "
                "can be recorded once that window has closed."
            )
            % {"closes": format_datetime(decision.complaints_close_at, challenge.body.time_zone)}
        )
    numbers = list(
        Complaint.objects.open()
        .filter(challenge=challenge)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if numbers:
        problems.append(
            ngettext(
                "Complaint %(numbers)s is still open (filed or under review): dismiss or uphold "
                "it, or wait for its withdrawal, before the award.",
                "Complaints %(numbers)s are still open (filed or under review): dismiss or "
                "uphold them, or wait for their withdrawal, before the award.",
                len(numbers),
            )
            % {"numbers": ", ".join(str(n) for n in numbers)}
        )
    return problems


def complaint_filing(challenge, user, now=None) -> tuple[DomainError | None, list]:
    """Whether ``user`` may file a complaint on ``challenge`` now: ``(problem, proposals)``.

    ``problem`` says why not (None: they may), in the order a person needs to hear it;
    ``proposals`` are the user's companies' proposals they may complain for (counted at the
    opening act, not the winner). The page shows the problem instead of the form; the service
    refuses with the same message.
    """
    from retos.decisions.complaint_selectors import bidder_proposals

    now = now or timezone.now()
    decision = decision_in_force(challenge)
    window = _window_problem(challenge, decision, now)
    if window is not None:
        return window, []
    if not (user is not None and user.is_authenticated):
        return DomainError(
            _("Sign in as a member of a company that bid on this challenge to file a complaint."),
            code="sign_in",
        ), []
    proposals = [p for p in bidder_proposals(user, challenge) if p.pk != decision.winner_id]
    if not proposals:
        return DomainError(
            _(
                "Only the bidders may file a complaint: members of a company whose proposal "
                "was opened at the opening act and did not win."
            ),
            code="not_bidder",
        ), []
    return None, proposals


def _window_problem(challenge, decision, now) -> DomainError | None:
    if _window_open(challenge, decision, now):
        return None
    tz = challenge.body.time_zone
    if decision is None or decision.complaints_close_at is None:
        return DomainError(
            _(
                "There is no decision in force on this challenge to complain about. Complaints "
                "can be filed after the decision is published."
            ),
            code="no_decision",
        )
    if now > decision.complaints_close_at:
        return DomainError(
            _(
                "The complaint window closed on %(closes)s. Complaints can no longer be filed "
                "against this decision."
            )
            % {"closes": format_datetime(decision.complaints_close_at, tz)},
            code="window_closed",
        )
    return DomainError(
        _("Complaints cannot be filed now: the challenge is “%(stage)s”.")
        % {"stage": Stage(challenge.current_stage_at(now)).label},
        code="window_closed",
    )


# ---------------------------------------------------------------------------------------------
# Writes


def _clean_text(text: str | None, *, limit: int, missing: str, code: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(missing, code=f"{code}_required")
    if len(text) > limit:
        raise DomainError(
            _("The text is %(length)d characters long; use at most %(limit)d.")
            % {"length": len(text), "limit": limit},
            code=f"{code}_too_long",
        )
    if "\x00" in text:
        raise DomainError(
            _("The text contains a null character; remove it and send it again."),
            code=f"{code}_invalid",
        )
    return text


def _evidence_payload(item: ComplaintEvidence) -> dict:
    document = item.document
    return {
        "name": document.original_name,
        "size": document.size,
        "sha256": document.sha256,
        "content_type": document.content_type,
        "confidential": item.confidential,
    }


def _people_to_tell(complaint: Complaint):
    """The complaining company's members and the body's officials and approvers."""
    from retos.organizations.models import Role
    from retos.proposals.permissions import COMPANY_ROLES

    return get_user_model().objects.filter(
        Q(
            memberships__organization_id=complaint.proposal.company_id,
            memberships__role__in=COMPANY_ROLES,
        )
        | Q(
            memberships__organization_id=complaint.challenge.body_id,
            memberships__role__in=[Role.OFFICIAL, Role.APPROVER],
        )
    )


def _notify(complaint: Complaint, *, actor, response: str = "") -> None:
    from retos.notifications.models import Kind
    from retos.notifications.services import notify_users

    notify_users(
        users=_people_to_tell(complaint),
        kind=Kind.COMPLAINT_UPDATED,
        challenge=complaint.challenge,
        context={
            "number": complaint.number,
            # Lazy: rendered in each reader's language.
            "status_label": ComplaintStatus(complaint.status).label,
            "response": response,
            "url_name": "complaints:detail",
            "url_kwargs": {"slug": complaint.challenge.slug, "number": complaint.number},
        },
        exclude_user=actor,
        subject=complaint,
    )


@transaction.atomic
def complaint_file(*, proposal, actor, grounds: str, evidence=()) -> Complaint:
    """A bidder files a complaint against the decision in force, within the window.

    ``proposal`` is the complaining company's proposal to the challenge (counted at the
    opening act, not the winner: ``complaint:file``); ``grounds`` the public reasoning;
    ``evidence`` a list of ``(file, confidential)`` — PDF, PNG or JPEG, at most
    ``MAX_EVIDENCE``, each checked by ``retos.documents.validation`` before anything is
    stored (a refused file raises ``EvidenceRefused`` with its position, and nothing is kept).
    Numbered per challenge. Records ``complaint.filed`` (public: the grounds and each file's
    name, size and SHA-256, confidential or not) and tells the company's members and the
    body's officials and approvers.
    """
    from retos.documents.services import document_create
    from retos.proposals.models import Proposal

    challenge = (
        Challenge.objects.select_for_update().select_related("body").get(pk=proposal.challenge_id)
    )
    proposal = Proposal.objects.select_related("company").get(pk=proposal.pk)
    proposal.challenge = challenge
    rules.require(actor, "complaint:file", proposal)
    now = timezone.now()
    decision = decision_in_force(challenge)
    problem = _window_problem(challenge, decision, now)
    if problem is not None:
        raise problem
    grounds = _clean_text(
        grounds,
        limit=MAX_GROUNDS,
        missing=_("Write the grounds of the complaint: what in the decision is wrong, and why."),
        code="grounds",
    )
    evidence = [(file, bool(confidential)) for file, confidential in evidence or ()]
    if len(evidence) > MAX_EVIDENCE:
        raise DomainError(
            _("Attach at most %(max)d files; combine the rest into one PDF.")
            % {"max": MAX_EVIDENCE},
            code="too_many_evidence",
        )
    # Every file is checked before any is stored: one refusal keeps nothing.
    for index, (file, _confidential) in enumerate(evidence):
        try:
            validate_upload(file, kinds=EVIDENCE_KINDS)
        except DomainError as exc:
            raise EvidenceRefused(exc.message, code=exc.code, index=index) from exc
    last = Complaint.objects.filter(challenge=challenge).aggregate(last=Max("number"))["last"]
    complaint = Complaint.objects.create(
        challenge=challenge,
        decision=decision,
        proposal=proposal,
        number=(last or 0) + 1,
        grounds=grounds,
        filed_by=actor,
        filed_at=now,
    )
    items = []
    for file, confidential in evidence:
        document = document_create(file=file, uploaded_by=actor, kinds=EVIDENCE_KINDS)
        items.append(
            ComplaintEvidence.objects.create(
                complaint=complaint, document=document, confidential=confidential, added_at=now
            )
        )
    event_record(
        actor=actor,
        action="complaint.filed",
        subject=complaint,
        payload={
            "challenge": challenge.slug,
            "number": complaint.number,
            "decision": decision.pk,
            "company": proposal.company.name,
            "rfc": proposal.company.rfc,
            "grounds": grounds,
            "status": complaint.status,
            "evidence": [_evidence_payload(item) for item in items],
        },
        public=True,
        occurred_at=now,
    )
    _notify(complaint, actor=actor)
    return complaint


def _move_permission(to_status: ComplaintStatus) -> str:
    return "complaint:withdraw" if to_status == ComplaintStatus.WITHDRAWN else "complaint:decide"


@transaction.atomic
def complaint_move(*, complaint, actor, to_status, response: str, remedy: str = "") -> Complaint:
    """Move a complaint to ``to_status`` with a reasoned, public ``response``.

    The body's approver takes a filed complaint under review and then upholds or dismisses it
    (``complaint:decide``); the complaining company's members may withdraw it while it is open
    (``complaint:withdraw``). Only the moves in ``COMPLAINT_TRANSITIONS`` exist.

    Upholding needs ``remedy`` (``UpheldRemedy``), while the challenge is still in the stage
    the decision complained about put it in, and a transition from it to the remedy's stage
    exists (``stages.TRANSITIONS``; a deserted challenge has none yet): *reevaluate* voids
    that decision and the finalist selection in force and returns the challenge to
    evaluation; *cancel* voids the decision and cancels the challenge; in both the response
    is the published reason. Records ``complaint.moved`` (public) and tells the company's
    members and the body's officials and approvers.
    """
    from retos.challenges.services import challenge_cancel, challenge_reopen_evaluation
    from retos.evaluation.models import FinalistSelection

    challenge = (
        Challenge.objects.select_for_update().select_related("body").get(pk=complaint.challenge_id)
    )
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("proposal__company", "decision")
        .get(pk=complaint.pk)
    )
    complaint.challenge = challenge
    complaint.proposal.challenge = challenge
    try:
        to_status = ComplaintStatus(to_status)
    except ValueError:
        raise DomainError(
            _("Choose what happens to the complaint."), code="invalid_status"
        ) from None
    rules.require(actor, _move_permission(to_status), complaint)
    from_status = ComplaintStatus(complaint.status)
    if (from_status, to_status) not in COMPLAINT_TRANSITIONS:
        raise DomainError(
            _("A complaint that is “%(from)s” cannot become “%(to)s”.")
            % {"from": from_status.label, "to": to_status.label},
            code="invalid_move",
        )
    response = _clean_text(
        response,
        limit=MAX_RESPONSE,
        missing=_("Write the reasoned response; it is published with the complaint."),
        code="response",
    )
    remedy = (remedy or "").strip()
    now = timezone.now()
    voided: dict = {}
    if to_status == ComplaintStatus.UPHELD:
        if remedy not in UpheldRemedy.values:
            raise DomainError(
                _(
                    "Choose the remedy: return the challenge to evaluation, or cancel the "
                    "challenge."
                ),
                code="remedy_required",
            )
        decision = complaint.decision
        stage_now = challenge.current_stage_at(now)
        if decision.voided_at is not None or stage_now != decision_stage(decision):
            raise DomainError(
                _(
                    "The decision this complaint is about is no longer in force, so upholding "
                    "it changes nothing: dismiss it, explaining why."
                ),
                code="decision_not_in_force",
            )
        target = Stage.EVALUATION if remedy == UpheldRemedy.REEVALUATE else Stage.CANCELLED
        if (stage_now, target) not in TRANSITIONS_BY_PAIR:
            raise DomainError(
                _(
                    "A challenge in stage “%(stage)s” cannot move to “%(target)s”, so this "
                    "remedy is not available."
                )
                % {"stage": Stage(stage_now).label, "target": Stage(target).label},
                code="remedy_unavailable",
            )
    elif remedy:
        raise DomainError(
            _("A remedy is chosen only when the complaint is upheld."), code="remedy_not_allowed"
        )

    ComplaintStep.objects.create(
        complaint=complaint,
        from_status=from_status,
        to_status=to_status,
        response=response,
        actor=actor,
        at=now,
    )
    complaint.status = to_status
    complaint.remedy = remedy if to_status == ComplaintStatus.UPHELD else ""
    complaint.resolved_at = None if to_status in OPEN_COMPLAINT_STATUSES else now
    complaint.save(update_fields=["status", "remedy", "resolved_at"])

    if to_status == ComplaintStatus.UPHELD:
        reason = _("Complaint %(number)d upheld: %(response)s") % {
            "number": complaint.number,
            "response": response,
        }
        decision = complaint.decision
        decision.voided_at = now
        decision.void_reason = reason
        decision.save(update_fields=["voided_at", "void_reason"])
        voided["decision"] = decision.pk
        if remedy == UpheldRemedy.REEVALUATE:
            selection = (
                FinalistSelection.objects.select_for_update()
                .filter(challenge=challenge, voided_at__isnull=True)
                .first()
            )
            if selection is not None:
                selection.voided_at = now
                selection.void_reason = reason
                selection.save(update_fields=["voided_at", "void_reason"])
                voided["finalist_selection"] = selection.pk

    event_record(
        actor=actor,
        action="complaint.moved",
        subject=complaint,
        payload={
            "challenge": challenge.slug,
            "number": complaint.number,
            "from": from_status,
            "to": to_status,
            "response": response,
            "remedy": complaint.remedy,
            "voided": voided,
        },
        public=True,
        occurred_at=now,
    )
    if to_status == ComplaintStatus.UPHELD:
        if remedy == UpheldRemedy.REEVALUATE:
            challenge_reopen_evaluation(challenge=challenge, actor=actor, reason=reason)
        else:
            challenge_cancel(challenge=challenge, actor=actor, reason=reason)
    _notify(complaint, actor=actor, response=response)
    return complaint


def complaint_moves_for(user, complaint) -> list[ComplaintStatus]:
    """The states ``user`` may move ``complaint`` to now (for the page's forms)."""
    return [
        to
        for to in _MOVE_ORDER
        if (complaint.status, to) in COMPLAINT_TRANSITIONS
        and rules.can(user, _move_permission(to), complaint)
    ]


_MOVE_ORDER = [
    ComplaintStatus.UNDER_REVIEW,
    ComplaintStatus.UPHELD,
    ComplaintStatus.DISMISSED,
    ComplaintStatus.WITHDRAWN,
]
