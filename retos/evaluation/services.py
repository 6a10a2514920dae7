"""Every write of the evaluation app: the settings, the panel (invitations, answers, the
chair), the conflict-of-interest declarations and the scores.

Each service checks a named permission (``permissions.py``), locks what it reads and then
writes, records a private ledger event (the panel, its declarations and its scores are
published with the decision, not before) and queues its emails on commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from retos.accounts.models import Expertise, ExpertiseArea, User
from retos.challenges.models import Challenge
from retos.core import rules
from retos.core.errors import DomainError
from retos.evaluation.models import (
    ConflictDeclaration,
    EvaluationSettings,
    MemberRole,
    MemberStatus,
    Method,
    PanelMember,
    Round,
    Score,
)
from retos.evaluation.permissions import (
    COMMITTEE_STAGES,
    EXPERT_STAGES,
    ROUND_OF_ROLE,
    evaluator_access,
)
from retos.ledger.services import event_record
from retos.organizations.models import INVITATION_VALIDITY

MAX_NAME = 150
MAX_TEXT = 5000
MAX_NOTE = 2000


def token_digest(token: str) -> str:
    """The stored digest of an invitation link's secret (the secret itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _text(value, *, label, max_length: int, required: bool = False) -> str:
    """Text kept verbatim (escaped when shown), line endings normalized, trimmed."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(_("“%(field)s” must be text.") % {"field": label}, code="not_text")
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in value:
        raise DomainError(
            _("“%(field)s” contains a null character; remove it.") % {"field": label},
            code="null_character",
        )
    if len(value) > max_length:
        raise DomainError(
            _("“%(field)s” is too long: %(length)d characters, at most %(max)d.")
            % {"field": label, "length": len(value), "max": max_length},
            code="too_long",
        )
    if required and not value:
        raise DomainError(_("Write the %(field)s.") % {"field": label}, code="required")
    return value


def _lock_challenge(challenge: Challenge) -> Challenge:
    return (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=challenge.pk)
    )


# ---------------------------------------------------------------------------------------------
# Settings

SETTINGS_FIELDS = (
    "blind_first_round",
    "method",
    "disagreement_threshold",
    "minimum_score",
    "demo_deadline",
    "complaint_business_days",
)


def _decimal(value, *, label, low: Decimal, high: Decimal, places: int, low_open=False):
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("“%(field)s” must be a number.") % {"field": label}) from None
    if not number.is_finite():
        raise DomainError(_("“%(field)s” must be a number.") % {"field": label})
    if number.as_tuple().exponent < -places:
        raise DomainError(
            _("“%(field)s” has at most %(places)d decimals.") % {"field": label, "places": places},
            code="decimals",
        )
    if number < low or number > high or (low_open and number == low):
        raise DomainError(
            _("“%(field)s” must be between %(low)s and %(high)s.")
            % {"field": label, "low": low, "high": high},
            code="out_of_range",
        )
    return number


@transaction.atomic
def evaluation_settings_update(*, challenge: Challenge, actor, **fields) -> EvaluationSettings:
    """Set how the panel works: a blind first round, the aggregation method, the disagreement
    threshold (0.1–10 points), the minimum score to be a finalist (0–100), the demo deadline
    and the complaint window (1–30 business days). Only the body's approver, and only until
    evaluation starts (stages published, closed, opened). The row is created on first use."""
    locked = _lock_challenge(challenge)
    rules.require(actor, "evaluation:manage_settings", locked)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError(_("Unknown evaluation settings."), code="unknown_setting")
    obj = EvaluationSettings.objects.select_for_update().filter(challenge=locked).first()
    if obj is None:
        obj = EvaluationSettings(challenge=locked)
    changes = {}
    if "blind_first_round" in fields:
        changes["blind_first_round"] = bool(fields["blind_first_round"])
    if "method" in fields:
        if fields["method"] not in Method.values:
            raise DomainError(_("Choose one of the aggregation methods."), code="method")
        changes["method"] = fields["method"]
    if "disagreement_threshold" in fields:
        changes["disagreement_threshold"] = _decimal(
            fields["disagreement_threshold"],
            label=_("disagreement threshold"),
            low=Decimal(0),
            high=Decimal(10),
            places=1,
            low_open=True,
        )
    if "minimum_score" in fields:
        changes["minimum_score"] = _decimal(
            fields["minimum_score"],
            label=_("minimum score"),
            low=Decimal(0),
            high=Decimal(100),
            places=2,
        )
    if "complaint_business_days" in fields:
        try:
            days = int(fields["complaint_business_days"])
        except (TypeError, ValueError):
            raise DomainError(
                _("The complaint window is a whole number of business days."), code="days"
            ) from None
        if not 1 <= days <= 30:
            raise DomainError(
                _("The complaint window is between 1 and 30 business days."), code="days"
            )
        changes["complaint_business_days"] = days
    if "demo_deadline" in fields:
        deadline = fields["demo_deadline"]
        if deadline is not None and deadline != obj.demo_deadline:
            if not isinstance(deadline, datetime) or timezone.is_naive(deadline):
                raise DomainError(_("Give the demo deadline as a date and time."), code="date")
            if deadline <= timezone.now():
                raise DomainError(_("The demo deadline must be in the future."), code="past")
            if locked.demo_day_at and deadline > locked.demo_day_at:
                raise DomainError(
                    _("The demo deadline must be no later than the demo day."), code="after_demo"
                )
        changes["demo_deadline"] = deadline
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.updated_at = timezone.now()
    obj.save()
    event_record(
        actor=actor,
        action="evaluation.settings_updated",
        subject=locked,
        payload={
            name: (str(value) if not isinstance(value, bool) and value is not None else value)
            for name, value in changes.items()
        },
        public=False,
    )
    return obj


# ---------------------------------------------------------------------------------------------
# The panel


def _clean_areas(areas) -> list[str]:
    areas = list(dict.fromkeys(areas or []))
    if any(a not in ExpertiseArea.values for a in areas):
        raise DomainError(_("Choose expertise areas from the list."), code="area_invalid")
    return areas


def _unset_chair(challenge: Challenge) -> None:
    PanelMember.objects.filter(challenge=challenge, is_chair=True).update(is_chair=False)


@transaction.atomic
def panel_invite(
    *,
    challenge: Challenge,
    actor,
    email: str,
    full_name: str,
    areas,
    role: str = MemberRole.EXPERT,
    chair: bool = False,
) -> tuple[PanelMember, str]:
    """Invite someone by email to the challenge's panel, as an expert (with the expertise
    areas they cover) or a member of the decision committee; an expert may be made the chair
    (the previous chair, if any, stops being it).

    The email carries a link with a random secret (only its SHA-256 is stored) that expires
    in 14 days and works once, for a person signed in with that address (an existing account,
    or one created with it). Inviting an address again whose invitation expired or was
    declined sends a new link. Returns the member and the secret.
    """
    locked = _lock_challenge(challenge)
    rules.require(actor, "evaluation:invite", locked)
    email = (email or "").strip().lower()
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Give a valid email address."), code="email") from None
    full_name = _text(full_name, label=_("full name"), max_length=MAX_NAME, required=True)
    if role not in MemberRole.values:
        raise DomainError(_("Choose the role: expert or decision committee."), code="role")
    stage = locked.current_stage_at(timezone.now())
    if role == MemberRole.EXPERT and stage not in EXPERT_STAGES:
        raise DomainError(
            _("The first round is over: only decision-committee members can be invited now."),
            code="experts_closed",
        )
    areas = _clean_areas(areas)
    if role == MemberRole.EXPERT and not areas:
        raise DomainError(
            _("Choose at least one expertise area the expert covers."), code="areas_required"
        )
    if chair and role != MemberRole.EXPERT:
        raise DomainError(_("The chair is one of the experts."), code="chair_not_expert")
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    member = PanelMember.objects.select_for_update().filter(challenge=locked, email=email).first()
    if member is not None and member.status == MemberStatus.ACCEPTED:
        raise DomainError(
            _("%(email)s is already on this panel.") % {"email": email}, code="already_member"
        )
    if member is not None and member.status == MemberStatus.INVITED and member.expires_at > now:
        raise DomainError(
            _("%(email)s was already invited and the invitation is still valid until it expires.")
            % {"email": email},
            code="already_invited",
        )
    if chair:
        _unset_chair(locked)
    renewed = member is not None
    if member is None:
        member = PanelMember(challenge=locked, email=email)
    member.full_name = full_name
    member.role = role
    member.areas = areas
    member.is_chair = chair
    member.status = MemberStatus.INVITED
    member.user = None
    member.token_sha256 = token_digest(token)
    member.invited_by = actor
    member.invited_at = now
    member.expires_at = now + INVITATION_VALIDITY
    member.responded_at = None
    member.decline_reason = ""
    member.save()
    event_record(
        actor=actor,
        action="panel.invited",
        subject=member,
        payload={
            "challenge": locked.pk,
            "role": role,
            "areas": areas,
            "chair": chair,
            "renewed": renewed,
        },
        public=False,
    )
    transaction.on_commit(lambda: _send_invitation(member.pk, token))
    return member, token


def _send_invitation(member_id: int, token: str) -> None:
    member = PanelMember.objects.select_related("challenge__body", "invited_by").get(pk=member_id)
    existing = User.objects.filter(email=member.email).values_list("preferred_language", flat=True)
    language = existing[0] if existing else settings.LANGUAGE_CODE
    with translation.override(language):
        link = settings.SITE_URL.rstrip("/") + reverse(
            "evaluation:invitation", kwargs={"token": token}
        )
        context = {"member": member, "challenge": member.challenge, "link": link}
        send_mail(
            subject=_("Invitation to the evaluation panel of “%(title)s”")
            % {"title": member.challenge.title},
            message=render_to_string("evaluation/email/invitation.txt", context),
            from_email=None,
            recipient_list=[member.email],
        )


@transaction.atomic
def panel_respond(*, member: PanelMember, actor, token: str, accept: bool, reason: str = ""):
    """The invited person accepts or declines (with an optional reason).

    The link's secret must match, the invitation must still be open (it works once) and not
    expired, the person must be signed in with the invited address, and the panel must still
    be working (experts until evaluation ends, the committee until the finalists' stage ends).
    Accepting makes them a member; an expert becomes an expert evaluator on the platform, with
    the invitation's expertise areas.
    """
    rules.require(actor, "evaluation:respond", member)
    locked = (
        PanelMember.objects.select_for_update(of=("self",))
        .select_related("challenge__body")
        .get(pk=member.pk)
    )
    if not token or not hmac.compare_digest(locked.token_sha256, token_digest(token)):
        raise DomainError(_("This invitation link is not valid."), code="not_found")
    if locked.status != MemberStatus.INVITED:
        raise DomainError(_("This invitation has already been answered."), code="used")
    now = timezone.now()
    if now >= locked.expires_at:
        raise DomainError(
            _("This invitation has expired. Ask the agency for a new one."), code="expired"
        )
    if actor.email.lower() != locked.email.lower():
        raise DomainError(
            _("This invitation was sent to %(email)s. Sign in with that address to answer it.")
            % {"email": locked.email},
            code="wrong_user",
        )
    stages = EXPERT_STAGES if locked.role == MemberRole.EXPERT else COMMITTEE_STAGES
    if locked.challenge.current_stage_at(now) not in stages:
        raise DomainError(
            _("This challenge's panel no longer takes new members."), code="panel_closed"
        )
    reason = _text(reason, label=_("reason"), max_length=MAX_NOTE)
    locked.responded_at = now
    if accept:
        if (
            PanelMember.objects.filter(challenge=locked.challenge, user=actor)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise DomainError(
                _("You are already on this panel under another invitation."), code="duplicate"
            )
        locked.status = MemberStatus.ACCEPTED
        locked.user = actor
        locked.save(update_fields=["status", "user", "responded_at"])
        if locked.role == MemberRole.EXPERT:
            if not actor.is_expert:
                User.objects.filter(pk=actor.pk).update(is_expert=True)
                actor.is_expert = True
            Expertise.objects.bulk_create(
                [Expertise(user=actor, area=area) for area in locked.areas],
                ignore_conflicts=True,
            )
    else:
        locked.status = MemberStatus.DECLINED
        locked.decline_reason = reason
        locked.is_chair = False
        locked.save(update_fields=["status", "decline_reason", "is_chair", "responded_at"])
    event_record(
        actor=actor,
        action="panel.accepted" if accept else "panel.declined",
        subject=locked,
        payload={"challenge": locked.challenge_id, "role": locked.role},
        public=False,
    )
    for name in ("status", "user_id", "responded_at", "decline_reason", "is_chair"):
        setattr(member, name, getattr(locked, name))
    return member


@transaction.atomic
def panel_set_chair(*, member: PanelMember, actor) -> PanelMember:
    """Make an invited or accepted expert the panel's chair (the previous chair stops being
    it). The body's approver, until evaluation ends."""
    locked_challenge = _lock_challenge(member.challenge)
    rules.require(actor, "evaluation:set_chair", locked_challenge)
    locked = PanelMember.objects.select_for_update().get(pk=member.pk)
    if locked.challenge_id != locked_challenge.pk:
        raise PermissionDenied("evaluation:set_chair")
    if locked.role != MemberRole.EXPERT:
        raise DomainError(_("The chair is one of the experts."), code="chair_not_expert")
    if locked.status == MemberStatus.DECLINED:
        raise DomainError(
            _("%(name)s declined the invitation and cannot chair the panel.")
            % {"name": locked.full_name},
            code="declined",
        )
    if not locked.is_chair:
        _unset_chair(locked_challenge)
        locked.is_chair = True
        locked.save(update_fields=["is_chair"])
    event_record(
        actor=actor,
        action="panel.chair_set",
        subject=locked,
        payload={"challenge": locked_challenge.pk},
        public=False,
    )
    member.is_chair = True
    return member


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


@transaction.atomic
def conflicts_declare(*, member: PanelMember, actor, declarations: dict) -> list:
    """Declare, for every bidder on the member's list, a conflict of interest or none, all at
    once; final. A conflict needs a note saying what it is. A member with a conflict is
    recused from that proposal for good.

    ``declarations`` maps each proposal id to ``(has_conflict, note)``. Experts declare about
    every counted, not-inadmissible proposal (from the opening act on); decision-committee
    members about the finalists (once they exist). Should the list grow later (a new
    selection of finalists), the member declares about the new bidders only.
    """
    from retos.evaluation.selectors import bidders_for

    locked = (
        PanelMember.objects.select_for_update(of=("self",))
        .select_related("challenge__body")
        .get(pk=member.pk)
    )
    rules.require(actor, "evaluation:declare_conflicts", locked)
    bidders = bidders_for(locked)
    already = set(
        ConflictDeclaration.objects.filter(member=locked).values_list("proposal_id", flat=True)
    )
    pending = [p for p in bidders if p.pk not in already]
    if not pending:
        raise DomainError(
            _("Your declarations are already recorded; they are final."), code="already_declared"
        )
    try:
        given = {int(key): value for key, value in dict(declarations).items()}
    except (TypeError, ValueError):
        raise DomainError(_("The declarations are malformed."), code="malformed") from None
    wanted = {p.pk for p in pending}
    if set(given) - wanted:
        raise DomainError(_("Declare only about the bidders on your list."), code="unknown_bidder")
    missing = [p for p in pending if p.pk not in given]
    if missing:
        raise DomainError(
            _("Declare about every bidder: %(names)s still lack a declaration.")
            % {"names": ", ".join(p.company.name for p in missing)},
            code="incomplete",
        )
    now = timezone.now()
    rows = []
    for proposal in pending:
        try:
            has_conflict, note = given[proposal.pk]
        except (TypeError, ValueError):
            raise DomainError(_("The declarations are malformed."), code="malformed") from None
        note = _text(note, label=_("note"), max_length=MAX_NOTE)
        if has_conflict and not note:
            raise DomainError(
                _("Say what the conflict of interest with %(company)s is.")
                % {"company": proposal.company.name},
                code="note_required",
            )
        rows.append(
            ConflictDeclaration(
                member=locked,
                proposal=proposal,
                has_conflict=bool(has_conflict),
                note=note,
                declared_at=now,
            )
        )
    created = ConflictDeclaration.objects.bulk_create(rows)
    if locked.conflicts_declared_at is None:
        locked.conflicts_declared_at = now
        locked.save(update_fields=["conflicts_declared_at"])
    event_record(
        actor=actor,
        action="panel.conflicts_declared",
        subject=locked,
        payload={
            "challenge": locked.challenge_id,
            "declared": len(rows),
            "conflicts": sum(1 for r in rows if r.has_conflict),
        },
        public=False,
    )
    member.conflicts_declared_at = locked.conflicts_declared_at
    return created


# ---------------------------------------------------------------------------------------------
# Scores


def _value(value, *, required: bool) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DomainError(_("Give a score from 0 to 10."), code="value_required")
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("A score is a number from 0 to 10."), code="value_invalid") from None
    if not number.is_finite() or number < 0 or number > 10:
        raise DomainError(_("A score is a number from 0 to 10."), code="value_range")
    if number.as_tuple().exponent < -1:
        raise DomainError(_("A score has at most one decimal."), code="value_decimals")
    return number.quantize(Decimal("0.1"))


def _fresh(member: PanelMember, proposal):
    """The member and the proposal as stored now, with their challenge locked: a transition
    (finalists confirmed, evaluation reopened) waits for the scores being written, and the
    rules see the stage as it is."""
    from retos.proposals.models import Proposal

    challenge = _lock_challenge(Challenge(pk=proposal.challenge_id))
    fresh_proposal = Proposal.objects.select_related("company").get(pk=proposal.pk)
    fresh_proposal.challenge = challenge
    fresh_member = PanelMember.objects.get(pk=member.pk)
    if fresh_member.challenge_id == challenge.pk:
        fresh_member.challenge = challenge
    return fresh_member, fresh_proposal


def _check_scorer(member: PanelMember, proposal, actor, round: str) -> None:
    """``actor`` is ``member``'s person, the round is the member's, and ``evaluation:score``
    holds on ``proposal`` (their round is on, declared, not recused)."""
    rules.require(actor, "evaluation:score", proposal)
    if (
        member.user_id != actor.pk
        or member.challenge_id != proposal.challenge_id
        or evaluator_access(actor, proposal, member=member) is None
    ):
        raise PermissionDenied("evaluation:score")
    if round != ROUND_OF_ROLE[member.role]:
        raise DomainError(
            _("Experts score the proposals; the decision committee scores the demos."),
            code="wrong_round",
        )


def _save_one(*, member, proposal, criterion, value, justification, actor, round) -> Score:
    if criterion.challenge_id != proposal.challenge_id:
        raise DomainError(_("That criterion is not one of this challenge's."), code="criterion")
    value = _value(value, required=False)
    justification = _text(justification, label=_("justification"), max_length=MAX_TEXT)
    score = (
        Score.objects.select_for_update()
        .filter(
            member=member,
            proposal=proposal,
            criterion=criterion,
            round=round,
            corrects__isnull=True,
        )
        .first()
    )
    if score is not None and score.submitted_at is not None:
        raise DomainError(
            _(
                "Your scores of this proposal are submitted and cannot change. If one is "
                "wrong, ask the panel's chair for a correction."
            ),
            code="already_submitted",
        )
    now = timezone.now()
    if score is None:
        score = Score(
            member=member, proposal=proposal, criterion=criterion, round=round, entered_by=actor
        )
    score.value = value
    score.justification = justification
    score.saved_at = now
    score.save()
    return score


@transaction.atomic
def score_save(
    *, member, proposal, criterion, value, justification, actor, round: str = Round.PROPOSALS
) -> Score:
    """Save one criterion's draft score (0–10, one decimal; may be empty) and justification.

    Drafts change freely until the member submits the proposal's scores. Only the member, in
    their round (experts: stage "evaluation", round "proposals"; the committee: stage
    "finalists", round "demos", finalists only), after declaring and not recused.
    """
    member, proposal = _fresh(member, proposal)
    _check_scorer(member, proposal, actor, round)
    score = _save_one(
        member=member,
        proposal=proposal,
        criterion=criterion,
        value=value,
        justification=justification,
        actor=actor,
        round=round,
    )
    event_record(
        actor=actor,
        action="score.draft_saved",
        subject=proposal,
        payload={"challenge": proposal.challenge_id, "round": round, "criteria": [criterion.pk]},
        public=False,
    )
    return score


def _submit(*, member, proposal, actor, round) -> list[Score]:
    criteria = list(proposal.challenge.criteria.order_by("position", "id"))
    drafts = {
        s.criterion_id: s
        for s in Score.objects.select_for_update().filter(
            member=member, proposal=proposal, round=round, corrects__isnull=True
        )
    }
    if drafts and all(s.submitted_at is not None for s in drafts.values()):
        raise DomainError(
            _("Your scores of this proposal are already submitted."), code="already_submitted"
        )
    problems = []
    for criterion in criteria:
        draft = drafts.get(criterion.pk)
        if draft is None or draft.value is None:
            problems.append(_("Give a score for “%(criterion)s”.") % {"criterion": criterion.name})
        elif not draft.justification.strip():
            problems.append(
                _("Justify the score for “%(criterion)s”.") % {"criterion": criterion.name}
            )
    if problems:
        raise DomainError(" ".join(problems), code="incomplete")
    now = timezone.now()
    ids = [drafts[c.pk].pk for c in criteria]
    Score.objects.filter(pk__in=ids, submitted_at__isnull=True).update(submitted_at=now)
    for criterion in criteria:
        drafts[criterion.pk].submitted_at = now
    return [drafts[c.pk] for c in criteria]


@transaction.atomic
def scores_submit(*, member, proposal, actor, round: str = Round.PROPOSALS) -> list[Score]:
    """Submit the member's scores of ``proposal``: every criterion needs a value (0–10) and a
    justification. From then on they never change (the database refuses it); only the chair
    may add a correction, during evaluation."""
    member, proposal = _fresh(member, proposal)
    _check_scorer(member, proposal, actor, round)
    scores = _submit(member=member, proposal=proposal, actor=actor, round=round)
    event_record(
        actor=actor,
        action="score.submitted",
        subject=proposal,
        payload={"challenge": proposal.challenge_id, "round": round, "criteria": len(scores)},
        public=False,
    )
    return scores


@transaction.atomic
def scores_record(
    *, member, proposal, actor, entries: dict, submit: bool, round: str = Round.PROPOSALS
) -> list[Score]:
    """The scoring page's one call: save every criterion's draft in ``entries``
    (``{criterion_id: (value, justification)}``) and, if ``submit``, submit them all (see
    ``score_save`` and ``scores_submit``). All or nothing."""
    member, proposal = _fresh(member, proposal)
    _check_scorer(member, proposal, actor, round)
    criteria = {c.pk: c for c in proposal.challenge.criteria.all()}
    try:
        entries = {int(k): v for k, v in dict(entries).items()}
    except (TypeError, ValueError):
        raise DomainError(_("The scores are malformed."), code="malformed") from None
    if set(entries) - set(criteria):
        raise DomainError(_("That criterion is not one of this challenge's."), code="criterion")
    saved = []
    for criterion_id, entry in entries.items():
        try:
            value, justification = entry
        except (TypeError, ValueError):
            raise DomainError(_("The scores are malformed."), code="malformed") from None
        saved.append(
            _save_one(
                member=member,
                proposal=proposal,
                criterion=criteria[criterion_id],
                value=value,
                justification=justification,
                actor=actor,
                round=round,
            )
        )
    if submit:
        saved = _submit(member=member, proposal=proposal, actor=actor, round=round)
    event_record(
        actor=actor,
        action="score.submitted" if submit else "score.draft_saved",
        subject=proposal,
        payload={
            "challenge": proposal.challenge_id,
            "round": round,
            "criteria": sorted(entries) if not submit else len(saved),
        },
        public=False,
    )
    return saved


@transaction.atomic
def score_correct(*, score: Score, value, justification: str, reason: str, actor) -> Score:
    """The chair corrects a submitted first-round score during evaluation: a new, submitted
    entry with its own value, justification and the reason for the correction. The original
    stays, visible, and the correction replaces it in the ranking. To correct a correction,
    correct the latest entry."""
    challenge = _lock_challenge(Challenge(pk=score.member.challenge_id))
    locked = (
        Score.objects.select_for_update(of=("self",))
        .select_related("member", "proposal", "criterion")
        .get(pk=score.pk)
    )
    locked.member.challenge = challenge
    rules.require(actor, "evaluation:correct", locked)
    if Score.objects.filter(corrects=locked).exists():
        raise DomainError(
            _("This score was already corrected: correct the latest entry instead."),
            code="already_corrected",
        )
    value = _value(value, required=True)
    justification = _text(
        justification, label=_("justification"), max_length=MAX_TEXT, required=True
    )
    reason = _text(reason, label=_("reason for the correction"), max_length=MAX_NOTE, required=True)
    now = timezone.now()
    correction = Score.objects.create(
        member=locked.member,
        proposal=locked.proposal,
        criterion=locked.criterion,
        round=locked.round,
        value=value,
        justification=justification,
        saved_at=now,
        submitted_at=now,
        corrects=locked,
        correction_reason=reason,
        entered_by=actor,
    )
    event_record(
        actor=actor,
        action="score.corrected",
        subject=locked.proposal,
        payload={
            "challenge": locked.member.challenge_id,
            "score": locked.pk,
            "correction": correction.pk,
            "criterion": locked.criterion_id,
        },
        public=False,
    )
    return correction


__all__ = [
    "conflicts_declare",
    "evaluation_settings_update",
    "panel_invite",
    "panel_respond",
    "panel_set_chair",
    "score_correct",
    "score_save",
    "scores_record",
    "scores_submit",
    "token_digest",
]
