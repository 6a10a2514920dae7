"""Every write of the contracts app: the award and contract, the milestones' progress, their
acceptance and payment, the final delivery, the catalog and its reuses.

Each service runs in a transaction, checks a named permission (``retos/contracts/
permissions.py``), locks the rows it reads and then changes, records a public ledger event
(the names agreed for the OCDS releases) and tells the other side with a ``CONTRACT_UPDATED``
notification, which is sent after the commit.

A refusal about what was typed raises :class:`ContractError`, a ``DomainError`` that also lists
each problem with the field it belongs to, so a page can show every message next to its field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import capfirst, format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retos.challenges.models import Challenge
from retos.challenges.services import challenge_award, challenge_complete
from retos.contracts import publiccode as publiccode_checks
from retos.contracts.models import (
    Award,
    CatalogEntry,
    Contract,
    Delivery,
    DeliveryStatus,
    Milestone,
    MilestoneReview,
    MilestoneStatus,
    MilestoneUpdate,
    Payment,
    Reuse,
    ReviewOutcome,
)
from retos.contracts.permissions import AGENCY_ROLES, SUPPLIER_ROLES
from retos.core import rules
from retos.core.errors import DomainError
from retos.core.formatting import format_mxn
from retos.documents.services import document_create
from retos.ledger.services import event_record
from retos.organizations.models import Role

#: The most milestones a contract may have (the form offers fewer rows).
MAX_MILESTONES = 20
MAX_TEXT = 5000
MAX_NOTE = 2000
#: The largest amount the database holds (14 digits, 2 decimals).
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


class ContractError(DomainError):
    """Refused input: ``problems`` is a list of ``(field, message)``; ``field`` names the form
    field (``amount``, ``milestones-0-due_on``…) or is None for the whole form."""

    def __init__(self, problems: list[tuple[str | None, str]], *, code: str = "invalid"):
        self.problems = [(field, str(message)) for field, message in problems]
        super().__init__(" ".join(message for _field, message in self.problems), code=code)


def _today(challenge: Challenge) -> dt.date:
    return timezone.localtime(timezone.now(), ZoneInfo(challenge.body.time_zone)).date()


def _local_date(value: dt.datetime, challenge: Challenge) -> dt.date:
    return timezone.localtime(value, ZoneInfo(challenge.body.time_zone)).date()


def _money_problem(value, label) -> str | None:
    """Why ``value`` is not an amount in pesos (more than zero, cents at most), or None."""
    if value is None or value == "":
        return _("Give %(label)s, in pesos, for example 850000.00.") % {"label": label}
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        message = _("%(label)s must be an amount in pesos, for example 850000.00.")
    elif value <= 0:
        message = _("%(label)s must be more than zero.")
    elif value != value.quantize(CENT):
        message = _("%(label)s has at most two decimals (cents).")
    elif value > MAX_AMOUNT:
        message = _("%(label)s is too large.")
    else:
        return None
    return capfirst(message % {"label": label})


def _text_problem(value, label, *, max_length: int, required: bool = True) -> str | None:
    value = (value or "").strip()
    if required and not value:
        return _("Write %(label)s.") % {"label": label}
    if len(value) > max_length:
        return capfirst(
            _("%(label)s has %(length)d characters; use at most %(max)d.")
            % {"label": label, "length": len(value), "max": max_length}
        )
    return None


def _url_problem(value, label, *, required: bool) -> str | None:
    value = (value or "").strip()
    if not value:
        return _("Give %(label)s (https://…).") % {"label": label} if required else None
    if len(value) > 500:
        return capfirst(_("%(label)s is too long: use at most 500 characters.") % {"label": label})
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return capfirst(
            _("%(label)s must be a web address starting with https://, e.g. %(example)s.")
            % {"label": label, "example": "https://git.example.org/municipio/herramienta"}
        )
    return None


def _users(organization_id: int, roles):
    return get_user_model().objects.filter(
        memberships__organization_id=organization_id, memberships__role__in=roles
    )


def _tell(*, challenge, users, actor, what, detail="") -> None:
    """A ``CONTRACT_UPDATED`` notification linked to the contract page, after the commit.

    ``what`` and ``detail`` are lazy texts, so each reader gets them in their own language.
    """
    from retos.notifications.models import Kind
    from retos.notifications.services import notify_users

    notify_users(
        users=users,
        kind=Kind.CONTRACT_UPDATED,
        challenge=challenge,
        context={
            "what": what,
            "detail": detail,
            "url_name": "contracts:contract",
            "url_kwargs": {"slug": challenge.slug},
        },
        exclude_user=actor,
    )


# --- The award and the contract --------------------------------------------------------------


def _decision_in_force(challenge: Challenge):
    from retos.decisions.models import Decision

    return (
        Decision.objects.in_force()
        .filter(challenge=challenge)
        .select_related("winner", "winner__company")
        .first()
    )


def award_blockers(challenge: Challenge) -> list[str]:
    """Why the award cannot be recorded yet, in plain words (empty: it can).

    Read by the award page to explain itself, and by :func:`award_record` before it writes:
    an award already recorded, no decision in force with a winner, and the complaints app's
    own conditions (``retos.decisions.complaints.award_problems``, also its guard on the
    ``award`` transition): the complaint window still open, or a complaint still open.
    """
    from retos.decisions.complaints import award_problems
    from retos.decisions.models import Outcome

    if Award.objects.filter(challenge=challenge).exists():
        return [_("The award of this challenge is already recorded.")]
    decision = _decision_in_force(challenge)
    if decision is None or decision.outcome != Outcome.WINNER:
        return [_("There is no decision in force with a winner to award the contract to.")]
    return [str(problem) for problem in award_problems(challenge)]


def _milestone_problems(index: int, row: dict, *, starts_on, ends_on) -> list[tuple[str, str]]:
    n = index + 1
    prefix = f"milestones-{index}-"
    problems = []
    title = _text_problem(
        row.get("title"),
        format_lazy(gettext_lazy("the title of milestone {n}"), n=n),
        max_length=200,
    )
    if title:
        problems.append((prefix + "title", title))
    deliverables = _text_problem(
        row.get("deliverables"),
        format_lazy(gettext_lazy("the deliverables of milestone {n}"), n=n),
        max_length=MAX_TEXT,
    )
    if deliverables:
        problems.append((prefix + "deliverables", deliverables))
    due_on = row.get("due_on")
    if not isinstance(due_on, dt.date):
        problems.append((prefix + "due_on", _("Give the due date of milestone %(n)d.") % {"n": n}))
    elif (
        isinstance(starts_on, dt.date)
        and isinstance(ends_on, dt.date)
        and not (starts_on <= due_on <= ends_on)
    ):
        problems.append(
            (
                prefix + "due_on",
                _(
                    "The due date of milestone %(n)d must fall within the contract, between "
                    "its start (%(start)s) and its end (%(end)s)."
                )
                % {"n": n, "start": starts_on.isoformat(), "end": ends_on.isoformat()},
            )
        )
    amount = _money_problem(
        row.get("amount"), format_lazy(gettext_lazy("the payment of milestone {n}"), n=n)
    )
    if amount:
        problems.append((prefix + "amount", amount))
    return problems


def _award_problems(
    challenge: Challenge, decision, *, amount, awarded_on, contract: dict
) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    today = _today(challenge)
    money = _money_problem(amount, _("the amount awarded"))
    if money:
        problems.append(("amount", money))
    elif challenge.amount is not None and Decimal(str(amount)) > challenge.amount:
        problems.append(
            (
                "amount",
                _(
                    "The amount awarded (%(amount)s) is more than the challenge's contract "
                    "amount (%(limit)s). Award at most %(limit)s."
                )
                % {
                    "amount": format_mxn(Decimal(str(amount))),
                    "limit": format_mxn(challenge.amount),
                },
            )
        )
    decided_on = _local_date(decision.published_at, challenge)
    if not isinstance(awarded_on, dt.date):
        problems.append(("awarded_on", _("Give the date of the award.")))
    elif awarded_on > today:
        problems.append(("awarded_on", _("The award date cannot be in the future.")))
    elif awarded_on < decided_on:
        problems.append(
            (
                "awarded_on",
                _("The award date cannot be before the decision (%(date)s).")
                % {"date": decided_on.isoformat()},
            )
        )
    number = _text_problem(contract.get("number"), _("the contract number"), max_length=60)
    if number:
        problems.append(("number", number))
    signed_on = contract.get("signed_on")
    if not isinstance(signed_on, dt.date):
        problems.append(("signed_on", _("Give the date the contract was signed.")))
    elif signed_on > today:
        problems.append(("signed_on", _("The signature date cannot be in the future.")))
    elif isinstance(awarded_on, dt.date) and signed_on < awarded_on:
        problems.append(("signed_on", _("The contract is signed on or after the award date.")))
    starts_on, ends_on = contract.get("starts_on"), contract.get("ends_on")
    if not isinstance(starts_on, dt.date):
        problems.append(("starts_on", _("Give the date the contract starts.")))
    elif isinstance(signed_on, dt.date) and starts_on < signed_on:
        problems.append(("starts_on", _("The contract starts on or after its signature date.")))
    if not isinstance(ends_on, dt.date):
        problems.append(("ends_on", _("Give the date the contract ends.")))
    elif isinstance(starts_on, dt.date) and ends_on <= starts_on:
        problems.append(("ends_on", _("The contract ends after it starts.")))
    if not contract.get("document"):
        problems.append(("document", _("Choose the signed contract (PDF).")))
    milestones = list(contract.get("milestones") or [])
    if not milestones:
        problems.append(
            (
                None,
                _(
                    "Add at least one milestone: its title, deliverables, due date and payment "
                    "amount."
                ),
            )
        )
    elif len(milestones) > MAX_MILESTONES:
        problems.append(
            (None, _("A contract has at most %(max)d milestones.") % {"max": MAX_MILESTONES})
        )
    else:
        for index, row in enumerate(milestones):
            problems += _milestone_problems(index, row, starts_on=starts_on, ends_on=ends_on)
        if (
            not any(field and field.startswith("milestones-") for field, _m in problems)
            and not money
        ):
            total = sum(Decimal(str(row["amount"])) for row in milestones)
            if total > Decimal(str(amount)):
                problems.append(
                    (
                        None,
                        _(
                            "The milestones' payments add up to %(total)s, more than the amount "
                            "awarded (%(amount)s). Lower the payments or raise the award."
                        )
                        % {
                            "total": format_mxn(total),
                            "amount": format_mxn(Decimal(str(amount))),
                        },
                    )
                )
    return problems


def _award_payload(award: Award, contract: Contract, milestones: list[Milestone]) -> dict:
    document = contract.document
    return {
        "challenge": award.challenge.slug,
        "decision": award.decision_id,
        "supplier": {"name": award.supplier.name, "rfc": award.supplier.rfc},
        "amount": str(award.amount),
        "currency": "MXN",
        "awarded_on": award.awarded_on.isoformat(),
        "contract": {
            "id": contract.pk,
            "number": contract.number,
            "signed_on": contract.signed_on.isoformat(),
            "starts_on": contract.starts_on.isoformat(),
            "ends_on": contract.ends_on.isoformat(),
            "document": {
                "id": document.pk,
                "file_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
            },
            "milestones": [
                {
                    "id": m.pk,
                    "number": m.number,
                    "title": m.title,
                    "deliverables": m.deliverables,
                    "due_on": m.due_on.isoformat(),
                    "amount": str(m.amount),
                }
                for m in milestones
            ],
        },
    }


@transaction.atomic
def award_record(*, challenge: Challenge, actor, amount, awarded_on, contract: dict) -> Award:
    """Record the award to the decision's winner and the signed contract, then move the
    challenge to “awarded” (``challenge_award``), all in one transaction.

    The body's approver (``contract:award``, stage decided), once the complaint window has
    closed with no complaint open. ``contract`` holds ``number``, ``signed_on``, ``document``
    (the signed contract: an uploaded PDF, checked like every upload), ``starts_on``,
    ``ends_on`` and ``milestones`` (each ``title``, ``deliverables``, ``due_on``, ``amount``).
    The amount is at most the challenge's contract amount, and the milestones' payments add up
    to at most the amount awarded; every problem with what was typed is reported at once
    (:class:`ContractError`). The ledger event ``award.recorded`` carries the contract and its
    milestones; the supplier's members are told.
    """
    locked = Challenge.objects.select_for_update().select_related("body").get(pk=challenge.pk)
    rules.require(actor, "contract:award", locked)
    blockers = award_blockers(locked)
    if blockers:
        raise DomainError(" ".join(blockers), code="award_blocked")
    decision = _decision_in_force(locked)
    problems = _award_problems(
        locked, decision, amount=amount, awarded_on=awarded_on, contract=contract
    )
    if problems:
        raise ContractError(problems, code="award_invalid")
    try:
        document = document_create(file=contract["document"], uploaded_by=actor, kinds=("pdf",))
    except DomainError as exc:
        raise ContractError([("document", exc.message)], code=exc.code) from exc
    now = timezone.now()
    award = Award.objects.create(
        challenge=locked,
        decision=decision,
        proposal=decision.winner,
        supplier=decision.winner.company,
        amount=Decimal(str(amount)),
        awarded_on=awarded_on,
        recorded_by=actor,
        recorded_at=now,
    )
    signed = Contract.objects.create(
        award=award,
        number=contract["number"].strip(),
        signed_on=contract["signed_on"],
        document=document,
        starts_on=contract["starts_on"],
        ends_on=contract["ends_on"],
        recorded_by=actor,
        recorded_at=now,
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            contract=signed,
            number=i,
            title=row["title"].strip(),
            deliverables=row["deliverables"].strip(),
            due_on=row["due_on"],
            amount=Decimal(str(row["amount"])),
        )
        for i, row in enumerate(contract["milestones"], start=1)
    )
    if any(m.pk is None for m in milestones):  # backends that do not return ids
        milestones = list(signed.milestones.order_by("number"))
    event_record(
        actor=actor,
        action="award.recorded",
        subject=award,
        payload=_award_payload(award, signed, milestones),
        public=True,
    )
    _tell(
        challenge=locked,
        users=_users(award.supplier_id, SUPPLIER_ROLES),
        actor=actor,
        what=gettext_lazy("the award and the contract are recorded"),
        detail=format_lazy(
            gettext_lazy(
                "Contract {number}, {amount}, with {count} milestones. Implementation starts "
                "when the agency records it."
            ),
            number=signed.number,
            amount=format_mxn(award.amount),
            count=len(milestones),
        ),
    )
    challenge_award(challenge=challenge, actor=actor)
    return award


# --- Implementation: milestones and payments -------------------------------------------------


def _lock_milestone(milestone: Milestone) -> Milestone:
    return (
        Milestone.objects.select_for_update(of=("self",))
        .select_related(
            "contract",
            "contract__award",
            "contract__award__challenge__body",
            "contract__award__supplier",
        )
        .get(pk=milestone.pk)
    )


def _milestone_payload(milestone: Milestone, **extra) -> dict:
    return {
        "challenge": milestone.contract.award.challenge.slug,
        "contract": milestone.contract_id,
        "milestone": milestone.number,
        "title": milestone.title,
        "status": milestone.status,
        **extra,
    }


@transaction.atomic
def milestone_progress_post(
    *, milestone: Milestone, actor, progress, note: str, link: str = ""
) -> MilestoneUpdate:
    """The supplier posts progress on a milestone (``milestone:post_progress``: its members,
    during implementation): a percentage (0–100), what was done, and an optional link.

    Not while the milestone waits for the agency's review, nor once accepted. The first post
    moves a planned milestone to “in progress”. Public (``milestone.progress``); the agency's
    officials and approvers are told.
    """
    locked = _lock_milestone(milestone)
    rules.require(actor, "milestone:post_progress", locked)
    challenge = locked.contract.award.challenge
    if locked.status == MilestoneStatus.SUBMITTED:
        raise DomainError(
            _("This milestone waits for the agency's review; post progress after its answer."),
            code="milestone_submitted",
        )
    if locked.status in (MilestoneStatus.ACCEPTED, MilestoneStatus.PAID):
        raise DomainError(
            _("This milestone is already accepted; post progress on another milestone."),
            code="milestone_accepted",
        )
    problems: list[tuple[str | None, str]] = []
    try:
        percent = int(str(progress).strip().rstrip("%").strip())
    except (TypeError, ValueError):
        percent = None
    if percent is None or not 0 <= percent <= 100:
        problems.append(("progress", _("Give the progress as a whole number from 0 to 100.")))
    note_problem = _text_problem(note, _("what was done"), max_length=MAX_TEXT)
    if note_problem:
        problems.append(("note", note_problem))
    link_problem = _url_problem(link, _("the link"), required=False)
    if link_problem:
        problems.append(("link", link_problem))
    if problems:
        raise ContractError(problems, code="progress_invalid")
    update = MilestoneUpdate.objects.create(
        milestone=locked,
        progress=percent,
        note=note.strip(),
        link=(link or "").strip(),
        author=actor,
        posted_at=timezone.now(),
    )
    if locked.status == MilestoneStatus.PLANNED:
        locked.status = MilestoneStatus.IN_PROGRESS
        locked.save(update_fields=["status"])
    event_record(
        actor=actor,
        action="milestone.progress",
        subject=locked,
        payload=_milestone_payload(
            locked, update=update.pk, progress=percent, note=update.note, link=update.link
        ),
        public=True,
    )
    _tell(
        challenge=challenge,
        users=_users(challenge.body_id, AGENCY_ROLES),
        actor=actor,
        what=format_lazy(
            gettext_lazy("progress on milestone {number} ({percent}%)"),
            number=locked.number,
            percent=percent,
        ),
        detail=update.note[:500],
    )
    return update


@transaction.atomic
def milestone_submit(*, milestone: Milestone, actor) -> Milestone:
    """The supplier submits a milestone for the agency's acceptance (``milestone:submit``).

    From “planned” or “in progress” (also after it was returned with observations). Public
    (``milestone.submitted``); the agency's officials and approvers are told.
    """
    locked = _lock_milestone(milestone)
    rules.require(actor, "milestone:submit", locked)
    challenge = locked.contract.award.challenge
    if locked.status == MilestoneStatus.SUBMITTED:
        raise DomainError(
            _("This milestone is already submitted; the agency will accept or return it."),
            code="milestone_submitted",
        )
    if locked.status in (MilestoneStatus.ACCEPTED, MilestoneStatus.PAID):
        raise DomainError(_("This milestone is already accepted."), code="milestone_accepted")
    locked.status = MilestoneStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    event_record(
        actor=actor,
        action="milestone.submitted",
        subject=locked,
        payload=_milestone_payload(locked, submitted_at=locked.submitted_at.isoformat()),
        public=True,
    )
    _tell(
        challenge=challenge,
        users=_users(challenge.body_id, AGENCY_ROLES),
        actor=actor,
        what=format_lazy(
            gettext_lazy("milestone {number} is submitted for acceptance"), number=locked.number
        ),
        detail=gettext_lazy("Accept it or return it with observations on the contract page."),
    )
    return locked


def _review(*, milestone: Milestone, actor, accept: bool, note: str) -> Milestone:
    locked = _lock_milestone(milestone)
    rules.require(actor, "milestone:review", locked)
    challenge = locked.contract.award.challenge
    if locked.status != MilestoneStatus.SUBMITTED:
        raise DomainError(
            _(
                "Only a milestone the supplier submitted for acceptance can be accepted or "
                "returned; this one is “%(status)s”."
            )
            % {"status": locked.get_status_display()},
            code="milestone_not_submitted",
        )
    note = (note or "").strip()
    problem = _text_problem(
        note, _("the observations for the supplier"), max_length=MAX_TEXT, required=not accept
    )
    if problem:
        raise ContractError([("note", problem)], code="review_invalid")
    now = timezone.now()
    review = MilestoneReview.objects.create(
        milestone=locked,
        outcome=ReviewOutcome.ACCEPTED if accept else ReviewOutcome.RETURNED,
        note=note,
        reviewer=actor,
        reviewed_at=now,
    )
    if accept:
        locked.status = MilestoneStatus.ACCEPTED
        locked.accepted_at = now
        locked.accepted_by = actor
        locked.save(update_fields=["status", "accepted_at", "accepted_by"])
        what = format_lazy(gettext_lazy("milestone {number} is accepted"), number=locked.number)
    else:
        locked.status = MilestoneStatus.IN_PROGRESS
        locked.save(update_fields=["status"])
        what = format_lazy(
            gettext_lazy("milestone {number} is returned with observations"),
            number=locked.number,
        )
    event_record(
        actor=actor,
        action="milestone.accepted" if accept else "milestone.returned",
        subject=locked,
        payload=_milestone_payload(locked, review=review.pk, note=note),
        public=True,
    )
    _tell(
        challenge=challenge,
        users=_users(locked.contract.award.supplier_id, SUPPLIER_ROLES),
        actor=actor,
        what=what,
        detail=note[:500],
    )
    return locked


@transaction.atomic
def milestone_accept(*, milestone: Milestone, actor, note: str = "") -> Milestone:
    """The agency accepts a submitted milestone (``milestone:review``: the body's officials
    and approvers, during implementation); its payment can then be recorded. Public
    (``milestone.accepted``); the supplier's members are told."""
    return _review(milestone=milestone, actor=actor, accept=True, note=note)


@transaction.atomic
def milestone_return(*, milestone: Milestone, actor, note: str) -> Milestone:
    """The agency returns a submitted milestone with observations (required, public); it is
    “in progress” again and the supplier may submit it anew (``milestone.returned``)."""
    return _review(milestone=milestone, actor=actor, accept=False, note=note)


@transaction.atomic
def payment_record(*, milestone: Milestone, actor, amount, paid_on, reference: str) -> Payment:
    """Record the payment of an accepted milestone (``payment:record``: the body's officials
    and approvers, during implementation or after completion).

    Only after acceptance, once per milestone; at most the milestone's amount; dated between
    the acceptance and today. Public (``payment.recorded``); the supplier's members are told.
    """
    locked = _lock_milestone(milestone)
    rules.require(actor, "payment:record", locked)
    challenge = locked.contract.award.challenge
    if locked.status == MilestoneStatus.PAID:
        raise DomainError(
            _("The payment of this milestone is already recorded."), code="already_paid"
        )
    if locked.status != MilestoneStatus.ACCEPTED:
        raise DomainError(
            _(
                "A payment is recorded only after the milestone is accepted; this one is "
                "“%(status)s”."
            )
            % {"status": locked.get_status_display()},
            code="milestone_not_accepted",
        )
    problems: list[tuple[str | None, str]] = []
    money = _money_problem(amount, _("the amount paid"))
    if money:
        problems.append(("amount", money))
    elif Decimal(str(amount)) > locked.amount:
        problems.append(
            (
                "amount",
                _(
                    "The amount paid (%(amount)s) is more than the milestone's payment "
                    "(%(limit)s). Pay at most %(limit)s."
                )
                % {"amount": format_mxn(Decimal(str(amount))), "limit": format_mxn(locked.amount)},
            )
        )
    accepted_on = _local_date(locked.accepted_at, challenge)
    if not isinstance(paid_on, dt.date):
        problems.append(("paid_on", _("Give the date of the payment.")))
    elif paid_on > _today(challenge):
        problems.append(("paid_on", _("The payment date cannot be in the future.")))
    elif paid_on < accepted_on:
        problems.append(
            (
                "paid_on",
                _("The payment date cannot be before the milestone's acceptance (%(date)s).")
                % {"date": accepted_on.isoformat()},
            )
        )
    ref = _text_problem(reference, _("the payment reference"), max_length=100)
    if ref:
        problems.append(("reference", ref))
    if problems:
        raise ContractError(problems, code="payment_invalid")
    payment = Payment.objects.create(
        milestone=locked,
        amount=Decimal(str(amount)),
        paid_on=paid_on,
        reference=reference.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    locked.status = MilestoneStatus.PAID
    locked.save(update_fields=["status"])
    event_record(
        actor=actor,
        action="payment.recorded",
        subject=payment,
        payload=_milestone_payload(
            locked,
            amount=str(payment.amount),
            currency="MXN",
            paid_on=payment.paid_on.isoformat(),
            reference=payment.reference,
        ),
        public=True,
    )
    _tell(
        challenge=challenge,
        users=_users(locked.contract.award.supplier_id, SUPPLIER_ROLES),
        actor=actor,
        what=format_lazy(
            gettext_lazy("the payment of milestone {number} is recorded"), number=locked.number
        ),
        detail=format_lazy(
            gettext_lazy("{amount}, paid on {date}, reference {reference}."),
            amount=format_mxn(payment.amount),
            date=payment.paid_on.isoformat(),
            reference=payment.reference,
        ),
    )
    return payment


# --- The final delivery and the catalog ------------------------------------------------------


@transaction.atomic
def delivery_submit(
    *, challenge: Challenge, actor, repository_url: str, licence: str, publiccode_yml: str, notes=""
) -> Delivery:
    """The supplier submits the final delivery (``delivery:submit``: its members, during
    implementation): the repository, a licence the challenge allowed, and a ``publiccode.yml``
    valid against the vendored schema whose ``url`` and ``legal.license`` agree with the form.

    One at a time: not while another waits for review, and not after one was accepted. Every
    problem is reported at once, the schema's own messages with their field's path. Public
    (``delivery.submitted``); the agency's approvers are told.
    """
    locked = Challenge.objects.select_for_update().select_related("body").get(pk=challenge.pk)
    rules.require(actor, "delivery:submit", locked)
    statuses = set(Delivery.objects.filter(challenge=locked).values_list("status", flat=True))
    if DeliveryStatus.ACCEPTED in statuses:
        raise DomainError(_("The delivery is already accepted."), code="delivery_accepted")
    if DeliveryStatus.SUBMITTED in statuses:
        raise DomainError(
            _("A delivery waits for the agency's review; you may send another if it is returned."),
            code="delivery_pending",
        )
    repository_url = (repository_url or "").strip()
    licence = (licence or "").strip()
    notes = (notes or "").strip()
    problems: list[tuple[str | None, str]] = []
    url_problem = _url_problem(repository_url, _("the repository URL"), required=True)
    if url_problem:
        problems.append(("repository_url", url_problem))
    if licence not in locked.licences:
        allowed = ", ".join(locked.licences)
        problems.append(
            (
                "licence",
                _("Choose one of the licences the challenge allows: %(allowed)s.")
                % {"allowed": allowed},
            )
        )
    notes_problem = _text_problem(notes, _("the notes"), max_length=MAX_TEXT, required=False)
    if notes_problem:
        problems.append(("notes", notes_problem))
    parsed = None
    try:
        parsed = publiccode_checks.validate(
            publiccode_yml,
            licence=licence if licence in locked.licences else None,
            repository_url=repository_url if not url_problem else None,
        )
    except publiccode_checks.PubliccodeError as exc:
        problems += [("publiccode_yml", p) for p in exc.problems]
    if problems:
        raise ContractError(problems, code="delivery_invalid")
    last = Delivery.objects.filter(challenge=locked).aggregate(last=Max("number"))["last"] or 0
    delivery = Delivery.objects.create(
        challenge=locked,
        number=last + 1,
        repository_url=repository_url,
        licence=licence,
        publiccode_yml=publiccode_yml,
        publiccode=parsed.data,
        notes=notes,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    event_record(
        actor=actor,
        action="delivery.submitted",
        subject=delivery,
        payload={
            "challenge": locked.slug,
            "number": delivery.number,
            "repository_url": repository_url,
            "licence": licence,
            "name": parsed.name,
            "publiccode_sha256": hashlib.sha256(publiccode_yml.encode("utf-8")).hexdigest(),
            "notes": notes,
        },
        public=True,
    )
    _tell(
        challenge=locked,
        users=_users(locked.body_id, (Role.APPROVER,)),
        actor=actor,
        what=format_lazy(
            gettext_lazy("the final delivery {number} is submitted"), number=delivery.number
        ),
        detail=gettext_lazy("Accept it or return it with observations on the delivery page."),
    )
    return delivery


def _catalog_slug(name: str, challenge: Challenge) -> str:
    base = (slugify(name) or challenge.slug)[:100]
    slug, n = base, 2
    while CatalogEntry.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _catalog_description(parsed: publiccode_checks.Publiccode) -> str:
    text = parsed.description()
    short = " ".join(str(text.get("shortDescription", "")).split())
    long = str(text.get("longDescription", "")).strip()
    return "\n\n".join(part for part in (short, long) if part)


@transaction.atomic
def delivery_review(*, delivery: Delivery, actor, accept: bool, note: str = "") -> Delivery:
    """The agency's approver reviews the final delivery (``delivery:review``).

    Accepting it publishes the tool in the catalog (a ``CatalogEntry`` from its
    ``publiccode.yml``: name, description in Spanish or else English, repository, licence)
    and completes the challenge (``challenge_complete``), in one transaction; returning it
    needs observations, and the supplier may send a new delivery. Public (``delivery.reviewed``
    and, when accepted, ``catalog.published``); the supplier's members are told.
    """
    locked = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("challenge", "challenge__body")
        .get(pk=delivery.pk)
    )
    rules.require(actor, "delivery:review", locked)
    challenge = locked.challenge
    if locked.status != DeliveryStatus.SUBMITTED:
        raise DomainError(
            _("This delivery was already reviewed (%(status)s).")
            % {"status": locked.get_status_display()},
            code="delivery_reviewed",
        )
    note = (note or "").strip()
    problem = _text_problem(
        note, _("the observations for the supplier"), max_length=MAX_TEXT, required=not accept
    )
    if problem:
        raise ContractError([("note", problem)], code="review_invalid")
    award = Award.objects.select_related("supplier").get(challenge=challenge)
    now = timezone.now()
    locked.status = DeliveryStatus.ACCEPTED if accept else DeliveryStatus.REJECTED
    locked.reviewed_by = actor
    locked.reviewed_at = now
    locked.review_note = note
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    event_record(
        actor=actor,
        action="delivery.reviewed",
        subject=locked,
        payload={
            "challenge": challenge.slug,
            "number": locked.number,
            "accepted": accept,
            "note": note,
        },
        public=True,
    )
    if accept:
        parsed = publiccode_checks.Publiccode(locked.publiccode)
        name = (parsed.name or challenge.title)[:200]
        entry = CatalogEntry.objects.create(
            challenge=challenge,
            delivery=locked,
            slug=_catalog_slug(name, challenge),
            name=name,
            description=_catalog_description(parsed) or challenge.summary,
            repository_url=locked.repository_url,
            licence=locked.licence,
            supplier=award.supplier,
            published_at=now,
        )
        event_record(
            actor=actor,
            action="catalog.published",
            subject=entry,
            payload={
                "challenge": challenge.slug,
                "slug": entry.slug,
                "name": entry.name,
                "repository_url": entry.repository_url,
                "licence": entry.licence,
                "supplier": award.supplier.name,
                "body": challenge.body.name,
            },
            public=True,
        )
    _tell(
        challenge=challenge,
        users=_users(award.supplier_id, SUPPLIER_ROLES),
        actor=actor,
        what=(
            format_lazy(
                gettext_lazy("the final delivery {number} is accepted"), number=locked.number
            )
            if accept
            else format_lazy(
                gettext_lazy("the final delivery {number} is returned with observations"),
                number=locked.number,
            )
        ),
        detail=note[:500],
    )
    if accept:
        challenge_complete(challenge=challenge, actor=actor)
    return locked


@transaction.atomic
def reuse_report(*, entry: CatalogEntry, body, actor, note: str = "") -> Reuse:
    """An official or approver of another government body reports that ``body`` reuses the
    catalog tool ``entry`` (``reuse:report``), once per body. Public (``reuse.reported``)."""
    entry = CatalogEntry.objects.select_related("challenge").get(pk=entry.pk)
    rules.require(actor, "reuse:report", (entry, body))
    note = (note or "").strip()
    problem = _text_problem(note, _("how it is used"), max_length=MAX_NOTE, required=False)
    if problem:
        raise ContractError([("note", problem)], code="reuse_invalid")
    if Reuse.objects.filter(entry=entry, body=body).exists():
        raise DomainError(
            _("%(body)s already reported reusing this tool.") % {"body": body.name},
            code="reuse_exists",
        )
    reuse = Reuse.objects.create(
        entry=entry, body=body, note=note, reported_by=actor, reported_at=timezone.now()
    )
    event_record(
        actor=actor,
        action="reuse.reported",
        subject=reuse,
        payload={"entry": entry.slug, "body": body.name, "note": note},
        public=True,
    )
    return reuse
