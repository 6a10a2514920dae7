"""Every write to documents. Nothing submitted is ever lost: services add documents and links,
and remove links, but never a document or its file."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from retos.challenges.models import Challenge
from retos.core import rules
from retos.core.errors import DomainError
from retos.documents.models import ChallengeDocument, Document
from retos.documents.validation import DEFAULT_KINDS, Kind, ValidatedUpload, validate_upload
from retos.ledger.services import event_record


def _store(file, upload: ValidatedUpload) -> str:
    """Put the file in storage under its digest and return the stored name.

    Identical content maps to the same name and is stored once. If a file already sits there
    with another size (a write cut short), the storage picks a fresh name beside it.
    """
    storage = Document._meta.get_field("file").storage
    name = upload.storage_name
    if storage.exists(name) and storage.size(name) == upload.size:
        return name
    file.seek(0)
    return storage.save(name, file)


def document_create(
    *, file, uploaded_by, kinds: Iterable[str | Kind] = DEFAULT_KINDS, name: str | None = None
) -> Document:
    """Check ``file`` (see ``validation.validate_upload``), store it and record its row.

    A building block for other services (challenge documents, proposal attachments, complaint
    evidence): it checks no permission and records no ledger event, because what may be
    uploaded, and whether the fact is public, depends on where the document goes. The caller
    does both, in its own transaction. Raises ``DomainError`` when the file is refused.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document_create runs inside the calling service's transaction")
    upload = validate_upload(file, name=name, kinds=kinds)
    return Document.objects.create(
        file=_store(file, upload),
        original_name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=uploaded_by,
        uploaded_at=timezone.now(),
    )


def _document_payload(link: ChallengeDocument) -> dict:
    document = link.document
    return {
        "challenge_document": link.pk,
        "document": document.pk,
        "title": link.title,
        "file_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "position": link.position,
    }


def _clean_title(title: str | None, fallback: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        # Without a title, the file name (less its extension) says what the document is.
        title = fallback.rpartition(".")[0] or fallback
    if len(title) > 200:
        raise DomainError(
            _("The title is too long: use at most 200 characters."), code="title_too_long"
        )
    return title


@transaction.atomic
def challenge_document_add(
    *, challenge: Challenge, actor, file, title: str = "", allow_published: bool = False
) -> ChallengeDocument:
    """Attach an uploaded file to a challenge, last in its list.

    On a draft, officials and approvers of the body may (``challenge:edit``). A published
    challenge changes only through amendments: the amendment service passes
    ``allow_published=True``, which also lets ``documents:add_by_amendment`` through
    (officials and approvers of the body while the challenge is published and taking
    proposals), and records its own amendment event beside the public one written here. An
    empty ``title`` falls back to the file name.
    """
    locked = Challenge.objects.select_for_update().select_related("body").get(pk=challenge.pk)
    if not (allow_published and rules.can(actor, "documents:add_by_amendment", locked)):
        rules.require(actor, "challenge:edit", locked)
    document = document_create(file=file, uploaded_by=actor)
    last = locked.documents.aggregate(last=Max("position"))["last"]
    link = ChallengeDocument.objects.create(
        challenge=locked,
        document=document,
        title=_clean_title(title, document.original_name),
        position=0 if last is None else last + 1,
        added_by=actor,
        added_at=document.uploaded_at,
    )
    event_record(
        actor=actor,
        action="challenge.document_added",
        subject=locked,
        payload=_document_payload(link),
        # The documents of a draft are the agency's business until publication.
        public=locked.is_public_at(timezone.now()),
    )
    return link


@transaction.atomic
def challenge_document_remove(*, challenge_document: ChallengeDocument, actor) -> None:
    """Take a document off a draft challenge (``challenge:edit``).

    Only the link goes: the document and its file stay, and the ledger keeps both the addition
    and the removal, with the document's digest.
    """
    locked = Challenge.objects.select_for_update().get(pk=challenge_document.challenge_id)
    rules.require(actor, "challenge:edit", locked)
    link = (
        ChallengeDocument.objects.select_related("document")
        .filter(pk=challenge_document.pk, challenge=locked)
        .first()
    )
    if link is None:
        raise DomainError(
            _("This document was already removed from the challenge."), code="already_removed"
        )
    payload = _document_payload(link)
    link.delete()
    event_record(
        actor=actor,
        action="challenge.document_removed",
        subject=locked,
        payload=payload,
        public=locked.is_public_at(timezone.now()),
    )
