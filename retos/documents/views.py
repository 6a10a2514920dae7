import unicodedata
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.core.errors import DomainError
from retos.documents import selectors, services
from retos.documents.forms import ChallengeDocumentForm
from retos.documents.models import ChallengeDocument


@login_required
@require_http_methods(["GET", "POST"])
def challenge_documents(request, slug):
    """The documents of a draft challenge: the list, a form to add one, a button to remove."""
    challenge = selectors.challenge_for_documents(request.user, slug)
    form = ChallengeDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.challenge_document_add(
                challenge=challenge,
                actor=request.user,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_error("title" if exc.code.startswith("title") else "file", exc.message)
        else:
            messages.success(
                request, _("“%(title)s” was added to the challenge.") % {"title": link.title}
            )
            return redirect("documents:challenge_documents", slug=challenge.slug)
    return render(
        request,
        "documents/challenge_documents.html",
        {
            "challenge": challenge,
            "form": form,
            "documents": selectors.public_documents(challenge),
        },
    )


@login_required
@require_POST
def challenge_document_remove(request, slug, pk):
    challenge = selectors.challenge_for_documents(request.user, slug)
    link = get_object_or_404(ChallengeDocument, pk=pk, challenge=challenge)
    try:
        services.challenge_document_remove(challenge_document=link, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("“%(title)s” was removed from the challenge. The file is kept in the record.")
            % {"title": link.title},
        )
    return redirect("documents:challenge_documents", slug=challenge.slug)


def _ascii_fallback(name: str) -> str:
    """A plain-ASCII version of the name for clients that ignore ``filename*``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = "".join(c if c.isprintable() and c not in '"\\;' else "_" for c in plain)
    return plain.strip() or "documento"


def content_disposition(name: str) -> str:
    """``attachment`` with the name in ASCII and, exactly, in UTF-8 (RFC 6266 and 5987)."""
    return (
        f"attachment; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


@require_safe
def download(request, pk, sha256):
    """Serve a document as an attachment, if it belongs to a challenge the user may see."""
    document, challenge = selectors.document_for_download(request.user, pk, sha256)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = content_disposition(document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    if not challenge.is_public:
        # A draft's documents must not stay in shared caches.
        response["Cache-Control"] = "private, no-store"
    return response
