"""Reads of documents for pages and downloads. Each runs a fixed number of queries."""

from __future__ import annotations

from django.http import Http404

from retos.challenges.models import Challenge
from retos.challenges.selectors import challenge_for_view
from retos.core import rules
from retos.documents.models import ChallengeDocument, Document


def public_documents(challenge: Challenge) -> list[ChallengeDocument]:
    """The documents of ``challenge``, in order, with their files' facts (one query).

    The caller has already decided the challenge is visible (``challenge:view``).
    """
    return list(
        ChallengeDocument.objects.filter(challenge=challenge)
        .select_related("document")
        .order_by("position", "id")
    )


def challenge_for_documents(user, slug: str) -> Challenge:
    """The challenge whose documents ``user`` may change; the same 404 whether it is missing,
    invisible, or visible but not editable by this user (or no longer a draft)."""
    challenge = challenge_for_view(user, slug)
    if not rules.can(user, "challenge:edit", challenge):
        raise Http404
    return challenge


def document_for_download(user, pk: int, sha256: str) -> tuple[Document, Challenge]:
    """The document if it belongs to a challenge ``user`` may see, with that challenge.

    Both the id and the digest must match, so an address cannot be guessed from an id. A
    document that no visible challenge links (a draft's, a removed one, or one attached to
    something else, such as a sealed proposal) gives the same 404 as a missing one.
    """
    links = (
        ChallengeDocument.objects.filter(document_id=pk, document__sha256=sha256)
        .select_related("document", "challenge", "challenge__body")
        .order_by("id")
    )
    for link in links:
        if rules.can(user, "challenge:view", link.challenge):
            return link.document, link.challenge
    raise Http404
