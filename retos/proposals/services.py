"""Every write to proposals, and every read of their sealed content.

Reads are services too: reading sealed data is an act the ledger records (who, which proposal,
allowed or refused), so the functions that unwrap a proposal's key live here, each checking
``proposal:read`` first. Ledger events about a proposal are private (``public=False``) and are
kept out of the admin site until the opening act (see ``retos/ledger/admin.py``).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.core import rules
from retos.core.errors import DomainError
from retos.core.formatting import format_datetime
from retos.documents.validation import DEFAULT_KINDS, validate_upload
from retos.ledger.services import event_record
from retos.organizations.eligibility import company_eligibility
from retos.organizations.models import Organization
from retos.proposals import content as sections_content
from retos.proposals.models import (
    Admissibility,
    OpeningAct,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
    Status,
)
from retos.proposals.permissions import COMPANY_ROLES
from retos.proposals.sealing import Envelope, SealBroken, new_envelope, open_envelope

MAX_ATTACHMENTS = 10
# Crockford's base32 alphabet: no I, L, O or U, so a folio read aloud or retyped is unambiguous.
FOLIO_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# ---------------------------------------------------------------------------------------------
# The envelope (private: only the services below, after their permission check, unwrap a key)


def _envelope(proposal: Proposal) -> Envelope:
    return open_envelope(str(proposal.public_id), proposal.key_id, bytes(proposal.wrapped_key))


def _draft_sections(proposal: Proposal, envelope: Envelope) -> dict:
    stored = json.loads(envelope.unseal(bytes(proposal.draft), "draft"))
    return {**sections_content.EMPTY, **stored}


def _seal_draft(envelope: Envelope, sections: dict) -> bytes:
    return envelope.seal(json.dumps(sections, ensure_ascii=False).encode("utf-8"), "draft")


def _attachment_name(attachment: ProposalAttachment, envelope: Envelope) -> str:
    sealed = bytes(attachment.name_sealed)
    return envelope.unseal(sealed, f"attachment-name:{attachment.public_id}").decode("utf-8")


def terms_version(challenge: Challenge) -> int:
    """The version of the published terms: 1, plus one per amendment (read from the
    ``amendments_count`` annotation when a selector added it)."""
    counted = challenge.__dict__.get("amendments_count")
    return 1 + (counted if counted is not None else challenge.amendments.count())


def reconfirmation_due(*, status: str, last_terms_version: int | None, current: int) -> bool:
    """A submitted proposal whose last version confirmed older terms than ``current``."""
    return (
        status == Status.SUBMITTED
        and last_terms_version is not None
        and (last_terms_version < current)
    )


def _event(proposal: Proposal, *, actor, action: str, payload: dict | None = None, now=None):
    # Never public, and never the content: who submitted what is sealed until the opening act.
    return event_record(
        actor=actor,
        action=action,
        subject=proposal,
        payload={"challenge": proposal.challenge_id, **(payload or {})},
        public=False,
        occurred_at=now,
    )


def _company_members(proposal: Proposal):
    from retos.accounts.models import User

    return User.objects.filter(
        is_active=True,
        memberships__organization_id=proposal.company_id,
        memberships__role__in=COMPANY_ROLES,
    ).distinct()


def _notify_company(proposal: Proposal, *, kind: str, context: dict, exclude_user=None) -> None:
    from retos.notifications.services import notify_users

    notify_users(
        users=_company_members(proposal),
        kind=kind,
        challenge=proposal.challenge,
        context=context,
        exclude_user=exclude_user,
        # Recorded on the proposal: an event on the challenge would count the bidders.
        subject=proposal,
    )


# ---------------------------------------------------------------------------------------------
# Writing


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("challenge__body", "company")
        .get(pk=proposal.pk)
    )


def _refresh(target: Proposal, source: Proposal) -> Proposal:
    for name in (
        "status",
        "draft",
        "draft_saved_at",
        "draft_saved_by_id",
        "submitted_at",
        "withdrawn_at",
        "admissibility",
        "admissibility_reason",
        "admissibility_decided_at",
        "admissibility_decided_by_id",
    ):
        setattr(target, name, getattr(source, name))
    return target


@transaction.atomic
def proposal_start(*, challenge: Challenge, company: Organization, actor) -> Proposal:
    """Start ``company``'s proposal to ``challenge``, or return the one it already has.

    A member of the company (``proposal:start``) may start while the challenge takes proposals
    and the company is eligible (an SME no larger than the challenge allows, with its legal
    representative and sworn declarations). One proposal per company per challenge: the database
    guarantees it, and two members starting at once get the same proposal.
    """
    rules.require(actor, "proposal:start", company)
    existing = Proposal.objects.filter(challenge=challenge, company=company).first()
    if existing is not None:
        return existing
    now = timezone.now()
    if not challenge.window_open("submissions", now):
        raise DomainError(
            _("This challenge is not taking proposals: submissions are closed."),
            code="submissions_closed",
        )
    eligibility = company_eligibility(company, challenge)
    if not eligibility.ok:
        raise DomainError(" ".join(eligibility.reasons), code="not_eligible")
    proposal = Proposal(challenge=challenge, company=company, created_by=actor, created_at=now)
    envelope, proposal.key_id, proposal.wrapped_key = new_envelope(str(proposal.public_id))
    proposal.draft = _seal_draft(envelope, sections_content.EMPTY)
    proposal.draft_saved_at = now
    proposal.draft_saved_by = actor
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        # Another member started it a moment ago.
        return Proposal.objects.get(challenge=challenge, company=company)
    _event(proposal, actor=actor, action="proposal.started", now=now)
    return proposal


@transaction.atomic
def proposal_save(*, proposal: Proposal, actor, changes: dict) -> Proposal:
    """Save some sections of the working draft (any subset; see ``content.clean``).

    Members may save until the opening act, even after the deadline: what they typed is never
    lost, though a draft saved after the deadline cannot be submitted. Saving never changes a
    submitted version; submitting again does.
    """
    locked = _lock(proposal)
    rules.require(actor, "proposal:edit", locked)
    cleaned = sections_content.clean(changes, challenge=locked.challenge)
    envelope = _envelope(locked)
    sections = _draft_sections(locked, envelope)
    sections.update(cleaned)
    now = timezone.now()
    locked.draft = _seal_draft(envelope, sections)
    locked.draft_saved_at = now
    locked.draft_saved_by = actor
    locked.save(update_fields=["draft", "draft_saved_at", "draft_saved_by"])
    _event(
        locked, actor=actor, action="proposal.draft_saved", payload={"sections": sorted(cleaned)}
    )
    return _refresh(proposal, locked)


@transaction.atomic
def proposal_attach(*, proposal: Proposal, actor, file, name: str | None = None):
    """Check an uploaded file (type by content, size, zip bombs: ``validate_upload``), encrypt
    it with the proposal's key and store it; its name is sealed too."""
    locked = _lock(proposal)
    rules.require(actor, "proposal:edit", locked)
    if locked.attachments.filter(removed_at__isnull=True).count() >= MAX_ATTACHMENTS:
        raise DomainError(
            _("A proposal has at most %(max)d attachments; remove one first.")
            % {"max": MAX_ATTACHMENTS},
            code="too_many_attachments",
        )
    upload = validate_upload(file, name=name, kinds=DEFAULT_KINDS)
    file.seek(0)
    plaintext = file.read()
    envelope = _envelope(locked)
    attachment = ProposalAttachment(
        proposal=locked,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    attachment.name_sealed = envelope.seal(
        upload.name.encode("utf-8"), f"attachment-name:{attachment.public_id}"
    )
    sealed = envelope.seal(plaintext, f"attachment:{attachment.public_id}")
    attachment.file.save("sealed.bin", ContentFile(sealed), save=False)
    attachment.save()
    _event(
        locked,
        actor=actor,
        action="proposal.attachment_added",
        payload={"attachment": str(attachment.public_id), "sha256": upload.sha256},
    )
    return attachment


@transaction.atomic
def proposal_detach(*, attachment: ProposalAttachment, actor) -> None:
    """Take an attachment off the working draft. The file stays: a submitted version may
    include it, and nothing submitted is ever lost."""
    locked = _lock(attachment.proposal)
    rules.require(actor, "proposal:edit", locked)
    updated = ProposalAttachment.objects.filter(
        pk=attachment.pk, proposal=locked, removed_at__isnull=True
    ).update(removed_at=timezone.now())
    if not updated:
        raise DomainError(_("This attachment was already removed."), code="already_removed")
    _event(
        locked,
        actor=actor,
        action="proposal.attachment_removed",
        payload={"attachment": str(attachment.public_id)},
    )


def _current_attachments(proposal: Proposal) -> list[ProposalAttachment]:
    return list(proposal.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "id"))


def proposal_problems(proposal: Proposal, sections: dict) -> list[str]:
    """What stops ``proposal`` (with ``sections``) from being submitted now, in plain words."""
    problems = sections_content.missing(sections, challenge=proposal.challenge)
    eligibility = company_eligibility(proposal.company, proposal.challenge)
    if not eligibility.ok:
        problems.extend(eligibility.reasons)
    return problems


def _new_folio() -> str:
    raw = "".join(secrets.choice(FOLIO_ALPHABET) for _ in range(12))
    return f"AC-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def deadline_passed_message() -> str:
    return _(
        "The deadline has passed: proposals are no longer received. Your draft is kept and you "
        "can still read it."
    )


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor) -> ProposalVersion:
    """Submit the working draft as a new version and issue its receipt (*acuse*).

    The time of receipt is the server's, taken at the end, just before the version is stored
    in this transaction; if the deadline has passed by then, the submission is refused and
    nothing changes (the draft stays as saved). The receipt carries a random folio, that time,
    and the SHA-256 of the canonical content and of each attachment. Its email goes out once
    the transaction commits.
    """
    locked = _lock(proposal)
    rules.require(actor, "proposal:submit", locked)
    challenge = locked.challenge
    envelope = _envelope(locked)
    sections = _draft_sections(locked, envelope)
    problems = proposal_problems(locked, sections)
    if problems:
        raise DomainError(
            _("The proposal is not complete: %(problems)s") % {"problems": " ".join(problems)},
            code="incomplete",
        )
    attachments = _current_attachments(locked)
    listed = [
        {"name": _attachment_name(a, envelope), "sha256": a.sha256, "size": a.size}
        for a in attachments
    ]
    version_terms = terms_version(challenge)
    canonical = sections_content.canonical_bytes(
        sections=sections,
        challenge_slug=challenge.slug,
        company={"rfc": locked.company.rfc, "name": locked.company.name},
        terms_version=version_terms,
        attachments=listed,
    )
    digest = sections_content.sha256_hex(canonical)
    received_at = timezone.now()
    if not challenge.window_open("submissions", received_at):
        raise DomainError(deadline_passed_message(), code="deadline_passed")
    number = (locked.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    for _attempt in range(5):
        try:
            with transaction.atomic():
                version = ProposalVersion.objects.create(
                    proposal=locked,
                    number=number,
                    folio=_new_folio(),
                    received_at=received_at,
                    submitted_by=actor,
                    terms_version=version_terms,
                    content=envelope.seal(canonical, f"version:{number}"),
                    content_sha256=digest,
                    attachments=[
                        {"attachment": a.pk, "sha256": a.sha256, "size": a.size}
                        for a in attachments
                    ],
                )
            break
        except IntegrityError:
            # A folio collision (one in 32¹²) or a concurrent version number: try again.
            number = (locked.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    else:
        raise DomainError(_("The proposal could not be received; try again."), code="retry")
    locked.status = Status.SUBMITTED
    locked.submitted_at = received_at
    locked.withdrawn_at = None
    locked.save(update_fields=["status", "submitted_at", "withdrawn_at"])
    _event(
        locked,
        actor=actor,
        action="proposal.submitted",
        payload={
            "folio": version.folio,
            "version": number,
            "content_sha256": digest,
            "attachments": [a["sha256"] for a in listed],
            "terms_version": version_terms,
        },
        now=received_at,
    )
    _notify_company(
        locked,
        kind="proposal_received",
        context={
            "folio": version.folio,
            "received_at": received_at.isoformat(),
            "content_sha256": digest,
            "attachments": [{"name": a["name"], "sha256": a["sha256"]} for a in listed],
            "time_zone": challenge.body.time_zone,
            "url_name": "proposals:receipt",
            "url_kwargs": {"public_id": str(locked.public_id), "folio": version.folio},
        },
    )
    _refresh(proposal, locked)
    return version


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor) -> Proposal:
    """Withdraw a submitted proposal before the deadline. It will not be opened; the company
    may submit again before the deadline. Its versions and receipts are kept."""
    locked = _lock(proposal)
    rules.require(actor, "proposal:withdraw", locked)
    if locked.status != Status.SUBMITTED:
        raise DomainError(_("Only a submitted proposal can be withdrawn."), code="not_submitted")
    now = timezone.now()
    if not locked.challenge.window_open("submissions", now):
        raise DomainError(
            _("The deadline has passed: a proposal can no longer be withdrawn."),
            code="deadline_passed",
        )
    locked.status = Status.WITHDRAWN
    locked.withdrawn_at = now
    locked.save(update_fields=["status", "withdrawn_at"])
    _event(locked, actor=actor, action="proposal.withdrawn", now=now)
    _notify_company(
        locked,
        kind="proposal_withdrawn",
        context={
            "url_name": "proposals:detail",
            "url_kwargs": {"public_id": str(locked.public_id)},
        },
    )
    return _refresh(proposal, locked)


# ---------------------------------------------------------------------------------------------
# Reading sealed content: every read and every refusal is recorded


def _record_access(proposal: Proposal, *, actor, action: str, payload: dict) -> None:
    with transaction.atomic():
        _event(proposal, actor=actor, action=action, payload=payload)


def _require_read(proposal: Proposal, *, actor, what: str, allowed: bool | None = None) -> None:
    """Record the read of ``what`` and return, or record the refusal and raise.

    ``allowed`` defaults to the ``proposal:read`` rule; callers narrow it (the draft is for
    members only). A refused caller answers 404: the attempt learns nothing, not even whether
    the proposal exists.
    """
    if allowed is None:
        allowed = rules.can(actor, "proposal:read", proposal)
    authenticated = actor is not None and actor.is_authenticated
    _record_access(
        proposal,
        actor=actor if authenticated else None,
        action="proposal.read" if allowed else "proposal.read_refused",
        payload={"what": what},
    )
    if not allowed:
        raise PermissionDenied("proposal:read")


def _is_member(actor, proposal: Proposal) -> bool:
    from retos.proposals.permissions import is_company_member

    return is_company_member(actor, proposal)


@dataclass
class DraftView:
    sections: dict
    attachments: list[tuple[ProposalAttachment, str]] = field(default_factory=list)


def proposal_draft_read(*, proposal: Proposal, actor) -> DraftView:
    """The working draft and its attachments (with names), for the company's members only."""
    _require_read(proposal, actor=actor, what="draft", allowed=_is_member(actor, proposal))
    envelope = _envelope(proposal)
    return DraftView(
        sections=_draft_sections(proposal, envelope),
        attachments=[(a, _attachment_name(a, envelope)) for a in _current_attachments(proposal)],
    )


def counted_version(proposal: Proposal) -> ProposalVersion | None:
    """The version that counts: the last one submitted (none if withdrawn or never submitted)."""
    if proposal.status != Status.SUBMITTED:
        return None
    return proposal.versions.order_by("-number").first()


def needs_reconfirmation(proposal: Proposal) -> bool:
    """A submitted proposal whose counted version confirmed older terms than the current ones
    (an amendment was published after it): it must be submitted again before the deadline."""
    version = counted_version(proposal)
    return reconfirmation_due(
        status=proposal.status,
        last_terms_version=version.terms_version if version else None,
        current=terms_version(proposal.challenge),
    )


def proposal_version_read(
    *, version: ProposalVersion, actor, permission: str = "proposal:read"
) -> dict:
    """A submitted version's canonical content, as a dict. Members read any of their versions;
    after the opening act the body's officials read the version that counts.

    ``permission`` names the rule that lets ``actor`` in: ``proposal:read`` (the company and
    the body), or ``evaluation:read_proposal`` (an assigned, non-recused evaluator, during
    their round). Anyone who is not a member reads only the version that counts."""
    proposal = version.proposal
    allowed = rules.can(actor, permission, proposal)
    if allowed and not _is_member(actor, proposal):
        counted = counted_version(proposal)
        allowed = counted is not None and counted.pk == version.pk
    # Checked in full before recording, so a refused read is recorded as refused.
    _require_read(proposal, actor=actor, what=f"version:{version.number}", allowed=allowed)
    return json.loads(
        _envelope(proposal).unseal(bytes(version.content), f"version:{version.number}")
    )


def attachment_read(
    *, attachment: ProposalAttachment, actor, permission: str = "proposal:read"
) -> tuple[str, bytes]:
    """An attachment's name and plaintext bytes. After opening, officials may read only the
    attachments of the version that counts. ``permission`` as for ``proposal_version_read``."""
    proposal = attachment.proposal
    allowed = rules.can(actor, permission, proposal)
    if allowed and not _is_member(actor, proposal):
        counted = counted_version(proposal)
        allowed = counted is not None and attachment.pk in {
            a["attachment"] for a in counted.attachments
        }
    _require_read(proposal, actor=actor, what=f"attachment:{attachment.public_id}", allowed=allowed)
    envelope = _envelope(proposal)
    with attachment.file.open("rb") as handle:
        sealed = handle.read()
    return (
        _attachment_name(attachment, envelope),
        envelope.unseal(sealed, f"attachment:{attachment.public_id}"),
    )


@dataclass(frozen=True)
class VersionCheck:
    content_ok: bool
    attachments_ok: list[bool]

    @property
    def ok(self) -> bool:
        return self.content_ok and all(self.attachments_ok)


def version_verify(version: ProposalVersion) -> VersionCheck:
    """Recompute a receipt's digests from what is stored. Any change to the stored content or
    files (or to the digests) makes it fail. Reveals nothing but the booleans."""
    proposal = version.proposal
    envelope = _envelope(proposal)
    try:
        canonical = envelope.unseal(bytes(version.content), f"version:{version.number}")
        content_ok = sections_content.sha256_hex(canonical) == version.content_sha256
    except SealBroken:
        content_ok = False
    by_id = {
        a.pk: a
        for a in proposal.attachments.filter(pk__in=[a["attachment"] for a in version.attachments])
    }
    results = []
    for listed in version.attachments:
        attachment = by_id.get(listed["attachment"])
        try:
            with attachment.file.open("rb") as handle:
                data = envelope.unseal(handle.read(), f"attachment:{attachment.public_id}")
            results.append(
                sections_content.sha256_hex(data) == listed["sha256"] == attachment.sha256
            )
        except (SealBroken, OSError, AttributeError):
            results.append(False)
    return VersionCheck(content_ok=content_ok, attachments_ok=results)


# ---------------------------------------------------------------------------------------------
# The opening act


def _opening_window():
    from datetime import timedelta

    return timedelta(minutes=settings.RETOS_OPENING_CONFIRM_MINUTES)


def _act_entries(challenge: Challenge) -> tuple[list[dict], int]:
    """Open every counted proposal (the act itself is the authority) and list what the act
    publishes: company, RFC, folio, time of receipt, price, licence and digests."""
    entries = []
    current_terms = terms_version(challenge)
    proposals = (
        Proposal.objects.filter(challenge=challenge)
        .in_opening()
        .select_related("company")
        .prefetch_related(
            Prefetch("versions", queryset=ProposalVersion.objects.order_by("-number"))
        )
        .order_by("submitted_at", "id")
    )
    for proposal in proposals:
        # The version that counts is the last (see counted_version), read from the prefetch.
        version = proposal.versions.all()[0]
        document = json.loads(
            _envelope(proposal).unseal(bytes(version.content), f"version:{version.number}")
        )
        entries.append(
            {
                "proposal": str(proposal.public_id),
                "company": proposal.company.name,
                "rfc": proposal.company.rfc,
                "folio": version.folio,
                "version": version.number,
                "received_at": version.received_at.isoformat(),
                "price": document["sections"]["price"],
                "licence": document["sections"]["licence"],
                "content_sha256": version.content_sha256,
                "attachments": [
                    {"sha256": a["sha256"], "size": a["size"]} for a in version.attachments
                ],
                "terms_version": version.terms_version,
                "reconfirmed": version.terms_version == current_terms,
            }
        )
    withdrawn = Proposal.objects.filter(challenge=challenge, status=Status.WITHDRAWN).count()
    return entries, withdrawn


def act_digest(act: OpeningAct) -> str:
    return sections_content.sha256_hex(sections_content.act_document_bytes(act))


@transaction.atomic
def opening_confirm(*, challenge: Challenge, actor) -> OpeningAct:
    """One opening officer's confirmation of the opening act.

    The first confirmation is recorded and waits; a second, by a *different* opening officer
    of the body within ``RETOS_OPENING_CONFIRM_MINUTES``, opens the proposals: the challenge
    moves to "opened", every counted proposal is listed in the act, and the act is published.
    A first confirmation that has lapsed is replaced by the new one. One person alone, or the
    same person twice, can never open.
    """
    from retos.challenges.services import _record_close, _transition

    locked = Challenge.objects.select_for_update().select_related("body").get(pk=challenge.pk)
    rules.require(actor, "proposal:confirm_opening", locked)
    if locked.stage == Stage.PUBLISHED:
        # Closed by the deadline, not yet recorded: the ledger tells the close first.
        _record_close(locked, actor=None)
    now = timezone.now()
    act = OpeningAct.objects.select_for_update().filter(challenge=locked).first()
    if act is not None and act.is_open:
        raise DomainError(_("The proposals are already open."), code="already_open")
    if act is None or act.first_confirmed_at + _opening_window() < now:
        lapsed = act is not None
        if act is None:
            act = OpeningAct(challenge=locked)
        act.first_officer = actor
        act.first_confirmed_at = now
        act.save()
        event_record(
            actor=actor,
            action="challenge.opening_confirmed",
            subject=locked,
            payload={"confirmation": 1, "replaces_lapsed": lapsed},
            occurred_at=now,
        )
        return act
    if act.first_officer_id == actor.pk:
        raise DomainError(
            _(
                "You already confirmed the opening. A second opening officer of the body must "
                "confirm it before %(deadline)s."
            )
            % {
                "deadline": format_datetime(
                    act.first_confirmed_at + _opening_window(), locked.body.time_zone
                )
            },
            code="same_officer",
        )
    event_record(
        actor=actor,
        action="challenge.opening_confirmed",
        subject=locked,
        payload={"confirmation": 2},
        occurred_at=now,
    )
    _transition(
        challenge=locked,
        actor=actor,
        target=Stage.OPENED,
        payload={"first_officer": act.first_officer.display_name},
    )
    act.second_officer = actor
    act.opened_at = locked.opened_at
    act.entries, act.withdrawn_count = _act_entries(locked)
    act.proposals_count = len(act.entries)
    act.sha256 = act_digest(act)
    act.save()
    event_record(
        actor=actor,
        action="challenge.opening_act_published",
        subject=locked,
        payload={
            "proposals_count": act.proposals_count,
            "withdrawn_count": act.withdrawn_count,
            "sha256": act.sha256,
            "officers": [act.first_officer.display_name, actor.display_name],
        },
        occurred_at=locked.opened_at,
    )
    challenge.stage = locked.stage
    challenge.opened_at = locked.opened_at
    challenge.closed_at = locked.closed_at
    return act


# ---------------------------------------------------------------------------------------------
# Admissibility


@transaction.atomic
def proposal_admissibility_set(
    *, proposal: Proposal, actor, admissible: bool, reason: str = ""
) -> Proposal:
    """Mark an opened proposal admissible or not. Not admissible needs a reason (a missing
    requirement, an ineligible company); the company is told, and the decision shows on its
    proposal page. A decision may be changed while the challenge is in "opened"; each change
    is recorded."""
    locked = _lock(proposal)
    rules.require(actor, "proposal:decide_admissibility", locked)
    reason = (reason or "").strip()
    if not admissible and not reason:
        raise DomainError(
            _("Say why the proposal is not admissible; the company will read it."),
            code="reason_required",
        )
    if len(reason) > 2000:
        raise DomainError(_("The reason has at most 2,000 characters."), code="too_long")
    now = timezone.now()
    locked.admissibility = Admissibility.ADMISSIBLE if admissible else Admissibility.INADMISSIBLE
    locked.admissibility_reason = reason
    locked.admissibility_decided_at = now
    locked.admissibility_decided_by = actor
    locked.save(
        update_fields=[
            "admissibility",
            "admissibility_reason",
            "admissibility_decided_at",
            "admissibility_decided_by",
        ]
    )
    # After the opening act, bidders are public; the decision is too.
    event_record(
        actor=actor,
        action="proposal.admissibility",
        subject=locked,
        payload={
            "challenge": locked.challenge_id,
            "company": locked.company.name,
            "admissible": admissible,
            "reason": reason,
        },
        public=True,
        occurred_at=now,
    )
    _notify_company(
        locked,
        kind="proposal_admissibility",
        context={
            "admissible": admissible,
            "reason": reason,
            "url_name": "proposals:detail",
            "url_kwargs": {"public_id": str(locked.public_id)},
        },
    )
    return _refresh(proposal, locked)
